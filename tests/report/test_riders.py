"""Contract riders: one clause per enabled rule, from the same registry as the checks."""

from __future__ import annotations

import html
import subprocess
import sys
import typing
from pathlib import Path

import pytest
from docx import Document

from subtier.core.policy import RULES, Policy
from subtier.core.policy.clauses import CLAUSES, GENERAL, Rider, RiderClause, attested_terms, rider
from subtier.core.policy.config import DomesticOnly, NoPrisonLabor, WageFloor
from subtier.errors import InputError
from subtier.formats import load_policy
from subtier.report.riders import docx_bytes, html_page, markdown
from tests.paths import ROOT


def policy_file(tmp_path: Path, rules: str, name: str = "test") -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(f"subtier-policy: 1\nname: {name}\nrules:\n{rules}", encoding="utf-8")
    return path


def rider_of(tmp_path: Path, rules: str, name: str = "test") -> Rider:
    return rider(load_policy(policy_file(tmp_path, rules, name)))


def rule_clauses(r: Rider) -> list[RiderClause]:
    """The clauses of the rules, without the definitions and terms every rider carries."""
    return [c for c in r.clauses if c.rule in RULES]


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "subtier", "riders", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        cwd=cwd,
        timeout=120,
    )


def test_every_rule_has_a_clause_taking_its_parameters() -> None:
    assert list(CLAUSES) == list(RULES)
    for name, (_heading, clause) in CLAUSES.items():
        hints = typing.get_type_hints(clause)
        hints.pop("return")
        assert list(hints.values()) == [RULES[name][1]], name


def test_clauses_mention_their_parameters() -> None:
    _, domestic = CLAUSES["domestic-only"]
    text = domestic(DomesticOnly(countries=["DE", "PH", "MX"]))
    for code in ("DE", "PH", "MX"):
        assert f"({code})" in text
    _, wage = CLAUSES["wage-floor"]
    text = wage(WageFloor(hourly=1234.5, currency="GBP"))
    assert "GBP 1,234.50" in text


def test_default_policy_has_one_clause_per_enabled_rule_in_order(default_policy: Policy) -> None:
    r = rider(default_policy)
    enabled = [name for name in RULES if default_policy.params(name) is not None]
    assert enabled == list(RULES)
    assert [c.rule for c in rule_clauses(r)] == enabled
    assert [c.rule for c in r.clauses] == ["definitions", *enabled, *GENERAL]
    assert [c.number for c in r.clauses] == list(range(1, len(r.clauses) + 1))
    assert r.policy == "default"
    assert "No work under this agreement will be performed by incarcerated persons" in (
        rule_clauses(r)[0].text
    )
    preamble = " ".join(r.preamble)
    for words in ("any tier", "attests", "before the services begin", "site", "workforce"):
        assert words in preamble


def test_wage_floor_only(tmp_path: Path) -> None:
    r = rider_of(tmp_path, "  wage-floor: {hourly: 17.50, currency: EUR}\n")
    assert [c.rule for c in rule_clauses(r)] == ["wage-floor"]
    assert rule_clauses(r)[0].number == 2  # after the definitions
    assert "EUR 17.50 per hour" in rule_clauses(r)[0].text


def test_domestic_only_names_every_country(tmp_path: Path) -> None:
    r = rider_of(tmp_path, "  domestic-only: {countries: [US, canada]}\n")
    (clause,) = rule_clauses(r)
    assert "located in: United States (US), Canada (CA)." in clause.text


def test_c29_exemption_permits_public_work_only() -> None:
    _, clause = CLAUSES["no-prison-labor"]
    strict = clause(NoPrisonLabor())
    exempt = clause(NoPrisonLabor(c29_exemption=True))
    assert "except" not in strict
    assert "ILO" not in strict
    assert "performed for and supervised by a public authority" in exempt
    assert "not placed at the disposal of any private party" in exempt
    assert "Forced Labour Convention, 1930 (No. 29)" in exempt
    assert "never covers work performed for, or hired out to, a private company" in exempt


def test_disabled_rules_have_no_clause(tmp_path: Path) -> None:
    r = rider_of(
        tmp_path,
        "  no-prison-labor: {enabled: false}\n"
        "  domestic-only: {countries: [US]}\n"
        "  subcontractors-disclosed: {}\n",
    )
    assert [(c.number, c.rule) for c in rule_clauses(r)] == [
        (2, "domestic-only"),
        (3, "subcontractors-disclosed"),
    ]
    assert "incarcerated" not in markdown(r)


def test_markdown_numbers_the_clauses(default_policy: Policy) -> None:
    r = rider(default_policy)
    text = markdown(r)
    assert text.startswith(f"# {r.title}\n")
    assert "Policy: **default**" in text
    for c in r.clauses:
        assert f"\n{c.number}. **{c.heading}.** {c.text}\n" in text


def test_docx_holds_the_clauses(default_policy: Policy, tmp_path: Path) -> None:
    r = rider(default_policy)
    path = tmp_path / "rider.docx"
    path.write_bytes(docx_bytes(r))
    document = Document(str(path))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == r.title
    assert "Policy: default" in paragraphs
    for p in r.preamble:
        assert p in paragraphs
    for c in r.clauses:
        assert f"{c.number}. {c.heading}. {c.text}" in paragraphs
    assert document.core_properties.title == r.title


