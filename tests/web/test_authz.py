"""Every route, tried as the wrong party: no session, another vendor, the buyer on the vendor's
routes, expired and reused tokens. All are refused, nothing changes, and nothing leaks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from subtier.web import Settings, create_app

from .conftest import ADMIN_TOKEN, Party, World, link_in

PUBLIC, BUYER_PAGE, VENDOR_PAGE, TOKEN_PAGE = "public", "buyer page", "vendor page", "token page"
BUYER_API, VENDOR_API, TOKEN_API = "buyer api", "vendor api", "token api"

ROUTES: dict[tuple[str, str], str] = {
    ("GET", "/openapi.json"): PUBLIC,
    ("GET", "/api/docs"): PUBLIC,
    ("GET", "/"): PUBLIC,
    ("GET", "/signin"): PUBLIC,
    ("POST", "/signin"): TOKEN_PAGE,
    ("POST", "/signout"): BUYER_PAGE,
    ("GET", "/chains"): BUYER_PAGE,
    ("POST", "/chains"): BUYER_PAGE,
    ("GET", "/chains/{key}"): BUYER_PAGE,
    ("GET", "/chains/{key}/history"): BUYER_PAGE,
    ("POST", "/chains/{key}/invitations"): BUYER_PAGE,
    ("GET", "/chains/{key}/worklist"): BUYER_PAGE,
    ("POST", "/chains/{key}/worklist"): BUYER_PAGE,
    ("POST", "/chains/{key}/findings/{ref}/review"): BUYER_PAGE,
    ("GET", "/chains/{key}/findings.csv"): BUYER_PAGE,
    ("GET", "/chains/{key}/report.pdf"): BUYER_PAGE,
    ("POST", "/chains/{key}/engagements/{engagement}/price"): BUYER_PAGE,
    ("GET", "/invite/{token}"): TOKEN_PAGE,
    ("POST", "/invite/{token}"): TOKEN_PAGE,
    ("GET", "/portal"): VENDOR_PAGE,
    ("POST", "/portal/subcontractors"): VENDOR_PAGE,
    ("POST", "/portal/subcontractors/{ident}/delete"): VENDOR_PAGE,
    ("POST", "/portal/no-subcontractors"): VENDOR_PAGE,
    ("POST", "/portal/subcontractors/{ident}/invite"): VENDOR_PAGE,
    ("POST", "/portal/sites"): VENDOR_PAGE,
    ("POST", "/portal/sites/{ident}/delete"): VENDOR_PAGE,
    ("POST", "/portal/workforces"): VENDOR_PAGE,
    ("POST", "/portal/workforces/{ident}/delete"): VENDOR_PAGE,
    ("POST", "/portal/attestation"): VENDOR_PAGE,
    ("POST", "/portal/steps/{step}"): VENDOR_PAGE,
    ("POST", "/portal/signout"): VENDOR_PAGE,
    ("POST", "/portal/attachments"): VENDOR_PAGE,
    ("GET", "/portal/attachments/{ident}"): VENDOR_PAGE,
    ("GET", "/notifications"): BUYER_PAGE,
    ("POST", "/notifications/hooks"): BUYER_PAGE,
    ("POST", "/notifications/hooks/{ident}/delete"): BUYER_PAGE,
    ("POST", "/notifications/deliveries/{ident}/retry"): BUYER_PAGE,
    ("GET", "/chains/{key}/documents"): BUYER_PAGE,
    ("GET", "/chains/{key}/documents/{ident}"): BUYER_PAGE,
    ("POST", "/api/sessions"): TOKEN_API,
    ("GET", "/api/chains"): BUYER_API,
    ("POST", "/api/chains"): BUYER_API,
    ("GET", "/api/chains/{key}"): BUYER_API,
    ("POST", "/api/chains/{key}/invitations"): BUYER_API,
    ("POST", "/api/chains/{key}/findings/{ref}/review"): BUYER_API,
    ("GET", "/api/chains/{key}/findings.csv"): BUYER_API,
    ("GET", "/api/chains/{key}/report.pdf"): BUYER_API,
    ("PUT", "/api/chains/{key}/engagements/{engagement}/price"): BUYER_API,
    ("POST", "/api/portal/claim"): TOKEN_API,
    ("GET", "/api/portal"): VENDOR_API,
    ("POST", "/api/portal/subcontractors"): VENDOR_API,
    ("DELETE", "/api/portal/subcontractors/{ident}"): VENDOR_API,
    ("POST", "/api/portal/no-subcontractors"): VENDOR_API,
    ("POST", "/api/portal/subcontractors/{ident}/invitation"): VENDOR_API,
    ("POST", "/api/portal/sites"): VENDOR_API,
    ("DELETE", "/api/portal/sites/{ident}"): VENDOR_API,
    ("POST", "/api/portal/workforces"): VENDOR_API,
    ("DELETE", "/api/portal/workforces/{ident}"): VENDOR_API,
    ("POST", "/api/portal/attestation"): VENDOR_API,
    ("GET", "/api/hooks"): BUYER_API,
    ("POST", "/api/hooks"): BUYER_API,
    ("DELETE", "/api/hooks/{ident}"): BUYER_API,
    ("GET", "/api/deliveries"): BUYER_API,
}

# A valid body for each route that takes one, so that only the caller is wrong.
BODIES: dict[str, dict[str, Any]] = {
    "/chains": {"name": "Other", "buyer": "Other Org"},
    "/chains/{key}/invitations": {"supplier": "Mallory", "service": "anything"},
    "/portal/subcontractors": {"name": "Mallory", "service": "anything"},
    "/portal/sites": {"name": "M", "address": "1 A St", "city": "X", "state": "OK", "zip": "74103"},
    "/portal/workforces": {"site": "bravo-hidden-works", "labor": "employee", "headcount": 1,
                           "pay_amount": 1, "pay_per": "hour", "paid_to": "worker"},
    "/portal/attestation": {"name": "Mallory", "title": "Boss", "date": "2026-03-02",
                            "certify": True},
    "/chains/{key}/findings/{ref}/review": {"decision": "dismiss", "reason": "not mine"},
    "/chains/{key}/engagements/{engagement}/price": {"amount": 1, "per": "call"},
    "/notifications/hooks": {"target": "http://127.0.0.1:9/hook", "min_severity": "info"},
    "/hooks": {"target": "http://127.0.0.1:9/hook", "min_severity": "info"},
    "/signin": {"username": "alice", "password": "wrong password"},
    "/api/sessions": {"username": "alice", "password": "wrong password"},
}  # fmt: skip


def _walk(routes: list[Any]) -> Iterator[tuple[str, str]]:
    for route in routes:
        if hasattr(route, "original_router"):
            yield from _walk(route.original_router.routes)
        elif getattr(route, "methods", None):
            for method in sorted(route.methods - {"HEAD"}):
                yield method, route.path


def test_every_route_is_classified_here(app: FastAPI) -> None:
    found = set(_walk(app.routes))
    assert found == set(ROUTES), "a route was added or removed: classify it in ROUTES"


def _url(path: str, world: World, token: str = "not-a-token") -> str:
    ids = {"key": "calls", "ident": world.ids["site_b"], "token": token, "ref": "0000000000",
           "engagement": "alpha-calls-work", "step": "sites"}  # fmt: skip
    if "subcontractors/{ident}" in path:
        ids["ident"] = world.ids["sub_b"]
    if "workforces/{ident}" in path:
        ids["ident"] = world.ids["workforce_b"]
    return path.format(**ids)


def _call(
    party: Party, method: str, path: str, world: World, headers: dict[str, str] | None = None
) -> httpx.Response:
    url = _url(path, world)
    key = path[4:] if path.startswith("/api/") else path
    body = BODIES.get(key.replace("/portal/", "/portal/"), BODIES.get(path, {}))
    if path.startswith("/api/"):
        return party.http.request(method, url, json=body, headers=headers)
    form = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in body.items()}
    return party.http.request(method, url, data={"csrf": party.csrf, **form}, headers=headers)


def _assert_no_leak(response: httpx.Response, world: World) -> None:
    for secret in (*world.secrets_b, "Calls 2019", "Alpha Calls", "alpha-floor"):
        assert secret not in response.text, f"{secret!r} leaked"


def _snapshot(world: World) -> tuple[int, int, int]:
    svc = world.service
    return (
        len(svc.workspace.versions()),
        len(svc.portal.invitations("calls")),
        sum(1 for _ in svc.workspace.audit_records()),
    )


def _refused(response: httpx.Response, kind: str, method: str) -> bool:
    if kind == BUYER_PAGE and method == "GET":
        return response.status_code == 303 and response.headers["location"].startswith("/signin")
    return response.status_code in (401, 403)


GUARDED = sorted(
    (method, path, kind)
    for (method, path), kind in ROUTES.items()
    if kind in (BUYER_PAGE, VENDOR_PAGE, BUYER_API, VENDOR_API)
)


@pytest.mark.parametrize(("method", "path", "kind"), GUARDED)
def test_no_session_is_refused(world: World, method: str, path: str, kind: str) -> None:
    stranger = world.party()
    stranger.get("/signin")  # a CSRF cookie and token, as any visitor has
    before = _snapshot(world)
    response = _call(stranger, method, path, world)
    assert _refused(response, kind, method), (response.status_code, response.text[:200])
    _assert_no_leak(response, world)
    assert _snapshot(world) == before


def _vendor_token(world: World) -> str:
    link = link_in(
        world.buyer.post("/chains/calls/invitations", {"supplier": "Delta", "service": "mail"})
    )
    claimed = world.party().http.post("/api/portal/claim", json={"token": link.split("/")[-1]})
    assert claimed.status_code == 201
    token: str = claimed.json()["token"]
    return token


@pytest.mark.parametrize(
    ("method", "path", "kind"), [g for g in GUARDED if g[2] in (BUYER_PAGE, BUYER_API)]
)
def test_a_vendor_is_refused_the_buyers_routes(
    world: World, method: str, path: str, kind: str
) -> None:
    headers = {"Authorization": f"Bearer {_vendor_token(world)}"}
    before = _snapshot(world)
    response = _call(world.vendor_a, method, path, world, headers)
    assert _refused(response, kind, method), (response.status_code, response.text[:200])
    _assert_no_leak(response, world)
    assert _snapshot(world) == before


@pytest.mark.parametrize(
    ("method", "path", "kind"), [g for g in GUARDED if g[2] in (VENDOR_PAGE, VENDOR_API)]
)
def test_the_buyer_is_refused_the_vendors_routes(
    world: World, method: str, path: str, kind: str
) -> None:
    world.buyer.get("/chains")
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    before = _snapshot(world)
    response = _call(world.buyer, method, path, world, headers)
    assert _refused(response, kind, method), (response.status_code, response.text[:200])
    assert _snapshot(world) == before


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/portal/sites/{ident}/delete"),
        ("POST", "/portal/subcontractors/{ident}/delete"),
        ("POST", "/portal/subcontractors/{ident}/invite"),
        ("POST", "/portal/workforces/{ident}/delete"),
        ("POST", "/portal/workforces"),
        ("DELETE", "/api/portal/sites/{ident}"),
        ("DELETE", "/api/portal/subcontractors/{ident}"),
        ("POST", "/api/portal/subcontractors/{ident}/invitation"),
        ("DELETE", "/api/portal/workforces/{ident}"),
        ("POST", "/api/portal/workforces"),
    ],
)
def test_another_vendor_cannot_touch_or_see_what_b_disclosed(
    world: World, method: str, path: str
) -> None:
    """Vendor A names B's site, subcontractor and workforce ids: as if they did not exist."""
    a = world.vendor_a
    a.get("/portal")
    token = _vendor_token_for_a(world) if path.startswith("/api/") else ""
    headers = {"Authorization": f"Bearer {token}"} if token else None
    before = _snapshot(world)
    response = _call(a, method, path, world, headers)
    assert response.status_code in (404, 422), (response.status_code, response.text[:300])
    for secret in world.secrets_b:
        assert secret not in response.text
    assert _snapshot(world)[1:] == before[1:]
    _v, chain = world.service.workspace.chain("calls")
    assert world.ids["site_b"] in chain.sites_by_id
    assert world.ids["sub_b"] in chain.organizations_by_id


