"""The postcode index in the user's data folder: built once, read by area, rebuilt on a new source."""

import json

from cwbsim.calibration import postcode_index
from cwbsim.calibration.geography import PostcodeLookup


def test_index_is_built_once_and_answers_by_area(user_data_folder):
    lookup = PostcodeLookup()
    assert lookup.districts(["PR1 2HE", "bb5 0la", "M1 1AA", "XX9 9XX", ""]) == [
        "E07000123", "E07000120", "E08000003", None, None,
    ]  # fmt: skip
    folder = user_data_folder / "postcodes"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["source_version"] == postcode_index._version()
    assert manifest["postcodes"] > 2_500_000
    assert (folder / "PR.parquet").exists() and (folder / "M.parquet").exists()
    built = (folder / "manifest.json").stat().st_mtime_ns
    assert postcode_index.lookup({"PR12HE"}) == {"PR12HE": "E07000123"}
    assert (folder / "manifest.json").stat().st_mtime_ns == built  # not rebuilt


def test_index_is_rebuilt_when_its_source_changes(user_data_folder):
    postcode_index.index_dir()
    manifest = user_data_folder / "postcodes" / "manifest.json"
    stale = json.loads(manifest.read_text()) | {"source_version": "0.0.0"}
    manifest.write_text(json.dumps(stale))
    assert postcode_index.lookup({"PR12HE"}) == {"PR12HE": "E07000123"}
    assert json.loads(manifest.read_text())["source_version"] == postcode_index._version()
    assert not [p for p in user_data_folder.iterdir() if p.name.startswith(".postcodes")]
