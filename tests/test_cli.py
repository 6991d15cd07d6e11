"""The CLI runs in process and writes its outputs with their provenance."""

import json

import pandas as pd
import pyarrow.parquet as pq
import tomli_w
from economies import SMALL
from typer.testing import CliRunner

from cwbsim.cli import app
from cwbsim.model.record.metrics import METRICS
from cwbsim.model.spec.files import load_spec


def test_run_writes_summary_timeseries_ledger_and_spec(tmp_path):
    spec_path = tmp_path / "small.toml"
    spec_path.write_text(tomli_w.dumps(SMALL))
    out = tmp_path / "runs" / "base"
    result = CliRunner().invoke(
        app, ["run", str(spec_path), "--years", "2", "--seed", "5", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["spec"] == "small" and summary["seed"] == 5 and summary["engine"] == "vectorised"
    assert summary["versions"]["mesa"].startswith("3.")
    assert [y["year"] for y in summary["years"]] == [1, 2]
    assert set(METRICS) <= set(summary["years"][0])
    council = summary["per_anchor"]["Council"]
    assert set(council[0]) == {"year", "anchor_spend", "local_share", "region_share", "lm3"}
    timeseries = pd.read_parquet(out / "timeseries.parquet")
    assert len(timeseries) == 24 and list(timeseries["step"]) == list(range(1, 25))
    assert set(METRICS) <= set(timeseries.columns)
    ledger = pd.read_parquet(out / "ledger.parquet")
    assert list(ledger.columns) == [
        "year",
        "payer_kind",
        "payer_tier",
        "channel",
        "payee_kind",
        "payee_tier",
        "amount",
    ]
    # yearly ledger totals agree with the yearly metrics
    year1 = ledger[ledger.year == 1]
    proc = year1[(year1.channel == "procurement") & (year1.payer_kind == "anchor")]
    assert abs(proc.amount.sum() - summary["years"][0]["anchor_spend"]) < 1e-6 * proc.amount.sum()
    metadata = pq.read_schema(out / "ledger.parquet").metadata
    assert metadata[b"cwbsim.seed"] == b"5"
    assert load_spec(out / "spec.toml").model_dump() == load_spec(spec_path).model_dump()


def test_demo_prints_a_table_per_year():
    result = CliRunner().invoke(app, ["demo", "--years", "2"])
    assert result.exit_code == 0, result.output
    assert "preston-2012" in result.output
    assert "LM3" in result.output and "750.0" in result.output
