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


def _live(status: pd.Series) -> pd.Series:
    return ~status.fillna("").str.lower().str.contains("dissolved|closed|removed|converted")


def _pick(rows: pd.DataFrame) -> tuple[pd.Series, str]:
    """One company among rows sharing a number or key: live first; review if places differ."""
    live = rows[_live(rows["status"])]
    chosen = live if len(live) else rows
    confidence = "high" if chosen["district"].nunique() <= 1 else "review"
    return chosen.iloc[0], confidence


def _result(query: Query, row: pd.Series, method: str, score: float, confidence: str) -> dict:
    return {
        "supplier": query.supplier, "number": row["number"], "company": row["name"],
        "district": row["district"] or None, "section": row["section"] or None,
        "category": row["category"], "status": row["status"], "method": method,
        "score": float(score), "confidence": confidence, "source": row["source"],
    }  # fmt: skip


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
        rows = index.by_numbers({q.number for q in numbered})
        for q in numbered:
            hit = rows[rows["number"] == q.number]
            if len(hit):
                row, confidence = _pick(hit)
                found[q.supplier] = _result(q, row, "company number", 100, confidence)
    left = [q for q in queries if q.supplier not in found]
    keys = {q.supplier: [k for k in dict.fromkeys(key(n) for n in (q.supplier, q.legal,
                                                                   q.trading) if n) if k]
            for q in left}  # fmt: skip
    if left and index:
        rows = index.by_keys({k for ks in keys.values() for k in ks})
        by_key = {k: g for k, g in rows.groupby("key")} if len(rows) else {}
        for q in left:
            for k in keys[q.supplier]:
                if k in by_key:
                    row, confidence = _pick(by_key[k])
                    found[q.supplier] = _result(q, row, "exact name", 100, confidence)
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
    candidates = index.in_blocks(set(blocks))
    out: dict[str, dict] = {}
    for name, group in candidates.groupby("block", sort=False):
        asked = blocks.get(name, [])
        if not asked:
            continue
        group = group.reset_index(drop=True)
        asked_keys = [texts[q.supplier][0] for q in asked]
        company_keys = group["key"].tolist()
        scores = np.maximum(
            process.cdist(asked_keys, company_keys, scorer=fuzz.token_sort_ratio,
                          score_cutoff=REVIEW - 10, dtype=np.uint8, workers=-1),
            process.cdist([k.replace(" ", "") for k in asked_keys],
                          [k.replace(" ", "") for k in company_keys], scorer=fuzz.ratio,
                          score_cutoff=REVIEW - 10, dtype=np.uint8, workers=-1),
        ).astype(float)  # fmt: skip
        prefixes = group["canonical"].to_numpy(dtype=object)
        for i, q in enumerate(asked):
            text = texts[q.supplier][1]
            if len(text) >= PREFIX_LENGTH:
                starts = np.fromiter((c.startswith(text) for c in prefixes), bool, len(prefixes))
                scores[i, starts] = np.maximum(scores[i, starts], PREFIX_SCORE)
            out_row = _decide(q, scores[i], group, threshold, margin)
            if out_row:
                out[q.supplier] = out_row
    return out


def _decide(q: Query, scores: np.ndarray, group: pd.DataFrame, threshold, margin) -> dict | None:
    best = int(np.argmax(scores))
    top = scores[best]
    if top < REVIEW:
        return None
    rivals = (scores >= top - margin) & (group["number"].to_numpy() != group["number"].iloc[best])
    places = set(group["district"].to_numpy()[rivals]) - {group["district"].iloc[best]}
    accepted = top >= threshold and not places
    row = group.iloc[best]
    method = "fuzzy name" if top != PREFIX_SCORE else "name cut short"
    return _result(q, row, method, top, "high" if accepted else "review")
