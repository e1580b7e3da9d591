"""Bulk files: parsing, zips, committees, amendments and duplicates, and bad input."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from subtier.errors import InputError
from subtier.fec import FecResult, run_fec
from subtier.fec.bulk import read_bulk
from subtier.formats import load_policy
from subtier.lists import facilities

from ..conftest import run_cli
from .bulkrows import line


def _run(path: Path, committee: str | None = None) -> FecResult:
    return run_fec([path], load_policy(), [facilities()], committee=committee)


def _write(tmp_path: Path, *lines: str, name: str = "oppexp.txt") -> Path:
    path = tmp_path / name
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_rows_become_tier_1_payees_and_memos_under_a_vendor_tier_2(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        line(),
        line(NAME="Acme Phone Services, LLC", SUB_ID="2", TRAN_ID="SB17.2", TRANSACTION_AMT="500"),
        line(NAME="AMEX", PURPOSE="CREDIT CARD PAYMENT", SUB_ID="3", TRAN_ID="P1", CITY="NEWARK", STATE="NJ", ZIP_CODE="07101"),
        line(NAME="PRINTCO", PURPOSE="YARD SIGNS", MEMO_CD="X", SUB_ID="4", TRAN_ID="M1",
             BACK_REF_TRAN_ID="P1", TRANSACTION_AMT="250", CITY="TULSA", ZIP_CODE="74103"),
        line(NAME="FIELD FIRM LLC", PURPOSE="FIELD CONSULTING", SUB_ID="5", TRAN_ID="P2",
             TRANSACTION_AMT="800", CITY="TULSA", ZIP_CODE="74103"),
        line(NAME="DOORS CREW INC", PURPOSE="CANVASSING", MEMO_CD="X", SUB_ID="6", TRAN_ID="M2",
             BACK_REF_TRAN_ID="P2", TRANSACTION_AMT="300", CITY="TULSA", ZIP_CODE="74103"),
    )  # fmt: skip
    result = _run(path)
    assert result.memos.rows == 2
    by_line = {t.line: t for t in result.lines}
    assert by_line["17"].itemized_cents == 100000 + 50000 + 100000 + 80000
    assert by_line["17"].memo_cents == 25000 + 30000
    acme = [p for p in result.payees if p.name.upper().startswith("ACME")]
    assert len(acme) == 1, "the two spellings are one payee"
    asked = [w.name for w in result.worklist if w.asked]
    assert asked == ["ACME PHONE SERVICES LLC", "FIELD FIRM LLC", "DOORS CREW INC", "PRINTCO"]
    assert [w.name for w in result.worklist if not w.asked] == ["AMEX"]
    by_name = {w.name: w for w in result.worklist}
    assert by_name["ACME PHONE SERVICES LLC"].labor_cents == 150000
    assert "subcontractor disclosure" in by_name["ACME PHONE SERVICES LLC"].ask
    # The merchant behind the card is the committee's own vendor, the card its conduit.
    assert by_name["PRINTCO"].tier == 1
    assert by_name["PRINTCO"].paid_through == ("AMEX (card issuer)",)
    # What a vendor passed on to its own supplier is tier 2.
    assert by_name["DOORS CREW INC"].tier == 2
    chain = result.result.chain
    orgs = {o.name: o.id for o in chain.organizations}
    [printco] = [e for e in chain.engagements if e.supplier == orgs["PRINTCO"]]
    assert (printco.buyer, printco.paid_through) == (chain.root, orgs["AMEX"])
    [card] = [e for e in chain.engagements if e.supplier == orgs["AMEX"]]
    assert card.disclosure_required is False
    disclosure = {
        f.subject_id for f in result.result.findings if f.rule == "subcontractors-disclosed"
    }
    assert card.id not in disclosure
    assert printco.id in disclosure


def test_zipped_and_plain_read_the_same(tmp_path: Path) -> None:
    plain = _write(tmp_path, line(), line(SUB_ID="2", TRAN_ID="2"))
    zipped = tmp_path / "oppexp20.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.write(plain, "oppexp.txt")
    assert _run(zipped).lines[0].itemized_cents == _run(plain).lines[0].itemized_cents == 200000


def test_amendments_replace_and_duplicates_count_once(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        line(),
        line(),  # replaced by the amendment, however often it is read
        line(AMNDT_IND="A", FILE_NUM="1400002", SUB_ID="9", TRANSACTION_AMT="1200.00"),
        line(AMNDT_IND="A", FILE_NUM="1400002", SUB_ID="9", TRANSACTION_AMT="1200.00"),
        line(RPT_TP="Q2", SUB_ID="10", TRANSACTION_AMT="7.00"),
    )
    result = _run(path)
    assert result.lines[0].itemized_cents == 120000 + 700
    reasons = sorted(d.reason for d in result.dropped)
    assert reasons == ["duplicate", "superseded", "superseded"]
    counted = result.lines[0].itemized_cents + sum(d.row.cents for d in result.dropped)
    assert counted == 100000 * 2 + 120000 * 2 + 700, "every row is either counted or reported"


def test_committee_filter_and_the_need_for_it(tmp_path: Path) -> None:
    path = _write(tmp_path, line(), line(CMTE_ID="C00000002", SUB_ID="2"))
    with pytest.raises(InputError, match="2 committees: choose one with --committee"):
        _run(path)
    assert _run(path, "C00000002").committee == "C00000002"


@pytest.mark.parametrize(
    ("content", "message", "number"),
    [
        (line() + "C00000001|N|2020\n", "3 fields where a bulk", 2),
        (line() + line(TRANSACTION_AMT="12,00"), "TRANSACTION_AMT '12,00' is not an amount", 2),
        (line(TRANSACTION_DT="13012020"), "not a date", 1),
        (line() + line()[:60], "ends in the middle of this line", 2),
        ("<html><body>not it</body></html>\n", "not an FEC bulk", 1),
        (line(CMTE_ID="XYZ"), "not an FEC committee id", 1),
    ],
)
def test_bad_input_names_the_line(tmp_path: Path, content: str, message: str, number: int) -> None:
    path = _write(tmp_path, content)
    with pytest.raises(InputError, match=message) as caught:
        for _batch in read_bulk(path):
            pass
    assert caught.value.line == number


def test_cli_exits_2_with_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, line(), line(TRANSACTION_AMT="abc"))
    done = run_cli("fec", str(path))
    assert done.returncode == 2
    assert f"{path}:2: TRANSACTION_AMT 'abc'" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (line(NAME="ACME\rPHONE"), "a carriage return (CR) inside the line"),
        (line(NAME="ACME\x00PHONE"), "a NUL byte inside the line"),
        (line(NAME="A" * 3_100_000), "NAME is 3,100,000 characters long; FEC fields are at most"),
    ],
)
def test_bytes_no_bulk_file_holds_name_the_line(tmp_path: Path, bad: str, message: str) -> None:
    path = tmp_path / "oppexp.txt"
    path.write_text(line() + bad + line(), encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(message)) as caught:
        [row for batch in read_bulk(path) for row in batch]
    assert caught.value.line == 2
