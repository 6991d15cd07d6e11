"""The app's parts that need no browser: levers, explorer model, areas, flow summaries, uploads, assets."""

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np
import pytest
import solara
from economies import small_spec
from typer.testing import CliRunner

from cwbsim.calibration.spend_files import read_spend_files
from cwbsim.model.codes import CHANNELS, KINDS, N_GROUPS, TIER_NAMES
from cwbsim.model.economy import LocalEconomy
from cwbsim.model.errors import InputError
from cwbsim.scenarios.parameters import field_bounds
from cwbsim.scenarios.running import run_scenario
from cwbsim.scenarios.schema import Scenario, load_scenario
from cwbsim.viz import assets, flowdata, levers, options, uploads
from cwbsim.viz.areas import parse_app_areas
from cwbsim.viz.explorer import ExplorerEconomy, parse_uploaded_scenario

SPEND = Path(__file__).parent / "data" / "spend" / "1701.csv"


def test_every_intervention_type_has_one_lever_inside_its_schema_bounds():
    kinds = levers.intervention_types()
    assert sorted(lever.kind.__name__ for lever in levers.LEVERS.values()) == sorted(
        k.__name__ for k in kinds
    )
    for lever in levers.LEVERS.values():
        low, high = field_bounds(lever.kind.model_fields[lever.field])
        assert lever.low <= lever.off <= lever.high
        assert low <= lever.low * lever.scale or lever.low == lever.off
        assert lever.high * lever.scale <= high
        assert lever.help and lever.label


def test_levers_default_to_the_scenario_and_change_it_through_the_schema():
    plan, _ = load_scenario("preston-cwb")
    values = levers.lever_values(plan)
    shift = next(i for i in plan.intervention if i.type == "procurement_preference")
    hiring = next(i for i in plan.intervention if i.type == "local_hiring")
    assert values["procurement_preference__weight"] == shift.weight
    assert values["local_hiring__share"] == round(hiring.share * 100, 9)  # a share shown as %
    assert values["anchor_budget__percent_per_year"] == 0.0
    changed = levers.with_levers(
        plan,
        {
            "procurement_preference__weight": 0.0,
            "wage_floor__hourly": 9.5,
            "local_investment__amount": 25,
        },
    )
    types = [i.type for i in changed.intervention]
    assert "procurement_preference" not in types
    wage = next(i for i in changed.intervention if i.type == "wage_floor")
    assert wage.hourly == 9.5 and wage.include_suppliers and wage.ramp_years == 2
    investment = next(i for i in changed.intervention if i.type == "local_investment")
    assert investment.amount == 25e6 and investment.start_year == 1
    assert levers.lever_values(changed)["local_investment__amount"] == 25


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"local_hiring__share": 150},
            "local_hiring__share: 150 is out of range (allowed: 0 to 100",
        ),
        ({"procurement_preference__weight": -2}, "out of range"),
        ({"wage_floor__hourly": "lots"}, "'lots' is not a number"),
        ({"buy_local__shift": float("nan")}, "not a finite number"),
        ({"price_cap": 3}, "'price_cap' is not a lever (allowed: procurement_preference__weight"),
    ],
)
def test_crafted_lever_values_are_one_line_errors(values, message):
    plan, _ = load_scenario("preston-cwb")
    with pytest.raises(InputError) as caught:
        levers.with_levers(plan, values)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_explorer_runs_exactly_what_run_scenario_runs():
    model = ExplorerEconomy("preston-2012", "preston-procurement-shift", rng=7)
    for _ in range(14):
        model.step()
    plan, spec = load_scenario("preston-procurement-shift")
    result = run_scenario(plan, spec, 7, years=2)
    got = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    for metric in ("local_share", "lm3", "local_income", "local_jobs"):
        assert np.array_equal(got[metric].to_numpy(), result.timeseries[metric].to_numpy()[:14])
    assert model.input_error is None


