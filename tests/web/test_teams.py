"""Buyers kept apart: two teams in one workspace, each seeing and acting on its own chains
only, in pages, the API and everything a chain's routes give (exports, invitations, the
worklist). Another team's chain is answered as one that does not exist."""

from __future__ import annotations

import pytest

from subtier.web import Service

from .conftest import ADMIN_TOKEN, PASSWORD, Party, World
from .test_authz import (
    BODIES,
    BUYER_API,
    BUYER_PAGE,
    ROUTES,
    _assert_no_leak,
    _call,
    _snapshot,
)

CHAIN_ROUTES = sorted(
    (method, path, kind)
    for (method, path), kind in ROUTES.items()
    if kind in (BUYER_PAGE, BUYER_API) and "{key}" in path
)


def _team_b(world: World) -> tuple[Party, str]:
    """Team client-b with its account bob, a chain of its own, and an API token."""
    svc: Service = world.service
    svc.add_team("client-b", by="test")
    svc.add_user("bob", PASSWORD, team="client-b")
    bob = world.party()
    bob.sign_in("bob")
    bob.get("/chains")
    assert (
        bob.post("/chains", {"name": "Mail B", "buyer": "Org B", "key": "mail-b"}).status_code
        == 303
    )
    token = bob.http.post("/api/sessions", json={"username": "bob", "password": PASSWORD})
    return bob, token.json()["token"]


@pytest.mark.parametrize(("method", "path", "kind"), CHAIN_ROUTES)
def test_another_teams_chain_is_not_found(world: World, method: str, path: str, kind: str) -> None:
    bob, token = _team_b(world)
    before = _snapshot(world)
    headers = {"Authorization": f"Bearer {token}"} if kind == BUYER_API else None
    response = _call(bob, method, path, world, headers)
    assert response.status_code == 404, (response.status_code, response.text[:200])
    _assert_no_leak(response, world)
    assert _snapshot(world) == before


def test_each_team_lists_only_its_own_chains(world: World) -> None:
    bob, token = _team_b(world)
    page = bob.get("/chains")
    assert "mail-b" in page.text
    assert "Calls 2019" not in page.text
    api = bob.http.get("/api/chains", headers={"Authorization": f"Bearer {token}"}).json()
    assert [c["key"] for c in api] == ["mail-b"]
    alice = world.buyer.get("/chains")
    assert "Calls 2019" in alice.text
    assert "Mail B" not in alice.text
    assert world.buyer.get("/chains/mail-b").status_code == 404
    everything = world.party().http.get(
        "/api/chains", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
    )
    assert sorted(c["key"] for c in everything.json()) == ["calls", "mail-b"]


def test_a_team_cannot_reissue_another_teams_links(world: World) -> None:
    bob, token = _team_b(world)
    inv = world.service.portal.invitation_by_supplier("calls", "bravo-calls")
    response = bob.http.post(
        "/api/chains/calls/invitations", json={"engagement": inv.engagement},
        headers={"Authorization": f"Bearer {token}"},
    )  # fmt: skip
    assert response.status_code == 404
    assert world.vendor_b.get("/portal").status_code == 200  # its session is untouched


def test_a_chain_moved_to_another_team_goes_with_it(world: World) -> None:
    bob, _token = _team_b(world)
    world.service.move_chain("calls", "client-b", by="test")
    assert bob.get("/chains/calls").status_code == 200
    assert world.buyer.get("/chains/calls").status_code == 404
    world.service.move_user("alice", "client-b", by="test")
    assert world.buyer.get("/chains/calls").status_code == 200


def test_and_the_other_way_round(world: World) -> None:
    """The default team's buyer on every chain route of client-b's chain: not found."""
    _bob, _token = _team_b(world)
    alice_token = world.party().http.post(
        "/api/sessions", json={"username": "alice", "password": PASSWORD}
    )
    headers = {"Authorization": f"Bearer {alice_token.json()['token']}"}
    svc = world.service
    versions = len(svc.workspace.versions("mail-b"))
    world.buyer.get("/chains")
    for method, path, kind in CHAIN_ROUTES:
        url = path.replace("{key}", "mail-b").replace("{ref}", "0000000000")
        body = BODIES.get(path[4:] if path.startswith("/api/") else path, {})
        if kind == BUYER_API:
            response = world.buyer.http.request(method, url, json=body, headers=headers)
        else:
            form = {k: str(v) for k, v in body.items()}
            response = world.buyer.http.request(
                method, url, data={"csrf": world.buyer.csrf, **form}
            )
        assert response.status_code == 404, (method, path, response.status_code)
        assert "Mail B" not in response.text
    assert len(svc.workspace.versions("mail-b")) == versions
    assert svc.portal.invitations("mail-b") == []
