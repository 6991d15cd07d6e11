"""Who was paid: payee types and public bodies placed from names, checked by hand on real files."""

import re
from pathlib import Path

import pytest

from cwbsim.calibration import areas
from cwbsim.calibration.payees import (
    BUSINESS,
    INDIVIDUAL,
    PUBLIC,
    STATUTORY,
    UNKNOWN,
    VCSE,
    classify,
    strip_boilerplate,
)
from cwbsim.calibration.spend_files import read_spend_files

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "spend"

# Every council, NHS, police, fire and combined-authority payee among the 100 largest
# payees of the Hyndburn files and of each corpus publisher, as the files write them,
# with the type and the area checked by hand (GSS codes: today's district, county,
# combined authority or metropolitan county; "national" for bodies serving the country).
HAND_CHECKED = {
    "Lancashire County Council (Direct Debit Payments)": ("local authority", "E10000017"),
    "LANCASHIRE COUNTY COUNCIL": ("local authority", "E10000017"),
    "HYNDBURN BOROUGH COUNCIL": ("local authority", "E07000120"),
    "(DD ONLY) Ribble Valley Borough Council": ("local authority", "E07000124"),
    "BLACKBURN WITH DARWEN BOROUGH COUNCIL": ("local authority", "E06000008"),
    "BLACKBURN WITH DARWEN B.C.": ("local authority", "E06000008"),
    "RIBBLE VALLEY B.C.": ("local authority", "E07000124"),
    "BOROUGH OF PENDLE": ("local authority", "E07000122"),
    "BRADFORD DISTRICT CARE NHS FOUNDATI": ("NHS", "E08000032"),
    "WEST YORKSHIRE COMBINED AUTHORITY": ("combined or transport authority", "E47000003"),
    "BRADFORD TEACHING HOSPITALS NHS FT": ("NHS", "E08000032"),
    "NHS BRADFORD DISTRICTS CCG": ("NHS", "E08000032"),
    "WESTMINSTER CITY COUNCIL": ("local authority", "E09000033"),
    "LONDON BOROUGH OF TOWER HAMLETS": ("local authority", "E09000030"),
    "CITY OF LONDON": ("local authority", "E09000001"),
    "BROADLANDS DISTRICT COUNCIL": ("local authority", "E07000144"),
    "BRADFORD MET COUNCIL": ("local authority", "E08000032"),
    "PLYMOUTH CITY COUNCIL (RADIUS ACCOUNT": ("local authority", "E06000026"),
    "TEIGNBRIDGE DISTRICT COUNCIL": ("local authority", "E07000045"),
    "NORTH DEVON COUNCIL": ("local authority", "E07000043"),
    "SOUTH HAMS DISTRICT COUNCIL": ("local authority", "E07000044"),
    "NHS DEVON ICB": ("NHS", "E10000008"),
    "NORTHERN DEVON HEALTHCARE TRUST": ("NHS", "E07000043"),
    "WEST DEVON BOROUGH COUNCIL": ("local authority", "E07000047"),
    "MID DEVON DISTRICT COUNCIL": ("local authority", "E07000042"),
    "KENT COUNTY COUNCIL (KCS)": ("local authority", "E10000016"),
    "PLYMOUTH CITY COUNCIL(GENERAL AC": ("local authority", "E06000026"),
    "NHS DEVON CCG": ("NHS", "E10000008"),
    "TORBAY & SOUTH DEVON NHS": ("NHS", "E06000027"),
    "TORBAY COUNCIL FINANCE": ("local authority", "E06000027"),
    "GREATER LONDON AUTHORITY": ("combined or transport authority", "E61000001"),
    "LONDON BOROUGH OF LEWISHAM": ("local authority", "E09000023"),
    "LONDON BOROUGH OF LAMBETH": ("local authority", "E09000022"),
    "LONDON BOROUGH OF HILLINGDON": ("local authority", "E09000017"),
    "LONDON BOROUGH OF HACKNEY - BSP": ("local authority", "E09000012"),
    "CITY OF WESTMINSTER": ("local authority", "E09000033"),
    "LONDON BOROUGH OF BARNET": ("local authority", "E09000003"),
    "TRANSPORT FOR LONDON": ("combined or transport authority", "E61000001"),
    "LONDON BOROUGH OF REDBRIDGE": ("local authority", "E09000026"),
    "SOUTH LONDON AND MAUDSLEY NHS TRUST": ("NHS", "E09000006"),
    "LONDON BOROUGH OF BARKING & DAGENHA": ("local authority", "E09000002"),
    "LONDON FIRE & EMERGENCY PLANNING": ("fire", "E61000001"),
    "CROYDON COUNCIL": ("local authority", "E09000008"),
    "NORTH YORKSHIRE COUNTY COUNCIL": ("local authority", "E06000065"),
    "NORTH YORKSHIRE COUNTY COUNCIL WASTE MANAGEMENT SERVICES": ("local authority", "E06000065"),
    "West Yorkshire Police Authority": ("police", "E11000006"),
    "West Yorkshire Fire & Rescue": ("fire", "E11000006"),
    "Leeds Partnerships Nhs Foundation Trust": ("NHS", "E08000035"),
    "Kirklees Metropolitan Council": ("local authority", "E08000034"),
    "NEWCASTLE UPON TYNE HOSPITAL TRUST": ("NHS", "E08000021"),
    "NEWCASTLE HOSPITAL NHS FOUNDATION TRUST": ("NHS", "E08000021"),
    "NORTHUMBRIA HEALTHCARE NHS TRUST": ("NHS", "E08000022"),
    "NORTHUMBERLAND TYNE&WEAR NHS TRUST": ("NHS", "E08000021"),
    "NHS BUSINESS SERVICES AUTHORITY": ("NHS", "national"),
    "NHS SUPPLY CHAIN": ("NHS", "national"),
    "NORTHUMBERLAND COUNTY COUNCIL": ("local authority", "E06000057"),
    "NEWCASTLE UPON TYNE HOSPITALS NHS TRUST": ("NHS", "E08000021"),
    "GATESHEAD MBC": ("local authority", "E08000037"),
    "NORTH TYNESIDE COUNCIL": ("local authority", "E08000022"),
    "NEWCASTLE CITY COUNCIL": ("local authority", "E08000021"),
    "GATESHEAD COUNCIL": ("local authority", "E08000037"),
    "SHEFFIELD HEALTH & SOCIAL CARE NHS": ("NHS", "E08000039"),
    "SHEFFIELD CHILDRENS NHS FOUNDATION TRUST": ("NHS", "E08000039"),
    "SOUTH YORKSHIRE POLICE": ("police", "E11000003"),
    "SHEFFIELD PRIMARY CARE TRUST": ("NHS", "E08000039"),
    "SHEFFIELD CARE TRUST (SP)": ("NHS", "E08000039"),
    "GREATER MANCHESTER COMBINED AUTHORITY": ("combined or transport authority", "E47000001"),
    "GREATER MANCHESTER WASTE DISPOSAL AUTHORITY": ("combined or transport authority",
                                                    "E11000001"),
    "STOCKPORT NHS TRUST": ("NHS", "E08000007"),
    "TRANSPORT FOR GREATER MANCHESTER": ("combined or transport authority", "E11000001"),
    "PENNINE CARE NHS TRUST": ("NHS", "E08000008"),
    "METROPOLITAN POLICE": ("police", "E61000001"),
    "BRITISH TRANSPORT POLICE": ("police", "national"),
    "LONDON BOROUGH OF CAMDEN": ("local authority", "E09000007"),
    "LONDON BOROUGH OF ENFIELD": ("local authority", "E09000010"),
    "LONDON BOROUGH OF SOUTHWARK": ("local authority", "E09000028"),
    "CORPORATION OF LONDON": ("local authority", "E09000001"),
    "LONDON BOROUGH OF BRENT": ("local authority", "E09000005"),
    "LONDON BOROUGH OF NEWHAM": ("local authority", "E09000025"),
    "merseyside fire & rescue authority": ("fire", "E11000002"),
    "chorley borough council": ("local authority", "E07000118"),
    "lancashire county council": ("local authority", "E10000017"),
    "lancashire & south cumbria nhs foundation trust": ("NHS", "E07000126"),
    "lancaster city council (non domestic rates only)": ("local authority", "E07000121"),
    "preston city council": ("local authority", "E07000123"),
    "greater manchester combined authority": ("combined or transport authority", "E47000001"),
    "blackburn with darwen borough council": ("local authority", "E06000008"),
    "burnley borough council": ("local authority", "E07000117"),
    "wyre borough council": ("local authority", "E07000128"),
    "blackpool council": ("local authority", "E06000009"),
    "south ribble borough council": ("local authority", "E07000126"),
    "hyndburn borough council": ("local authority", "E07000120"),
    "rossendale borough council": ("local authority", "E07000125"),
    "fylde borough council": ("local authority", "E07000119"),
    "west lancashire borough council": ("local authority", "E07000127"),
    "pendle borough council": ("local authority", "E07000122"),
    "West Yorkshire Passenger Transport": ("combined or transport authority", "E11000006"),
    "Wakefield Mdc": ("local authority", "E08000036"),
    # public, but no one council's area: typed, not placed (and outside the base anyway)
    "BRITISH-IRISH COUNCIL": ("local authority", ""),
    "LONDON COUNCILS": ("local authority", ""),
}  # fmt: skip
# Top payees whose names carry a public-body word but which are not councils, NHS, police,
# fire or combined authorities (companies, charities, schools, other bodies): checked by hand.
NOT_THOSE = {
    "THE HOME FARM TRUST LTD": BUSINESS, "AFFINITY TRUST": VCSE,
    "SAINT JOHN OF GOD HOSPITALLER SVCS": UNKNOWN, "YORKSHIRE WATER AUTHORITY": UNKNOWN,
    "NOTTING HILL HOUSING TRUST": VCSE, "DELL CORPORATION LTD": BUSINESS,
    "north west fire control ltd": BUSINESS, "BYKER HALL N H (FELLINGATE CC LTD)": BUSINESS,
    "ACADEMY SERVICES (SHEFFIELD) LTD": BUSINESS, "NEW ERA HOUSING AUTHORITY": UNKNOWN,
    "delta fire": UNKNOWN, "fire hosetech ltd": BUSINESS,
    "national fire chiefs council ltd": BUSINESS, "FIRETEXT COMMUNICATIONS LTD": BUSINESS,
    "TRUSTMARQUE SOLUTIONS LTD": BUSINESS, "BOROUGH CARE LTD": BUSINESS,
    "OPA FINANCE DEPARTMENT": PUBLIC, "SHEFFIELD CHILDREN'S HOSPITAL CHARITY": VCSE,
    "CLEVELAND LAND SERVICES (GUISBOROUGH) LTD": BUSINESS, "Oracle Corporation Uk Ltd": BUSINESS,
    "HF TRUST LIMITED": BUSINESS, "COQUET TRUST": VCSE, "THE LULLABY TRUST": VCSE,
}  # fmt: skip
BODY = re.compile(r"council|\bB\.?C\.?\b|\bMBC\b|\bDC\b|\bCC\b|\bMC\b|nhs|hospital|police|"
                  r"constabulary|fire|crime commissioner|combined|transport for|borough|"
                  r"corporation", re.IGNORECASE)  # fmt: skip
