"""Shared tolerances and fixtures.

Tolerance tiers, kept in one place (see STYLE.md):
- ACCOUNTING: money conserved to 1e-9 of the total;
- ENGINES: vectorised and reference engines agree to 1e-9 relative;
- ANALYTIC: simulated values against closed forms (I - P)^-1, to 1e-6;
- SEEDED: a run repeated with the same seed, to 1e-12 (in fact identical).
"""

import os

import pytest

ACCOUNTING = 1e-9
ENGINES = 1e-9
ANALYTIC = 1e-6
SEEDED = 1e-12
STANDARD_ERRORS = 3.0
"""Statistical tier: a mean effect over seeds must be this many standard errors from zero."""


@pytest.fixture(scope="session")
def preston_spec():
    from cwbsim.model.spec.files import load_spec

    return load_spec("preston-2012")


@pytest.fixture(scope="session", autouse=True)
def user_data_folder(tmp_path_factory):
    """A fresh cwbsim data folder (postcode index, registers) for the session, not the user's."""
    folder = tmp_path_factory.mktemp("cwbsim-data")
    os.environ["CWBSIM_DATA_DIR"] = str(folder)
    return folder
