"""In a real browser: the worklist of a saved FEC chain, two vendors invited in one step, one of
them answering through the portal into the same chain."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from .conftest import PASSWORD, LiveServer
from .test_fec_worklist import fec_chain

pytestmark = pytest.mark.slow


def test_fec_worklist_to_invitations_to_an_answer(
    browser: Browser, live_server: LiveServer, tmp_path: Path
) -> None:
    url = live_server.url
    chain = fec_chain(tmp_path)
    live_server.service.workspace.add_chain(chain, key="fec-calls", source="fec", by="alice")
    ids = {o.name: o.id for o in chain.organizations}
    buyer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    buyer.goto(f"{url}/signin?next=/chains/fec-calls")
    buyer.fill("[name=username]", "alice")
    buyer.fill("[name=password]", PASSWORD)
    buyer.click("button:has-text('Sign in')")
    expect(buyer).to_have_url(f"{url}/chains/fec-calls")
    buyer.click("#worklist-link")
    expect(buyer).to_have_url(f"{url}/chains/fec-calls/worklist")
    acme = buyer.locator(f"#worklist tr[data-supplier={ids['ACME VOTER CONTACT LLC']}]")
    live = buyer.locator(f"#worklist tr[data-supplier={ids['LIVE CALLS CO']}]")
    card = buyer.locator(f"#worklist tr[data-supplier={ids['AMERICAN EXPRESS']}]")
    keyed = buyer.locator(f"#worklist tr[data-supplier={ids['KEYSTROKE DATA INC']}]")
    expect(acme).to_contain_text("$520,000.00")
    expect(acme).to_contain_text("phone banks and call centers")
    expect(acme.locator(".missing")).to_contain_text("subcontractor disclosure")
    expect(keyed).to_contain_text("AMERICAN EXPRESS")  # paid through the card
    expect(card).to_contain_text("listed, not asked")
    expect(card.locator("input[type=checkbox]")).to_have_count(0)
    acme.locator("input[type=checkbox]").check()
    live.locator("input[type=checkbox]").check()
    acme.locator("input[type=email]").fill("ops@acme.example")
    buyer.click("button:has-text('Invite the selected vendors')")
    invited = buyer.locator("#invited li")
    expect(invited).to_have_count(2)
    link = buyer.locator(
        f"#invited li[data-supplier={ids['ACME VOTER CONTACT LLC']}] .invite-link"
    ).input_value()
    assert "/invite/" in link

    vendor = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    vendor.goto(link)
    vendor.click("button:has-text('Open the disclosure portal')")
    expect(vendor).to_have_url(f"{url}/portal")
    vendor.click("#no-subcontractors button")
    expect(vendor.locator("#subcontractors .answer")).to_contain_text("no subcontractors")
    vendor.fill("#sign [name=name]", "Pat Doe")
    vendor.fill("#sign [name=title]", "President")
    vendor.fill("#sign [name=date]", "2020-10-01")
    vendor.check("#sign [name=certify]")
    vendor.click("#sign button")
    expect(vendor.locator(".signed")).to_contain_text("Signed by Pat Doe")

    buyer.goto(f"{url}/chains/fec-calls/worklist")
    expect(acme.locator(".missing")).not_to_contain_text("subcontractor disclosure")
    expect(acme.locator(".missing")).not_to_contain_text("signed attestation")
    expect(acme).to_contain_text("submitted")
    expect(live).to_contain_text("invited")
    _version, latest = live_server.service.workspace.chain("fec-calls")
    [engagement] = [e for e in latest.engagements if e.supplier == ids["ACME VOTER CONTACT LLC"]]
    assert engagement.subcontractors_disclosed is True
