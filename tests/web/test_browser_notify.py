"""In a real browser (Debian's chromium): the buyer e-mails an invitation through a real SMTP
server, the vendor opens the link from the mail, cascades to a subcontractor by e-mail too, and
the buyer's webhook receiver is told, with a signed payload, when the subcontractor's prison
site is disclosed and when its disclosure is submitted."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from subtier.app import webhooks
from subtier.app.mail import SmtpSettings
from subtier.app.notify import NotifySettings
from subtier.web import Settings

from .conftest import ADMIN_TOKEN, PASSWORD, LiveServer, serve
from .receivers import Mailbox, Receiver, free_port, receiver, text_of

__all__ = ["receiver"]  # a fixture

pytestmark = pytest.mark.slow

# The Dr. Eddie Warrior Correctional Center, Taft OK, as in examples/procom-2019.yaml.
TAFT = {"name": "Taft call center", "address": "601 N Oak St", "city": "Taft", "state": "OK",
        "zip": "74463", "activities": "outbound calls"}  # fmt: skip
LINK = re.compile(r"(https?://\S+/invite/\S+)")


@pytest.fixture
def mail_server() -> Iterator[Mailbox]:
    box = Mailbox(free_port())
    box.start()
    yield box
    box.stop()


@pytest.fixture
def notifying_server(tmp_path: Path, mail_server: Mailbox) -> Iterator[LiveServer]:
    smtp = SmtpSettings(host="127.0.0.1", port=mail_server.port, sender="portal@campaign.example")
    settings = Settings(
        database=f"sqlite:///{tmp_path}/web.db", admin_token=ADMIN_TOKEN, rate_limit=1000,
        notify=NotifySettings(smtp=smtp, poll=0.2),
    )  # fmt: skip
    with serve(settings) as live:
        yield live


def _fill(page: Page, form: str, values: dict[str, str]) -> None:
    for name, value in values.items():
        page.locator(f"{form} [name={name}]").fill(value)


def _link_in_mail(box: Mailbox, count: int, to: str) -> str:
    msg = box.wait(count)[count - 1]
    assert msg["To"] == to
    found = LINK.search(text_of(msg))
    assert found is not None, text_of(msg)
    return found.group(1)


def test_an_e_mailed_invitation_and_a_webhook_for_the_prison_site(
    browser: Browser, notifying_server: LiveServer, mail_server: Mailbox, receiver: Receiver
) -> None:
    url = notifying_server.url
    buyer = browser.new_context().new_page()
    buyer.goto(f"{url}/signin")
    buyer.fill("[name=username]", "alice")
    buyer.fill("[name=password]", PASSWORD)
    buyer.click("button:has-text('Sign in')")

    # The buyer's webhook: told of critical findings and of submissions.
    buyer.click("nav a:has-text('Notifications')")
    _fill(buyer, "#add-hook", {"target": receiver.url})
    buyer.select_option("#add-hook [name=min_severity]", "critical")
    buyer.click("#add-hook button")
    secret = buyer.locator("#hooks code.secret").inner_text()
    assert len(secret) > 30

    buyer.goto(f"{url}/chains")
    buyer.fill("[name=name]", "Voter-contact calls, December 2019")
    buyer.fill("[name=buyer]", "MIKE BLOOMBERG 2020 INC")
    buyer.fill("[name=key]", "procom")
    buyer.click("button:has-text('Create chain')")
    buyer.fill("[name=supplier]", "Unnamed voter-contact vendor")
    buyer.fill("[name=service]", "voter-contact calls to California")
    buyer.locator("form:has(button:has-text('Add and invite')) [name=email]").fill(
        "sales@vendor.example"
    )
    buyer.click("button:has-text('Add and invite')")
    expect(buyer.locator("#mail-status")).to_contain_text("E-mailed to sales@vendor.example")
    shown = buyer.locator("#invite-link").input_value()
    # A reload shows the same link and sends no second mail.
    buyer.reload()
    expect(buyer.locator("#invite-link")).to_have_value(shown)
    vendor_link = _link_in_mail(mail_server, 1, "sales@vendor.example")
    assert vendor_link == shown

    # The vendor opens the link it was mailed, lists ProCom and invites it by e-mail.
    vendor = browser.new_context().new_page()
    vendor.goto(vendor_link)
    vendor.click("button:has-text('Open the disclosure portal')")
    expect(vendor).to_have_url(f"{url}/portal")
    _fill(vendor, "#add-subcontractor", {"name": "ProCom", "service": "outbound call-center services"})  # fmt: skip
    vendor.click("#add-subcontractor button")
    row = vendor.locator("#subcontractors tr[data-id=procom]")
    row.locator("[name=email]").fill("ops@procom.example")
    row.locator("button:has-text('Invite it')").click()
    expect(vendor.locator("#mail-status")).to_contain_text("E-mailed to ops@procom.example")
    sub_link = _link_in_mail(mail_server, 2, "ops@procom.example")
    assert len(mail_server.messages) == 2

    # The subcontractor discloses its site in Taft, with its workforce, and signs.
    sub = browser.new_context().new_page()
    sub.goto(sub_link)
    sub.click("button:has-text('Open the disclosure portal')")
    sub.click("#no-subcontractors button")
    _fill(sub, "#add-site", TAFT)
    sub.select_option("#add-site [name=remote]", "no")
    sub.click("#add-site button")
    expect(sub.locator("#sites tr[data-id=taft-call-center]")).to_contain_text("outbound calls")
    sub.select_option("#add-workforce [name=labor]", "unknown")
    _fill(sub, "#add-workforce", {"headcount": "40", "pay_amount": "58", "hours_per_week": "40"})
    sub.select_option("#add-workforce [name=pay_per]", "week")
    sub.click("#add-workforce button")
    expect(sub.locator("#workforce tbody tr")).to_have_count(1)
    _fill(sub, "#sign", {"name": "Pat Doe", "title": "President", "date": "2019-12-20"})
    sub.check("#sign [name=certify]")
    sub.click("#sign button")
    expect(sub.locator(".signed")).to_contain_text("Signed by Pat Doe")

    # The receiver was told, by the server's worker, with payloads signed with the secret.
    got = receiver.wait(2)
    by_event = {r.headers["X-Subtier-Event"]: r for r in got}
    assert set(by_event) == {"finding.new", "disclosure.submitted"}
    for r in got:
        header = r.headers[webhooks.SIGNATURE]
        assert webhooks.verify(secret, header, r.body, int(time.time()))
    finding = json.loads(by_event["finding.new"].body)
    assert finding["chain"] == "procom"
    [prison] = finding["findings"]
    assert (prison["rule"], prison["severity"]) == ("no-prison-labor", "critical")
    assert "DR. EDDIE WARRIOR CORRECTIONAL CENTER" in json.dumps(prison)
    assert prison["path"][-1] == "taft-call-center"
    submitted = json.loads(by_event["disclosure.submitted"].body)
    assert submitted["supplier"]["name"] == "ProCom"

    # The buyer sees each delivery, delivered, on its Notifications page.
    buyer.goto(f"{url}/notifications")
    expect(buyer.locator("#deliveries tr[data-event='finding.new']")).to_have_attribute(
        "data-status", "delivered"
    )
    expect(buyer.locator("#deliveries tr[data-event='disclosure.submitted']")).to_have_attribute(
        "data-status", "delivered"
    )
    expect(buyer.locator("#deliveries tr[data-event=invitation]")).to_have_count(2)
