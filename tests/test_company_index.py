"""The company index, name matching against it, OCDS suppliers, the register, and downloads."""

import csv
import http.server
import io
import json
import random
import re
import threading
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cwbsim.calibration.company_index import (
    CompanyIndex,
    ingest_companies_house,
    temporary_index,
)
from cwbsim.calibration.company_match import Query, match_companies
from cwbsim.calibration.download import fetch
from cwbsim.calibration.names import canonical, key
from cwbsim.calibration.ocds import ingest_contracts
from cwbsim.calibration.payees import strip_boilerplate
from cwbsim.calibration.supplier_register import Entry, SupplierRegister, read_worklist
from cwbsim.cli import app
from cwbsim.model.errors import InputError

DATA = Path(__file__).parent / "data"
SALFORD = DATA / "suppliers" / "salford-contracts-register-2022-07.csv"
SAMPLE = DATA / "suppliers" / "companies-house-sample-1500.csv"
OCDS = DATA / "contracts" / "contracts-finder-50-releases.json"
HEADER = list(pd.read_csv(SAMPLE, nrows=0).columns)
WORDS = ["SERVICES", "GROUP", "HOLDINGS", "SOLUTIONS", "NORTH WEST", "UK", "CONSULTING",
         "PROPERTIES", "MANAGEMENT", "TRADING", "SUPPLIES", "(2015)", "INTERNATIONAL"]  # fmt: skip


