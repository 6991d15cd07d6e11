"""The cwbsim browser app: ``cwbsim app``, or ``solara run cwbsim.viz.app``.

Views share one model per browser session. The page opens on **Preston's story**
(skippable: the 2012/13 baseline, what the anchors did, the model against the
published 2016/17 figures), then **Explore** (run controls always on
the page; the headline numbers with their change against the baseline, time
series, Sankey, flow network, downloads and glossary), **Compare** (scenarios
against the base economy over paired seeds) and **Spend file** (upload and
analyse a spend file). The side panel holds the choices: economy and scenario
(built in, saved in the scenario folder, or an uploaded file), the levers (a
draft until Apply), saving the scenario in force, and the Advanced settings
(seed, play speed). It is open on a wide screen and closed on a phone, where
the run controls stay reachable without it. The areas the model records come
from ``cwbsim app --area`` (:data:`~cwbsim.viz.areas.AREAS_ENV`), else the
economy's ``report``; when there are several, Explore and Compare share the one
chosen. The model is Mesa's (:class:`~cwbsim.viz.explorer.ExplorerEconomy`); the
page uses Solara directly rather than Mesa's SolaraViz, whose controls live in
the side panel (out of a phone's reach) and cannot be hidden from users.
"""

from __future__ import annotations

import os
import sys

import solara

from cwbsim.model.errors import InputError
from cwbsim.model.spec.files import builtin_specs, decode_toml
from cwbsim.scenarios.schema import builtin_scenarios
from cwbsim.viz.areas import AREAS_ENV, parse_app_areas
from cwbsim.viz.compare_view import ComparePanel
from cwbsim.viz.controls import PLAY_INTERVAL_MS, RunControls, Viewport, is_wide, window_width
from cwbsim.viz.explorer import (
    DEFAULT_ECONOMY,
    DEFAULT_SCENARIO,
    ExplorerEconomy,
    parse_uploaded_scenario,
)
from cwbsim.viz.explorer_view import ExplorerView
from cwbsim.viz.lever_panel import LeverPanel
from cwbsim.viz.levers import lever_values
from cwbsim.viz.saved import (
    SAVED_PREFIX,
    check_name,
    save_scenario,
    saved_scenarios,
    scenario_toml,
)
from cwbsim.viz.spend_view import SpendPanel
from cwbsim.viz.story import PrestonStory
from cwbsim.viz.widgets import FilePick, safe, upload_receiver

STORY = "Preston's story"
VIEWS = [STORY, "Explore", "Compare", "Spend file"]
"""The views, in the toggle's order; the page opens on the first (skippable)."""
VIEW_QUERY = {"story": STORY, "explore": "Explore", "compare": "Compare", "spend": "Spend file"}
"""``?view=`` values that open the page on another view (a bookmark past the story)."""


def first_view(search: str | None) -> str:
    """The view the page opens on: ``?view=explore`` and the like, else the story."""
    from urllib.parse import parse_qs

    asked = parse_qs(search or "").get("view", [""])[0].lower()
    return VIEW_QUERY.get(asked, STORY)


PAGE_CSS = """
.v-navigation-drawer { max-width: 100vw !important; }
@media (max-width: 600px) {
  .v-navigation-drawer { min-width: 0 !important; width: 85vw !important; }
  .solara-content-main { padding: 6px !important; }
  .v-toolbar__title { font-size: 1rem !important; white-space: normal !important; }
}
.solara-content-main > div { padding-bottom: 56px !important; }
.cwb-controls { position: sticky; top: 0; z-index: 5; background: white; padding: 6px 0; }
.cwb-chart-title { font-size: 0.85em; color: #333; overflow-wrap: anywhere; }
.cwb-views { flex-wrap: wrap; }
.cwb-explorer, .cwb-compare, .cwb-spend { max-width: 100%; overflow-x: hidden; }
table { max-width: 100%; }
"""


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
BUILT = "built: "
"""Prefix of an economy built from a spend file in the economy list."""


