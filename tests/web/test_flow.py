"""The whole flow over HTTP, in process: invite, disclose, cascade, sign, and the dashboard."""

from __future__ import annotations

from fastapi import FastAPI

from subtier.web import Service, create_app

from .conftest import Party, World, link_in


def test_the_cascade_reaches_the_prison_and_the_buyer_sees_it(app: FastAPI) -> None:
    buyer, vendor, sub = Party(app), Party(app), Party(app)
    buyer.sign_in()
    buyer.get("/chains")
    made = buyer.post("/chains", {"name": "Voter calls", "buyer": "MIKE BLOOMBERG 2020 INC"})
    assert made.headers["location"] == "/chains/voter-calls"
    page = buyer.post(
        "/chains/voter-calls/invitations",
        {"supplier": "Unnamed voter-contact vendor", "service": "voter-contact calls"},
    )
    assert vendor.claim(link_in(page)).status_code == 303
    vendor.get("/portal")
    vendor.post("/portal/subcontractors", {"name": "ProCom", "service": "outbound calls"})
    assert (
        sub.claim(link_in(vendor.post("/portal/subcontractors/procom/invite"))).status_code == 303
    )
    sub.get("/portal")
    assert sub.post("/portal/no-subcontractors").status_code == 303
    sub.post(
        "/portal/sites",
        {"name": "Taft call center", "address": "601 N Oak St", "city": "Taft", "state": "OK",
         "zip": "74463"},
    )  # fmt: skip
    sub.post(
        "/portal/workforces",
        {"site": "taft-call-center", "labor": "unknown", "headcount": "40", "pay_amount": "1.45",
         "pay_per": "hour", "paid_to": "worker"},
    )  # fmt: skip
    signed = sub.post(
        "/portal/attestation",
        {"name": "Pat Doe", "title": "President", "date": "2019-12-20", "certify": "true"},
    )
    assert signed.status_code == 303
    board = buyer.get("/chains/voter-calls").text
    assert "no-prison-labor" in board
    assert (
        "MIKE BLOOMBERG 2020 INC → Unnamed voter-contact vendor → ProCom → Taft call center"
        in board
    )
    assert "DR. EDDIE WARRIOR CORRECTIONAL CENTER" in board
    assert '<span class="new">new</span>' in board
    assert "status-submitted" in board
    assert "signed by Pat Doe, President" in board


def test_a_saved_step_is_one_new_checked_version(world: World, service: Service) -> None:
    before = len(service.workspace.versions("calls"))
    for n, street in enumerate(("2 Main St", "3 Main St")):
        added = world.vendor_a.post(
            "/portal/sites", {"name": ("Second", "Third")[n], "address": street,
                              "city": "Newark", "state": "NJ", "zip": "07102"}
        )  # fmt: skip
        assert added.status_code == 303
    # Rows added to a step are a draft: the vendor sees them, the chain does not have them yet.
    assert len(service.workspace.versions("calls")) == before
    portal = world.vendor_a.get("/portal").text
    assert "2 Main St" in portal
    assert 'id="unsaved"' in portal
    assert (
        world.vendor_a.post("/portal/steps/sites")
        .headers["location"]
        .startswith("/portal?saved=sites")
    )
    versions = service.workspace.versions("calls")
    assert len(versions) == before + 1
    assert versions[-1].created_by == "portal:alpha-calls"
    assert versions[-1].source is not None
    assert versions[-1].source.endswith(": sites saved")
    saved = world.vendor_a.get("/portal?saved=sites").text
    assert 'id="saved"' in saved
    assert 'id="unsaved"' not in saved
    history = world.buyer.get("/chains/calls/history").text
    assert "sites saved" in history
    assert service.portal.runs("calls", 1)[0][1] == versions[-1].version
    _v, chain = service.workspace.chain("calls")
    assert {"second", "third"} <= set(chain.engagements_by_id["alpha-calls-work"].sites)
    assert chain.sites_by_id["second"].operator == "alpha-calls"


def test_a_correction_replaces_and_never_duplicates(world: World, service: Service) -> None:
    world.vendor_a.post("/portal/sites/alpha-floor/delete")
    world.vendor_a.post("/portal/steps/sites")
    _v, chain = service.workspace.chain("calls")
    assert "alpha-floor" not in chain.sites_by_id
    assert chain.engagements_by_id["alpha-calls-work"].sites == []
    assert [o.id for o in chain.organizations].count("alpha-subco") == 1


