"""The cwbsim browser app: ``cwbsim app``, or ``solara run cwbsim.viz.app``.

Three views share one model per browser session: **Explore** (Mesa's
SolaraViz for play, step, reset and the levers; our cards for the headline
metrics, time series, Sankey, flow network and downloads), **Compare** (the scenario
in force against its base economy over paired seeds) and **Spend file**
(upload and analyse a spend file). The economy and scenario (built in, or an
uploaded scenario file) are chosen outside SolaraViz, so that choosing a
scenario sets the levers to its values.
"""

from __future__ import annotations

import sys

import solara
from mesa.visualization import SolaraViz

from cwbsim.model.errors import InputError
from cwbsim.model.spec import builtin_specs
from cwbsim.scenarios.schema import builtin_scenarios
from cwbsim.viz import components
from cwbsim.viz.explorer import (
    DEFAULT_ECONOMY,
    DEFAULT_SCENARIO,
    ExplorerEconomy,
    parse_uploaded_scenario,
)
from cwbsim.viz.levers import model_params
from cwbsim.viz.uploads import check_upload

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
        **model_params(model.plan),
    }


def _scenario_receiver(uploaded, scenario, problem):
    def on_file(file: dict) -> None:
        try:
            upload = check_upload(file["name"], int(file["size"]), file["file_obj"], (".toml",))
            try:
                text = upload.data.decode("utf-8-sig")
            except UnicodeDecodeError as error:
                raise InputError(
                    f"{upload.name}: byte {error.start} is not UTF-8 (expected a UTF-8 TOML file)"
                ) from None
            parse_uploaded_scenario(text, upload.name)
        except InputError as error:
            problem.set(str(error))
            return
        except Exception as error:  # a transfer that broke off must not reach the server log
            problem.set(f"{file.get('name', 'upload')}: upload failed ({error})")
            return
        problem.set(None)
        uploaded.set((upload.name, text))
        scenario.set(UPLOADED + upload.name)

    return on_file


@solara.component
def Page():
    """The whole app."""
    economy = solara.use_reactive(DEFAULT_ECONOMY)
    scenario = solara.use_reactive(DEFAULT_SCENARIO)
    view = solara.use_reactive(VIEWS[0])
    uploaded = solara.use_reactive(None)  # (file name, text) of an uploaded scenario
    problem = solara.use_reactive(None)

    def build() -> ExplorerEconomy:
        if scenario.value.startswith(UPLOADED) and uploaded.value:
            name, text = uploaded.value
            return ExplorerEconomy(
                economy.value, scenario.value, scenario_text=text, scenario_file=name
            )
        return ExplorerEconomy(economy.value, scenario.value)

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
        components.FilePick(
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
            components.ExplorerView(current)
        elif view.value == "Compare":
            components.ComparePanel(current).key(f"compare-{id(current)}")
        else:
            components.SpendPanel()


page = Page
