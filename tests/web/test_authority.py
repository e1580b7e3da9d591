"""The portal's authority rule, in the pure core and through the app: an invitation belongs to
whoever issued it, and a party changes only its own answers.

The takeover a security review found: the buyer invites a subcontractor its vendor disclosed,
the subcontractor claims the link and answers; the vendor then issued a new link for it (which
ended the subcontractor's session), claimed it, deleted the answers and signed as anyone."""

from __future__ import annotations

import pytest

from subtier.core.disclosure.authority import (
    BUYER,
    Link,
    Party,
    may_change,
    may_issue,
    may_withdraw,
    vendor,
)

from .conftest import ADMIN_TOKEN, World, link_in

# The rule itself -------------------------------------------------------------------------------


def _link(
    issuer: Party = BUYER, opened: bool = False, claimed: bool = False, signed: bool = False
) -> Link:
    return Link(id=7, issuer=issuer, opened=opened, claimed=claimed, signed=signed)


def test_the_buyer_may_issue_again_at_any_tier_and_keeps_the_answers() -> None:
    assert may_issue(BUYER, None, None).allowed
    fresh = may_issue(BUYER, _link(vendor(3)), None)
    assert fresh.allowed
    assert not fresh.keeps_answers
    claimed = may_issue(BUYER, _link(vendor(3), opened=True, claimed=True), None)
    assert claimed.allowed
    assert claimed.keeps_answers
    assert not may_issue(BUYER, _link(signed=True, claimed=True, opened=True), None).allowed


def test_a_supplier_issues_again_only_its_own_unopened_links() -> None:
    parent = vendor(3)
    assert may_issue(parent, None, 3).allowed
    assert may_issue(parent, _link(parent), 3).allowed
    assert not may_issue(parent, _link(parent, opened=True), 3).allowed
    assert not may_issue(parent, _link(parent, opened=True, claimed=True), 3).allowed
    refused = may_issue(parent, _link(BUYER), 3)
    assert not refused.allowed
    assert "buyer" in refused.reason
    assert not may_issue(parent, None, 4).allowed  # not for another's subcontractor


def test_withdrawing_and_changing() -> None:
    parent = vendor(3)
    assert may_withdraw(parent, _link(parent)).allowed
    assert not may_withdraw(parent, _link(parent, opened=True)).allowed
    assert not may_withdraw(parent, _link(BUYER)).allowed
    assert may_change(vendor(7), _link()).allowed
    assert not may_change(vendor(3), _link()).allowed
    assert not may_change(BUYER, _link()).allowed
    assert not may_change(vendor(7), _link(signed=True)).allowed


# The takeover, through the app -----------------------------------------------------------------


def _buyer_invites_the_subcontractor(world: World) -> str:
    """The buyer invites Alpha's subcontractor in place of Alpha; it claims and answers."""
    svc = world.service
    sub_engagement = next(
        e.id for e in svc.workspace.chain("calls")[1].engagements if e.supplier == "alpha-subco"
    )
    world.buyer.get("/chains/calls")
    link = link_in(world.buyer.post("/chains/calls/invitations", {"engagement": sub_engagement}))
    sub = world.party()
    assert sub.claim(link).status_code == 303
    sub.get("/portal")
    site = {"name": "Sub Floor", "address": "5 Oak St", "city": "Newark", "state": "NJ",
            "zip": "07102"}  # fmt: skip
    assert sub.post("/portal/sites", site).status_code == 303
    assert sub.post("/portal/steps/sites").status_code == 303  # into the chain the buyer sees
    world.sub_a = sub
    return sub_engagement


def _api_token(world: World, supplier: str) -> str:
    inv = next(i for i in world.service.portal.invitations("calls") if i.supplier == supplier)
    _inv, token = world.service.invite("calls", inv.engagement, "alice")
    claimed = world.party().http.post("/api/portal/claim", json={"token": token})
    assert claimed.status_code == 201
    session: str = claimed.json()["token"]
    return session


