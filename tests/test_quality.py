"""Quality gates: import layers, lint and format."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _tool(name):
    path = BIN / name
    if path.exists():
        return str(path)
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: install the test extra (pip install -e '.[test]')")
    return found


def test_import_layers():
    """cli, viz -> calibration -> scenarios -> model, never upwards."""
    result = subprocess.run([_tool("lint-imports")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_model_imports_nothing_above_it():
    for path in (ROOT / "cwbsim" / "model").rglob("*.py"):
        text = path.read_text()
        for upper in ("cwbsim.scenarios", "cwbsim.calibration", "cwbsim.viz", "cwbsim.cli"):
            assert upper not in text, f"{path} imports {upper}"


def test_ruff_check_and_format():
    ruff = _tool("ruff")
    check = subprocess.run([ruff, "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    fmt = subprocess.run([ruff, "format", "--check", "."], cwd=ROOT, capture_output=True, text=True)
    assert fmt.returncode == 0, fmt.stdout


def test_the_spec_reference_is_written_from_the_current_schema():
    from cwbsim.model.spec.reference import reference

    written = (ROOT / "docs" / "spec-reference.md").read_text()
    assert written == reference(), "regenerate: python -m cwbsim.model.spec.reference"
    for key in ("income", "household_weight", "renewal_probability", "capacity_headroom"):
        assert f"`{key}`" in written


def test_the_documented_example_spec_runs_and_keeps_its_stated_shares():
    from cwbsim.scenarios.running import run_economy

    result = run_economy(str(ROOT / "docs" / "example-economy.toml"), 1, 1)
    year = result.years[0]
    assert year["anchor_spend"] == pytest.approx(60e6 * 0.45 + 20e6 * 0.25, rel=1e-6)
    stated = (60e6 * 0.45 * 0.12 + 20e6 * 0.25 * 0.2) / (60e6 * 0.45 + 20e6 * 0.25)
    assert year["local_share"] == pytest.approx(stated, abs=0.03)
