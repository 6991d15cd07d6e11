"""Matching payee names to the company index: by number, by exact key, then fuzzily.

In turn, for each distinct payee:

1. its company number, where the spend file has one;
2. the exact key of its name (:func:`cwbsim.calibration.names.key`), of its legal name
   without boilerplate, and of its trading name (``X T/A Y``);
3. a fuzzy match within its block (companies whose key starts with the same four
   letters or digits): the better of ``rapidfuzz``'s token-sort ratio of the keys and
   its plain ratio of the keys without spaces (``EzCCTV.com`` / ``EzCCTVcom``), or 95
   where the payee's canonical name is the start of a company's, 20 characters or
   more (names cut short by a spend file's column width).

A fuzzy match is accepted when it scores at least ``threshold`` (90) and beats the
next best company by ``margin`` (4 points) unless both are in the same district (the
place is what the analysis needs). Below that, a best guess scoring 80 or more is
listed for review and never accepted. Where several companies share a key, an active
one is preferred to a dissolved one; if they are equally live but in different
districts, the match is for review. A group and its subsidiary (``ACME GROUP`` and
``ACME``) have different keys; the margin rule refuses to choose between them by a
fuzzy score alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz, process

from cwbsim.calibration.company_index import CompanyIndex
from cwbsim.calibration.names import block, canonical, key

THRESHOLD = 90.0
MARGIN = 4.0
REVIEW = 80.0
PREFIX_LENGTH = 20
PREFIX_SCORE = 95.0
COLUMNS = ["supplier", "number", "company", "district", "section", "category", "status",
           "method", "score", "confidence", "source"]  # fmt: skip


@dataclass(frozen=True)
class Query:
    """One payee to match: the name as written, its cleaned legal and trading names."""

    supplier: str
    legal: str
    trading: str = ""
    number: str = ""


_DEAD = ("dissolved", "closed", "removed", "converted")


class _Rows:
    """Index rows as plain lists (fast to index one by one, unlike a data frame's rows)."""

    def __init__(self, frame: pd.DataFrame):
        self.columns = {c: frame[c].to_numpy(dtype=object) for c in frame.columns}
        self.size = len(frame)

    def __getitem__(self, name: str):
        return self.columns[name]

    def live(self, i: int) -> bool:
        return not any(w in str(self.columns["status"][i]).lower() for w in _DEAD)


def _pick(rows: _Rows, at: list[int]) -> tuple[int, str]:
    """One company among rows sharing a number or key: live first; review if places differ."""
    live = [i for i in at if rows.live(i)] or at
    places = {rows["district"][i] for i in live}
    return live[0], "high" if len(places) <= 1 else "review"


def _result(query: Query, rows: _Rows, i: int, method: str, score: float, confidence: str) -> dict:
    return {
        "supplier": query.supplier, "number": rows["number"][i], "company": rows["name"][i],
        "district": rows["district"][i] or None, "section": rows["section"][i] or None,
        "category": rows["category"][i], "status": rows["status"][i], "method": method,
        "score": float(score), "confidence": confidence, "source": rows["source"][i],
    }  # fmt: skip


def _positions(values) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for i, value in enumerate(values):
        out.setdefault(value, []).append(i)
    return out


def match_companies(
    queries: list[Query],
    index: CompanyIndex,
    threshold: float = THRESHOLD,
    margin: float = MARGIN,
) -> pd.DataFrame:
    """One row per query that found a company (accepted or for review), in ``COLUMNS``."""
    found: dict[str, dict] = {}
    numbered = [q for q in queries if q.number]
    if numbered and index:
        rows = _Rows(index.by_numbers({q.number for q in numbered}))
        at = _positions(rows["number"])
        for q in numbered:
            if q.number in at:
                i, confidence = _pick(rows, at[q.number])
                found[q.supplier] = _result(q, rows, i, "company number", 100, confidence)
    left = [q for q in queries if q.supplier not in found]
    keys = {q.supplier: [k for k in dict.fromkeys(key(n) for n in (q.supplier, q.legal,
                                                                   q.trading) if n) if k]
            for q in left}  # fmt: skip
    if left and index:
        rows = _Rows(index.by_keys({k for ks in keys.values() for k in ks}))
        at = _positions(rows["key"]) if rows.size else {}
        for q in left:
            for k in keys[q.supplier]:
                if k in at:
                    i, confidence = _pick(rows, at[k])
                    found[q.supplier] = _result(q, rows, i, "exact name", 100, confidence)
                    break
    left = [q for q in left if q.supplier not in found]
    if left and index:
        found |= _fuzzy(left, index, threshold, margin)
    return pd.DataFrame(list(found.values()), columns=COLUMNS)


def _fuzzy(queries: list[Query], index: CompanyIndex, threshold: float, margin: float) -> dict:
    """Blocked fuzzy matches: each block's queries against each block's companies at once."""
    texts = {q.supplier: (key(q.legal or q.supplier), canonical(q.legal or q.supplier))
             for q in queries}  # fmt: skip
    blocks: dict[str, list[Query]] = {}
    for q in queries:
        k = texts[q.supplier][0]
        if k:
            blocks.setdefault(block(k), []).append(q)
    candidates = index.in_blocks(set(blocks)).sort_values("block", kind="stable")
    rows = _Rows(candidates.reset_index(drop=True))
    if not rows.size:
        return {}
    names, starts = np.unique(rows["block"].astype(str), return_index=True)
    ends = np.append(starts[1:], rows.size)
    keys_all = rows["key"].astype(str)
    spaceless_all = np.char.replace(keys_all.astype("U"), " ", "")
    canonical_all = pa.array(rows["canonical"].tolist(), type=pa.string())
    numbers, districts = rows["number"], rows["district"]
    out: dict[str, dict] = {}
    for name, start, end in zip(names, starts, ends, strict=True):
        asked = blocks.get(name, [])
        if not asked:
            continue
        asked_keys = [texts[q.supplier][0] for q in asked]
        scores = np.maximum(
            process.cdist(asked_keys, keys_all[start:end].tolist(), scorer=fuzz.token_sort_ratio,
                          score_cutoff=REVIEW - 10, dtype=np.uint8, workers=-1),
            process.cdist([k.replace(" ", "") for k in asked_keys],
                          spaceless_all[start:end].tolist(), scorer=fuzz.ratio,
                          score_cutoff=REVIEW - 10, dtype=np.uint8, workers=-1),
        ).astype(float)  # fmt: skip
        block_canonical = canonical_array_slice(canonical_all, start, end)
        for i, q in enumerate(asked):
            text = texts[q.supplier][1]
            if len(text) >= PREFIX_LENGTH:
                prefix = pc.starts_with(block_canonical, pattern=text).to_numpy(
                    zero_copy_only=False
                )
                scores[i, prefix] = np.maximum(scores[i, prefix], PREFIX_SCORE)
            decided = _decide(q, scores[i], rows, start, numbers[start:end],
                              districts[start:end], threshold, margin)  # fmt: skip
            if decided:
                out[q.supplier] = decided
    return out


def canonical_array_slice(array: pa.Array, start: int, end: int) -> pa.Array:
    """A slice of an Arrow array (no copy)."""
    return array.slice(start, end - start)


def _decide(q, scores, rows, start, numbers, districts, threshold, margin) -> dict | None:
    best = int(np.argmax(scores))
    top = scores[best]
    if top < REVIEW:
        return None
    rivals = (scores >= top - margin) & (numbers != numbers[best])
    places = set(districts[rivals]) - {districts[best]}
    accepted = top >= threshold and not places
    method = "fuzzy name" if top != PREFIX_SCORE else "name cut short"
    return _result(q, rows, start + best, method, top, "high" if accepted else "review")
