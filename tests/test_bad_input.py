"""Bad input as a new user types it: each case ends as one line and exit 2, or a correct result."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pytest
import tomli_w
from economies import SMALL

from cwbsim.cli import main
from cwbsim.model.errors import InputError
from cwbsim.scenarios import compare as compare_module
from cwbsim.scenarios.outputs import TEMPORARY, json_text, replace_folder, writable_folder

SWEEPS = Path(__file__).resolve().parents[1] / "cwbsim" / "scenarios" / "sweeps"
POLICY = str(SWEEPS / "small-policy.toml")


def cwbsim(capsys, *args: str) -> tuple[int, str, str]:
    """Run the console script's entry point in process: (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as stopped:
        main([str(a) for a in args])
    found = capsys.readouterr()
    return stopped.value.code, found.out, found.err


def one_line_error(err: str, *fragments: str) -> None:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


@pytest.mark.parametrize(
    "income, fragment", [(math.inf, "inf is not a finite number"), (1e300, "out of range")]
)
def test_income_of_infinity_or_1e300_is_refused(tmp_path, capsys, income, fragment):
    data = json.loads(json.dumps(SMALL))
    data["anchors"][0]["income"] = income
    path = tmp_path / "spec.toml"
    path.write_text(tomli_w.dumps(data))
    code, _, err = cwbsim(capsys, "run", path, "--years", "1")
    assert code == 2
    one_line_error(err, "anchors[0].income", fragment)


def test_negative_seed_is_refused(capsys):
    code, _, err = cwbsim(capsys, "run", "preston-2012", "--seed", "-1", "--years", "1")
    assert code == 2
    one_line_error(err, "--seed: -1", "0 to 2**63 - 1")


def test_years_beyond_the_cap_are_refused(capsys):
    code, _, err = cwbsim(capsys, "run", "preston-2012", "--years", "100000")
    assert code == 2
    one_line_error(err, "--years: 100000", "1 to 50")


def test_an_output_folder_under_a_file_is_refused_before_any_run(tmp_path, capsys, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")

    def no_runs(*args, **kwargs):
        raise AssertionError("ran before checking --out")

    monkeypatch.setattr(compare_module, "compare", no_runs)
    code, _, err = cwbsim(
        capsys, "compare", POLICY, POLICY, "--seeds", "2", "--years", "1",
        "--workers", "1", "--out", blocker / "sub",
    )  # fmt: skip
    assert code == 2
    one_line_error(err, "--out:", "cannot be written")
    code, _, err = cwbsim(capsys, "run", "preston-2012", "--years", "1", "--out", blocker)
    assert code == 2
    one_line_error(err, "--out:", "is a file")


def test_an_unwritable_output_folder_is_refused(tmp_path):
    if os.geteuid() != 0:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        target = locked / "out"
    elif Path("/proc/self").exists():
        target = Path("/proc/cwbsim-out")  # not even root may make a folder here
    else:
        pytest.skip("no folder this user cannot write")
    with pytest.raises(InputError, match="cannot be written"):
        writable_folder(target)


def test_an_interval_needs_two_seeds(capsys):
    code, _, err = cwbsim(capsys, "compare", POLICY, POLICY, "--seeds", "1", "--years", "1")
    assert code == 2
    one_line_error(err, "--seeds: 1", "at least 2 seeds")


def test_interventions_after_the_horizon_are_named(tmp_path, capsys):
    late = tmp_path / "late.toml"
    late.write_text(
        tomli_w.dumps(
            {
                "name": "late",
                "base": str(SWEEPS / "small-economy.toml"),
                "years": 5,
                "intervention": [{"type": "buy_local", "shift": 0.1, "start_year": 3}],
            }
        )
    )
    code, _, err = cwbsim(capsys, "run", late, "--years", "2")
    assert code == 0
    assert "warning: late: buy_local (starts in year 3) starts after the 2 years run" in err


def test_a_spec_too_big_for_memory_is_refused_with_the_estimate(tmp_path, capsys):
    data = json.loads(json.dumps(SMALL))
    data["households"][0]["count"] = 200_000_000
    data["households"][0]["household_weight"] = 1
    path = tmp_path / "huge.toml"
    path.write_text(tomli_w.dumps(data))
    code, _, err = cwbsim(capsys, "run", path, "--years", "1")
    assert code == 2
    one_line_error(err, "GB of memory needed", "200,000,000 household agents", "household_weight")


@pytest.mark.parametrize(
    "target, fragment",
    [("lm3 = nan", "finite"), ("lm3 = -1.5", "lm3 = -1.5"), ("respend_sme = 1.4", "0 to 1")],
)
def test_calibration_targets_must_be_finite_and_in_range(tmp_path, target, fragment):
    from cwbsim.calibration.targets import load_targets

    path = tmp_path / "targets.toml"
    path.write_text(f"[targets]\n{target}\n")
    with pytest.raises(InputError, match=fragment):
        load_targets(path)


def test_json_outputs_hold_no_bare_nan():
    text = json_text({"a": math.nan, "b": [1.0, math.inf], "c": {"d": -math.inf}})
    assert "NaN" not in text and "Infinity" not in text
    assert json.loads(text) == {"a": None, "b": [1.0, None], "c": {"d": None}}


def test_a_second_sweep_on_the_same_store_is_refused(tmp_path):
    from cwbsim.scenarios.sweep_run import run_sweep
    from cwbsim.scenarios.sweep_store import Store

    sweep = tmp_path / "sweep.toml"
    sweep.write_text(
        tomli_w.dumps(
            {
                "name": "locked",
                "scenario": POLICY,
                "design": "lhs",
                "points": 2,
                "seeds": 1,
                "years": 1,
                "metrics": ["local_share"],
                "parameter": [{"path": "scenario.intervention.0.weight", "range": [0.0, 5.0]}],
            }
        )
    )
    with Store(tmp_path / "store").lock():
        with pytest.raises(InputError, match="another cwbsim sweep is writing to it"):
            run_sweep(sweep, tmp_path / "store")
    assert run_sweep(sweep, tmp_path / "store")["runs"] == 2  # free again once released


def test_a_killed_write_leaves_the_old_outputs_whole_and_no_temporary_files(tmp_path):
    out = tmp_path / "run"
    replace_folder(out, lambda f: (f / "summary.json").write_text("seed 1"), {"summary.json"})

    def killed(folder):
        (folder / "summary.json").write_text("seed 2")
        raise KeyboardInterrupt  # killed half-way

    with pytest.raises(KeyboardInterrupt):
        replace_folder(out, killed, {"summary.json"})
    assert (out / "summary.json").read_text() == "seed 1"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(TEMPORARY)]
    # a SIGKILL leaves a hidden folder; the next write removes it
    (tmp_path / f"{TEMPORARY}run.999999999.abc.new").mkdir()
    replace_folder(out, lambda f: (f / "summary.json").write_text("seed 3"), {"summary.json"})
    assert (out / "summary.json").read_text() == "seed 3"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(TEMPORARY)]