def test_html_escapes_the_policy_name(tmp_path: Path) -> None:
    r = rider_of(tmp_path, "  wage-floor: {}\n", name='"<b>x</b>"')
    assert r.policy == "<b>x</b>"
    page = html_page(r)
    assert page.startswith("<!doctype html>")
    assert "<b>" not in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page
    for c in r.clauses:
        assert html.escape(c.text) in page
    assert "\\<b\\>x\\</b\\>" in markdown(r)


def test_cli_markdown_to_stdout(tmp_path: Path) -> None:
    path = policy_file(tmp_path, "  wage-floor: {hourly: 17.50, currency: EUR}\n")
    done = run(tmp_path, "--policy", str(path))
    assert done.returncode == 0, done.stderr
    assert "2. **Minimum pay.** Workers performing services" in done.stdout
    assert "EUR 17.50" in done.stdout
    assert list(tmp_path.iterdir()) == [path]


def test_cli_writes_docx_and_html(tmp_path: Path) -> None:
    done = run(tmp_path, "--format", "docx")
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert "wrote riders.docx: 11 clause(s)" in done.stderr
    paragraphs = [p.text for p in Document(str(tmp_path / "riders.docx")).paragraphs]
    assert any(p.startswith("6. Subcontractors. ") for p in paragraphs)
    out = tmp_path / "out" / "rider.html"
    out.parent.mkdir()
    done = run(tmp_path, "--format", "html", "--output", str(out))
    assert done.returncode == 0, done.stderr
    assert "USD 15.00 per hour" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        ("  wage-floor: {hourly: -3}\n", "policy.yaml:4: rules.wage-floor.hourly"),
        ("  domestic-only: {countries: [Atlantis]}\n", "policy.yaml:4: rules.domestic-only"),
        ("  wage-floor: {enabled: false}\n", "policy.yaml: the policy turns on no rule"),
    ],
)
def test_cli_bad_policy_exits_2(tmp_path: Path, rules: str, expected: str) -> None:
    path = policy_file(tmp_path, rules)
    done = run(tmp_path, "--policy", str(path), "--format", "docx")
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("error: ")
    assert expected in done.stderr
    assert not (tmp_path / "riders.docx").exists()


def test_docs_show_what_the_code_writes(default_policy: Policy) -> None:
    root = ROOT
    text = (root / "docs" / "riders.md").read_text(encoding="utf-8")
    assert f"````markdown\n{markdown(rider(default_policy))}````\n" in text
    _, clause = CLAUSES["no-prison-labor"]
    assert f"\n> {clause(NoPrisonLabor(c29_exemption=True))}\n" in text


def test_a_rider_that_binds(default_policy: Policy) -> None:
    """The terms that would have stopped the 2019 chain: approval before any subcontractor or
    site, flow-down, audit with records kept, notice of changes, remedies, and definitions
    wide enough for jails, detention, work-release and private prisons."""
    text = {c.rule: c.text for c in rider(default_policy).clauses}
    assert "without the Buyer's prior written approval" in text["prior-approval"]
    assert "at every tier" in text["prior-approval"]
    assert "word for word, in every subcontract" in text["flow-down"]
    assert "keeps, for 3 years" in text["audit"]
    assert "visit any work site on 5 days' notice" in text["audit"]
    assert "within 10 days" in text["notice"]
    for words in ("terminate", "recover any fees already paid", "indemnifies"):
        assert words in text["remedies"]
    for words in ("jail", "immigration detention", "work-release", "private company",
                  "county prison industries", "staffing agencies"):  # fmt: skip
        assert words in text["definitions"], words


def test_rider_numbers_come_from_the_policy(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(
        "subtier-policy: 1\nname: strict\nrules:\n  no-prison-labor: {}\n"
        "rider: {notice_days: 2, records_years: 7, audit_notice_days: 0}\n"
    )
    text = {c.rule: c.text for c in rider(load_policy(path)).clauses}
    assert "within 2 days" in text["notice"]
    assert "keeps, for 7 years" in text["audit"]
    assert "on 0 days' notice" in text["audit"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("subtier-policy: 1\nrules: {}\nrider: {notice_days: 0}\n")
    with pytest.raises(InputError, match=r"rider\.notice_days"):
        load_policy(bad)


def test_the_portal_attestation_names_the_terms(default_policy: Policy) -> None:
    from subtier.core.disclosure.answers import Scope, statement
    from subtier.formats import load_chain
    from tests.conftest import EXAMPLE

    chain = load_chain(EXAMPLE)
    scope = Scope(chain="c", engagement="callcenter", buyer="vendor", supplier="procom")
    signed = statement(chain, scope, attested_terms(default_policy))
    assert "complete and correct" in signed
    assert "ProCom's work complies with these terms" in signed
    for c in rider(default_policy).clauses:
        assert f"{c.number}. {c.heading}: {c.text}" in signed