def test_explorer_turns_bad_input_into_a_message_and_runs_the_base_economy():
    crafted = ExplorerEconomy(rng=11, local_hiring__share=400.0)
    assert crafted.input_error == (
        "levers: local_hiring__share: 400 is out of range (allowed: 0 to 100, or 0 for none)"
    )
    assert crafted.plan.intervention == [] and crafted.seed == 11
    crafted.step()
    assert crafted.recorder.current["local_share"] > 0
    seed = ExplorerEconomy(rng="12x")
    assert "seed: '12x' is not a whole number" in seed.input_error and seed.seed == 20130401
    other = ExplorerEconomy(economy="atlantis")
    assert "economy: 'atlantis' is not a built-in economy" in other.input_error
    assert other.economy_name == "preston-2012"


def test_levers_left_alone_leave_the_scenario_as_written():
    phased = Scenario(
        name="phased",
        base="preston-2012",
        years=5,
        intervention=[
            {"type": "anchor_budget", "percent_per_year": -20, "years_of_change": 2},
            {"type": "anchor_budget", "percent_per_year": 3, "start_year": 3},
            {"type": "procurement_preference", "weight": 0.0, "max_lot": 5e5},
        ],
    )
    untouched = levers.lever_values(phased)
    assert levers.with_levers(phased, untouched) == phased  # what Reset sends unchanged
    budget = levers.LEVERS["anchor_budget__percent_per_year"]
    assert untouched[budget.key] == -20
    assert levers.slider_range(budget, -20)[0] == -20  # the slider reaches the value
    moved = levers.with_levers(phased, {"anchor_budget__percent_per_year": -5})
    budgets = [i.percent_per_year for i in moved.intervention if i.type == "anchor_budget"]
    assert budgets == [-5, 3]  # the first phase changes, the second is kept
    off = levers.with_levers(phased, {"anchor_budget__percent_per_year": 0})
    assert [i.type for i in off.intervention] == ["procurement_preference"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name = ", "mine.toml: not valid TOML"),
        ('name = "x"\nbase = "../../etc/economy.toml"', "base: '../../etc/economy.toml' (allowed in the app: a built-in economy"),
        ('name = "x"\nbase = "preston-2012"\nyears = 0', "mine.toml: years: 0 is out of range (allowed: >= 1)"),
        ('name = "x"\nbase = "preston-2012"\n[[intervention]]\ntype = "local_hiring"\nshare = 0.5\nanchors = ["Nobody"]',
         "anchors: 'Nobody' is not an anchor of preston-2012"),
    ],
)  # fmt: skip
def test_an_uploaded_scenario_with_errors_is_a_message(text, message):
    with pytest.raises(InputError) as caught:
        parse_uploaded_scenario(text, "mine.toml")
    assert message in str(caught.value)
    model = ExplorerEconomy(scenario_text=text, scenario_file="mine.toml")
    assert message in model.input_error and model.plan.intervention == []


def test_an_uploaded_scenario_runs_like_the_same_file_from_the_cli(tmp_path):
    text = (
        'name = "mine"\nbase = "preston-2012"\n[[intervention]]\ntype = "buy_local"\nshift = 0.05\n'
    )
    model = ExplorerEconomy(scenario_text=text, scenario_file="mine.toml", rng=5)
    for _ in range(3):
        model.step()
    (tmp_path / "mine.toml").write_text(text)
    plan, spec = load_scenario(tmp_path / "mine.toml")
    result = run_scenario(plan, spec, 5, years=1)
    assert model.recorder.current["local_income"] == result.timeseries["local_income"].iloc[2]
    assert levers.lever_values(model.plan)["buy_local__shift"] == 5  # percentage points


@pytest.fixture(scope="module")
def small_model():
    model = LocalEconomy(small_spec(), rng=3)
    for _ in range(15):
        model.step()
    return model