@solara.component
def Layout(children=[]):  # noqa: B006 (Solara's layout signature)
    """Solara's app layout, its side panel closed until the page finds the window wide."""
    return solara.AppLayout(children=children, sidebar_open=is_wide(), title="cwbsim")


def _scenario_receiver(uploaded, scenario, problem):
    def convert(upload) -> tuple[str, str]:
        text = decode_toml(upload.data, upload.name)
        parse_uploaded_scenario(text, upload.name)
        return upload.name, text

    def use(named: tuple[str, str]) -> None:
        uploaded.set(named)
        scenario.set(UPLOADED + named[0])

    return upload_receiver((".toml",), problem.set, use, convert)


def scenario_source(choice: str, uploaded, saved: dict) -> tuple[str, str | None, str]:
    """The scenario list's entry as (built-in name, file text or None, file name)."""
    if choice.startswith(UPLOADED) and uploaded:
        return choice, uploaded[1], uploaded[0]
    if choice in saved:
        path = saved[choice]
        try:
            return choice, path.read_text(encoding="utf-8"), path.name
        except (OSError, UnicodeDecodeError) as error:
            return choice, f"# {error}", path.name  # the page shows the parse error
    return choice, None, "scenario"


@solara.component
def SaveScenario(model: ExplorerEconomy, pending: bool, on_saved):
    """Save the scenario in force (its levers) in the scenario folder, and download it as TOML."""
    name = solara.use_reactive(model.plan.name)
    message = solara.use_reactive(None)
    problem = solara.use_reactive(None)

    def save():
        if model.economy_text is not None:
            problem.set(
                "This economy was built from a spend file in this session, so a scenario on "
                "it cannot be listed here: download the economy from the Spend view and the "
                "scenario with Download .toml to keep them."
            )
            return
        try:
            path = save_scenario(model.plan, name.value)
        except InputError as error:
            problem.set(str(error))
            message.set(None)
            return
        problem.set(None)
        message.set(f"Saved as “{safe(name.value)}”: it is in the scenario list.")
        on_saved(SAVED_PREFIX + check_name(name.value), path)

    with solara.Column(classes=["cwb-save"], gap="4px") as column:
        if pending:
            solara.Text("Saving keeps the levers in force: Apply first to keep the new ones.")
        solara.InputText("Scenario name", value=name, classes=["cwb-save-name"])
        with solara.Row(style={"flex-wrap": "wrap"}):
            solara.Button("Save scenario", on_click=save, classes=["cwb-save-button"])
            solara.FileDownload(
                lambda: scenario_toml(model.plan.model_copy(update={"name": name.value})),
                filename="scenario.toml",
                label="Download .toml",
                mime_type="application/toml",
            )
        if message.value:
            solara.Success(message.value, dense=True, classes=["cwb-save-done"])
        if problem.value:
            solara.Error(problem.value, dense=True, classes=["cwb-save-error"])
    return column