def test_signing_stores_a_hash_of_what_was_signed_and_locks_the_disclosure(
    world: World, service: Service
) -> None:
    vendor = world.vendor_a
    refused = vendor.post(
        "/portal/attestation", {"name": "Al Pha", "title": "CEO", "date": "2026-03-02",
                                "certify": "true"}
    )  # fmt: skip
    assert refused.status_code == 422
    assert "say who works at Alpha Floor" in refused.text
    vendor.post(
        "/portal/workforces",
        {"site": "alpha-floor", "labor": "employee", "headcount": "3", "pay_amount": "18",
         "pay_per": "hour", "paid_to": "worker"},
    )  # fmt: skip
    unticked = vendor.post(
        "/portal/attestation", {"name": "Al Pha", "title": "CEO", "date": "2026-03-02"}
    )
    assert unticked.status_code == 422
    assert "I certify" in unticked.text
    assert vendor.post(
        "/portal/attestation",
        {"name": "Al Pha", "title": "CEO", "date": "2026-03-02", "certify": "true"},
    ).status_code == 303  # fmt: skip
    inv = service.portal.invitations("calls")[0]
    signed = service.portal.attestation(inv.id)
    assert signed is not None
    assert len(signed.content_hash) == 64
    assert "Alpha Calls" in signed.statement
    audit = [r for r in service.workspace.audit_records() if r.action == "portal.attest"]
    assert audit[-1].details["content_hash"] == signed.content_hash
    assert service.workspace.verify_audit()[1] is None
    locked = vendor.post("/portal/sites/alpha-floor/delete")
    assert locked.status_code == 409
    _v, chain = service.workspace.chain("calls")
    assert "alpha-floor" in chain.sites_by_id
    assert chain.engagements_by_id["alpha-calls-work"].subcontractors_disclosed is True


def test_disclosure_status_per_vendor(world: World) -> None:
    api = world.party().http
    auth = {"Authorization": f"Bearer {world.service.settings.admin_token}"}
    statuses = {
        i["supplier_name"]: i["status"]
        for i in api.get("/api/chains/calls", headers=auth).json()["invitations"]
    }
    assert statuses == {"Alpha Calls": "opened", "Bravo Calls": "opened", "Alpha Subco": "opened"}
    made = world.buyer.post("/chains/calls/invitations", {"supplier": "Charlie", "service": "mail"})
    assert made.status_code == 303  # redirected: a refresh does not invite again
    page = world.buyer.get(made.headers["location"])
    assert "status-invited" in page.text
    world.clock.advance(days=15)
    statuses = {
        i["supplier_name"]: i["status"]
        for i in api.get("/api/chains/calls", headers=auth).json()["invitations"]
    }
    assert set(statuses.values()) == {"overdue"}


def test_the_dashboard_lists_the_newest_versions_and_links_to_the_rest(world: World) -> None:
    from subtier.web.pages import HISTORY_SHOWN

    for n in range(HISTORY_SHOWN):
        world.vendor_a.post(
            "/portal/sites", {"name": f"Floor {n}", "address": f"{n + 10} Main St",
                              "city": "Newark", "state": "NJ", "zip": "07102"}
        )  # fmt: skip
        world.vendor_a.post("/portal/steps/sites")
    page = world.buyer.get("/chains/calls").text
    history = page[page.index('id="history"') :]
    assert history.count("<tr>") - 1 == HISTORY_SHOWN  # the header row, then the versions
    assert 'href="/chains/calls/history"' in history
    everything = world.buyer.get("/chains/calls/history")
    assert everything.status_code == 200
    assert everything.text.count("<tr>") - 1 > HISTORY_SHOWN
    assert world.vendor_a.get("/chains/calls/history").status_code in (303, 401, 403)


