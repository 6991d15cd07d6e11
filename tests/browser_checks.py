"""Checks of a page in Chromium, for the app's browser test: overflow, clipped titles, axe-core.

Each check returns a list of findings, one line each (empty when the page
passes), so a failing assertion says which element and where. The page is
the app's: Solara's app layout, whose main content scrolls in its own box,
so the document's width alone would miss an element that overflows inside it.
"""

from __future__ import annotations

import time
from pathlib import Path

OVERFLOW_JS = """
() => {
  const width = window.innerWidth;
  const found = [];
  const scrolls = [];
  const name = (el) => {
    const classes = typeof el.className === 'string' ? el.className.trim().split(/\\s+/) : [];
    const own = classes.filter((c) => c.startsWith('cwb-') || c.startsWith('v-')).slice(0, 3);
    const text = (el.innerText || el.getAttribute('aria-label') || '').trim().slice(0, 50);
    return el.tagName.toLowerCase() + own.map((c) => '.' + c).join('')
      + (text ? ` "${text.replace(/\\s+/g, ' ')}"` : '');
  };
  const outside = (box) => box.left < -1 || box.right > width + 1;
  // a box of its own that scrolls sideways (a wide table's), other than the page's main one
  const scroller = (el) => {
    if (el.matches('html, body, .v-content__wrap > div, .v-main__wrap > div')) return false;
    const style = getComputedStyle(el);
    return ['auto', 'scroll'].includes(style.overflowX) && !outside(el.getBoundingClientRect());
  };
  for (const el of document.body.querySelectorAll('*')) {
    // the closed side panel sits off-screen by design (Vuetify hides it: visibility hidden)
    if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
    const box = el.getBoundingClientRect();
    if (box.width < 1 || box.height < 1) continue;
    if (scroller(el) && el.scrollWidth > el.clientWidth + 1) {
      scrolls.push({what: name(el), table: el.querySelector('table') !== null});
    }
    if (!outside(box)) continue;
    const parent = el.parentElement && el.parentElement.getBoundingClientRect();
    if (parent && outside(parent)) continue;  // its parent is listed already
    let inner = false;
    for (let up = el.parentElement; up && !inner; up = up.parentElement) inner = scroller(up);
    if (inner) continue;  // it scrolls in its own box (listed in scrolls)
    found.push(`${name(el)} spans ${Math.round(box.left)} to ${Math.round(box.right)} px`);
  }
  const page = document.documentElement.scrollWidth;
  if (page > width) found.unshift(`the document is ${page} px wide`);
  return {width, found, scrolls};
}
"""

TITLES_JS = """
(selector) => {
  const width = window.innerWidth;
  const found = [];
  let count = 0;
  for (const el of document.querySelectorAll(selector)) {
    if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
    if (el.closest('.v-navigation-drawer:not(.v-navigation-drawer--open)')) continue;
    count += 1;
    const box = el.getBoundingClientRect();
    const text = el.innerText.trim().replace(/\\s+/g, ' ').slice(0, 60);
    if (el.scrollWidth > el.clientWidth + 1) {
      found.push(`"${text}" is cut: ${el.scrollWidth} px of text in ${el.clientWidth} px`);
    } else if (box.left < -1 || box.right > width + 1) {
      found.push(`"${text}" spans ${Math.round(box.left)} to ${Math.round(box.right)} px`);
    } else if (text === '') {
      found.push(`a title (${selector}) is empty`);
    }
  }
  return {count, found};
}
"""

TITLES = (
    ".cwb-chart-title, .cwb-story-chart-title, .v-card__title, main h1, main h2, main h3, main h4"
)
"""Chart headings, card titles and the view's headings, which must show whole."""

AXE_JS = """
async (impacts) => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  const found = [];
  for (const v of result.violations) {
    if (!impacts.includes(v.impact)) continue;
    for (const node of v.nodes.slice(0, 3)) {
      found.push(`${v.impact} ${v.id} (${v.help}): ${node.target.join(' ')}: `
        + node.html.slice(0, 160).replace(/\\s+/g, ' '));
    }
  }
  return found;
}
"""

HEIGHT_JS = """
() => Math.max(document.documentElement.scrollHeight,
  ...[...document.querySelectorAll('main *')]
    .filter((el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowY))
    .map((el) => el.scrollHeight + el.getBoundingClientRect().top))
"""


def overflow(page) -> list[str]:
    """What reaches past the window's left or right edge, one line each.

    Visible elements outside the window, a document wider than it, and any box
    that scrolls sideways without a table in it: only a wide table may scroll
    in its own box (the page's main box must never need to).
    """
    result = page.evaluate(OVERFLOW_JS)
    return result["found"] + [
        f"{box['what']} scrolls sideways with no table in it"
        for box in result["scrolls"]
        if not box["table"]
    ]


def clipped_titles(page, selector: str = TITLES) -> tuple[int, list[str]]:
    """How many visible titles match ``selector``, and those cut or outside the window."""
    result = page.evaluate(TITLES_JS, selector)
    return result["count"], result["found"]


def axe_violations(page, axe_script: Path, impacts=("serious", "critical")) -> list[str]:
    """axe-core's violations of the given impacts on the whole page (injected from the file)."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_script))
    return page.evaluate(AXE_JS, list(impacts))


def screenshot(page, path: Path, longest: int = 12_000) -> Path:
    """The whole view as one image: the window made as tall as the content, then restored.

    The app's content scrolls in its own box, so a "full page" screenshot would show
    only the first screen; a taller window shows it all at the same width.
    """
    size = page.viewport_size
    height = min(int(page.evaluate(HEIGHT_JS)) + 16, longest)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if height > size["height"]:
            page.set_viewport_size({"width": size["width"], "height": height})
            time.sleep(0.3)
        page.screenshot(path=str(path))
    finally:
        page.set_viewport_size(size)
    return path
