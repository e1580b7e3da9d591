"""The worklist from a bulk file: calling vendors named as calling, payees abroad flagged."""

from __future__ import annotations

from pathlib import Path

from subtier.fec import run_fec
from subtier.formats import load_policy
from subtier.lists import facilities

from ..conftest import run_cli
from .bulkrows import line


def test_voter_contact_calls_are_on_the_worklist_as_calling(tmp_path: Path) -> None:
    path = tmp_path / "oppexp.txt"
    path.write_text(
        line(NAME="ACME VOTER CONTACT LLC", PURPOSE="VOTER CONTACT PHONE SERVICES",
             TRANSACTION_AMT="520000.00")
        + line(NAME="LIVE CALLS CO", PURPOSE="TELEPHONE SERVICES - VOTER CONTACT", SUB_ID="2",
               TRAN_ID="SB17.2", CITY="NEWARK", STATE="NJ", ZIP_CODE="07102",
               TRANSACTION_AMT="450000.00")
        + line(NAME="VERIZON WIRELESS", PURPOSE="PHONE SERVICES", SUB_ID="3", TRAN_ID="SB17.3",
               CITY="NEWARK", STATE="NJ", ZIP_CODE="07102", TRANSACTION_AMT="900.00"),
        encoding="utf-8",
    )  # fmt: skip
    result = run_fec([path], load_policy(), [facilities()])
    asked = {w.name: w for w in result.worklist if w.asked}
    assert set(asked) == {"ACME VOTER CONTACT LLC", "LIVE CALLS CO"}
    assert all(w.classes == ("calls",) for w in asked.values())
    assert sum(w.labor_cents for w in asked.values()) == 97_000_000
    assert [w.name for w in result.worklist if not w.asked] == ["VERIZON WIRELESS"]
    shown = run_cli("fec", str(path)).stdout
    assert "1. ACME VOTER CONTACT LLC" in shown
    assert "$450,000.00 for phone banks and call centers" in shown


def test_a_payee_in_state_zz_is_a_domestic_only_finding(tmp_path: Path) -> None:
    path = tmp_path / "oppexp.txt"
    path.write_text(
        line()
        + line(NAME="ISLAND DATA KEYING CORP", CITY="CEBU CITY", STATE="ZZ", ZIP_CODE="6000",
               PURPOSE="DATA ENTRY SERVICES", SUB_ID="2", TRAN_ID="SB17.2")
        + line(NAME="MAPLE LETTERSHOP", CITY="TORONTO", STATE="ON", ZIP_CODE="M5V 2T6",
               PURPOSE="MAIL HOUSE", SUB_ID="3", TRAN_ID="SB17.3"),
        encoding="utf-8",
    )  # fmt: skip
    result = run_fec([path], load_policy(), [facilities()])
    found = {
        result.result.chain.organizations_by_id[f.subject_id].name: f
        for f in result.result.findings
        if f.rule == "domestic-only"
    }
    assert set(found) == {"ISLAND DATA KEYING CORP", "MAPLE LETTERSHOP"}
    assert found["ISLAND DATA KEYING CORP"].severity.value == "high"
    assert "abroad" in found["ISLAND DATA KEYING CORP"].summary
    assert "is in CA" in found["MAPLE LETTERSHOP"].summary
    [item] = [w for w in result.worklist if w.name == "ISLAND DATA KEYING CORP"]
    assert item.asked
    assert any("domestic-only" in flag for flag in item.flags)
    assert "domestic-only" in run_cli("fec", str(path)).stdout