@solara.component
def Page():
    """The whole app."""
    economy = solara.use_reactive(DEFAULT_ECONOMY)
    built_economies = solara.use_reactive({})  # name -> spec TOML text, from the Spend view
    scenario = solara.use_reactive(DEFAULT_SCENARIO)
    view = solara.use_reactive(first_view(solara.use_router().search))
    uploaded = solara.use_reactive(None)  # (file name, text) of an uploaded scenario
    problem = solara.use_reactive(None)
    area = solara.use_reactive(None)  # the recorded area shown (None: the headline view)
    saved_version = solara.use_reactive(0)  # bumped when a scenario is saved
    draft = solara.use_reactive({})  # lever values as typed (display units)
    seed_text = solara.use_reactive(None)  # the seed as typed (None: the model's)
    play_interval = solara.use_reactive(PLAY_INTERVAL_MS)

    saved = solara.use_memo(saved_scenarios, [saved_version.value])

    def build(levers: dict | None = None, seed=None) -> ExplorerEconomy:
        name, text, file_name = scenario_source(scenario.value, uploaded.value, saved)
        economy_name = economy.value.removeprefix(BUILT)
        return ExplorerEconomy(
            economy_name,
            name,
            **({"rng": seed} if seed is not None else {}),
            scenario_text=text,
            scenario_file=file_name,
            areas=AREAS,
            area_groups=AREA_GROUPS,
            economy_text=built_economies.value.get(economy.value),
            **(levers or {}),
        )

    # the chosen saved file, not the whole list: saving another must not rebuild the model
    chosen_file = saved.get(scenario.value)
    built = solara.use_memo(build, [economy.value, scenario.value, uploaded.value, chosen_file])
    model = solara.use_reactive(built)
    current = model.value
    applied = lever_values(current.plan)

    def forget_typed() -> None:  # a new model: the levers show what it runs
        draft.set(applied)
        seed_text.set(None)

    solara.use_effect(forget_typed, [id(current)])
    levers_typed = {**applied, **draft.value}
    pending = levers_typed != applied or (
        seed_text.value is not None and seed_text.value.strip() != str(current.seed)
    )

    def apply():
        seed = seed_text.value if seed_text.value is not None else current.seed
        model.set(build(levers_typed, seed))

    def reset():
        model.set(build(applied, current.seed))

    def saved_now(choice: str, path) -> None:
        saved_version.set(saved_version.value + 1)

    def built_from_spend(name: str, text: str) -> None:
        built_economies.set({**built_economies.value, name: text})
        economy.set(BUILT + name)
        view.set("Explore")

    solara.Title("cwbsim")
    with solara.AppBar():
        solara.AppBarTitle("cwbsim: community wealth building")
    # the story needs no side panel; without it the first screen is lighter and quicker
    if view.value != STORY:
        with solara.Sidebar():
            with solara.Card("Economy and scenario"):
                economies = builtin_specs() + [BUILT + n for n in built_economies.value]
                solara.Select("Base economy", values=economies, value=economy)
                choices = builtin_scenarios() + list(saved)
                if uploaded.value:
                    choices.append(UPLOADED + uploaded.value[0])
                solara.Select("Scenario", values=choices, value=scenario)
                FilePick(
                    "or drop a scenario file (.toml)",
                    ".toml",
                    _scenario_receiver(uploaded, scenario, problem),
                )
                if problem.value:
                    solara.Error(problem.value, classes=["cwb-scenario-error"])
            with solara.Card("Levers"):
                solara.Markdown(
                    "Choosing a scenario sets the levers to its values. Move them, then **Apply**."
                )
                LeverPanel(current.plan, draft).key(f"levers-{id(current)}")
            with solara.Card("Keep this scenario"):
                SaveScenario(current, pending, saved_now).key(f"save-{id(current)}")
            with solara.Card("Advanced"), solara.Details("Seed and play speed", expand=False):
                solara.InputText(
                    "Seed",
                    value=seed_text.value if seed_text.value is not None else str(current.seed),
                    on_value=seed_text.set,
                    continuous_update=False,
                    classes=["cwb-seed"],
                )
                solara.SliderInt(
                    "Pause between steps when playing (ms)",
                    value=play_interval,
                    min=0,
                    max=1000,
                    step=50,
                )
                solara.Markdown(
                    f"Saved scenarios are kept in {len(saved)} file(s) of your scenario folder.",
                    style={"font-size": "0.8em"},
                )
    with solara.Column(style={"width": "100%", "max-width": "100%"}):
        Viewport(on_width=window_width.set)
        solara.Style(PAGE_CSS)
        solara.ToggleButtonsSingle(value=view, values=VIEWS, classes=["cwb-views"])
        if view.value == STORY:
            PrestonStory(on_explore=lambda: view.set("Explore"))
        elif view.value == "Explore":
            RunControls(model, pending, apply, reset, play_interval.value)
            ExplorerView(current, area)
        elif view.value == "Compare":
            compared = {name: str(path) for name, path in saved.items()}
            ComparePanel(current, area, saved=compared).key(f"compare-{id(current)}")
        else:
            SpendPanel(on_economy=built_from_spend)


page = Page