def test_sankey_splits_all_anchor_spend_and_follows_local_money(small_model):
    links = flowdata.sankey_links(small_model)
    ledger, months = flowdata.window_ledger(small_model)
    assert months == 12
    anchor_groups = [0, 1, 2]
    paid = ledger[: len(CHANNELS), anchor_groups, :].sum()
    purposes = {t: v for s, t, v in links if s == "Anchor spend"}
    assert np.isclose(sum(purposes.values()), paid, rtol=1e-12)
    first = {t: v for s, t, v in links if s in ("Procurement", "Staff wages")}
    assert np.isclose(sum(first.values()), purposes["Procurement"] + purposes["Staff wages"])
    channel = {c: i for i, c in enumerate(CHANNELS)}
    group = {(k, t): KINDS.index(k) * 3 + TIER_NAMES.index(t) for k in KINDS for t in TIER_NAMES}
    cell = lambda c, payer, payee: ledger[channel[c], payer, payee].sum()  # noqa: E731
    anchors = [group["anchor", t] for t in TIER_NAMES]
    assert np.isclose(
        first["Local suppliers"], cell("procurement", anchors, group["firm", "local"])
    )
    assert np.isclose(
        first["Region suppliers"], cell("procurement", anchors, group["firm", "region"])
    )
    assert np.isclose(first["Local staff"], cell("wages", anchors, group["household", "local"]))
    local_firms = group["firm", "local"]
    out = ledger[: len(CHANNELS), local_firms, :].sum()
    expected_tax = first["Local suppliers"] * ledger[channel["tax"], local_firms, :].sum() / out
    onward = {t: v for s, t, v in links if s == "Local suppliers"}
    assert np.isclose(onward["Tax"], expected_tax, rtol=1e-12)
    local_payees = [group[k, "local"] for k in ("anchor", "firm", "household")]
    respent = (
        first["Local suppliers"] * ledger[: len(CHANNELS), local_firms, local_payees].sum() / out
    )
    assert np.isclose(onward["Re-spent locally"], respent, rtol=1e-12)
    for source in ("Local suppliers", "Local staff"):
        total = sum(v for s, _, v in links if s == source)
        assert np.isclose(total, first[source], rtol=1e-12)
    assert flowdata.sankey_links(LocalEconomy(small_spec(), rng=3)) == []


def test_flow_network_conserves_money_node_by_node(small_model):
    network = flowdata.flow_network(small_model)
    engine = small_model.engine
    spent = small_model.state.cash + engine.injection_step
    names, of, _ = flowdata.node_labels(small_model)
    graph = network.graph
    for i, name in enumerate(names[:-1]):
        out = sum(d["amount"] for _, _, d in graph.out_edges(name, data=True))
        assert np.isclose(out, spent[of == i].sum(), rtol=1e-9, atol=1e-6)
    injected = sum(d["amount"] for _, _, d in graph.out_edges("Outside world", data=True))
    assert np.isclose(injected, engine.injection_step.sum(), rtol=1e-12)
    assert np.isclose(network.total, spent.sum() + injected, rtol=1e-12)
    assert graph.number_of_nodes() < 70


def test_flow_network_is_the_next_step_the_engine_takes():
    model = LocalEconomy(small_spec(), rng=4)
    for _ in range(5):
        model.step()
    network = flowdata.flow_network(model)
    by_group = np.zeros((N_GROUPS, N_GROUPS))
    graph = network.graph
    for u, v, data in graph.edges(data=True):
        gu = KINDS.index(graph.nodes[u]["kind"]) * 3 + TIER_NAMES.index(graph.nodes[u]["tier"])
        gv = KINDS.index(graph.nodes[v]["kind"]) * 3 + TIER_NAMES.index(graph.nodes[v]["tier"])
        by_group[gu, gv] += data["amount"]
    model.step()
    ledger = model.recorder.ledgers[-1].sum(axis=0)  # [payer group, payee group]
    assert np.allclose(by_group, ledger, rtol=1e-9, atol=1e-6)


