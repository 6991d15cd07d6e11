"""The Explore view's run controls: Step, Play, Apply and Reset, always on the page.

They sit above the cards, not in the side panel, so a phone reaches them with
the panel closed. Stepping holds the model's lock (:meth:`ExplorerEconomy.step`);
after each step :func:`mesa.visualization.utils.force_update` tells every
component that reads Mesa's ``update_counter`` to render again, as Mesa's own
controller does. Play steps in a thread until paused, a step fails, or the
model is replaced.
"""

from __future__ import annotations

import time
import typing

import ipyvuetify
import solara
import traitlets
from mesa.visualization.utils import force_update

from cwbsim.viz.explorer import ExplorerEconomy

PLAY_INTERVAL_MS = 150
"""Pause between steps while playing, ms (the Advanced section changes it)."""
WIDE_PX = 960
"""Windows at least this wide open the side panel at first (Vuetify's own break point)."""

window_width = solara.reactive(0)
"""This session's window width, px, as the page reports it (0 until it has)."""


def is_wide() -> bool:
    """Whether this session's window is wide (unknown counts as narrow)."""
    return window_width.value >= WIDE_PX


class ViewportProbe(ipyvuetify.VuetifyTemplate):
    """Reports the browser window's width (px) once mounted, so the page can lay itself out."""

    template_file = (__file__, "viewport.vue")
    width = traitlets.Int(0).tag(sync=True)


ACCESSIBLE_MARKUP = """
<template><span class="cwb-accessible-markup" style="display: none"></span></template>
<script>
module.exports = {
  mounted() {
    const moveExpanded = (from, to) => {
      if (!from.hasAttribute('aria-expanded')) return;
      if (to) to.setAttribute('aria-expanded', from.getAttribute('aria-expanded'));
      from.removeAttribute('aria-expanded');
    };
    const fix = () => {
      this.queued = false;
      if (!document.documentElement.getAttribute('lang')) {
        document.documentElement.setAttribute('lang', 'en-GB');
      }
      for (const button of document.querySelectorAll('.v-app-bar__nav-icon:not([aria-label])')) {
        button.setAttribute('aria-label', 'Side panel: economy, scenario and levers');
      }
      for (const panel of document.querySelectorAll('.v-expansion-panel[aria-expanded]')) {
        moveExpanded(panel, panel.querySelector(':scope > .v-expansion-panel-header'));
      }
      for (const slot of document.querySelectorAll('.v-select .v-input__slot')) {
        const input = slot.querySelector('input:not([type=hidden])');
        if (!input) continue;
        if (slot.getAttribute('role') === 'button') {
          slot.removeAttribute('role');
          slot.removeAttribute('aria-haspopup');
          input.setAttribute('role', 'combobox');
          input.setAttribute('aria-haspopup', 'listbox');
        }
        const owns = slot.getAttribute('aria-owns');
        if (owns) {
          slot.removeAttribute('aria-owns');
          input.dataset.list = owns;
        }
        const list = input.dataset.list;
        if (list && document.getElementById(list)) input.setAttribute('aria-controls', list);
        moveExpanded(slot, input);
        if (!input.hasAttribute('aria-expanded')) input.setAttribute('aria-expanded', 'false');
      }
    };
    const later = () => {
      if (!this.queued) {
        this.queued = true;
        window.requestAnimationFrame(fix);
      }
    };
    fix();
    this.observer = new MutationObserver(later);
    this.observer.observe(document.body, {subtree: true, childList: true, attributes: true,
      attributeFilter: ['aria-expanded', 'aria-owns', 'role']});
  },
  beforeDestroy() {
    if (this.observer) this.observer.disconnect();
  },
};
</script>
"""
"""Repairs, in the browser, markup of Vuetify's and Solara's that axe-core counts as serious:
the page's language, a name for the side panel's menu button, ``aria-expanded`` on an
expander's button rather than its box, and a select's input as the combobox (Vuetify makes
its box a button around a focusable input). Re-applied whenever Vue re-renders them."""


class AccessibleMarkup(ipyvuetify.VuetifyTemplate):
    """Applies :data:`ACCESSIBLE_MARKUP` to the whole page while mounted."""

    template = traitlets.Unicode(ACCESSIBLE_MARKUP).tag(sync=True)


@solara.component
def Viewport(on_width: typing.Callable[[int], None]):
    """An invisible element that calls ``on_width`` with the window's width, px.

    It also keeps the page's markup accessible (:class:`AccessibleMarkup`).
    """
    with solara.Div(style={"display": "none"}) as hidden:
        ViewportProbe.element(on_width=on_width)
        AccessibleMarkup.element()
    return hidden


@solara.component
def RunControls(
    model: solara.Reactive[ExplorerEconomy],
    pending: bool,
    on_apply: typing.Callable[[], None],
    on_reset: typing.Callable[[], None],
    play_interval: int = PLAY_INTERVAL_MS,
):
    """Step, Play/Pause, Apply (bright when levers wait) and Reset, with the not-applied notice.

    ``pending`` says the levers (or seed) typed differ from those the model runs;
    ``on_apply`` builds the model with them, ``on_reset`` restarts the model in force.
    """
    playing = solara.use_reactive(False)
    failure = solara.use_reactive(typing.cast(str | None, None))
    running = model.value

    def play():
        while playing.value and model.value is running:
            time.sleep(play_interval / 1000)
            if not playing.value or model.value is not running:  # paused while waiting
                return
            try:
                running.step()
            except Exception as error:  # shown in the page, never a server traceback
                failure.set(f"The model stopped: {error}")
                playing.set(False)
                return
            force_update()

    solara.lab.use_task(play, dependencies=[playing.value, id(running)], prefer_threaded=True)

    def step():
        try:
            running.step()
        except Exception as error:
            failure.set(f"The model stopped: {error}")
        force_update()

    def apply():
        playing.set(False)
        failure.set(None)
        on_apply()

    def reset():
        playing.set(False)
        failure.set(None)
        on_reset()

    with solara.Div(classes=["cwb-controls"]) as controls:
        with solara.Row(classes=["cwb-control-buttons"], style={"flex-wrap": "wrap", "gap": "8px"}):
            solara.Button("Step", color="primary", on_click=step, disabled=playing.value,
                          classes=["cwb-step"])  # fmt: skip
            solara.Button("Pause" if playing.value else "Play", color="primary",
                          on_click=lambda: playing.set(not playing.value),
                          classes=["cwb-play"])  # fmt: skip
            solara.Button("Apply", color="warning" if pending else None, on_click=apply,
                          disabled=not pending, classes=["cwb-apply"])  # fmt: skip
            solara.Button("Reset", on_click=reset, outlined=True, classes=["cwb-reset"])
        if pending:
            solara.Warning(
                "Levers changed: not applied yet. Apply runs the economy again from the start "
                "with them.",
                classes=["cwb-pending"],
                dense=True,
            )
        if failure.value:
            solara.Error(failure.value, classes=["cwb-run-error"])
    return controls
