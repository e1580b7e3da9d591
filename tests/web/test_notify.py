"""Invitations by e-mail and notifications by webhook and e-mail, against a real SMTP server
and a real HTTP receiver on loopback ports."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI

from subtier.app import webhooks
from subtier.app.mail import SmtpSettings
from subtier.app.notify import LEASE, NotifySettings, retry_delay
from subtier.store.notify import DELIVERED, FAILED, PENDING
from subtier.web import Service, Settings, create_app

from .conftest import ADMIN_TOKEN, PASSWORD, Clock, Party, link_in
from .receivers import Mailbox, Receiver, free_port, mailbox, receiver, text_of

__all__ = ["mailbox", "receiver"]  # fixtures

TAFT = {"name": "Taft call center", "address": "601 N Oak St", "city": "Taft", "state": "OK",
        "zip": "74463"}  # fmt: skip
URL_IN_MAIL = re.compile(r"https?://\S+(/invite/\S+)")


def _settings(tmp_path: Path, clock: Clock, port: int, **notify: object) -> Settings:
    smtp = SmtpSettings(host="127.0.0.1", port=port, sender="portal@buyer.example")
    return Settings(
        database=f"sqlite:///{tmp_path}/web.db", admin_token=ADMIN_TOKEN, clock=clock,
        rate_limit=1000, notify=NotifySettings(smtp=smtp, **notify),  # type: ignore[arg-type]
    )  # fmt: skip


@pytest.fixture
def mailed(tmp_path: Path, clock: Clock, mailbox: Mailbox) -> Iterator[Service]:
    svc = Service(_settings(tmp_path, clock, mailbox.port))
    svc.add_user("alice", PASSWORD)
    yield svc
    svc.close()


def _buyer_with_chain(app: FastAPI) -> Party:
    buyer = Party(app)
    buyer.sign_in()
    buyer.get("/chains")
    buyer.post(
        "/chains", {"name": "Voter calls", "buyer": "MIKE BLOOMBERG 2020 INC", "key": "calls"}
    )
    buyer.get("/chains/calls")
    return buyer


def test_an_invitation_is_e_mailed_and_a_refresh_makes_no_other(
    mailed: Service, mailbox: Mailbox
) -> None:
    app = create_app(service=mailed)
    buyer = _buyer_with_chain(app)
    made = buyer.post(
        "/chains/calls/invitations",
        {"supplier": "Unnamed vendor", "service": "voter-contact calls",
         "email": "sales@vendor.example"},
    )  # fmt: skip
    assert made.status_code == 303
    assert made.headers["location"].startswith("/chains/calls?invited=")
    [msg] = mailbox.wait(1)
    assert msg["To"] == "sales@vendor.example"
    assert msg["From"] == "portal@buyer.example"
    assert "MIKE BLOOMBERG 2020 INC asks Unnamed vendor" in msg["Subject"]
    found = URL_IN_MAIL.search(text_of(msg))
    assert found is not None
    page = buyer.get(made.headers["location"])
    assert "E-mailed to <strong>sales@vendor.example</strong>" in page.text
    assert link_in(page) == found.group(1)
    # Reloading the page shows the same link and invites nobody again.
    again = buyer.get(made.headers["location"])
    assert link_in(again) == found.group(1)
    assert len(mailed.portal.invitations("calls")) == 1
    assert len(mailbox.messages) == 1
    # Another session does not see the link.
    other = Party(app)
    other.sign_in()
    assert "/invite/" not in other.get(made.headers["location"]).text
    # The link from the mail opens the portal.
    vendor = Party(app)
    assert vendor.claim(found.group(1)).status_code == 303
    assert "Unnamed vendor: disclosure for" in vendor.get("/portal").text
    # The one-time link is not kept once sent; the audit trail says where it went.
    delivery = mailed.invitation_mail(mailed.portal.invitations("calls")[0].id)
    assert delivery is not None
    assert (delivery.status, delivery.attempts, delivery.payload) == (DELIVERED, 1, "")
    actions = [r.action for r in mailed.workspace.audit_records()]
    assert "portal.invite.mail" in actions
    assert mailed.workspace.verify_audit()[1] is None


def test_a_mail_server_that_is_down_is_shown_and_the_invitation_is_kept(
    tmp_path: Path, clock: Clock
) -> None:
    box = Mailbox(free_port())  # not started yet: the connection is refused
    svc = Service(_settings(tmp_path, clock, box.port))
    svc.add_user("alice", PASSWORD)
    try:
        app = create_app(service=svc)
        buyer = _buyer_with_chain(app)
        made = buyer.post(
            "/chains/calls/invitations",
            {"supplier": "Vendor", "service": "calls", "email": "ops@vendor.example"},
        )
        page = buyer.get(made.headers["location"])
        assert "could not be sent" in page.text
        assert "refused the connection" in page.text
        assert "/invite/" in link_in(page)  # the link to copy instead
        [inv] = svc.portal.invitations("calls")
        delivery = svc.invitation_mail(inv.id)
        assert delivery is not None
        assert (delivery.status, delivery.attempts) == (PENDING, 1)
        # Not due before its backoff; sent once the server is up and the time has come.
        box.start()
        assert svc.notifier.run_due() == 0
        clock.advance(seconds=retry_delay(1, 30.0))
        assert svc.notifier.run_due() == 1
        [msg] = box.wait(1)
        assert URL_IN_MAIL.search(text_of(msg)).group(1) == link_in(page)  # type: ignore[union-attr]
        delivery = svc.invitation_mail(inv.id)
        assert delivery is not None
        assert (delivery.status, delivery.attempts) == (DELIVERED, 2)
    finally:
        box.stop()
        svc.close()


def test_a_bad_address_is_refused_and_nothing_is_made(mailed: Service) -> None:
    buyer = _buyer_with_chain(create_app(service=mailed))
    page = buyer.post(
        "/chains/calls/invitations",
        {"supplier": "Vendor", "service": "calls", "email": "not an address"},
    )
    assert page.status_code == 422
    assert "an e-mail address" in page.text
    assert mailed.portal.invitations("calls") == []
    assert len(mailed.workspace.versions("calls")) == 1  # the supplier was not added either


def test_without_a_mail_server_an_address_is_refused(service: Service) -> None:
    buyer = _buyer_with_chain(create_app(service=service))
    page = buyer.post(
        "/chains/calls/invitations",
        {"supplier": "Vendor", "service": "calls", "email": "ops@vendor.example"},
    )
    assert page.status_code == 422
    assert "no mail server is set up" in page.text


def _submit_prison_site(app: FastAPI, buyer: Party) -> None:
    made = buyer.post(
        "/chains/calls/invitations", {"supplier": "ProCom", "service": "outbound calls"}
    )
    vendor = Party(app)
    assert vendor.claim(link_in(made)).status_code == 303
    vendor.get("/portal")
    vendor.post("/portal/no-subcontractors")
    vendor.post("/portal/sites", TAFT)
    vendor.post(
        "/portal/workforces",
        {"site": "taft-call-center", "labor": "unknown", "headcount": "40", "pay_amount": "1.45",
         "pay_per": "hour", "paid_to": "worker"},
    )  # fmt: skip
    signed = vendor.post(
        "/portal/attestation",
        {"name": "Pat Doe", "title": "President", "date": "2019-12-20", "certify": "true"},
    )
    assert signed.status_code == 303


def _hook(buyer: Party, target: str, severity: str) -> str:
    buyer.get("/notifications")
    added = buyer.post("/notifications/hooks", {"target": target, "min_severity": severity})
    assert added.status_code == 303, added.text
    page = buyer.get("/notifications").text
    secrets = re.findall(r'<code class="secret">([^<]+)</code>', page)
    return secrets[-1] if secrets else ""


def test_webhooks_on_a_critical_finding_and_a_submission_are_signed(
    service: Service, receiver: Receiver
) -> None:
    app = create_app(service=service)
    buyer = _buyer_with_chain(app)
    secret = _hook(buyer, receiver.url, "critical")
    _submit_prison_site(app, buyer)
    assert receiver.requests == []  # nothing is sent from the requests themselves
    service.notifier.run_due()
    events = {r.headers["X-Subtier-Event"]: r for r in receiver.wait(2)}
    assert set(events) == {"finding.new", "disclosure.submitted"}
    for r in events.values():
        header = r.headers[webhooks.SIGNATURE]
        now = int(service.now().timestamp())
        assert webhooks.verify(secret, header, r.body, now)
        assert not webhooks.verify("another secret", header, r.body, now)
        assert not webhooks.verify(secret, header, r.body + b" ", now)
        assert not webhooks.verify(secret, header, r.body, now + 3600)  # replayed later
        assert r.headers["Content-Type"] == "application/json"
    finding = json.loads(events["finding.new"].body)
    assert finding["chain"] == "calls"
    [critical] = [f for f in finding["findings"] if f["rule"] == "no-prison-labor"]
    assert critical["severity"] == "critical"
    assert "DR. EDDIE WARRIOR CORRECTIONAL CENTER" in json.dumps(critical)
    assert {f["severity"] for f in finding["findings"]} == {"critical"}  # below: not sent
    submitted = json.loads(events["disclosure.submitted"].body)
    assert submitted["supplier"] == {"id": "procom", "name": "ProCom"}
    assert submitted["signed"]["name"] == "Pat Doe"
    assert submitted["findings"]["critical"] >= 1
    page = buyer.get("/notifications").text
    assert page.count('data-status="delivered"') == 2
    # A run with the same findings again tells nobody: only new ones are sent.
    before = len(receiver.requests)
    with service._write:
        version, chain = service._chain("calls")
        service._run(version, chain, "test")
    service.notifier.run_due()
    assert len(receiver.requests) == before


def test_a_failing_receiver_is_retried_with_backoff_then_given_up(
    tmp_path: Path, clock: Clock, receiver: Receiver, mailbox: Mailbox
) -> None:
    svc = Service(_settings(tmp_path, clock, mailbox.port, attempts=3, backoff=10.0))
    svc.add_user("alice", PASSWORD)
    try:
        app = create_app(service=svc)
        buyer = _buyer_with_chain(app)
        _hook(buyer, receiver.url, "critical")
        # Two deliveries (the finding, the submission), taken in order on each round.
        receiver.statuses = [500, 503, 500, 500, 500]
        _submit_prison_site(app, buyer)
        svc.notifier.run_due()
        rows = svc.notifier.outbox.deliveries()
        assert {(d.status, d.attempts) for d in rows} == {(PENDING, 1)}
        assert sorted(d.last_error or "" for d in rows) == [
            "the receiver answered HTTP 500 Internal Server Error",
            "the receiver answered HTTP 503 Service Unavailable",
        ]
        assert svc.notifier.run_due() == 0  # not due yet
        clock.advance(seconds=10)
        svc.notifier.run_due()
        clock.advance(seconds=20)
        svc.notifier.run_due()
        rows = svc.notifier.outbox.deliveries()
        statuses = sorted((d.status, d.attempts) for d in rows)
        # Five failing answers: one delivery gave up after 3 tries, the other got through.
        assert statuses == [(DELIVERED, 3), (FAILED, 3)]
        page = buyer.get("/notifications").text
        assert 'data-status="failed"' in page
        assert "the receiver answered HTTP 500" in page
        failed = next(d for d in rows if d.status == FAILED)
        retried = buyer.post(f"/notifications/deliveries/{failed.id}/retry")
        assert retried.status_code == 303
        svc.notifier.run_due()
        done = svc.notifier.outbox.delivery(failed.id)
        assert done is not None
        assert (done.status, done.attempts) == (DELIVERED, 1)
    finally:
        svc.close()


def test_a_restart_loses_no_delivery(
    tmp_path: Path, clock: Clock, receiver: Receiver, mailbox: Mailbox
) -> None:
    settings = _settings(tmp_path, clock, mailbox.port)
    first = Service(settings)
    first.add_user("alice", PASSWORD)
    app = create_app(service=first)
    buyer = _buyer_with_chain(app)
    _hook(buyer, receiver.url, "critical")
    _submit_prison_site(app, buyer)
    # One delivery is taken by a worker that then dies; the other was never taken.
    [taken] = first.notifier.outbox.take(clock(), LEASE, limit=1)
    first.close()
    second = Service(settings)
    try:
        assert second.notifier.run_due() == 1  # the untaken one; the other is still leased
        clock.advance(seconds=LEASE.total_seconds() + 1)
        assert second.notifier.run_due() == 1  # the lease ran out: taken again
        assert len(receiver.wait(2)) == 2
        done = second.notifier.outbox.delivery(taken.id)
        assert done is not None
        assert done.status == DELIVERED
    finally:
        second.close()


def test_the_worker_sends_in_the_background(service: Service, receiver: Receiver) -> None:
    from fastapi.testclient import TestClient

    app = create_app(service=service)
    with TestClient(app, base_url="http://127.0.0.1"):  # runs the app's lifespan: the worker
        buyer = _buyer_with_chain(app)
        _hook(buyer, receiver.url, "critical")
        _submit_prison_site(app, buyer)
        got = receiver.wait(2)
    assert {r.headers["X-Subtier-Event"] for r in got} == {"finding.new", "disclosure.submitted"}


def test_an_e_mail_hook_is_told_of_a_submission(mailed: Service, mailbox: Mailbox) -> None:
    app = create_app(service=mailed)
    buyer = _buyer_with_chain(app)
    _hook(buyer, "compliance@buyer.example", "critical")
    _submit_prison_site(app, buyer)
    mailed.notifier.run_due()
    subjects = sorted(m["Subject"] for m in mailbox.wait(2))
    assert any("ProCom submitted its disclosure" in s for s in subjects)
    assert any("new finding" in s and "critical" in s for s in subjects)
    assert all(m["To"] == "compliance@buyer.example" for m in mailbox.messages)


def test_hooks_are_checked_and_removed(service: Service, receiver: Receiver) -> None:
    buyer = _buyer_with_chain(create_app(service=service))
    buyer.get("/notifications")
    bad = buyer.post("/notifications/hooks", {"target": "ftp://x.example/", "min_severity": "high"})
    assert bad.status_code == 422
    assert "an http:// or https:// URL" in bad.text
    bad = buyer.post("/notifications/hooks", {"target": receiver.url, "min_severity": "urgent"})
    assert bad.status_code == 422
    _hook(buyer, receiver.url, "high")
    [hook] = service.notifier.outbox.hooks()
    service.notifier.submitted("calls", "a test", {"chain": "calls"})
    assert buyer.post(f"/notifications/hooks/{hook.id}/delete").status_code == 303
    assert service.notifier.outbox.hooks() == []
    # What was owed to it is given up at once, and says why.
    service.notifier.run_due()
    [owed] = service.notifier.outbox.deliveries()
    assert (owed.status, owed.attempts) == (FAILED, 1)
    assert owed.last_error == "the webhook was removed before this was sent"
    assert receiver.requests == []
    assert timedelta(seconds=retry_delay(20, 30.0)) == timedelta(hours=1)  # capped


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--smtp-host", "127.0.0.1"], {}, "an SMTP host needs a From address"),
        (["--smtp-host", "127.0.0.1", "--smtp-from", "portal"], {}, "is not an e-mail address"),
        (["--smtp-from", "p@x.example", "--smtp-user", "u"], {"SUBTIER_SMTP_HOST": "127.0.0.1"},
         "needs a password: set SUBTIER_SMTP_PASSWORD"),
    ],
)  # fmt: skip
def test_bad_smtp_settings_stop_serve_with_a_message(
    tmp_path: Path, args: list[str], env: dict[str, str], message: str
) -> None:
    import os

    from tests.conftest import run_cli

    clean = {k: v for k, v in os.environ.items() if not k.startswith("SUBTIER_SMTP")}
    done = run_cli("serve", "--database", f"sqlite:///{tmp_path}/w.db", *args, env={**clean, **env})
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_the_api_e_mails_an_invitation_and_says_how_it_went(
    mailed: Service, mailbox: Mailbox
) -> None:
    from fastapi.testclient import TestClient

    api = TestClient(create_app(service=mailed), base_url="http://127.0.0.1")
    auth = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    api.post(
        "/api/chains", json={"name": "Calls", "buyer": "Campaign", "key": "calls"}, headers=auth
    )
    made = api.post(
        "/api/chains/calls/invitations",
        json={"supplier": "V", "service": "calls", "email": "v@vendor.example"},
        headers=auth,
    )
    assert made.status_code == 201, made.text
    assert made.json()["mail"] == {"to": "v@vendor.example", "status": "delivered",
                                   "attempts": 1, "error": None}  # fmt: skip
    [msg] = mailbox.wait(1)
    assert made.json()["path"] in text_of(msg)


def test_the_api_sets_up_hooks_and_lists_deliveries(service: Service, receiver: Receiver) -> None:
    from fastapi.testclient import TestClient

    app = create_app(service=service)
    api = TestClient(app, base_url="http://127.0.0.1")
    auth = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    bad = api.post(
        "/api/hooks", json={"target": "gopher://x", "min_severity": "high"}, headers=auth
    )
    assert bad.status_code == 422
    assert bad.json()["detail"] == {"target": "an http:// or https:// URL"}
    made = api.post("/api/hooks", json={"target": receiver.url, "min_severity": "critical"},
                    headers=auth)  # fmt: skip
    assert made.status_code == 201
    secret = made.json()["secret"]
    assert [h["id"] for h in api.get("/api/hooks", headers=auth).json()] == [made.json()["id"]]
    _submit_prison_site(app, _buyer_with_chain(app))
    service.notifier.run_due()
    listed = api.get("/api/deliveries", headers=auth).json()
    assert sorted(d["event"] for d in listed) == ["disclosure.submitted", "finding.new"]
    assert {(d["status"], d["attempts"]) for d in listed} == {("delivered", 1)}
    for r in receiver.wait(2):
        assert webhooks.verify(
            secret, r.headers[webhooks.SIGNATURE], r.body, int(service.now().timestamp())
        )
    gone = api.delete(f"/api/hooks/{made.json()['id']}", headers=auth)
    assert gone.status_code == 204
    assert api.delete(f"/api/hooks/{made.json()['id']}", headers=auth).status_code == 404


def test_the_worklist_e_mails_the_links_it_is_given_addresses_for(
    mailed: Service, mailbox: Mailbox, tmp_path: Path
) -> None:
    from .test_fec_worklist import LINKS, fec_chain

    mailed.workspace.add_chain(fec_chain(tmp_path), key="calls-2020", source="fec", by="alice")
    chain = mailed.workspace.chain("calls-2020")[1]
    by_name = {o.name: o.id for o in chain.organizations}
    engagement = {e.supplier: e.id for e in chain.engagements if e.buyer == chain.root}
    acme = engagement[by_name["ACME VOTER CONTACT LLC"]]
    live = engagement[by_name["LIVE CALLS CO"]]
    buyer = Party(create_app(service=mailed))
    buyer.sign_in()
    buyer.get("/chains/calls-2020/worklist")
    # A bad address refuses the whole batch: nobody is invited.
    refused = buyer.post(
        "/chains/calls-2020/worklist",
        {f"invite:{acme}": "on", f"invite:{live}": "on", f"email:{live}": "not an address"},
    )
    assert refused.status_code == 422
    assert mailed.portal.invitations("calls-2020") == []
    buyer.get("/chains/calls-2020/worklist")
    done = buyer.post(
        "/chains/calls-2020/worklist",
        {f"invite:{acme}": "on", f"invite:{live}": "on", f"email:{acme}": "ops@acme.example"},
    )
    assert done.status_code == 200, done.text
    [msg] = mailbox.wait(1)
    assert msg["To"] == "ops@acme.example"
    sent = URL_IN_MAIL.search(text_of(msg))
    assert sent
    assert sent.group(1) in LINKS.findall(done.text)
    # Only the vendor given an address is mailed; the other's link is shown to copy.
    assert len(LINKS.findall(done.text)) == 2
    assert len(mailbox.messages) == 1