def _vendor_token_for_a(world: World) -> str:
    """An API session of vendor A, from a fresh link for its invitation."""
    inv = next(i for i in world.service.portal.invitations("calls") if i.supplier == "alpha-calls")
    _inv, token = world.service.invite("calls", inv.engagement, "alice")
    claimed = world.party().http.post("/api/portal/claim", json={"token": token})
    session: str = claimed.json()["token"]
    return session


def test_a_vendor_sees_only_its_own_part(world: World) -> None:
    page = world.vendor_a.get("/portal")
    assert page.status_code == 200
    assert "Alpha Floor" in page.text
    _assert_no_leak_of_b(page.text, world)
    assert "Calls 2019" not in page.text  # the buyer's chain, its name and key stay hidden
    api = world.party().http.get(
        "/api/portal", headers={"Authorization": f"Bearer {_vendor_token_for_a(world)}"}
    )
    assert api.status_code == 200
    _assert_no_leak_of_b(api.text, world)
    sub = world.sub_a.get("/portal")
    assert "Alpha Floor" not in sub.text  # its buyer's own sites are not its business


def _assert_no_leak_of_b(text: str, world: World) -> None:
    for secret in world.secrets_b:
        assert secret not in text


def test_a_used_link_is_refused(world: World) -> None:
    link = world.links["a"]
    again = world.party()
    again.get("/signin")  # a CSRF cookie, so that only the token is wrong
    assert again.get(link).status_code == 404
    assert again.post(link).status_code == 404
    token = link.split("/")[-1]
    assert again.http.post("/api/portal/claim", json={"token": token}).status_code == 404
    _assert_no_leak(again.get(link), world)