def _truth() -> dict[str, tuple[str, str]]:
    """Salford's suppliers under their registered names (no "T/A" part), one per name key."""
    found: dict[str, tuple[str, str, str]] = {}
    with SALFORD.open(encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            name = re.split(r"\s+T/A\s+", row["Supplier Company Name"].strip())[0]
            if name:
                found.setdefault(key(name), (name, row["Company Number"], row["Supplier Postcode"]))
    return {name: (number, postcode) for name, number, postcode in found.values()}


def _near_miss(name: str, rng: random.Random) -> str:
    """A different company's name, one step away: a word added, swapped or a letter changed."""
    while key(near := _one_step(name, rng)) == key(name):
        pass
    return near


def _one_step(name: str, rng: random.Random) -> str:
    kind = rng.randrange(5)
    words = name.split()
    if kind == 0:
        return re.sub(r"\s+(LTD|LIMITED)$", "", name, flags=re.I) + f" {rng.choice(WORDS)} LIMITED"
    if kind == 1 and len(words) > 2:
        return " ".join([*words[:-2], rng.choice(WORDS), words[-1]])
    if kind == 2:
        i = rng.randrange(len(name))
        return (
            name[:i]
            + rng.choice([c for c in "BCDFGHKMPRSTW" if c != name[i].upper()])
            + name[i + 1 :]
        )
    if kind == 3:
        return f"{rng.choice(WORDS)} {name}"
    return f"{name} ({rng.choice(['NORTH', 'SOUTH', 'MIDLANDS', 'SCOTLAND'])})"


def _extract(path: Path, rng: random.Random) -> dict[str, tuple[str, str]]:
    """Basic Company Data in the official layout: Salford's suppliers, 12 near misses each,
    and 1,500 real companies from the Companies House sample."""
    truth = _truth()
    sample = list(csv.DictReader(SAMPLE.open(encoding="utf-8")))
    postcodes = [s["RegAddress.PostCode"] for s in sample if s["RegAddress.PostCode"]]
    rows, number = [], 90_000_000
    for name, (registered, postcode) in truth.items():
        row = dict.fromkeys(HEADER, "") | {"CompanyName": name, "RegAddress.PostCode": postcode,
                                           "CompanyNumber": registered or str(number),
                                           "CompanyStatus": "Active"}  # fmt: skip
        rows.append(row)
        number += 1
        for _ in range(12):
            rows.append(row | {"CompanyName": _near_miss(name, rng), "CompanyNumber": str(number),
                               "RegAddress.PostCode": rng.choice(postcodes)})  # fmt: skip
            number += 1
    rows += sample
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return truth


def _as_spend_files_write_it(name: str, rng: random.Random) -> str:
    text = name
    for step in rng.sample(range(7), rng.randrange(1, 4)):
        if step == 0:
            text = text.upper() if rng.random() < 0.5 else text.title()
        elif step == 1:
            text = (re.sub(r"\bLIMITED\b", "LTD", text, flags=re.I) if re.search("LIMITED", text, re.I)
                    else re.sub(r"\bLTD\b", "LIMITED", text, flags=re.I))  # fmt: skip
        elif step == 2:
            text = text.replace("&", "AND") if "&" in text else text.replace(" and ", " & ")
        elif step == 3:
            text = re.sub(r"[.,'()\-]", "", text)
        elif step == 4:
            text += rng.choice([" - INV 104233", " (DD)", " A/C 55123", " REF 8821", " DD"])
        elif step == 5:
            text += " T/A " + rng.choice(["SMITHS", "ACE CLEANING", "CITY CABS"])
        else:
            text = text[:30]
    return text


@pytest.fixture(scope="module")
def salford(tmp_path_factory):
    folder = tmp_path_factory.mktemp("salford")
    truth = _extract(folder / "extract.csv", random.Random(7))
    return truth, temporary_index([folder / "extract.csv"])


def test_matching_precision_on_the_salford_register(salford):
    truth, index = salford
    rng = random.Random(11)
    queries, answer = {}, {}
    for name in truth:
        for _ in range(2):
            written = _as_spend_files_write_it(name, rng)
            legal, trading = strip_boilerplate(written)
            queries[written] = Query(written, legal, trading)
            answer[written] = name
    found = match_companies(list(queries.values()), index)
    accepted = found[found["confidence"] == "high"]
    right = sum(key(answer[r.supplier]) == key(r.company) for r in accepted.itertuples())
    precision, recall = right / len(accepted), right / len(queries)
    print(f"Salford: {len(queries)} names, {len(accepted)} accepted, precision {precision:.3f}, "
          f"recall {recall:.3f}, {int((found['confidence'] == 'review').sum())} for review")  # fmt: skip
    assert precision >= 0.98
    assert recall >= 0.85
    assert set(found["method"]) >= {"exact name", "fuzzy name"}


def test_each_way_spend_files_write_a_name_matches(salford):
    truth, index = salford
    name = "Pavement Testing Services Limited"
    assert name in truth
    written = ["PAVEMENT TESTING SERVICES LTD", "Pavement Testing Services Ltd.",
               "Pavement Testing Services Limited - INV 104233",
               "Pavement Testing Services Ltd (DD)", "Pavement Testing Services Ltd T/A PTS",
               "Pavement Testing Services Limi"]  # fmt: skip
    queries = [Query(w, *strip_boilerplate(w)) for w in written]
    found = match_companies(queries, index).set_index("supplier")
    for w in written[:-1]:
        assert found.loc[w, "company"] == name and found.loc[w, "confidence"] == "high", w
    cut = found.loc["Pavement Testing Services Limi"]
    assert cut["company"] == name and cut["method"] == "name cut short"


def test_company_numbers_and_live_companies_win(tmp_path):
    path = tmp_path / "extract.csv"
    rows = [
        dict.fromkeys(HEADER, "") | {"CompanyName": "ACME WIDGETS LIMITED", "CompanyNumber": "123",
                                     "RegAddress.PostCode": "PR1 2HE", "CompanyStatus": "Dissolved"},
        dict.fromkeys(HEADER, "") | {"CompanyName": "ACME WIDGETS LTD", "CompanyNumber": "SC000456",
                                     "RegAddress.PostCode": "BB5 0LA", "CompanyStatus": "Active"},
    ]  # fmt: skip
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)
    index = temporary_index([path])
    found = match_companies([Query("Acme Widgets", "Acme Widgets"),
                             Query("Old Acme", "Old Acme", number="00000123")], index)  # fmt: skip
    found = found.set_index("supplier")
    assert found.loc["Acme Widgets", "district"] == "E07000120"  # the live one
    assert found.loc["Old Acme", "number"] == "00000123"  # by number, zero-padded
    assert found.loc["Old Acme", "method"] == "company number"