def test_a_folder_holding_other_files_is_not_replaced(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.docx").write_text("precious")
    with pytest.raises(InputError, match="not a run's outputs"):
        replace_folder(out, lambda f: None, {"summary.json"})
    assert (out / "thesis.docx").read_text() == "precious"


def test_a_scenario_run_uses_the_scenarios_own_seed(tmp_path, capsys):
    out = tmp_path / "out"
    code, _, _ = cwbsim(capsys, "run", POLICY, "--years", "1", "--out", out)
    assert code == 0
    seed = json.loads((out / "summary.json").read_text())["seed"]
    assert seed == 20130401  # small-policy.toml has no seed: the schema's default root
    code, _, _ = cwbsim(capsys, "run", POLICY, "--years", "1", "--seed", "9", "--out", out)
    assert json.loads((out / "summary.json").read_text())["seed"] == 9


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["run", "--bogus"], "No such option: --bogus"),
        (["compare", "a", "b", "--workers", "0"], "'--workers'"),
        (["nosuch"], "No such command 'nosuch'"),
        (["run", "preston-2012", "--years", "x"], "'--years'"),
    ],
)
def test_a_mistyped_command_line_is_one_line(capsys, args, fragment):
    code, _, err = cwbsim(capsys, *args)
    assert code == 2
    one_line_error(err, fragment, "--help")


def test_set_changes_a_parameter_and_refuses_bad_paths(tmp_path, capsys):
    out = tmp_path / "out"
    code, _, _ = cwbsim(
        capsys, "run", POLICY, "--years", "1", "--set", "scenario.intervention.0.weight=7",
        "--out", out,
    )  # fmt: skip
    assert code == 0
    assert "weight = 7.0" in (out / "scenario.toml").read_text()
    code, _, err = cwbsim(capsys, "run", POLICY, "--years", "1", "--set", "scenario.nope=1")
    assert code == 2
    one_line_error(err, "--set: scenario.nope", "no key 'nope'")
    code, _, err = cwbsim(
        capsys, "run", POLICY, "--years", "1", "--set", "scenario.intervention.0.weight=99"
    )
    assert code == 2
    one_line_error(err, "out of range", "0 to 20")
