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


def _pick(rows: list[int], live: np.ndarray, districts: np.ndarray) -> tuple[int, str]:
    """One company among rows sharing a number or key: live first; review if places differ."""
    at = np.asarray(rows)
    alive = at[live[at]]
    chosen = alive if len(alive) else at
    places = set(districts[chosen[:50]])
    return int(chosen[0]), "high" if len(places) <= 1 else "review"


def _live(status: pa.Array) -> np.ndarray:
    dead = pc.match_substring_regex(pc.utf8_lower(status), "|".join(_DEAD))
    return ~pc.fill_null(dead, False).to_numpy(zero_copy_only=False)


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
    """One row per query that found a company (accepted or for review), in ``COLUMNS``.

    The index is read twice: once for the light columns of every block a query's key
    falls in (exact and fuzzy matching both use them), once for the winners' details.
    """
    if not queries or not index:
        return pd.DataFrame(columns=COLUMNS)
    chosen: dict[str, tuple] = {}  # supplier -> (number, key, method, score, confidence)
    numbered = [q for q in queries if q.number]
    if numbered:
        light = index.light_table(numbers={q.number for q in numbered})
        at = _positions(light["number"].to_pylist())
        live, districts = _live(light["status"]), light["district"].to_numpy(zero_copy_only=False)
        for q in numbered:
            if q.number in at:
                i, confidence = _pick(at[q.number], live, districts)
                chosen[q.supplier] = (q.number, light["key"][i].as_py(), "company number", 100.0,
                                      confidence)  # fmt: skip
    left = [q for q in queries if q.supplier not in chosen]
    keys = {q.supplier: [k for k in dict.fromkeys(key(n) for n in (q.supplier, q.legal,
                                                                   q.trading) if n) if k]
            for q in left}  # fmt: skip
    light = index.light_table(blocks={block(k) for ks in keys.values() for k in ks})
    if light.num_rows:
        wanted = pa.array(sorted({k for ks in keys.values() for k in ks}), pa.string())
        hits = np.flatnonzero(pc.is_in(light["key"], value_set=wanted).to_numpy(
            zero_copy_only=False))  # fmt: skip
        at = {k: [int(hits[j]) for j in rows] for k, rows in
              _positions(light["key"].take(pa.array(hits)).to_pylist()).items()}  # fmt: skip
        live, districts = _live(light["status"]), light["district"].to_numpy(zero_copy_only=False)
        numbers = light["number"]
        for q in left:
            for k in keys[q.supplier]:
                if k in at:
                    i, confidence = _pick(at[k], live, districts)
                    chosen[q.supplier] = (numbers[i].as_py(), light["key"][i].as_py(),
                                          "exact name", 100.0, confidence)  # fmt: skip
                    break
        rest = [q for q in left if q.supplier not in chosen]
        chosen |= _fuzzy(rest, light, threshold, margin)
    details = index.details({number for number, *_ in chosen.values()})
    by_supplier = {q.supplier: q for q in queries}
    rows = [
        _result(by_supplier[s], details.get((number, k), {"number": number}), method, score,
                confidence)
        for s, (number, k, method, score, confidence) in chosen.items()
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=COLUMNS)


def _result(query: Query, row: dict, method: str, score: float, confidence: str) -> dict:
    return {
        "supplier": query.supplier, "number": row.get("number", ""),
        "company": row.get("name", ""), "district": row.get("district") or None,
        "section": row.get("section") or None, "category": row.get("category", ""),
        "status": row.get("status", ""), "method": method, "score": float(score),
        "confidence": confidence, "source": row.get("source", ""),
    }  # fmt: skip


def _fuzzy(queries: list[Query], table: pa.Table, threshold: float, margin: float) -> dict:
    """Blocked fuzzy matches: each block's queries against each block's companies at once.

    Candidates stay in Arrow columns; only one block at a time becomes Python strings.
    Returns supplier -> (number, key, method, score, confidence).
    """
    texts = {q.supplier: (key(q.legal or q.supplier), canonical(q.legal or q.supplier))
             for q in queries}  # fmt: skip
    blocks: dict[str, list[Query]] = {}
    for q in queries:
        k = texts[q.supplier][0]
        if k:
            blocks.setdefault(block(k), []).append(q)
    wanted = pa.array(sorted(blocks), pa.string())
    table = table.filter(pc.is_in(table["block"], value_set=wanted))
    if not blocks or not table.num_rows:
        return {}
    table = table.sort_by("block")
    codes = table["block"].combine_chunks().dictionary_encode()
    ids = codes.indices.to_numpy(zero_copy_only=False)
    starts = np.concatenate([[0], np.flatnonzero(np.diff(ids)) + 1])
    ends = np.append(starts[1:], len(ids))
    names = codes.dictionary.to_pylist()
    keys = table["key"].combine_chunks()
    all_keys = keys
    spaceless = pc.replace_substring(keys, " ", "")
    canon = table["canonical"].combine_chunks()
    numbers = table["number"].combine_chunks()
    districts = table["district"].combine_chunks()
    chosen: dict[str, tuple] = {}
    for start, end in zip(starts, ends, strict=True):
        asked = blocks.get(names[ids[start]], [])
        if not asked:
            continue
        length = int(end - start)
        asked_keys = [texts[q.supplier][0] for q in asked]
        scores = np.maximum(
            process.cdist(asked_keys, keys.slice(start, length).to_pylist(),
                          scorer=fuzz.token_sort_ratio, score_cutoff=REVIEW - 10, dtype=np.uint8,
                          workers=-1),
            process.cdist([k.replace(" ", "") for k in asked_keys],
                          spaceless.slice(start, length).to_pylist(), scorer=fuzz.ratio,
                          score_cutoff=REVIEW - 10, dtype=np.uint8, workers=-1),
        ).astype(float)  # fmt: skip
        block_canonical = canon.slice(start, length)
        block_numbers = numbers.slice(start, length).to_numpy(zero_copy_only=False)
        block_districts = districts.slice(start, length).to_numpy(zero_copy_only=False)
        for i, q in enumerate(asked):
            text = texts[q.supplier][1]
            if len(text) >= PREFIX_LENGTH:
                prefix = pc.starts_with(block_canonical, pattern=text).to_numpy(
                    zero_copy_only=False
                )
                scores[i, prefix] = np.maximum(scores[i, prefix], PREFIX_SCORE)
            decided = _decide(scores[i], block_numbers, block_districts, threshold, margin)
            if decided:
                best, top, confidence = decided
                method = "fuzzy name" if top != PREFIX_SCORE else "name cut short"
                chosen[q.supplier] = (block_numbers[best], all_keys[start + best].as_py(), method,
                                      top, confidence)  # fmt: skip
    return chosen


def _decide(scores, numbers, districts, threshold, margin) -> tuple[int, float, str] | None:
    """(best position, its score, confidence), or None below the review level."""
    best = int(np.argmax(scores))
    top = scores[best]
    if top < REVIEW:
        return None
    rivals = (scores >= top - margin) & (numbers != numbers[best])
    places = set(districts[rivals]) - {districts[best]}
    return best, float(top), "high" if top >= threshold and not places else "review"