KINDS = ("local authority", "NHS", "police", "fire", "combined or transport authority")


@pytest.mark.parametrize("name", sorted(HAND_CHECKED))
def test_public_bodies_are_typed_and_placed(name):
    kind, area = HAND_CHECKED[name]
    payee = classify(name)
    assert (payee.type, payee.kind, payee.area) == (PUBLIC, kind, area), payee


def test_every_public_body_among_the_real_files_top_payees_is_hand_checked():
    if not SHARED.exists():
        pytest.skip(f"{SHARED} not present")
    groups = {"hyndburn": sorted((SHARED / "hyndburn").glob("*.csv")),
              "lancashire-fire": sorted((SHARED / "lancashire-fire").glob("*"))}  # fmt: skip
    groups |= {d.name: sorted(d.iterdir()) for d in (SHARED / "corpus").iterdir()}
    seen = 0
    for files in groups.values():
        payments = read_spend_files(files).payments
        top = payments.groupby("supplier").amount.sum().nlargest(100).index
        for name in top:
            payee = classify(name)
            if payee.type == PUBLIC and payee.kind in KINDS:
                assert name in HAND_CHECKED, (name, payee)
                seen += 1
            elif BODY.search(name) and name not in HAND_CHECKED:
                assert name in NOT_THOSE, (name, payee)
                assert payee.type == NOT_THOSE[name], (name, payee)
    assert seen >= 90


