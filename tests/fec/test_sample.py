"""The figures the issue names, on the real filing 1527862 (Biden for President, Q2 2021)."""

from __future__ import annotations

from pathlib import Path

from subtier.fec import FecResult
from subtier.fec.filing import read_filing
from subtier.formats import load_chain

from ..conftest import run_cli
from .conftest import SAMPLE


def test_schedule_b_rows_by_line(sample: FecResult) -> None:
    by_line = {t.line: t for t in sample.lines}
    assert sum(t.rows for t in sample.lines) == 744
    assert by_line["23"].rows == 364
    assert by_line["28A"].rows == 377
    assert {k: t.rows for k, t in by_line.items()} == {"23": 364, "28A": 377, "28C": 2, "29": 1}
    assert by_line["23"].vendor
    assert not by_line["28A"].vendor


def test_itemized_totals_are_the_sum_of_the_rows(sample: FecResult) -> None:
    rows = read_filing(SAMPLE).rows
    for total in sample.lines:
        mine = [r for r in rows if r.line_number == total.line]
        assert total.itemized_cents == sum(r.cents for r in mine if not r.memo)
        assert total.memo_cents == sum(r.cents for r in mine if r.memo)


def test_summary_totals_beside_itemized_with_the_difference(sample: FecResult) -> None:
    by_line = {t.line: t for t in sample.lines}
    line23 = by_line["23"]
    assert (line23.itemized_cents, line23.summary_cents, line23.unitemized_cents) == (
        50125652, 50153193, 27541,
    )  # fmt: skip
    assert by_line["28A"].summary_cents == 10230746
    assert by_line["29"].summary_cents == by_line["29"].itemized_cents == 713700
    # The summary page's lines add up to its total disbursements ($610,976.39).
    assert sum(t.summary_cents or 0 for t in sample.lines) == 61097639


def test_memo_entries_under_conduits_are_the_committees_own_vendors(sample: FecResult) -> None:
    assert sample.memos.rows == 151
    assert not sample.memos.orphans
    by_name: dict[str, int] = {}
    for parent in sample.memos.parents:
        by_name[parent.name] = by_name.get(parent.name, 0) + parent.memo_rows
    assert by_name["American Express"] == 102  # card charges under the card issuer
    assert by_name["Zenefits"] == 33  # payroll under the payroll processor
    kinds = {p.name: p.conduit for p in sample.memos.parents if p.in_chain}
    assert kinds["American Express"] == "card"
    assert kinds["Zenefits"] == "payroll"
    assert kinds["Campana, Iran"] == "reimbursed"
    chain = sample.result.chain
    orgs = {o.name: o.id for o in chain.organizations}
    # Every memo entry of this filing is under a conduit: nothing is tier 2.
    assert all(e.buyer == chain.root for e in chain.engagements)
    through_amex = {
        e.supplier for e in chain.engagements if e.paid_through == orgs["American Express"]
    }
    names = {chain.organizations_by_id[i].name for i in through_amex}
    assert {"Amazon Web Services", "Dialpad", "Verizon Wireless", "Staples", "UPS"} <= names
    assert "American Express" not in names  # its own points rebate is no vendor of its own
    assert all(sample.result.graph.org_tier.get(i) == 1 for i in through_amex)
    memo_money = sum(f.flow.cents for f in sample.flows if f.via is not None)
    own = sum(f.flow.cents for f in sample.flows if f.via is not None and f.via == f.payee)
    assert memo_money == sum(p.memo_cents for p in sample.memos.parents if p.in_chain)
    assert own == -1620  # the card's points rebate


def test_no_disclosure_asked_of_conduits_banks_or_law_firms(sample: FecResult) -> None:
    chain = sample.result.chain
    asked = {
        chain.engagements_by_id[f.subject_id].supplier
        for f in sample.result.findings
        if f.rule == "subcontractors-disclosed"
    }
    names = {chain.organizations_by_id[i].name for i in asked}
    for name in ("American Express", "Zenefits", "Amalgamated Bank", "Covington & Burling LLP",
                 "Hemenway & Barnes LLP", "Comerica Bank", "First Data"):  # fmt: skip
        assert name not in names
    assert not asked, "nothing in this filing is work a vendor could subcontract"
    listed = {w.name: w for w in sample.worklist}
    assert not any(w.asked for w in sample.worklist)
    assert listed["American Express"].class_labels[0].startswith("credit card payments")
    assert listed["Amazon Web Services"].paid_through == ("American Express (card issuer)",)


def test_payees_abroad_are_domestic_only_findings(sample: FecResult) -> None:
    found = {f.subject_id: f for f in sample.result.findings if f.rule == "domestic-only"}
    chain = sample.result.chain
    countries = {
        chain.organizations_by_id[i].name: chain.organizations_by_id[i].country for i in found
    }
    assert countries["Financial Times"] == "GB"  # "LONDON EC4M 9BT United Kingdom", state ZZ
    assert {n for n, c in countries.items() if c == "ZZ"} <= {"Travis-Ci.Com", "Travis CI"}
    # A newspaper subscription is no work to pass on: reported, at low severity.
    assert {f.severity.value for f in found.values()} == {"low"}


def test_people_on_payroll_stay_people(sample: FecResult) -> None:
    chain = sample.result.chain
    zenefits = next(o.id for o in chain.organizations if o.name == "Zenefits")
    paid = {e.supplier for e in chain.engagements if e.paid_through == zenefits}
    types = {chain.organizations_by_id[i].type.value for i in paid}
    assert types == {"individual"}
    assert len(paid) == 9
    assert not any(w.payee in paid for w in sample.worklist)


def test_refunds_stay_out_of_the_vendor_chain(sample: FecResult) -> None:
    chain = sample.result.chain
    rows = read_filing(SAMPLE).rows
    refunded = {r.name for r in rows if r.line_number == "28A"}
    vendors = {r.name for r in rows if r.line_number == "23"}
    names = {o.name for o in chain.organizations}
    assert len(refunded) > 150
    assert not (refunded - vendors) & names
    assert all("Contribution Refund" not in f.flow.purposes for f in sample.flows)


def test_the_chain_is_a_chain_file_check_accepts(tmp_path: Path) -> None:
    out = tmp_path / "chain.yaml"
    done = run_cli("fec", str(SAMPLE), "--output", str(out))
    assert done.returncode == 0, done.stderr
    assert "744 rows, 151 of them memo entries" in done.stdout
    assert "$275.41 unitemized" in done.stdout
    chain = load_chain(out)
    assert chain.root == "C00703975"
    checked = run_cli("check", str(out), "--format", "json")
    assert checked.returncode == 0, checked.stderr


def test_json_and_csv_formats() -> None:
    import csv
    import io
    import json

    data = json.loads(run_cli("fec", str(SAMPLE), "--format", "json").stdout)
    assert data["memos"]["rows"] == 151
    assert sum(line["rows"] for line in data["lines"]) == 744
    rows = list(csv.DictReader(io.StringIO(run_cli("fec", str(SAMPLE), "-f", "csv").stdout)))
    assert {r["tier"] for r in rows} == {"1"}
    assert "american-express" in {r["paid_through"] for r in rows}
    assert {r["asked"] for r in rows if r["person"] == "no"} == {"no"}