def test_chart_options_carry_the_model_numbers(small_model):
    import pandas as pd

    frame = pd.DataFrame(small_model.recorder.values)
    series = options.timeseries_option(frame, "t")["series"]
    local = next(s for s in series if s["name"] == "local")
    assert [d["value"] for d in local["data"]] == pytest.approx(
        list(frame["local_share"] * 100), rel=1e-6
    )
    assert len(series) == 7 and all(len(s["data"]) == 15 for s in series)
    links = flowdata.sankey_links(small_model)
    sankey = options.sankey_option(links, "s")["series"][0]
    assert sum(link["value"] for link in sankey["links"]) == pytest.approx(
        sum(v for _, _, v in links) / 1e6, rel=1e-4
    )
    assert {n["name"] for n in sankey["data"]} == {n for s, t, _ in links for n in (s, t)}
    network = flowdata.flow_network(small_model)
    graph = options.network_option(network, "n", edges=10)["series"][0]
    assert len(graph["links"]) == 10
    widest = max(network.graph.edges[u, v]["amount"] for u, v in network.graph.edges if u != v)
    assert max(link["value"] for link in graph["links"]) == pytest.approx(widest / 1e6, abs=1e-3)
    assert len(graph["data"]) == network.graph.number_of_nodes()
    json.dumps([sankey, graph])  # plain JSON for the browser


@pytest.mark.parametrize(
    ("name", "claimed", "data", "message"),
    [
        ("spend.pdf", 10, b"%PDF-1.4", "file type .pdf (allowed: .csv, .xlsx, .xls)"),
        ("big.csv", 10**9, b"a,b\n", "over the upload limit (allowed: up to 20 MB)"),
        ("liar.csv", 10, b"x" * (21 * 1024 * 1024), "over the upload limit"),
        ("book.xlsx", 20, b"\x00\x01 neither a zip nor text", "binary content"),
        ("binary.csv", 8, b"a,b\x00\x01\n", "binary content"),
        ("empty.csv", 0, b"", "the file is empty"),
    ],
)
def test_uploads_are_checked_before_they_are_read(name, claimed, data, message):
    with pytest.raises(InputError) as caught:
        uploads.check_upload(name, claimed, io.BytesIO(data))
    assert message in str(caught.value) and str(caught.value).startswith(name)


def test_a_workbook_that_unpacks_to_gigabytes_is_refused(tmp_path):
    import zipfile

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (110 * 1024 * 1024))
    data = bomb.getvalue()
    assert len(data) < 1_000_000
    with pytest.raises(InputError, match=r"bomb.xlsx: unpacks to 115 MB \(allowed: up to 100 MB"):
        uploads.check_upload("bomb.xlsx", len(data), io.BytesIO(data))
    damaged = b"PK\x03\x04" + b"\x00" * 100
    with pytest.raises(InputError, match="damaged zip archive"):
        uploads.check_upload("damaged.xlsx", len(damaged), io.BytesIO(damaged))


def test_chart_board_builds_each_chart_once_per_step_and_downloads_carry_provenance():
    import pyarrow.parquet as pq

    from cwbsim.viz.explorer_view import ChartBoard, _frame_bytes

    model = ExplorerEconomy(scenario_name="preston-2012", rng=9)
    board = ChartBoard()
    board.draw(model, "timeseries")
    assert board.latest("timeseries")[0] == 0
    model.step()
    model.step()
    for name in ("timeseries", "sankey", "network"):
        board.draw(model, name)
        step, option, _heading = board.latest(name)
        assert step == 2
        board.draw(model, name)
        assert board.latest(name)[1] is option  # not rebuilt for the same step
    assert len(board.latest("timeseries")[1]["series"][0]["data"]) == 2
    table = pq.read_table(io.BytesIO(_frame_bytes(model, "parquet")))
    assert table.num_rows == 2 and table.column("seed").to_pylist() == [9, 9]
    meta = table.schema.metadata
    assert json.loads(meta[b"cwbsim.scenario"])["name"] == "preston-2012"
    assert meta[b"cwbsim.seed"] == b"9"
    csv = _frame_bytes(model, "csv").decode()
    assert csv.splitlines()[0].startswith("step,seed,scenario,")