def test_ingest_reads_zip_parts_and_refuses_other_layouts(tmp_path):
    parts = tmp_path / "BasicCompanyData-2024-11-01-part1_2.zip"
    text = SAMPLE.read_text(encoding="utf-8").splitlines()
    with zipfile.ZipFile(parts, "w") as archive:
        archive.writestr("part1.csv", "\n".join(text[:701]) + "\n")
        archive.writestr("part2.csv", "\n".join([text[0], *text[701:]]) + "\n")
    report = ingest_companies_house([parts], folder=tmp_path)
    assert report.rows == 1500 and report.snapshot == "2024-11-01"
    manifest = json.loads((tmp_path / "companies.json").read_text())
    assert manifest["rows"] == 1500 and manifest["imported"]
    assert not list(tmp_path.glob("*.partial"))
    table = CompanyIndex(tmp_path).dataset.to_table().to_pandas()
    assert (table["district"] != "").mean() > 0.95 and (table["section"] != "").mean() > 0.8
    bad = tmp_path / "people.csv"
    bad.write_text("Name,Age\nAda,36\n")
    with pytest.raises(InputError, match=r"people\.csv: not Companies House Basic Company Data"):
        ingest_companies_house([bad], folder=tmp_path)
    assert (tmp_path / "companies.parquet").exists()  # the old index is left as it was


def test_vectorised_and_single_names_agree():
    import pyarrow as pa

    from cwbsim.calibration.names import block, block_array, canonical_array, key_array

    names = pd.read_csv(SAMPLE, usecols=["CompanyName"])["CompanyName"].tolist()
    names += ["Smith & Sons (Preston) Ltd.", "The Co-operative Group", "Café Nero", "A+B", ""]
    canon = canonical_array(pa.array(names)).to_pylist()
    keys = key_array(pa.array(canon)).to_pylist()
    assert canon == [canonical(n) for n in names]
    assert keys == [key(n) for n in names]
    assert block_array(pa.array(keys)).to_pylist() == [block(k) for k in keys]


def test_ocds_suppliers_feed_the_index(user_data_folder):
    count, path = ingest_contracts([OCDS])
    index = CompanyIndex()
    table = index.dataset.to_table(filter=None).to_pandas()
    suppliers = table[table["source"] == "contracts finder"]
    assert count == len(suppliers) >= 15 and path.name == "contracts.parquet"
    oak = suppliers[suppliers["number"] == "09438364"].iloc[0]
    assert oak["name"] == "OAKHEART SERVICES LTD." and oak["postcode"] == "DN33 3LH"
    assert oak["district"] == "E06000012"  # North East Lincolnshire
    found = match_companies(
        [Query("Oakheart Services Limited", "Oakheart Services Limited")], index
    )
    assert (
        found.iloc[0]["district"] == "E06000012" and found.iloc[0]["source"] == "contracts finder"
    )
    again, _ = ingest_contracts([OCDS])
    assert again == count  # imported twice, kept once
    broken = user_data_folder / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(InputError, match=r"broken\.json: not JSON"):
        ingest_contracts([broken])


def test_register_round_trip_and_hand_placements_win(tmp_path):
    from cwbsim.calibration.geography import PostcodeLookup

    book = SupplierRegister(tmp_path / "register.csv")
    book.put(Entry("Acme Ltd", "", "business", "", "E07000123", "", "F", "01234567", "auto",
                   "exact name", 100.0))  # fmt: skip
    book.put(Entry("Beta Trust", "", "vcse", "", "E07000120", "BB5 0LA", "", "", "hand",
                   "by hand", 100.0))  # fmt: skip
    book.put(Entry("BETA TRUST", "", "business", "", "E08000003", "", "", "", "auto", "fuzzy", 91))
    book.save()
    again = SupplierRegister(tmp_path / "register.csv")
    assert again.get("ACME LIMITED").area == "E07000123" and again.get("acme ltd").sector == "F"
    assert again.get("Beta Trust").area == "E07000120"  # the hand placement was kept
    assert {e.key: e for e in again.entries.values()} == book.entries
    worklist = tmp_path / "todo.csv"
    worklist.write_text("supplier,spend,postcode,area,type,sector\nGamma Ltd,10,PR1 2HE,,,F\n"
                        "Delta Ltd,5,,Hyndburn,vcse,\nEpsilon,1,,,,\nZeta,1,XX1 1XX,,,\n")  # fmt: skip
    with pytest.raises(InputError, match=r"todo\.csv: row 5: postcode 'XX1 1XX'"):
        read_worklist(worklist, PostcodeLookup())
    worklist.write_text("supplier,area,type\nGamma Ltd,Preston,charity\n")
    with pytest.raises(InputError, match=r"todo\.csv: row 2: type 'charity' \(allowed: business"):
        read_worklist(worklist, PostcodeLookup())


