"""Shared tolerances and fixtures.

Tolerance tiers, kept in one place (see STYLE.md):
- ACCOUNTING: money conserved to 1e-9 of the total;
- ENGINES: vectorised and reference engines agree to 1e-9 relative;
- ANALYTIC: simulated values against closed forms (I - P)^-1, to 1e-6;
- SEEDED: a run repeated with the same seed, to 1e-12 (in fact identical).
"""

import pytest

ACCOUNTING = 1e-9
ENGINES = 1e-9
ANALYTIC = 1e-6
SEEDED = 1e-12


@pytest.fixture(scope="session")
def preston_spec():
    from cwbsim.model.spec import load_spec

    return load_spec("preston-2012")