def test_an_expired_link_is_refused(world: World) -> None:
    link = link_in(
        world.buyer.post("/chains/calls/invitations", {"supplier": "Echo", "service": "mail"})
    )
    world.clock.advance(days=7, seconds=1)
    late = world.party()
    late.get("/signin")
    assert late.get(link).status_code == 404
    assert late.post(link).status_code == 404
    claim = late.http.post("/api/portal/claim", json={"token": link.split("/")[-1]})
    assert claim.status_code == 404
    assert "Echo" not in late.get(link).text


def test_a_new_link_ends_the_old_one_and_its_session(world: World) -> None:
    inv = next(i for i in world.service.portal.invitations("calls") if i.supplier == "bravo-calls")
    world.buyer.get("/chains/calls")
    world.buyer.post("/chains/calls/invitations", {"engagement": inv.engagement})
    assert world.vendor_b.get("/portal").status_code == 401
    assert world.party().get(world.links["b"]).status_code == 404


def test_a_vendor_cannot_take_over_its_subcontractors_disclosure(world: World) -> None:
    """A fresh link for a subcontractor that has opened its own would let its buyer in."""
    refused = world.vendor_a.post("/portal/subcontractors/alpha-subco/invite")
    assert refused.status_code == 403
    assert world.sub_a.get("/portal").status_code == 200