def test_the_takeover_is_refused_at_the_reissue_step(world: World) -> None:
    _buyer_invites_the_subcontractor(world)
    svc = world.service
    before = svc.disclosure(svc.portal.invitation_by_supplier("calls", "alpha-subco"))
    a = world.vendor_a
    a.get("/portal")
    page = a.post("/portal/subcontractors/alpha-subco/invite")
    assert page.status_code == 403
    assert "only the buyer can send it a new link" in page.text
    api = world.party().http.post(
        "/api/portal/subcontractors/alpha-subco/invitation",
        headers={"Authorization": f"Bearer {_api_token(world, 'alpha-calls')}"},
    )
    assert api.status_code == 403, api.text
    # The subcontractor's session and answers survive.
    portal = world.sub_a.get("/portal")
    assert portal.status_code == 200
    assert "Sub Floor" in portal.text
    after = svc.disclosure(svc.portal.invitation_by_supplier("calls", "alpha-subco"))
    assert after == before


def test_a_parent_cannot_delete_a_subcontractor_the_buyer_invited(world: World) -> None:
    _buyer_invites_the_subcontractor(world)
    a = world.vendor_a
    a.get("/portal")
    assert a.post("/portal/subcontractors/alpha-subco/delete").status_code == 403
    api = world.party().http.delete(
        "/api/portal/subcontractors/alpha-subco",
        headers={"Authorization": f"Bearer {_api_token(world, 'alpha-calls')}"},
    )
    assert api.status_code == 403, api.text
    chain = world.service.workspace.chain("calls")[1]
    assert "alpha-subco" in chain.organizations_by_id
    assert "sub-floor" in chain.sites_by_id
    assert world.sub_a.get("/portal").status_code == 200


def test_a_parent_cannot_reissue_a_link_once_it_was_opened(world: World) -> None:
    a = world.vendor_a
    a.get("/portal")
    a.post("/portal/subcontractors", {"name": "Second Subco", "service": "mail"})
    link = link_in(a.post("/portal/subcontractors/second-subco/invite"))
    # Before anyone opens it, its issuer may replace it, and withdraw it.
    link = link_in(a.post("/portal/subcontractors/second-subco/invite"))
    assert world.party().get(link).status_code == 200  # opened, not claimed
    a.get("/portal")
    refused = a.post("/portal/subcontractors/second-subco/invite")
    assert refused.status_code == 403
    assert "opened its invitation already" in refused.text


def test_a_parent_withdraws_its_own_unopened_invitation(world: World) -> None:
    a = world.vendor_a
    a.get("/portal")
    a.post("/portal/subcontractors", {"name": "Third Subco", "service": "mail"})
    link = link_in(a.post("/portal/subcontractors/third-subco/invite"))
    assert a.post("/portal/subcontractors/third-subco/delete").status_code == 303
    assert "third-subco" not in world.service.workspace.chain("calls")[1].organizations_by_id
    assert world.party().get(link).status_code == 404  # the link went with it


def test_the_buyer_may_reissue_a_claimed_link_and_the_answers_are_kept(world: World) -> None:
    svc = world.service
    inv = svc.portal.invitation_by_supplier("calls", "bravo-calls")
    before = svc.disclosure(inv)
    world.buyer.get("/chains/calls")
    link = link_in(world.buyer.post("/chains/calls/invitations", {"engagement": inv.engagement}))
    assert world.vendor_b.get("/portal").status_code == 401  # the old session ended
    again = world.party()
    assert again.claim(link).status_code == 303
    page = again.get("/portal")
    assert "Bravo Hidden Works" in page.text  # its answers, kept
    assert "The buyer issued a new link for this invitation" in page.text
    assert svc.disclosure(inv) == before


@pytest.mark.parametrize("kind", ["sites", "workforces", "subcontractors"])
def test_deleting_what_is_not_there_is_not_found(world: World, kind: str) -> None:
    token = _api_token(world, "alpha-calls")
    response = world.party().http.delete(
        f"/api/portal/{kind}/no-such-thing", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 404, response.text


def test_the_admin_token_still_reissues_any_link(world: World) -> None:
    inv = world.service.portal.invitation_by_supplier("calls", "alpha-subco")
    api = world.party().http.post(
        "/api/chains/calls/invitations", json={"engagement": inv.engagement},
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
    )  # fmt: skip
    assert api.status_code == 201, api.text
