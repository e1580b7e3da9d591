"""The buyer's daily vetting: search, filter and sort findings and chains (page and API), the
findings as CSV and the report as PDF, the buyer's own price, versions per saved step, and
page copy that is true at each state."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from fastapi import FastAPI

from subtier.web import Service

from .conftest import ADMIN_TOKEN, Party, link_in

API = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
ARTICLE = re.compile(r'<article class="finding sev-(\w+)[^"]*" data-rule="([^"]+)"')
SINCE = re.compile(r'name="since" value="(\d+)"')


def _site(name: str, address: str, city: str, state: str, zip_: str) -> dict[str, str]:
    return {"name": name, "address": address, "city": city, "state": state, "zip": zip_}


def _board(app: FastAPI) -> tuple[Party, Party, Party, Party]:
    """Two vendors of one buyer: A's subcontractor works at a prison address (critical);
    B, whose name a spreadsheet would run as a formula, pays under the wage floor."""
    buyer, a, sub, b = Party(app), Party(app), Party(app), Party(app)
    buyer.sign_in()
    buyer.get("/chains")
    buyer.post("/chains", {"name": "Voter calls", "buyer": "Campaign", "key": "calls"})
    buyer.get("/chains/calls")  # seen before anything was disclosed
    link_a = link_in(buyer.post("/chains/calls/invitations", {"supplier": "Alpha Calls",
                                                              "service": "calls"}))  # fmt: skip
    link_b = link_in(
        buyer.post("/chains/calls/invitations", {"supplier": "=HYPERLINK(1)", "service": "texts"})
    )
    assert a.claim(link_a).status_code == 303
    a.get("/portal")
    a.post("/portal/subcontractors", {"name": "ProCom", "service": "outbound calls"})
    assert sub.claim(link_in(a.post("/portal/subcontractors/procom/invite"))).status_code == 303
    sub.get("/portal")
    sub.post("/portal/no-subcontractors")
    sub.post("/portal/sites", _site("Taft call center", "601 N Oak St", "Taft", "OK", "74463"))
    sub.post("/portal/steps/sites")
    assert b.claim(link_b).status_code == 303
    b.get("/portal")
    b.post("/portal/no-subcontractors")
    b.post("/portal/sites", _site("Bravo Floor", "1 Main St", "Newark", "NJ", "07102"))
    b.post(
        "/portal/workforces",
        {"site": "bravo-floor", "labor": "employee", "headcount": "5", "pay_amount": "3",
         "pay_per": "hour", "paid_to": "worker"},
    )  # fmt: skip
    b.post("/portal/steps/workforce")
    return buyer, a, sub, b


@pytest.fixture
def board(app: FastAPI) -> tuple[Party, Party, Party, Party]:
    return _board(app)


def _shown(page: str) -> list[tuple[str, str]]:
    return ARTICLE.findall(page)


def test_findings_filter_to_a_severity_on_the_page_and_in_the_api(
    board: tuple[Party, ...],
) -> None:
    buyer = board[0]
    everything = _shown(buyer.get("/chains/calls").text)
    assert {s for s, _r in everything} > {"critical"}, everything
    page = buyer.get("/chains/calls?severity=critical").text
    shown = _shown(page)
    assert shown
    assert {s for s, _r in shown} == {"critical"}
    assert f"Findings ({len(shown)} of {len(everything)})" in page
    assert '<input type="checkbox" name="severity" value="critical" checked>' in page
    api = buyer.http.get("/api/chains/calls?severity=critical", headers=API).json()
    assert [f["severity"] for f in api["findings"]] == ["critical"] * len(shown)
    both = buyer.http.get("/api/chains/calls?severity=critical,high", headers=API).json()
    assert {f["severity"] for f in both["findings"]} <= {"critical", "high"}
    # A value that is not a choice is named, on the page and in the API.
    bad = buyer.get("/chains/calls?severity=urgent")
    assert bad.status_code == 422
    assert "no severity &#39;urgent&#39;" in bad.text
    assert buyer.http.get("/api/chains/calls?sort=size", headers=API).status_code == 422


def test_findings_filter_by_rule_vendor_and_text(board: tuple[Party, ...]) -> None:
    buyer = board[0]
    page = buyer.get("/chains/calls?rule=no-prison-labor").text
    assert {r for _s, r in _shown(page)} == {"no-prison-labor"}
    # The vendor filter takes an organization on the path: here the subcontractor.
    api = buyer.http.get("/api/chains/calls?vendor=procom", headers=API).json()
    assert api["findings"]
    assert all("procom" in f["path"] for f in api["findings"])
    bravo = buyer.http.get("/api/chains/calls?vendor=hyperlink-1", headers=API).json()
    assert bravo["findings"]
    assert all(f["vendor"] == "=HYPERLINK(1)" for f in bravo["findings"])
    words = buyer.http.get("/api/chains/calls?q=EDDIE+warrior", headers=API).json()
    assert [f["rule"] for f in words["findings"]] == ["no-prison-labor"]
    assert "No finding matches" in buyer.get("/chains/calls?q=nothing-like-this").text


def test_findings_sort_by_severity_tier_vendor_and_date(board: tuple[Party, ...]) -> None:
    buyer = board[0]

    def listed(sort: str) -> list[dict[str, object]]:
        found: list[dict[str, object]] = buyer.http.get(
            f"/api/chains/calls?sort={sort}", headers=API
        ).json()["findings"]
        return found

    ranks = ["info", "low", "medium", "high", "critical"]
    by_severity = [ranks.index(str(f["severity"])) for f in listed("severity")]
    assert by_severity == sorted(by_severity, reverse=True)
    tiers = [int(str(f["tier"])) for f in listed("tier")]
    assert tiers == sorted(tiers)
    assert tiers[0] < tiers[-1]
    vendors = [str(f["vendor"]).casefold() for f in listed("vendor")]
    assert vendors == sorted(vendors)
    dates = [str(f["first_seen"]) for f in listed("date")]
    assert dates == sorted(dates, reverse=True)
    # The page offers the same sorts, and keeps the filter when one is chosen.
    page = buyer.get("/chains/calls?sort=tier&severity=critical").text
    assert '<option value="tier" selected>' in page


def test_new_since_the_last_visit_survives_the_visit(board: tuple[Party, ...]) -> None:
    buyer = board[0]
    page = buyer.get("/chains/calls").text  # the visit is remembered now
    since = SINCE.search(page)
    assert since
    new_before = len(_shown(buyer.get(f"/chains/calls?new=1&since={since.group(1)}").text))
    assert new_before == len(_shown(page))  # everything came after the first visit
    # Without the page's "since", new is against this visit: nothing.
    assert _shown(buyer.get("/chains/calls?new=1").text) == []
    exported = buyer.http.get(f"/chains/calls/findings.csv?new=1&since={since.group(1)}")
    assert len(list(csv.DictReader(io.StringIO(exported.text)))) == new_before
    # The next visit, with nothing new, carries this visit's run (the page itself may be the
    # one kept from before, with the run put in on the way out), in the form and the links.
    again = buyer.get("/chains/calls").text
    run = SINCE.search(again)
    assert run
    assert run.group(1) != since.group(1)
    assert int(run.group(1)) > 0
    assert f"since={run.group(1)}" in again
    assert buyer.get("/chains/calls").text == again


def test_findings_csv_is_filtered_and_safe_to_open(board: tuple[Party, ...]) -> None:
    buyer = board[0]
    every = buyer.http.get("/chains/calls/findings.csv")
    assert every.status_code == 200
    assert every.headers["content-type"].startswith("text/csv")
    assert 'filename="calls-v' in every.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(every.text)))
    assert len(rows) == len(_shown(buyer.get("/chains/calls").text))
    assert {"ref", "severity", "rule", "tier", "vendor", "path", "summary"} <= set(rows[0])
    # The vendor's name would be a formula in a spreadsheet: it is quoted as text.
    assert "'=HYPERLINK(1)" in {r["vendor"] for r in rows}
    assert "=HYPERLINK(1)" not in {r["vendor"] for r in rows}
    critical = buyer.http.get("/chains/calls/findings.csv?severity=critical")
    assert "-critical.csv" in critical.headers["content-disposition"]
    only = list(csv.DictReader(io.StringIO(critical.text)))
    assert only
    assert {r["severity"] for r in only} == {"critical"}
    prison = next(r for r in only if r["rule"] == "no-prison-labor")
    assert prison["path"] == "Campaign → Alpha Calls → ProCom → Taft call center"
    assert "DR. EDDIE WARRIOR" in prison["evidence"]
    api = buyer.http.get("/api/chains/calls/findings.csv?severity=critical", headers=API)
    assert [r["ref"] for r in csv.DictReader(io.StringIO(api.text))] == [r["ref"] for r in only]


@pytest.mark.slow
def test_the_report_downloads_as_pdf(board: tuple[Party, ...], tmp_path: Path) -> None:
    buyer = board[0]
    pdf = buyer.http.get("/chains/calls/report.pdf")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert 'filename="subtier-report-calls-v' in pdf.headers["content-disposition"]
    assert pdf.content.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "Voter calls" in text
    assert "DR. EDDIE WARRIOR" in text
    assert "alice" in text  # the account that downloaded it is the preparer


def test_the_buyer_enters_its_own_price_to_a_tier_1_vendor(
    board: tuple[Party, ...], service: Service
) -> None:
    buyer = board[0]
    page = buyer.get("/chains/calls").text
    money = page[page.index('id="money"') :]
    assert "not entered" in money
    versions = len(service.workspace.versions("calls"))
    done = buyer.post(
        "/chains/calls/engagements/hyperlink-1-work/price",
        {"amount": "4000", "per": "month", "currency": "usd"},
    )
    assert done.status_code == 303, done.text
    latest = service.workspace.versions("calls")
    assert len(latest) == versions + 1
    assert latest[-1].created_by == "alice"
    assert latest[-1].source == "hyperlink-1-work: price entered by alice ($4,000.00/month)"
    _v, chain = service.workspace.chain("calls")
    engagement = chain.engagements_by_id["hyperlink-1-work"]
    assert engagement.price is not None
    assert engagement.price.amount == 4000
    assert engagement.source == "web; price entered by alice"
    page = buyer.get("/chains/calls").text
    flow = page[page.index('id="money"') : page.index('id="disclosure"')]
    assert "$4,000.00/month <small>(entered by alice)</small>" in flow
    assert "price entered by alice" in buyer.get("/chains/calls/history").text
    # The API does the same; a vendor's own engagement is not the buyer's to price.
    api = buyer.http.put(
        "/api/chains/calls/engagements/alpha-calls-work/price",
        json={"amount": 0.4, "per": "call"}, headers=API,
    )  # fmt: skip
    assert api.status_code == 200, api.text
    priced = service.workspace.chain("calls")[1].engagements_by_id["alpha-calls-work"]
    assert priced.price is not None
    assert str(priced.price) == "$0.40/call"
    assert api.json()["version"] == len(latest) + 1
    refused = buyer.http.put(
        "/api/chains/calls/engagements/procom-work/price", json={"amount": 1}, headers=API
    )
    assert refused.status_code == 422
    assert "tier 1" in refused.text
    bad = buyer.post("/chains/calls/engagements/alpha-calls-work/price", {"amount": "-3"})
    assert bad.status_code == 422
    assert "a number, 0 or more" in bad.text


def test_the_chain_list_searches_filters_and_counts_new(
    board: tuple[Party, ...], service: Service
) -> None:
    buyer = board[0]
    buyer.post("/chains", {"name": "Mailers", "buyer": "Campaign", "key": "mail"})
    listed = buyer.get("/chains").text
    calls_row = listed[listed.index('data-key="calls"') :].split("</tr>", 1)[0]
    assert re.search(r"\d+ new</a>", calls_row)
    assert [c["key"] for c in buyer.http.get("/api/chains?q=voter", headers=API).json()] == [
        "calls"
    ]
    critical = buyer.get("/chains?severity=critical").text
    assert 'data-key="calls"' in critical
    assert 'data-key="mail"' not in critical
    prison = buyer.http.get("/api/chains?rule=no-prison-labor", headers=API).json()
    assert [c["key"] for c in prison] == ["calls"]
    # The vendor filter looks at every tier: ProCom is Alpha's subcontractor.
    assert [c["key"] for c in buyer.http.get("/api/chains?vendor=procom", headers=API).json()] == [
        "calls"
    ]
    assert 'data-key="calls"' not in buyer.get("/chains?vendor=nobody+like+this").text
    by_name = buyer.http.get("/api/chains?sort=name", headers=API).json()
    assert [c["key"] for c in by_name] == ["mail", "calls"]  # Mailers, Voter calls
    buyer.get("/chains/calls")
    mine = {c["key"]: c["new"] for c in buyer.http.get("/api/chains", headers=API).json()}
    assert mine["calls"] > 0  # the admin token has never opened it
    seen = buyer.get("/chains?new=1").text
    assert 'data-key="calls"' not in seen  # alice just did
    assert buyer.get("/chains?sort=size").status_code == 422


def test_a_two_vendor_cascade_is_a_version_per_saved_step(
    board: tuple[Party, ...], service: Service
) -> None:
    sources = [v.source for v in service.workspace.versions("calls")]
    # The chain, two vendors added, A's subcontractor step (saved by inviting ProCom), the
    # subcontractor's sites step, B's workforce step: six, where every post was one before.
    assert len(sources) == 6, sources
    assert sum(1 for s in sources if s and s.endswith("saved")) == 3
    history = board[0].get("/chains/calls/history").text
    assert history.count("subcontractors saved") == 1
    assert "workforce saved" in history


def test_portal_copy_is_true_before_and_after_signing(board: tuple[Party, ...]) -> None:
    b = board[3]
    before = b.get("/portal").text
    assert "until you sign" in before
    assert "Save step: your work sites" in before
    b.post(
        "/portal/workforces",
        {"site": "bravo-floor", "labor": "agency", "headcount": "2", "pay_amount": "15",
         "pay_per": "hour", "paid_to": "worker"},
    )  # fmt: skip
    pending = b.get("/portal").text
    assert "does not see yet" in pending
    signed = b.post(
        "/portal/attestation",
        {"name": "Bo Roe", "title": "CEO", "date": "2026-03-02", "certify": "true"},
    )
    assert signed.status_code == 303, re.findall(r'class="error"[^>]*>([^<]+)', signed.text)
    after = b.get("/portal").text
    assert "until you sign" not in after
    assert "does not see yet" not in after
    assert "Save step" not in after
    assert "You signed this disclosure" in after
    # What was signed is in the chain: signing saved the pending workforce.
    assert "submitted" in board[0].get("/chains/calls/history").text
    assert b.post("/portal/steps/sites").status_code == 409


def test_leaving_the_portal_says_what_the_buyer_sees(board: tuple[Party, ...]) -> None:
    a, b = board[1], board[3]
    a.get("/portal")
    a.post("/portal/sites", _site("Alpha Annex", "5 Main St", "Newark", "NJ", "07102"))
    left = a.post("/portal/signout").text
    assert "Campaign does not see the steps you did not save" in left
    assert "ask Campaign for a new link" in left
    b.get("/portal")
    assert "Campaign sees every answer you saved" in b.post("/portal/signout").text


def test_the_new_link_button_says_what_it_ends(board: tuple[Party, ...]) -> None:
    buyer = board[0]
    buyer.post("/chains/calls/invitations", {"supplier": "Charlie Texts", "service": "texts"})
    page = buyer.get("/chains/calls").text
    claimed = page[page.index('data-supplier="alpha-calls"') :].split("</tr>", 1)[0]
    assert "ends the portal session opened with the old link" in claimed
    unclaimed = page[page.index('data-supplier="charlie-texts"') :].split("</tr>", 1)[0]
    assert "the old link stops working" in unclaimed


def test_a_finding_shows_the_names_of_the_version_it_is_shown_on(
    board: tuple[Party, ...], service: Service
) -> None:
    # Findings are kept rendered across versions; one whose finding is unchanged must still
    # show the parties as the newest version names them. The wage finding's own text does
    # not name the buyer; its path does.
    buyer = board[0]
    buyer.get("/chains/calls")  # seen: on the next visits nothing is new
    before = buyer.get("/chains/calls").text
    assert '<p class="path">Campaign → =HYPERLINK(1) → Bravo Floor</p>' in before
    _version, chain = service.workspace.chain("calls")
    renamed = chain.model_copy(
        update={
            "organizations": [
                o.model_copy(update={"name": "Campaign 2020"}) if o.id == chain.root else o
                for o in chain.organizations
            ]
        }
    )
    service.workspace.add_chain(renamed, key="calls", source="renamed")
    after = buyer.get("/chains/calls").text
    assert '<p class="path">Campaign 2020 → =HYPERLINK(1) → Bravo Floor</p>' in after
    assert '<p class="path">Campaign →' not in after
