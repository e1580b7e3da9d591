"""The whole flow in a real browser (Debian's chromium), with screenshots for the docs.

Set SUBTIER_DOCS_SCREENSHOTS=1 to write them to docs/images; otherwise they go to a
temporary folder, so that a test run leaves the working tree as it was.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import PASSWORD, ROOT_DIR, LiveServer

pytestmark = pytest.mark.slow

TAFT = {
    "name": "Taft call center",
    "address": "601 N Oak St",
    "city": "Taft",
    "state": "OK",
    "zip": "74463",
}


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    if os.environ.get("SUBTIER_DOCS_SCREENSHOTS"):
        return ROOT_DIR / "docs" / "images"
    return tmp_path


def _fill(page: Page, form: str, values: dict[str, str]) -> None:
    for name, value in values.items():
        page.locator(f"{form} [name={name}]").fill(value)


def test_buyer_invites_vendor_cascades_to_a_prison_site_and_sees_the_finding(
    browser: Browser, live_server: LiveServer, shots: Path
) -> None:
    url = live_server.url
    buyer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    buyer.goto(f"{url}/chains")
    expect(buyer).to_have_url(f"{url}/signin?next=/chains")
    buyer.fill("[name=username]", "alice")
    buyer.fill("[name=password]", PASSWORD)
    buyer.click("button:has-text('Sign in')")
    expect(buyer.locator("h1")).to_have_text("Chains")
    buyer.fill("[name=name]", "MIKE BLOOMBERG 2020 INC voter-contact calls, December 2019")
    buyer.fill("[name=buyer]", "MIKE BLOOMBERG 2020 INC")
    buyer.fill("[name=key]", "procom")
    buyer.click("button:has-text('Create chain')")
    expect(buyer).to_have_url(f"{url}/chains/procom")
    buyer.fill("[name=supplier]", "Unnamed voter-contact vendor")
    buyer.fill("[name=service]", "voter-contact calls to California")
    buyer.click("button:has-text('Add and invite')")
    vendor_link = buyer.locator("#invite-link").input_value()
    assert "/invite/" in vendor_link

    # The prime vendor discloses its subcontractor and invites it.
    vendor = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    vendor.goto(vendor_link)
    vendor.screenshot(path=str(shots / "portal-invitation.png"))
    vendor.click("button:has-text('Open the disclosure portal')")
    expect(vendor).to_have_url(f"{url}/portal")
    _fill(vendor, "#add-subcontractor", {"name": "ProCom", "service": "outbound call-center services",
                                         "city": "Vineland", "state": "NJ"})  # fmt: skip
    vendor.click("#add-subcontractor button")
    expect(vendor.locator("#subcontractors tr[data-id=procom]")).to_contain_text("ProCom")
    vendor.click("#subcontractors tr[data-id=procom] button:has-text('Invite it')")
    sub_link = vendor.locator("#invite-link").input_value()
    vendor.screenshot(path=str(shots / "portal-vendor.png"), full_page=True)

    # The subcontractor: no subcontractors of its own, a site, its workforce; a typo first.
    sub = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sub.goto(sub_link)
    sub.click("button:has-text('Open the disclosure portal')")
    sub.click("#no-subcontractors button")
    expect(sub.locator("#subcontractors .answer")).to_contain_text("no subcontractors")
    _fill(sub, "#add-site", {**TAFT, "zip": "7446"})
    sub.click("#add-site button")
    expect(sub.locator("#add-site .error")).to_contain_text("ZIP")
    expect(sub.locator("#add-site [name=address]")).to_have_value("601 N Oak St")
    sub.locator("#add-site [name=zip]").fill("74463")
    sub.click("#add-site button")
    expect(sub.locator("#sites tr[data-id=taft-call-center]")).to_contain_text("601 N Oak St")
    sub.select_option("#add-workforce [name=labor]", "unknown")
    _fill(sub, "#add-workforce", {"headcount": "40", "pay_amount": "1.45"})
    sub.click("#add-workforce button")
    expect(sub.locator("#workforce tbody tr")).to_have_count(1)
    _fill(sub, "#sign", {"name": "Pat Doe", "title": "President", "date": "2019-12-20"})
    sub.check("#sign [name=certify]")
    sub.click("#sign button")
    expect(sub.locator(".signed")).to_contain_text("Signed by Pat Doe")
    sub.screenshot(path=str(shots / "portal-signed.png"), full_page=True)

    # The buyer sees the prison finding with its path.
    buyer.goto(f"{url}/chains/procom")
    finding = buyer.locator("article.finding[data-rule=no-prison-labor]")
    expect(finding).to_contain_text("CRITICAL")
    expect(finding.locator(".path")).to_have_text(
        "MIKE BLOOMBERG 2020 INC → Unnamed voter-contact vendor → ProCom → Taft call center"
    )
    expect(finding).to_contain_text("DR. EDDIE WARRIOR CORRECTIONAL CENTER")
    expect(buyer.locator("#disclosure")).to_contain_text("submitted")
    buyer.screenshot(path=str(shots / "dashboard.png"), full_page=True)