def test_a_parent_s_later_answers_keep_its_subcontractor_s_disclosure(
    app: FastAPI, service: Service
) -> None:
    buyer, vendor, sub = Party(app), Party(app), Party(app)
    buyer.sign_in()
    buyer.get("/chains")
    buyer.post("/chains", {"name": "Voter calls", "buyer": "Campaign", "key": "calls"})
    page = buyer.post("/chains/calls/invitations", {"supplier": "Vendor", "service": "calls"})
    assert vendor.claim(link_in(page)).status_code == 303
    vendor.get("/portal")
    vendor.post("/portal/subcontractors", {"name": "ProCom", "service": "outbound calls"})
    assert (
        sub.claim(link_in(vendor.post("/portal/subcontractors/procom/invite"))).status_code == 303
    )
    sub.get("/portal")
    sub.post("/portal/no-subcontractors")
    sub.post(
        "/portal/sites",
        {"name": "Taft call center", "address": "601 N Oak St", "city": "Taft", "state": "OK",
         "zip": "74463"},
    )  # fmt: skip
    sub.post("/portal/steps/sites")
    # The parent acts after its subcontractor: a site of its own, a workforce, its signature.
    vendor.get("/portal")
    vendor.post(
        "/portal/sites",
        {"name": "Vendor floor", "address": "1 Main St", "city": "Newark", "state": "NJ",
         "zip": "07102"},
    )  # fmt: skip
    vendor.post(
        "/portal/workforces",
        {"site": "vendor-floor", "labor": "employee", "headcount": "3", "pay_amount": "20",
         "pay_per": "hour", "paid_to": "worker"},
    )  # fmt: skip
    signed = vendor.post(
        "/portal/attestation",
        {"name": "Ann Roe", "title": "CEO", "date": "2019-12-20", "certify": "true"},
    )
    assert signed.status_code == 303
    _version, chain = service.workspace.chain("calls")
    work = chain.engagements_by_id["procom-work"]
    assert work.sites == ["taft-call-center"]
    assert work.subcontractors_disclosed is True
    assert "taft-call-center" in chain.sites_by_id
    found = service.workspace.latest_findings("calls") or []
    rules = {(f.body["rule"], f.body["subject"]["id"]) for f in found}
    assert ("no-prison-labor", "taft-call-center") in rules
    assert ("subcontractors-disclosed", "procom-work") not in rules, rules
    board = buyer.get("/chains/calls").text
    assert "DR. EDDIE WARRIOR CORRECTIONAL CENTER" in board


def test_edited_disclosures_and_signatures_break_the_audit_trail(
    world: World, service: Service
) -> None:
    from sqlalchemy import text

    world.vendor_b.post(
        "/portal/attestation",
        {"name": "Bo Bravo", "title": "Owner", "date": "2026-03-02", "certify": "true"},
    )
    assert service.workspace.verify_audit()[1] is None
    engine = service.workspace.engine
    with engine.begin() as conn:
        conn.execute(text("UPDATE attestations SET name = 'Mallory'"))
    broken = service.workspace.verify_audit()[1]
    assert broken is not None
    assert broken.reason.startswith("portal.attest calls ")
    assert "signature no longer matches" in broken.reason
    with engine.begin() as conn:
        conn.execute(text("UPDATE attestations SET name = 'Bo Bravo'"))
        conn.execute(text("UPDATE disclosures SET applied = '{}'"))
    broken = service.workspace.verify_audit()[1]
    assert broken is not None
    assert "portal.disclose" in broken.reason
    assert "disclosure no longer matches" in broken.reason


def _cascade(buyer: Party, vendor: Party, sub: Party) -> None:
    """The cascade a user ran: a vendor, its subcontractor at a prison address, its workforce."""
    page = buyer.post("/chains/calls/invitations", {"supplier": "Vendor", "service": "calls"})
    assert vendor.claim(link_in(page)).status_code == 303
    vendor.get("/portal")
    vendor.post("/portal/subcontractors", {"name": "ProCom", "service": "outbound calls"})
    assert (
        sub.claim(link_in(vendor.post("/portal/subcontractors/procom/invite"))).status_code == 303
    )
    sub.get("/portal")
    sub.post("/portal/no-subcontractors")
    sub.post(
        "/portal/sites",
        {"name": "Taft call center", "address": "601 N Oak St", "city": "Taft", "state": "OK",
         "zip": "74463"},
    )  # fmt: skip
    sub.post(
        "/portal/workforces",
        {"site": "taft-call-center", "labor": "unknown", "headcount": "40", "pay_amount": "1.45",
         "pay_per": "hour", "paid_to": "worker"},
    )  # fmt: skip
    sub.post("/portal/steps/sites")
    sub.post("/portal/steps/workforce")


