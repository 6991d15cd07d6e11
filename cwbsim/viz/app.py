"""The cwbsim browser app: ``cwbsim app``, or ``solara run cwbsim.viz.app``.

Three views share one model per browser session: **Explore** (Mesa's
SolaraViz for play, step, reset and the levers; our cards for the headline
metrics, time series, Sankey, flow network and downloads), **Compare** (the scenario
in force against its base economy over paired seeds) and **Spend file**
(upload and analyse a spend file). The economy and scenario (built in, or an
uploaded scenario file) are chosen outside SolaraViz, so that choosing a
scenario sets the levers to its values. The areas the model records come from
``cwbsim app --area`` (:data:`~cwbsim.viz.areas.AREAS_ENV`), else the economy's
``report``; when there are several, Explore and Compare share the one chosen.
"""

from __future__ import annotations

import os
import sys

import solara
from mesa.visualization import SolaraViz

from cwbsim.model.errors import InputError
from cwbsim.model.spec.files import builtin_specs, decode_toml
from cwbsim.scenarios.schema import builtin_scenarios
from cwbsim.viz.areas import AREAS_ENV, parse_app_areas
from cwbsim.viz.compare_view import ComparePanel
from cwbsim.viz.explorer import (
    DEFAULT_ECONOMY,
    DEFAULT_SCENARIO,
    ExplorerEconomy,
    parse_uploaded_scenario,
)
from cwbsim.viz.explorer_view import ExplorerView
from cwbsim.viz.levers import model_params
from cwbsim.viz.spend_view import SpendPanel
from cwbsim.viz.widgets import FilePick, upload_receiver

VIEWS = ["Explore", "Compare", "Spend file"]


def _warn_if_assets_missing() -> None:
    """``cwbsim app`` refuses to start without the offline assets; ``solara run`` only warns."""
    from cwbsim.viz.assets import cache_folder, missing_assets

    missing = missing_assets()
    if missing:
        print(
            f"warning: {cache_folder()}: Solara assets missing ({', '.join(a.folder for a in missing)});"
            " the page will not render offline until `cwbsim assets` has run",
            file=sys.stderr,
        )


_warn_if_assets_missing()


def _app_areas() -> tuple[list[str] | None, dict]:
    """The areas ``cwbsim app --area`` asked for (it checks them); a hand-set bad value warns."""
    try:
        return parse_app_areas(os.environ.get(AREAS_ENV))
    except InputError as error:
        print(f"warning: {error}; the app records each economy's own areas", file=sys.stderr)
        return None, {}


AREAS, AREA_GROUPS = _app_areas()

UPLOADED = "uploaded: "
"""Prefix of an uploaded scenario's entry in the scenario list."""


def explorer_params(model: ExplorerEconomy) -> dict:
    """SolaraViz model parameters: the seed, the fixed choices and the levers in force."""
    return {
        "rng": {"type": "InputText", "value": str(model.seed), "label": "Seed"},
        "economy": model.economy_name,
        "scenario_name": model.scenario_name,
        "scenario_text": model.scenario_text,
        "scenario_file": model.scenario_file,
        "areas": model.areas_asked,
        "area_groups": model.area_groups,
        **model_params(model.plan),
    }


def _scenario_receiver(uploaded, scenario, problem):
    def convert(upload) -> tuple[str, str]:
        text = decode_toml(upload.data, upload.name)
        parse_uploaded_scenario(text, upload.name)
        return upload.name, text

    def use(named: tuple[str, str]) -> None:
        uploaded.set(named)
        scenario.set(UPLOADED + named[0])

    return upload_receiver((".toml",), problem.set, use, convert)


@solara.component
def Page():
    """The whole app."""
    economy = solara.use_reactive(DEFAULT_ECONOMY)
    scenario = solara.use_reactive(DEFAULT_SCENARIO)
    view = solara.use_reactive(VIEWS[0])
    uploaded = solara.use_reactive(None)  # (file name, text) of an uploaded scenario
    problem = solara.use_reactive(None)
    area = solara.use_reactive(None)  # the recorded area shown (None: the headline view)

    def build() -> ExplorerEconomy:
        where = {"areas": AREAS, "area_groups": AREA_GROUPS}
        if scenario.value.startswith(UPLOADED) and uploaded.value:
            name, text = uploaded.value
            return ExplorerEconomy(
                economy.value, scenario.value, scenario_text=text, scenario_file=name, **where
            )
        return ExplorerEconomy(economy.value, scenario.value, **where)

    built = solara.use_memo(build, [economy.value, scenario.value, uploaded.value])
    model = solara.use_reactive(built)
    current = model.value

    solara.Title("cwbsim")
    if view.value != "Explore":  # SolaraViz sets the title bar in the Explore view
        with solara.AppBar():
            solara.AppBarTitle("cwbsim: community wealth building")
    with solara.Sidebar(), solara.Card("Economy and scenario"):
        solara.Select("Base economy", values=builtin_specs(), value=economy)
        choices = builtin_scenarios() + ([UPLOADED + uploaded.value[0]] if uploaded.value else [])
        solara.Select("Scenario", values=choices, value=scenario)
        FilePick(
            "or drop a scenario file (.toml)",
            ".toml",
            _scenario_receiver(uploaded, scenario, problem),
        )
        if problem.value:
            solara.Error(problem.value, classes=["cwb-scenario-error"])
        solara.Markdown(
            "Choosing a scenario sets the levers to its values. Move levers, then **Reset** "
            "to apply them."
        )
    with solara.Column(style={"width": "100%"}):
        solara.ToggleButtonsSingle(value=view, values=VIEWS, classes=["cwb-views"])
        if view.value == "Explore":
            SolaraViz(
                model,
                components=[],  # the cards are laid out by ExplorerView, below
                model_params=explorer_params(current),
                name="cwbsim: community wealth building",
                play_interval=150,
            ).key(f"viz-{economy.value}-{scenario.value}-{id(built)}")
            ExplorerView(current, area)
        elif view.value == "Compare":
            ComparePanel(current, area).key(f"compare-{id(current)}")
        else:
            SpendPanel()


page = Page
