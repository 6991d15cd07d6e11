"""Bad specs get one line naming the file, the key and the allowed values; the CLI exits 2."""

import pytest
import tomli_w
from economies import small_data
from typer.testing import CliRunner

from cwbsim.cli import app
from cwbsim.model.errors import InputError
from cwbsim.model.spec.files import load_spec


def _write(tmp_path, data, name="bad.toml"):
    path = tmp_path / name
    path.write_text(tomli_w.dumps(data))
    return path


def _broken(change):
    data = small_data()
    change(data)
    return data


CASES = {
    "unknown key": (
        lambda d: d["anchors"][0].update(wage_shaer=0.3),
        ["anchors[0].wage_shaer", "unknown key", "allowed keys: name, area, income"],
    ),
    "share above 1": (
        lambda d: d["households"][0].update(local_share=1.4),
        ["households[0].local_share", "<= 1"],
    ),
    "shares of one payer above 1": (
        lambda d: d["anchors"][1].update(wage_share=0.8, procurement_share=0.5),
        ["anchors[1]", "wage_share + procurement_share = 1.3", "sum <= 1"],
    ),
    "contract with unknown supplier": (
        lambda d: d["anchors"][0].update(
            contracts=[{"supplier": "Nobody Ltd", "sector": "F", "value": 1000.0, "end": "2022-03"}]
        ),
        ["anchors[0].contracts[0].supplier", "'Nobody Ltd'", "not a declared supplier"],
    ),
    "negative income": (
        lambda d: d["anchors"][0].update(income=-5.0),
        ["anchors[0].income", ">= 0"],
    ),
    "unknown area": (
        lambda d: d["firms"][0].update(area="XX"),
        ["firms[0].area", "unknown area 'XX'", "allowed: L1, R1, O1"],
    ),
    "unknown tier": (
        lambda d: d["areas"][0].update(tier="city"),
        ["areas[0].tier", "'local', 'region' or 'outside'"],
    ),
    "sector mix not summing to 1": (
        lambda d: d["firms"][1].update(sectors={"F": 0.5, "G": 0.2}),
        ["firms[1]", "sectors shares sum to 0.7", "must sum to 1"],
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_spec_gives_one_line_naming_file_key_and_allowed(tmp_path, case):
    change, expected = CASES[case]
    path = _write(tmp_path, _broken(change))
    with pytest.raises(InputError) as error:
        load_spec(path)
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    for fragment in expected:
        assert fragment in message


def test_missing_file_and_unknown_name():
    with pytest.raises(InputError, match=r"no-such\.toml: no such file"):
        load_spec("no-such.toml")
    with pytest.raises(InputError, match=r"preston-2099: no such spec .*preston-2012"):
        load_spec("preston-2099")


def test_malformed_toml_and_wrong_encoding(tmp_path):
    bad = tmp_path / "broken.toml"
    bad.write_text('name = "x"\n[[areas]\n')
    with pytest.raises(InputError, match=r"broken\.toml: not valid TOML"):
        load_spec(bad)
    latin = tmp_path / "latin.toml"
    latin.write_bytes('name = "£"\n'.encode("latin-1"))
    with pytest.raises(InputError, match=r"latin\.toml: byte 8 is not UTF-8"):
        load_spec(latin)


@pytest.mark.parametrize("case", ["unknown key", "share above 1", "contract with unknown supplier"])
def test_cli_exits_2_with_one_line_and_no_traceback(tmp_path, case):
    change, expected = CASES[case]
    path = _write(tmp_path, _broken(change))
    result = CliRunner().invoke(app, ["run", str(path), "--years", "1"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert expected[0] in lines[0]


def test_cli_rejects_bad_options():
    runner = CliRunner()
    result = runner.invoke(app, ["run", "preston-2012", "--engine", "turbo"])
    assert result.exit_code == 2 and "allowed: vectorised, reference" in result.output
    result = runner.invoke(app, ["run", "no-such.toml"])
    assert result.exit_code == 2 and "no such file" in result.output
    result = runner.invoke(app, ["run", "preston-2012", "--years", "0"])
    assert result.exit_code == 2 and "--years" in result.output