def _prison(page: str) -> str:
    """The prison finding's article on a dashboard page."""
    start = page.index('data-rule="no-prison-labor"')
    return page[start : page.index("</article>", start)]


def test_new_is_since_the_buyer_s_last_visit(app: FastAPI, service: Service) -> None:
    buyer, vendor, sub = Party(app), Party(app), Party(app)
    buyer.sign_in()
    buyer.get("/chains")
    buyer.post("/chains", {"name": "Voter calls", "buyer": "Campaign", "key": "calls"})
    buyer.get("/chains/calls")  # seen before the cascade: nothing to flag yet
    _cascade(buyer, vendor, sub)
    # Several versions later (the workforce came after the site), the prison is still new.
    assert '<span class="new">new</span>' in _prison(buyer.get("/chains/calls").text)
    # Seen now: no longer new for this account, still new for another one.
    assert '<span class="new">new</span>' not in _prison(buyer.get("/chains/calls").text)
    service.add_user("bob", "another long password")
    other = Party(app)
    other.sign_in("bob", "another long password")
    assert '<span class="new">new</span>' in _prison(other.get("/chains/calls").text)


def test_a_dismissed_finding_shows_as_dismissed_everywhere(app: FastAPI, service: Service) -> None:
    buyer, vendor, sub = Party(app), Party(app), Party(app)
    buyer.sign_in()
    buyer.get("/chains")
    buyer.post("/chains", {"name": "Voter calls", "buyer": "Campaign", "key": "calls"})
    _cascade(buyer, vendor, sub)
    page = buyer.get("/chains/calls").text
    assert '<span class="pill sev-critical">1 critical</span>' in page
    prison = next(
        t for t in service.workspace.latest_findings("calls") or []
        if t.body["rule"] == "no-prison-labor"
    )  # fmt: skip
    # A reason is needed, as on the command line.
    refused = buyer.post(f"/chains/calls/findings/{prison.ref}/review", {"decision": "dismiss"})
    assert refused.status_code == 422
    assert "a decision needs a reason" in refused.text
    done = buyer.post(
        f"/chains/calls/findings/{prison.ref}/review",
        {"decision": "dismiss", "reason": "site visit: a private office"},
    )
    assert done.status_code == 303
    page = buyer.get("/chains/calls").text
    article = _prison(page)
    assert "review-dismiss" in page
    assert "dismissed" in article
    assert "Dismissed by alice" in article
    assert "site visit: a private office" in article
    assert "1 critical" not in page
    assert "1 critical" not in buyer.get("/chains").text
    # The one place decisions live: the CLI's review reads the same decision ...
    decision = service.workspace.decisions("calls")[prison.key]
    assert (decision.decision, decision.by) == ("dismiss", "alice")
    # ... and the API shows it.
    api = buyer.http.get(
        "/api/chains/calls", headers={"Authorization": "Bearer admin-token-for-tests-0123456789"}
    ).json()
    [found] = [f for f in api["findings"] if f["ref"] == prison.ref]
    assert found["review"]["decision"] == "dismiss"
    assert found["review"]["reason"] == "site visit: a private office"
    # A decision made with `subtier review` shows on the dashboard too.
    other = next(t for t in service.workspace.latest_findings("calls") or [] if t.ref != prison.ref)
    service.workspace.decide("calls", other.ref, "confirm", "checked", by="carol")
    assert "Confirmed by carol" in buyer.get("/chains/calls").text


def test_a_forged_version_is_not_shown_as_saved(world: World, service: Service) -> None:
    from sqlalchemy import text

    with service.workspace.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE chain_versions SET content = replace(content, '77 Secret Lane', "
                "'1 Forged Rd') WHERE id = (SELECT max(id) FROM chain_versions)"
            )
        )
    # This server saved that version itself and shows it as it saved it, never the forgery.
    page = world.buyer.get("/chains/calls")
    assert page.status_code == 200
    assert "1 Forged Rd" not in page.text
    # A server that reads it from the workspace (another worker, or after a restart) refuses it.
    other = Service(service.settings)
    try:
        elsewhere = Party(create_app(service=other))
        elsewhere.http.cookies = world.buyer.http.cookies
        page = elsewhere.get("/chains/calls")
        assert page.status_code == 409
        assert "does not match its hash" in page.text
    finally:
        other.close()