def test_hand_checked_areas_exist_today():
    for _kind, area in HAND_CHECKED.values():
        assert area in ("national", "") or areas.areas()[area].current


def test_other_payee_types():
    cases = {
        "HM Revenue & Customs (Direct Debit)": (STATUTORY, "tax"),
        "INLAND REVENUE SHIPLEY PAYE": (STATUTORY, "tax"),
        "West Yorkshire Pension Fund": (STATUTORY, "pension fund"),
        "Environment Agency Flood Defence Levy": (STATUTORY, "levy or precept"),
        "Public Works Loan Board": (STATUTORY, "loan or debt"),
        "DEPARTMENT FOR WORK & PENSIONS": (PUBLIC, "central government"),
        "REDACTED PERSONAL DATA": (INDIVIDUAL, "redacted"),
        "Mr Mark Calway": (INDIVIDUAL, "individual"),
        "Salford Community Leisure Ltd": (BUSINESS, ""),
        "Age UK Lancashire": (VCSE, ""),
        "Preston Community Interest Company": (VCSE, ""),
        "J Smith T/A Smith Plumbing": (BUSINESS, "sole trader"),
        "University of Central Lancashire": (PUBLIC, "education"),
        "Water Plus - 4035576019 - 2 Foxhill Bank, Osw": (UNKNOWN, ""),
    }
    for name, (kind, sub) in cases.items():
        payee = classify(name)
        assert (payee.type, payee.kind) == (kind, sub), (name, payee)
    assert classify("University of Central Lancashire").area == "E07000123"


def test_boilerplate_is_stripped():
    assert strip_boilerplate("Leeds City Council (Direct Debit)") == ("Leeds City Council", "")
    assert strip_boilerplate("Kirklees MC - Accounts Receivable") == ("Kirklees MC", "")
    assert strip_boilerplate("Water Plus - 4035576019 - 2 Foxhill Bank, Osw") == ("Water Plus", "")
    assert strip_boilerplate("ENTERPRISE RENT-A-CAR (UK) LTD") == (
        "ENTERPRISE RENT-A-CAR (UK) LTD",
        "",
    )
    assert strip_boilerplate("Civica UK Ltd DD") == ("Civica UK Ltd", "")
    assert strip_boilerplate("ABC Ltd T/A XYZ Cabs") == ("ABC Ltd", "XYZ Cabs")
    assert strip_boilerplate("A1 - Plumbing Ltd") == ("A1 Plumbing Ltd", "")
