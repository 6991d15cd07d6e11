"""The levers in the page: a number box with its unit beside an equal-width slider, per lever.

The levers edit a draft (lever values in display units, see
:mod:`cwbsim.viz.levers`); the run controls' Apply builds the model with it.
A value the schema refuses is a one-line message under its lever and stays out
of the draft, so Apply never runs a silently wrong number.
"""

from __future__ import annotations

import typing

import solara

from cwbsim.model.errors import InputError
from cwbsim.scenarios.schema import Scenario
from cwbsim.viz.levers import LEVERS, Lever, slider_range, with_levers

LEVER_CSS = """
.cwb-lever { margin-bottom: 6px; }
.cwb-lever-label { font-size: 0.9em; font-weight: 500; }
.cwb-lever-row { display: flex; align-items: center; gap: 12px; width: 100%; }
.cwb-lever-box { flex: 0 0 9.5em; max-width: 9.5em; }
.cwb-lever-slider { flex: 1 1 0; min-width: 0; }
.cwb-lever-slider .v-input__slot { margin-bottom: 0; }
.cwb-lever-help { font-size: 0.8em; color: #555; }
.cwb-lever-row .v-label { position: absolute !important; width: 1px; height: 1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
"""
"""Lever rows: the box a fixed width, the slider the rest, so every slider is as long as the
others; the box's and the slider's labels are kept for screen readers, hidden on screen (the
label above says it)."""


def lever_problem(plan: Scenario, lever: Lever, value: float | None) -> str | None:
    """Why ``value`` cannot be this lever's (one line), or ``None`` if the schema accepts it."""
    if value is None:
        return f"{lever.label}: empty (expected a number in {lever.unit or 'its unit'})"
    try:
        with_levers(plan, {lever.key: value}, source=lever.label)
    except InputError as error:
        return str(error).replace(f"{lever.label}: {lever.key}: ", f"{lever.label}: ")
    return None


@solara.component
def LeverRow(lever: Lever, plan: Scenario, value: float, on_value: typing.Callable[[float], None]):
    """One lever: its label, a number box with its unit and a slider, and any problem."""
    problem = solara.use_reactive(typing.cast(str | None, None))
    low, high = slider_range(lever, value)

    def take(new: float | None) -> None:
        message = lever_problem(plan, lever, new)
        problem.set(message)
        if message is None and new is not None:
            on_value(float(new))

    def slid(new: float) -> None:
        # the slider snaps a value off its step grid (7.941 to 7.94) as it mounts; a person
        # moves it by a whole step at least, so a smaller move is the snap, not a choice
        if abs(new - value) >= lever.step / 2:
            take(new)

    with solara.Div(classes=["cwb-lever"], attributes={"data-lever": lever.key}) as row:
        with solara.Tooltip(lever.help):
            solara.Text(lever.label, classes=["cwb-lever-label"])
        with solara.Div(classes=["cwb-lever-row"]):
            solara.InputFloat(
                lever.label,
                value=value,
                on_value=take,
                suffix=lever.unit or None,
                dense=True,
                classes=["cwb-lever-box"],
            )
            with solara.Div(classes=["cwb-lever-slider"]):
                solara.SliderFloat(lever.label, value=value, min=low, max=high, step=lever.step,
                                   on_value=slid)  # fmt: skip
        if problem.value:
            solara.Error(problem.value, dense=True, classes=["cwb-lever-error"])
    return row


@solara.component
def LeverPanel(plan: Scenario, draft: solara.Reactive[dict]):
    """Every lever, editing ``draft`` (lever key to display value); ``plan`` checks values."""
    with solara.Column(classes=["cwb-levers"], gap="4px") as panel:
        solara.Style(LEVER_CSS)
        for key, lever in LEVERS.items():
            LeverRow(lever, plan, draft.value.get(key, lever.off),
                     lambda v, key=key: draft.set({**draft.value, key: v})).key(key)  # fmt: skip
        solara.Markdown(
            "Off (0) removes the intervention. Hover a lever's name for what it does; the "
            "glossary below the charts defines each one, with its source.",
            style={"font-size": "0.8em"},
        )
    return panel
