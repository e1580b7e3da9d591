"""The buyer's daily vetting in a real browser (Debian's chromium): the chain list, findings
filtered to critical, the CSV and PDF downloads, its own price; the vendor's steps.

Set SUBTIER_DOCS_SCREENSHOTS=1 to write the screenshots to docs/images; otherwise they go to
a temporary folder, so that a test run leaves the working tree as it was.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import PASSWORD, ROOT_DIR, LiveServer

pytestmark = pytest.mark.slow

TAFT = {"name": "Taft call center", "address": "601 N Oak St", "city": "Taft", "state": "OK",
        "zip": "74463"}  # fmt: skip


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    if os.environ.get("SUBTIER_DOCS_SCREENSHOTS"):
        return ROOT_DIR / "docs" / "images"
    return tmp_path


def _fill(page: Page, form: str, values: dict[str, str]) -> None:
    for name, value in values.items():
        page.locator(f"{form} [name={name}]").fill(value)


def _page(browser: Browser) -> Page:
    return browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True).new_page()  # fmt: skip


def test_the_buyer_filters_exports_and_prices_a_chain(
    browser: Browser, live_server: LiveServer, shots: Path, tmp_path: Path
) -> None:
    url = live_server.url
    buyer = _page(browser)
    buyer.goto(f"{url}/signin?next=/chains")
    buyer.fill("[name=username]", "alice")
    buyer.fill("[name=password]", PASSWORD)
    buyer.click("button:has-text('Sign in')")
    buyer.fill("[name=name]", "Get-out-the-vote calls, October 2024")
    buyer.fill("[name=buyer]", "Friends of the Campaign")
    buyer.fill("[name=key]", "gotv-calls")
    buyer.click("button:has-text('Create chain')")
    expect(buyer).to_have_url(f"{url}/chains/gotv-calls")
    buyer.fill("[name=supplier]", "Bravo Mail House")
    buyer.fill("[name=service]", "mail and texts")
    buyer.click("button:has-text('Add and invite')")
    buyer.fill("[name=supplier]", "Alpha Dialers")
    buyer.fill("[name=service]", "voter-contact calls")
    buyer.click("button:has-text('Add and invite')")
    vendor_link = buyer.locator("#invite-link").input_value()

    # The vendor answers step by step: its subcontractor is shared when the step is saved.
    vendor = _page(browser)
    vendor.goto(vendor_link)
    vendor.click("button:has-text('Open the disclosure portal')")
    expect(vendor.locator("#portal-state")).to_contain_text("until you sign")
    _fill(vendor, "#add-subcontractor", {"name": "ProCom", "service": "outbound call center",
                                         "city": "Vineland", "state": "NJ"})  # fmt: skip
    vendor.click("#add-subcontractor button")
    expect(vendor.locator("#unsaved")).to_contain_text("does not see yet")
    vendor.click("#save-subcontractors button")
    expect(vendor.locator("#saved")).to_contain_text("now sees your subcontractors")
    expect(vendor.locator("#unsaved")).to_have_count(0)
    vendor.screenshot(path=str(shots / "portal-steps.png"), full_page=True)
    vendor.click("#subcontractors tr[data-id=procom] button:has-text('Invite it')")
    sub_link = vendor.locator("#invite-link").input_value()

    sub = _page(browser)
    sub.goto(sub_link)
    sub.click("button:has-text('Open the disclosure portal')")
    sub.click("#no-subcontractors button")
    _fill(sub, "#add-site", TAFT)
    sub.click("#add-site button")
    sub.select_option("#add-workforce [name=labor]", "unknown")
    _fill(sub, "#add-workforce", {"headcount": "40", "pay_amount": "1.45"})
    sub.click("#add-workforce button")
    sub.click("#save-workforce button")
    expect(sub.locator("#saved")).to_contain_text("everything else you entered")

    # The buyer: the chain list, with what is new since the last visit.
    buyer.goto(f"{url}/chains?q=gotv")
    row = buyer.locator("#chain-list tr[data-key=gotv-calls]")
    expect(row).to_contain_text("critical")
    expect(row.locator("a.new")).to_contain_text("new")
    buyer.screenshot(path=str(shots / "dashboard-chains.png"), full_page=True)

    # Findings filtered to critical, in the page's own form (a plain GET).
    buyer.goto(f"{url}/chains/gotv-calls")
    every = buyer.locator("article.finding").count()
    buyer.check("#filters input[name=severity][value=critical]")
    buyer.select_option("#filters [name=sort]", "tier")
    buyer.click("#filters button:has-text('Show')")
    expect(buyer).to_have_url(re.compile(r"/chains/gotv-calls\?.*severity=critical.*sort=tier"))
    findings = buyer.locator("article.finding")
    expect(findings.first).to_be_visible()
    shown = findings.count()
    assert 0 < shown < every
    assert findings.evaluate_all("els => els.map(e => e.dataset.severity)") == ["critical"] * shown
    expect(buyer.locator("article.finding[data-rule=no-prison-labor] .path")).to_have_text(
        "Friends of the Campaign → Alpha Dialers → ProCom → Taft call center"
    )
    expect(buyer.locator("#findings h2")).to_have_text(f"Findings ({shown} of {every})")
    buyer.locator("#findings").screenshot(path=str(shots / "dashboard-filtered.png"))

    # The CSV has the findings shown, and only those.
    with buyer.expect_download() as got:
        buyer.click("#export-csv")
    download = got.value
    assert download.suggested_filename.startswith("gotv-calls-v")
    assert download.suggested_filename.endswith("-findings-critical.csv")
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text("utf-8"))))
    assert len(rows) == shown
    assert {r["severity"] for r in rows} == {"critical"}
    prison = next(r for r in rows if r["rule"] == "no-prison-labor")
    assert prison["vendor"] == "Alpha Dialers"
    assert "DR. EDDIE WARRIOR" in prison["evidence"]

    # The PDF is the report `subtier report` renders.
    with buyer.expect_download() as got:
        buyer.click("#export-pdf")
    pdf = got.value
    assert pdf.suggested_filename.startswith("subtier-report-gotv-calls-v")
    saved = tmp_path / pdf.suggested_filename
    pdf.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext") is not None:
        text = subprocess.run(
            ["pdftotext", "-layout", str(saved), "-"], check=True, capture_output=True, text=True
        ).stdout
        assert "Get-out-the-vote calls, October 2024" in text
        assert "DR. EDDIE WARRIOR" in text

    # Its own price to the tier-1 vendor: no longer "not entered" in the money flow.
    buyer.click("#clear-filters")
    flow = buyer.locator("#money")
    expect(flow).to_contain_text("not entered")
    price = buyer.locator("#prices tr[data-engagement=alpha-dialers-work]")
    price.locator("[name=amount]").fill("0.85")
    price.locator("[name=per]").select_option("call")
    price.locator("button:has-text('Save price')").click()
    expect(buyer).to_have_url(f"{url}/chains/gotv-calls#prices")
    expect(price.locator(".price")).to_contain_text("$0.85/call")
    expect(price.locator(".price")).to_contain_text("price entered by alice")
    expect(flow).to_contain_text("$0.85/call (entered by alice)")
    expect(buyer.locator("#history")).to_contain_text("alpha-dialers-work: price entered by alice")
    buyer.screenshot(path=str(shots / "dashboard-price.png"), full_page=True)