class _Server(http.server.BaseHTTPRequestHandler):
    body = bytes(range(256)) * 4096  # 1 MiB
    cut_first = True

    def do_HEAD(self):
        if "missing" in self.path:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()

    def do_GET(self):
        if "missing" in self.path:
            self.send_error(404)
            return
        start = 0
        if "Range" in self.headers:
            start = int(re.match(r"bytes=(\d+)-", self.headers["Range"]).group(1))
            self.send_response(206)
            self.send_header(
                "Content-Range", f"bytes {start}-{len(self.body) - 1}/{len(self.body)}"
            )
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(self.body) - start))
        self.end_headers()
        if _Server.cut_first:
            _Server.cut_first = False
            self.wfile.write(self.body[start : start + 300_000])
            self.wfile.flush()
            self.connection.shutdown(2)  # the connection drops part-way
            return
        self.wfile.write(self.body[start:])

    def log_message(self, *args):
        pass


def test_download_resumes_after_a_cut_connection(tmp_path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/BasicCompanyDataAsOneFile-2026-11-01.zip"
    seen = []
    try:
        path = fetch(url, tmp_path, tick=lambda done, total: seen.append(done))
        assert path.read_bytes() == _Server.body
        assert not list(tmp_path.glob("*.part"))
        assert min(d for d in seen if d > 300_000) > 300_000  # resumed, not restarted
        calls = len(seen)
        fetch(url, tmp_path, tick=lambda done, total: seen.append(done))
        assert len(seen) == calls + 1  # cached: nothing fetched again
        with pytest.raises(
            InputError, match=r"missing-2026-11-01\.zip: cannot be fetched \(HTTP 404"
        ):
            fetch(url.replace("BasicCompanyDataAsOneFile", "missing"), tmp_path / "other")
    finally:
        server.shutdown()


def test_suppliers_todo_then_add_places_by_hand(tmp_path):
    runner = CliRunner()
    spend = DATA / "spend" / "1701.csv"
    register = tmp_path / "register.csv"
    todo = tmp_path / "todo.csv"
    result = runner.invoke(app, ["suppliers", "todo", str(spend), "--local", "Hyndburn", "--region",
                                 "lancashire", "--out", str(todo), "--register", str(register)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Suppliers to place by hand" in result.output and "90%" in result.output
    rows = list(csv.DictReader(io.StringIO(todo.read_text())))
    assert rows and [float(r["spend"]) for r in rows] == sorted((float(r["spend"]) for r in rows),
                                                                reverse=True)  # fmt: skip
    first = rows[0]["supplier"]
    todo.write_text(f"supplier,postcode,area,type,sector\n{first},,Hyndburn,business,F\n")
    added = runner.invoke(app, ["suppliers", "add", str(todo), "--register", str(register)])
    assert added.exit_code == 0, added.output
    out = tmp_path / "analysis"
    analysed = runner.invoke(app, ["analyze", str(spend), "--local", "Hyndburn", "--register",
                                   str(register), "--out", str(out)])  # fmt: skip
    assert analysed.exit_code == 0, analysed.output
    document = json.loads((out / "analysis.json").read_text())
    placed = {r["supplier"]: r for r in document["top_suppliers"]}
    assert placed[first]["district"] == "E07000120" and placed[first]["tier"] == "local"
    bad = tmp_path / "bad.csv"
    bad.write_text("supplier,area\nAcme,Atlantis\n")
    refused = runner.invoke(app, ["suppliers", "add", str(bad), "--register", str(register)])
    assert refused.exit_code == 2 and "bad.csv: row 2: unknown area 'Atlantis'" in refused.output