def test_sessions_expire(world: World) -> None:
    world.clock.advance(hours=12, seconds=1)
    assert world.buyer.get("/chains").status_code == 303
    assert world.vendor_a.get("/portal").status_code == 200
    world.clock.advance(days=30)
    assert world.vendor_a.get("/portal").status_code == 401


def test_forms_without_the_right_csrf_token_change_nothing(world: World) -> None:
    before = _snapshot(world)
    world.buyer.csrf = world.vendor_a.csrf
    assert world.buyer.post("/chains", BODIES["/chains"]).status_code == 403
    world.vendor_a.csrf = "forged"
    assert world.vendor_a.post("/portal/sites/alpha-floor/delete").status_code == 403
    fresh = world.party()
    fresh.csrf = "forged"
    assert fresh.post("/signin", {"username": "alice", "password": "x"}).status_code == 403
    assert _snapshot(world) == before


def test_token_endpoints_are_rate_limited(settings: Settings) -> None:
    settings.rate_limit = 3
    app = create_app(settings)
    client = Party(app)
    codes = [client.get("/invite/guess-" + str(i)).status_code for i in range(5)]
    assert codes == [404, 404, 404, 429, 429]
    api = [
        client.http.post("/api/portal/claim", json={"token": f"g{i}"}).status_code for i in range(5)
    ]
    assert api[-1] == 429
    assert client.http.post("/api/portal/claim", json={"token": "g"}).headers["retry-after"]


def test_cookies_are_http_only_and_secure_over_https(settings: Settings) -> None:
    from fastapi.testclient import TestClient

    app = create_app(settings)
    plain = Party(app)
    plain.get("/signin")
    response = plain.post("/signin", {"admin_token": ADMIN_TOKEN})
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    secure = TestClient(app, base_url="https://subtier.example.org", follow_redirects=False)
    page = secure.get("/signin")
    assert page.headers["set-cookie"].startswith("__Host-subtier_csrf=")
    assert "Secure" in page.headers["set-cookie"]


def test_every_response_carries_the_security_headers(world: World) -> None:
    pages = (world.buyer.get("/chains/calls"), world.party().get("/invite/x"))
    for response in (*pages, world.party().get("/api/docs")):
        assert response.headers["referrer-policy"] == "no-referrer"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["cache-control"] == "no-store"


def test_the_api_docs_page_loads_nothing_from_elsewhere(world: World) -> None:
    page = world.party().get("/api/docs")
    assert page.status_code == 200
    assert "openapi.json" in page.text
    assert "<script" not in page.text
    assert "cdn." not in page.text
    assert "default-src 'none'" in page.headers["content-security-policy"]
