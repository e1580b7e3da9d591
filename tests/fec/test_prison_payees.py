"""FEC payees that are correctional-industries programs are findings, not only worklist entries."""

from __future__ import annotations

from pathlib import Path

from subtier.core.policy import Severity
from subtier.fec import run_fec
from subtier.formats import load_policy
from subtier.lists import facilities

from ..conftest import run_cli
from .bulkrows import line


def test_a_program_paid_by_the_committee_is_a_prison_finding(tmp_path: Path) -> None:
    path = tmp_path / "oppexp.txt"
    path.write_text(
        line()
        + line(NAME="OKLAHOMA CORRECTIONAL INDUSTRIES", CITY="OKLAHOMA CITY", ZIP_CODE="73111",
               PURPOSE="CALL CENTER SERVICES", SUB_ID="2", TRAN_ID="SB17.2"),
        encoding="utf-8",
    )  # fmt: skip
    result = run_fec([path], load_policy(), [facilities()])
    found = [f for f in result.result.findings if f.rule == "no-prison-labor"]
    [finding] = found
    assert finding.severity is Severity.CRITICAL
    assert finding.subject_kind == "organization"
    org = result.result.chain.organizations_by_id[finding.subject_id]
    assert org.name == "OKLAHOMA CORRECTIONAL INDUSTRIES"
    assert finding.evidence[0].entry_id == "us-ok-oci"
    assert finding.path[0] == result.result.chain.root
    # The worklist still names it, now with the finding beside it.
    [item] = [w for w in result.worklist if w.payee == finding.subject_id]
    assert any("no-prison-labor" in flag for flag in item.flags)
    shown = run_cli("fec", str(path))
    assert "no-prison-labor" in shown.stdout
    assert "OKLAHOMA CORRECTIONAL INDUSTRIES" in shown.stdout
