"""The words of ``docs/validation.md``: plain names, the published figures, and diagnoses.

A diagnosis is printed only for an outcome the model misses (``validation_report``).
"""

from __future__ import annotations

LABELS = {
    "anchor_spend_local": "Spend with Preston suppliers",
    "anchor_spend_region": "Spend with Lancashire suppliers (Preston included)",
    "anchor_spend": "All procurement",
    "local_share": "Preston share",
    "region_share": "Lancashire share (Preston included)",
    "council_local_share": "Preston City Council's own Preston share, 2016/17",
    "median_wage": "Median wage of jobs in Preston, change",
    "local_jobs": "Jobs in Preston, change",
    "employment_rate": "Residents' employment rate, change",
    "living_wage_workers": "Workers paid the living wage by the anchors and their suppliers",
}
REPORTED_TEXT = {
    "anchor_spend_local": "£112.3m",
    "anchor_spend_region": "£488.7m",
    "anchor_spend": "about £617m",
    "local_share": "18.2%",
    "region_share": "79.2%",
    "council_local_share": "28%",
    "median_wage": "+11% (credible interval +1.8% to +18.9%)",
    "local_jobs": "no significant effect",
    "employment_rate": "no significant effect",
    "living_wage_workers": "about 4,000 more (2012/13 to 2018)",
}

DIAGNOSES = {
    "council_local_share_high": (
        "Preston City Council's own share: the model gives the cohort's one policy to every "
        "anchor, and a tender's odds of a Preston winner are multiplied by the same factor "
        "for each, so an anchor starting with more Preston suppliers (the City Council: 14% "
        "against the cohort's 5%) gains more points than the cohort; in fact the City "
        "Council gained 14 points and the cohort 13. A per-anchor weight would be one more "
        "free parameter with no more targets to fit it."
    ),
    "council_local_share_low": (
        "Preston City Council's own share: the model gives the cohort's one policy to every "
        "anchor, fitted mostly to the County Council's 60% of the spend, so an anchor that "
        "went further than the cohort (the City Council doubled its share) is not followed; "
        "a per-anchor weight would be one more free parameter with no more targets."
    ),
    "median_wage": (
        "Median wage: wages in the model change only through the living-wage floor, local "
        "hiring and who holds which job. There is no wage bargaining, no tightening labour "
        "market pushing pay up and no change in the mix of better-paid jobs, which is where "
        "a +11% median rise would have to come from; the floor lifts pay below the median."
    ),
    "living_wage_workers": (
        "Living-wage workers: the model counts jobs paid exactly the floor by the anchors "
        "and their current suppliers; Preston's figure counts employees of every accredited "
        "employer, and accreditation spread beyond the anchors' supply chains."
    ),
    "local_jobs": (
        "Jobs: the model turns every extra £ of local demand into jobs at its sector's output "
        "per job, after a lag; a synthetic-control study can miss an effect this size."
    ),
    "employment_rate": (
        "Employment: more local jobs lower unemployment among residents in the model; "
        "the study found no significant effect on employment."
    ),
}