def test_an_uploaded_spend_file_is_analysed_like_the_cli_does():
    upload = uploads.check_upload("../../1701.csv", SPEND.stat().st_size, SPEND.open("rb"))
    assert upload.name == "1701.csv"
    prepared = uploads.analyse_upload(upload, "Hyndburn", "lancashire")
    assert np.isclose(prepared.analysis.total, read_spend_files([SPEND]).payments["amount"].sum())
    assert len(prepared.analysis.top_suppliers) > 5
    garbage = uploads.Upload("junk.csv", b"just,some\nwords,here\n")
    with pytest.raises(InputError) as caught:
        uploads.analyse_upload(garbage, "Preston", "")
    assert "junk.csv" in str(caught.value) and "/tmp" not in str(caught.value)


def _tarball(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_assets_are_the_packages_solara_asks_for_and_unpack_atomically(tmp_path, monkeypatch):
    names = {a.name for a in assets.required_assets()}
    assert {"@widgetti/solara-vuetify-app", "@widgetti/vue-grid-layout", "requirejs"} <= names
    fake = [assets.Asset("@scope/thing", "1.2.3"), assets.Asset("plain", "0.1.0-beta.1")]
    monkeypatch.setattr(assets, "required_assets", lambda: fake)
    packs = tmp_path / "packs"
    packs.mkdir()
    for asset in fake:
        (packs / asset.pack_name).write_bytes(
            _tarball(
                {
                    "package/package.json": json.dumps({"name": asset.name}).encode(),
                    "package/dist/main.js": b"// js",
                }
            )
        )
    cache = tmp_path / "cdn"
    added = assets.prepare(source=packs, cache=cache)
    assert added == fake
    assert (cache / "@scope/thing@1.2.3/dist/main.js").read_bytes() == b"// js"
    assert assets.missing_assets(cache) == []
    assert assets.prepare(source=packs, cache=cache) == []  # already there
    assert not [p for p in cache.rglob(".*")]  # no staging folders left
    with pytest.raises(InputError, match=r"plain@0\.1\.0-beta\.1: unreadable tarball"):
        assets.unpack(fake[1], b"not a tarball", tmp_path / "third")
    (packs / fake[1].pack_name).unlink()
    with pytest.raises(InputError, match=r"plain-0.1.0-beta.1.tgz: missing"):
        assets.prepare(source=packs, cache=tmp_path / "other")


def test_serving_without_assets_is_a_one_line_error(tmp_path):
    env = {**os.environ, "SOLARA_ASSETS_PROXY_CACHE_DIR": str(tmp_path / "empty")}
    done = subprocess.run(
        [sys.executable, "-m", "cwbsim.viz", "serve", "--port", "8799"],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.startswith("error: ") and "run `cwbsim assets`" in done.stderr
    assert "Traceback" not in done.stderr


# Areas (issue 15): `cwbsim app --area` and the area picker. lancashire-2012 takes ~4 s to
# build, so one model serves these tests.


@pytest.fixture(scope="module")
def lancashire():
    """lancashire-2012 two months in, recording Preston, Lancashire and the county (E10000017).

    The areas reach the model as ``cwbsim app --area`` hands them to the server.
    """
    from cwbsim.cli.browser import app_areas

    areas, groups = parse_app_areas(json.dumps(app_areas(["Preston", "Lancashire", "E10000017"])))
    model = ExplorerEconomy(
        "lancashire-2012", "lancashire-2012", rng=5, areas=areas, area_groups=groups
    )
    model.step()
    model.step()
    return model


def _render(card, model, area):
    """Render ``card(model, area)`` outside a browser: a reader of its KPI HTML, and its selects."""
    import ipyvuetify as v

    @solara.component
    def Card():
        return card(model, area)

    _, rendered = solara.render(Card(), handle_error=False)

    def kpis() -> str:
        (html,) = [
            w
            for w in rendered.find(solara.widgets.HTML).widgets
            if "cwb-kpis" in w.unsafe_innerHTML
        ]
        return html.unsafe_innerHTML

    return kpis, rendered.find(v.Select).widgets


def _kpi(html: str, metric: str) -> float:
    start = html.index(f'data-metric="{metric}" data-value="') + len(
        f'data-metric="{metric}" data-value="'
    )
    return float(html[start : html.index('"', start)])


def test_the_app_records_the_areas_asked_and_reset_keeps_them(lancashire):
    assert [v.name for v in lancashire.views] == ["Preston", "Lancashire", "E10000017"]
    assert lancashire.area_error is None and lancashire.input_error is None
    county = lancashire.spec.groups["E10000017"]  # added by --area, as `cwbsim run` adds it
    assert len(county) == 12 and "E06000008" not in county  # not Blackburn with Darwen
    assert lancashire.areas_asked == ["Preston", "Lancashire", "E10000017"]
    assert lancashire.area_groups["lancashire-2012"]["E10000017"] == county


def test_switching_the_area_changes_what_the_cards_and_charts_read(lancashire):
    import pandas as pd

    from cwbsim.viz.compare_view import compared_areas
    from cwbsim.viz.explorer_view import ChartBoard, _frame_bytes, summary_card

    area = solara.reactive(None)
    kpis, selects = _render(summary_card, lancashire, area)
    (select,) = selects
    assert select.items == ["Preston", "Lancashire", "E10000017"] and select.v_model == "Preston"
    preston = lancashire.recorders["Preston"].current["local_share"]
    assert 'data-area="Preston"' in kpis() and _kpi(kpis(), "local_share") == preston
    select.v_model = "Lancashire"  # the user picks Lancashire
    assert area.value == "Lancashire" and 'data-area="Lancashire"' in kpis()
    county = lancashire.recorders["Lancashire"].current["local_share"]
    assert _kpi(kpis(), "local_share") == county and county > 2 * preston
    board = ChartBoard()
    for name in ("Preston", "Lancashire"):
        board.draw(lancashire, "timeseries", name)
        step, option, heading = board.latest("timeseries")
        assert (step, board.areas["timeseries"][0]) == (2, name)
        assert heading.startswith(f"Each month · {name} · ")
        local = [
            d["value"] for d in next(s for s in option["series"] if s["name"] == "local")["data"]
        ]
        values = [row["local_share"] * 100 for row in lancashire.recorders[name].values]
        assert local == pytest.approx(values, rel=1e-6)
    frame = pd.read_csv(io.BytesIO(_frame_bytes(lancashire, "csv", "Lancashire")))
    assert list(frame.area) == ["Lancashire"] * 2 and frame.local_share.iloc[-1] == county
    assert lancashire.shown_area("Atlantis") == "Preston"  # an area it does not record
    assert compared_areas(lancashire, "Lancashire") == ["Lancashire", "Preston", "E10000017"]


def test_an_area_the_economy_lacks_is_a_message_and_one_area_shows_no_picker():
    from cwbsim.viz.compare_view import compared_areas
    from cwbsim.viz.explorer_view import summary_card

    model = ExplorerEconomy(rng=3, areas=["Atlantis"])
    assert model.area_error == (
        "--area: 'Atlantis' is not an area or group of preston-2012 "
        "(allowed: places, Preston, Rest of Lancashire, Rest of the UK, or area codes)"
    )
    assert model.input_error is None and model.plan.intervention  # the scenario still runs
    assert len(model.views) == 1 and compared_areas(model, None) is None
    kpis, selects = _render(summary_card, model, solara.reactive(None))
    assert selects == [] and "cwb-kpis" in kpis()


def test_app_area_is_checked_before_the_server_starts(monkeypatch):
    from cwbsim.cli import app, browser

    started = []
    monkeypatch.setattr(browser, "_viz", lambda *args, replace=False: started.append(args))
    bad = CliRunner().invoke(app, ["app", "--area", "Atlantis"])
    assert bad.exit_code == 2 and started == []
    message = bad.stderr.strip()
    assert message.startswith("error: --area: 'Atlantis' fits no built-in economy: ")
    assert "not an area or group of preston-2012" in message and "\n" not in message
    good = CliRunner().invoke(app, ["app", "--area", "Burnley", "--port", "9000"])
    assert good.exit_code == 0, good.output
    (args,) = started
    assert args[:5] == ("serve", "--host", "127.0.0.1", "--port", "9000")
    assert args[5] == "--areas" and parse_app_areas(args[6]) == (["Burnley"], {})
    with pytest.raises(InputError, match=r"^CWBSIM_APP_AREAS: '\{\"areas\": \[\]\}' is not of"):
        parse_app_areas('{"areas": []}')


def test_chart_axes_never_draw_noise_as_a_cliff():
    import pandas as pd

    months = 12
    frame = pd.DataFrame(
        {
            "local_jobs": [98_517.0] * 6 + [98_516.0] * 6,
            "lm3": np.linspace(1.1739, 1.1757, months),
            "local_share": np.full(months, 0.18),
            "region_share": np.full(months, 0.39),
            "local_income": np.full(months, 207e6),
            "unemployment_rate": np.full(months, 0.045),
            "leakage": np.linspace(639e6, 640e6, months),
        }
    )
    axes = options.timeseries_option(frame, "t")["yAxis"]
    share, lm3, income, jobs, unemployment, leakage = axes
    assert share["min"] == 0 and unemployment["min"] == 0  # shares start at 0
    assert jobs["max"] - jobs["min"] >= 0.1 * 98_517  # a one-job change is not a cliff
    assert jobs["min"] == int(jobs["min"]) and jobs["minInterval"] == 1
    assert jobs["min"] <= 98_516 and jobs["max"] >= 98_517
    assert lm3["max"] - lm3["min"] >= 0.1 * 1.1757 and lm3["min"] <= 1.1739
    assert income["max"] - income["min"] >= 0.1 * 207 * 12 and income["min"] >= 0  # £m a year
    assert leakage["min"] <= 639 * 12 and leakage["max"] >= 640 * 12
    assert options.value_axis([], "count", 0)["min"] == 0
    assert options.value_axis([0.0, 0.0], "money", 0)["min"] == 0


def test_the_glossary_defines_each_measure_and_every_intervention_with_a_source():
    from typing import get_args

    from cwbsim.scenarios.schema import Intervention
    from cwbsim.viz import glossary

    entries = glossary.glossary()
    terms = " ".join(e.term for e in entries)
    for term in ("LM3", "Local multiplier", "Local share", "Procurement base", "Leakage"):
        assert term in terms
    types = [
        get_args(k.model_fields["type"].annotation)[0] for k in get_args(get_args(Intervention)[0])
    ]
    assert set(types) == set(glossary.INTERVENTION_SOURCES)  # a new type needs an entry
    assert len(glossary.interventions()) == len(types)
    for entry in entries:
        assert entry.meaning and entry.source
        assert "_" not in entry.term  # plain names, not code names
    text = glossary.glossary_html()
    assert "Sacks (2002)" in text and "<dl" in text


def test_spend_tables_name_districts_and_sectors_and_explain_an_empty_gap():
    import pandas as pd

    from cwbsim.viz import spend_view

    frame = pd.DataFrame(
        {"supplier": ["A", "B", "C"], "district": ["E07000123", None, ""],
         "sector": ["F", None, "Z"]}
    )  # fmt: skip
    before = frame.copy()
    shown = spend_view.readable(frame)
    assert list(shown["district"]) == ["Preston", "unknown", "unknown"]
    assert list(shown["sector"]) == ["F Construction", "unknown", "unknown"]
    pd.testing.assert_frame_equal(frame, before)  # the analysis itself is not changed
    assert "lookup" in spend_view.EMPTY_GAP and "--" not in spend_view.EMPTY_GAP
