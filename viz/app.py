"""``solara run viz/app.py`` from a checkout: the app lives in :mod:`cwbsim.viz.app`."""

from cwbsim.viz.app import Page, page  # noqa: F401
