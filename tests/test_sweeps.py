"""Sweeps: parallel equals serial, killed sweeps resume exactly, Dask gives the same, Sobol is right."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import tomli_w
from typer.testing import CliRunner

from cwbsim.cli import app
from cwbsim.model.errors import InputError
from cwbsim.scenarios import evaluators
from cwbsim.scenarios.local_processes import ProcessEvaluator
from cwbsim.scenarios.sensitivity import sobol_indices
from cwbsim.scenarios.sweep_run import run_sweep
from cwbsim.scenarios.sweep_schema import load_sweep
from cwbsim.scenarios.sweep_store import Store

SWEEPS = Path(__file__).resolve().parents[1] / "cwbsim" / "scenarios" / "sweeps"
BIN = Path(sys.executable).parent


def _sweep(tmp_path, name="s", **changes):
    data = {
        "name": name,
        "scenario": str(SWEEPS / "small-policy.toml"),
        "design": "lhs",
        "points": 20,
        "seeds": 2,
        "seed": 11,
        "years": 1,
        "metrics": ["local_share", "local_income"],
        "parameter": [
            {"path": "scenario.intervention.0.weight", "range": [0.0, 5.0]},
            {"path": "spec.households.0.local_share", "range": [0.2, 0.5]},
        ],
    }
    data.update(changes)
    path = tmp_path / f"{name}.toml"
    path.write_text(tomli_w.dumps(data))
    return path


def _results(folder):
    return Store(folder).results().sort_values(["run", "year"], ignore_index=True)


@pytest.fixture(scope="module")
def serial(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sweeps")
    path = _sweep(folder)
    run_sweep(path, folder / "serial")
    return path, _results(folder / "serial")


def test_40_runs_in_processes_equal_the_serial_sweep(serial, tmp_path):
    path, expected = serial
    assert len(expected.run.unique()) == 40
    with ProcessEvaluator(2) as evaluator:
        figures = run_sweep(path, tmp_path / "parallel", evaluator)
    assert figures["workers"] == 2 and figures["batches"] < 40  # runs went in batches
    pd.testing.assert_frame_equal(_results(tmp_path / "parallel"), expected)


def test_killed_sweep_resumes_without_loss_or_duplicates(serial, tmp_path):
    path, expected = serial
    out = tmp_path / "killed"
    process = subprocess.Popen(
        [str(BIN / "cwbsim"), "sweep", str(path), "--out", str(out), "--workers", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 120
    while time.time() < deadline and len(list((out / "runs").glob("run-*.parquet"))) < 5:
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    partial = len(Store(out).done())
    assert 5 <= partial < 40
    (out / "runs" / ".cwbsim-run-000099.parquet.abc.tmp").write_bytes(b"half a file")
    result = CliRunner().invoke(app, ["sweep", str(path), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert f"{40 - partial} runs" in result.output
    files = sorted((out / "runs").glob("run-*.parquet"))
    assert len(files) == 40 and not list((out / "runs").glob(".*"))
    pd.testing.assert_frame_equal(_results(out), expected)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_dask_scheduler_and_two_workers_give_the_same_results(serial, tmp_path):
    from distributed import Client

    path, expected = serial
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    dask = str(BIN / "dask")
    processes = [
        subprocess.Popen(
            [dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
    ]  # fmt: skip
    try:
        time.sleep(1.0)
        for _ in range(2):
            processes.append(
                subprocess.Popen(
                    [dask, "worker", address, "--nthreads", "1", "--no-dashboard",
                     "--host", "127.0.0.1"],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )
            )  # fmt: skip
        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
        with evaluators.make(scheduler=address) as evaluator:
            figures = run_sweep(path, tmp_path / "dask", evaluator)
        assert figures["workers"] == 2
        pd.testing.assert_frame_equal(_results(tmp_path / "dask"), expected)
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def test_sobol_indices_of_the_ishigami_function():
    from SALib.sample import sobol

    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
    x = sobol.sample(problem, 1024, calc_second_order=False, seed=1)
    y = np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])
    table, warnings = sobol_indices(problem, y)
    # Published first-order indices: 0.314, 0.442, 0.000 (Ishigami & Homma 1990)
    np.testing.assert_allclose(table.S1, [0.314, 0.442, 0.0], atol=0.05)
    np.testing.assert_allclose(table.ST, [0.558, 0.442, 0.244], atol=0.06)
    assert not warnings
    _, warnings = sobol_indices(problem, y[: 16 * 5])
    assert warnings and "too small" in warnings[0]


def test_sensitivity_command_on_a_sobol_sweep(tmp_path):
    path = _sweep(tmp_path, name="sobol", design="sobol", points=8, seeds=1)
    run_sweep(path, tmp_path / "store")
    result = CliRunner().invoke(
        app, ["sensitivity", str(tmp_path / "store"), "--metric", "local_share", "--year", "1"]
    )
    assert result.exit_code == 0, result.output
    assert "Sobol indices of local_share" in result.output and "too small" in result.output
    assert len(list((tmp_path / "store").glob("sensitivity-*.png"))) == 2


BAD = {
    "unknown path": (
        {"parameter": [{"path": "spec.households.0.local_shar", "range": [0.1, 0.2]}]},
        "parameter[0]: spec.households.0.local_shar: no key 'local_shar'",
    ),
    "empty range": (
        {"parameter": [{"path": "spec.households.0.local_share", "range": [0.5, 0.5]}]},
        "range [0.5, 0.5] is empty",
    ),
    "too few points": ({"design": "sobol", "points": 6}, "sobol needs points a power of two >= 8"),
    "out of bounds": (
        {"parameter": [{"path": "spec.households.0.local_share", "range": [0.5, 1.5]}]},
        r"spec.households.0.local_share = 1.5 is out of range \(allowed: 0 to 1",
    ),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_sweeps_exit_2(tmp_path, case):
    changes, fragment = BAD[case]
    path = _sweep(tmp_path, name="bad", **changes)
    with pytest.raises(InputError, match=fragment.replace("[", r"\[").replace("]", r"\]")):
        load_sweep(path)
    result = CliRunner().invoke(app, ["sweep", str(path), "--out", str(tmp_path / "x")])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_unreachable_scheduler_and_foreign_store(serial, tmp_path):
    path, _ = serial
    start = time.time()
    result = CliRunner().invoke(
        app, ["sweep", str(path), "--out", str(tmp_path / "a"), "--scheduler", "tcp://127.0.0.1:9"]
    )
    assert result.exit_code == 2 and "cannot reach" in result.output
    assert time.time() - start < 20
    other = _sweep(tmp_path, name="other", seed=99)
    run_sweep(other, tmp_path / "b")
    before = sorted(p.name for p in (tmp_path / "b" / "runs").iterdir())
    result = CliRunner().invoke(app, ["sweep", str(path), "--out", str(tmp_path / "b")])
    assert result.exit_code == 2 and "different sweep file" in result.output
    assert sorted(p.name for p in (tmp_path / "b" / "runs").iterdir()) == before


def test_mesa_batch_run_works_with_plain_keywords():
    import mesa
    from economies import small_spec

    from cwbsim.model.economy import LocalEconomy

    rows = mesa.batch_run(
        LocalEconomy,
        parameters={"spec": [small_spec()], "adaptive": [True, False]},
        rng=[1, 2],
        max_steps=3,
        number_processes=1,
        display_progress=False,
    )
    frame = pd.DataFrame(rows)
    assert len(frame) == 4 and {"local_share", "lm3", "adaptive"} <= set(frame.columns)
    direct = LocalEconomy(small_spec(), rng=2)
    for _ in range(3):
        direct.step()
    row = frame[(frame.rng == 2) & frame.adaptive].iloc[0]
    assert row.local_share == direct.recorder.current["local_share"]  # the same run, exactly
    assert frame[frame.adaptive].local_share.nunique() == 2  # and the seeds differ


def test_a_changed_scenario_makes_a_different_sweep(tmp_path):
    import shutil

    scenario = tmp_path / "policy.toml"
    shutil.copy(SWEEPS / "small-policy.toml", scenario)
    shutil.copy(SWEEPS / "small-economy.toml", tmp_path / "small-economy.toml")
    path = _sweep(tmp_path, name="own", scenario=str(scenario), points=4, seeds=1)
    run_sweep(path, tmp_path / "store")
    scenario.write_text(scenario.read_text().replace("weight = 3.0", "weight = 4.0"))
    with pytest.raises(InputError, match="different sweep file"):
        run_sweep(path, tmp_path / "store")


def test_sensitivity_waits_for_every_run(tmp_path):
    path = _sweep(tmp_path, name="sobol", design="sobol", points=8, seeds=2)
    run_sweep(path, tmp_path / "store")
    next((tmp_path / "store" / "runs").glob("run-*.parquet")).unlink()
    from cwbsim.scenarios.sensitivity import analyse_store

    result = analyse_store(tmp_path / "store", "local_share", 1)
    assert result["table"] is None and "63 of 64 runs finished" in result["warnings"][0]


def _city_region(folder: Path) -> tuple[Path, Path]:
    """A three-place economy spec file (as ``cwbsim place`` writes one) and a policy on it."""
    from economies import places_data

    data = places_data(3)
    data["groups"] = {"All places": ["P0", "P1", "P2"]}
    data["report"] = ["All places", "Place 1"]
    spec = folder / "three-places.toml"
    spec.write_text(tomli_w.dumps(data))
    policy = folder / "policy.toml"
    policy.write_text(
        tomli_w.dumps(
            {
                "name": "policy",
                "base": spec.name,
                "intervention": [{"type": "procurement_preference", "weight": 4.0}],
            }
        )
    )
    return spec, policy


def test_city_region_sweep_and_comparison_on_local_dask_equal_serial(tmp_path):
    from cwbsim.scenarios.compare import compare
    from cwbsim.scenarios.schema import load_scenario

    spec, policy = _city_region(tmp_path)
    scenario, economy = load_scenario(spec)  # an economy spec is its own baseline
    assert scenario.intervention == [] and economy.name == "places"
    path = _sweep(
        tmp_path, name="city", scenario=spec.name, design="grid", points=2, seeds=2,
        parameter=[{"path": "spec.households.*.local_share", "range": [0.25, 0.45]}],
    )  # fmt: skip
    run_sweep(path, tmp_path / "serial", areas=["Place 1"])
    arms = (str(spec), str(policy))
    serial = compare(*arms, seeds=2, years=1, areas=["Place 1", "All places"])
    with evaluators.make(dask_local=2, worker_memory="1GB") as evaluator:
        assert evaluator.memory_limit() == 1_000_000_000
        figures = run_sweep(path, tmp_path / "dask", evaluator, areas=["Place 1"])
        on_dask = compare(*arms, 2, 1, evaluator, areas=["Place 1", "All places"])
        peaks = [w["peak_rss"] for w in evaluator.worker_memory()]
    assert figures["runs"] == 4 and figures["workers"] == 2
    assert len(peaks) == 2 and all(p > 0 for p in peaks)
    assert Store(tmp_path / "dask").manifest()["area"] == "Place 1"
    pd.testing.assert_frame_equal(_results(tmp_path / "dask"), _results(tmp_path / "serial"))
    pd.testing.assert_frame_equal(on_dask.by_area, serial.by_area)
    assert set(on_dask.by_area.area) == {"Place 1", "All places"}


def _limited(limit: int):
    """A serial evaluator whose workers may use ``limit`` bytes each."""
    from cwbsim.scenarios.evaluation import Evaluator

    class Limited(Evaluator):
        def memory_limit(self):
            return limit

    return Limited()


def test_workers_too_small_for_the_economy_are_refused_before_anything_runs(tmp_path):
    from cwbsim.scenarios import limits

    spec, _ = _city_region(tmp_path)
    path = _sweep(
        tmp_path, name="small", scenario=spec.name, points=2, seeds=1,
        parameter=[{"path": "spec.households.*.local_share", "range": [0.25, 0.45]}],
    )  # fmt: skip

    with pytest.raises(InputError, match="each Dask worker may use"):
        run_sweep(path, tmp_path / "store", _limited(200_000))  # under a thousand agents
    assert not (tmp_path / "store").exists()
    limits.worker_memory(load_sweep(path)[2], None)  # no limit: nothing to check


def test_a_sweep_that_grows_the_economy_is_refused_if_any_point_would_not_fit(tmp_path):
    spec, _ = _city_region(tmp_path)
    path = _sweep(
        tmp_path, name="growing", scenario=spec.name, points=2, seeds=1,
        parameter=[{"path": "spec.households.*.count", "range": [100, 50_000]}],
    )  # fmt: skip

    with pytest.raises(InputError, match="each Dask worker may use") as refused:
        # 10 MB: the 100-household point fits, the 50,000 one not
        run_sweep(path, tmp_path / "store", _limited(10_000_000))
    assert "83,349 household agents" in str(refused.value)  # the second point, not the first
    assert not (tmp_path / "store").exists()
