"""The cwbsim browser app: ``cwbsim app``, or ``solara run cwbsim.viz.app``.

Three views share one model per browser session: **Explore** (Mesa's
SolaraViz for play, step, reset and the levers; our cards for the headline
metrics, time series, Sankey, flow network and downloads), **Compare** (the scenario
in force against its base economy over paired seeds) and **Spend file**
(upload and analyse a spend file). The economy and scenario are chosen
outside SolaraViz, so that choosing a scenario sets the levers to its values.
"""

from __future__ import annotations

import solara
from mesa.visualization import SolaraViz

from cwbsim.model.spec import builtin_specs
from cwbsim.scenarios.schema import builtin_scenarios
from cwbsim.viz import components
from cwbsim.viz.explorer import DEFAULT_ECONOMY, DEFAULT_SCENARIO, ExplorerEconomy
from cwbsim.viz.levers import model_params

VIEWS = ["Explore", "Compare", "Spend file"]


def explorer_params(model: ExplorerEconomy) -> dict:
    """SolaraViz model parameters: the seed, the fixed choices and the levers in force."""
    return {
        "rng": {"type": "InputText", "value": str(model.seed), "label": "Seed"},
        "economy": model.economy_name,
        "scenario_name": model.scenario_name,
        **model_params(model.plan),
    }


@solara.component
def Page():
    """The whole app."""
    economy = solara.use_reactive(DEFAULT_ECONOMY)
    scenario = solara.use_reactive(DEFAULT_SCENARIO)
    view = solara.use_reactive(VIEWS[0])
    built = solara.use_memo(
        lambda: ExplorerEconomy(economy.value, scenario.value), [economy.value, scenario.value]
    )
    model = solara.use_reactive(built)
    current = model.value

    solara.Title("cwbsim")
    if view.value != "Explore":  # SolaraViz sets the title bar in the Explore view
        with solara.AppBar():
            solara.AppBarTitle("cwbsim: community wealth building")
    with solara.Sidebar(), solara.Card("Economy and scenario"):
        solara.Select("Base economy", values=builtin_specs(), value=economy)
        solara.Select("Scenario", values=builtin_scenarios(), value=scenario)
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
            ).key(f"viz-{economy.value}-{scenario.value}")
            components.ExplorerView(current)
        elif view.value == "Compare":
            components.ComparePanel(current)
        else:
            components.SpendPanel()


page = Page
