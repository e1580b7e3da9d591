"""The fuller portal forms: a site's activities, coordinates and remote-agents answer, and a
workforce's hours a week and deductions, through pages and the API into the chain."""

from __future__ import annotations

import json

import pytest

from subtier.core.disclosure import answers as dis
from subtier.core.disclosure.answers import FormError
from subtier.core.model import ChainGraph, Labor, Per
from subtier.core.wages import trace_wages

from .conftest import World, link_in

SITE = {"name": "Home agents hub", "address": "1 Main St", "city": "Newark", "state": "NJ",
        "zip": "07102"}  # fmt: skip


def test_a_site_s_activities_coordinates_and_remote_answer_reach_the_chain(world: World) -> None:
    done = world.vendor_b.post(
        "/portal/sites",
        {**SITE, "activities": "outbound calls, texts, outbound calls", "latitude": "40.7357",
         "longitude": "-74.1724", "remote": "yes"},
    )  # fmt: skip
    assert done.status_code == 303, done.text
    assert world.vendor_b.post("/portal/steps/sites").status_code == 303  # the buyer sees it
    _v, chain = world.service._chain("calls")
    site = chain.sites_by_id["home-agents-hub"]
    assert site.activities == ["outbound calls", "texts"]
    assert (site.latitude, site.longitude, site.remote) == (40.7357, -74.1724, True)
    page = world.vendor_b.get("/portal").text
    assert "outbound calls, texts" in page
    board = world.buyer.get("/chains/calls").text
    assert "remote or home-based agents do part of this work" in board


def test_a_site_that_says_no_remote_agents_has_no_such_finding(world: World) -> None:
    world.vendor_b.post("/portal/sites", {**SITE, "remote": "no"})
    world.vendor_b.post("/portal/steps/sites")
    _v, chain = world.service._chain("calls")
    assert chain.sites_by_id["home-agents-hub"].remote is False
    assert "remote or home-based agents do part" not in world.buyer.get("/chains/calls").text


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"latitude": "91", "longitude": "0"}, "latitude", "less than or equal to 90"),
        ({"latitude": "10", "longitude": "-181"}, "longitude", "greater than or equal to -180"),
        ({"latitude": "10"}, "longitude", "give both latitude and longitude"),
        ({"longitude": "10"}, "latitude", "give both latitude and longitude"),
        ({"latitude": "north"}, "latitude", "valid number"),
        ({"remote": "maybe"}, "remote", "valid boolean"),
    ],
)
def test_bad_coordinates_and_answers_name_their_field(
    extra: dict[str, str], field: str, message: str
) -> None:
    with pytest.raises(FormError) as caught:
        dis.parse_form(dis.SiteIn, {**SITE, **extra})
    assert message in caught.value.errors[field]


def test_the_page_shows_the_error_and_keeps_what_was_typed(world: World) -> None:
    page = world.vendor_b.post("/portal/sites", {**SITE, "latitude": "95", "longitude": "10"})
    assert page.status_code == 422
    assert "less than or equal to 90" in page.text
    assert 'value="Home agents hub"' in page.text


def test_hours_and_deductions_feed_the_effective_hourly_wage(world: World) -> None:
    done = world.vendor_b.post(
        "/portal/workforces",
        {"site": "bravo-hidden-works", "labor": "employee", "headcount": "5",
         "pay_amount": "600", "pay_per": "week", "paid_to": "worker", "hours_per_week": "60",
         "deductions_percent": "25"},
    )  # fmt: skip
    assert done.status_code == 303, done.text
    assert world.vendor_b.post("/portal/steps/workforce").status_code == 303
    _v, chain = world.service._chain("calls")
    [wf] = [w for w in chain.workforces if w.pay is not None and w.pay.per is Per.WEEK]
    assert (wf.hours_per_week, wf.deductions, wf.labor) == (60, 0.25, Labor.EMPLOYEE)
    [flow] = [f for f in trace_wages(chain, ChainGraph.build(chain)) if f.workforce == wf.id]
    assert flow.worker_hourly is not None
    assert flow.worker_hourly.amount == pytest.approx(600 / 60 * 0.75)
    assert "60 hours a week" in flow.worker_hourly.assumption
    assert "25% deducted" in flow.worker_hourly.assumption
    page = world.vendor_b.get("/portal").text
    assert "<td>60</td><td>25%</td>" in page


def test_the_api_takes_the_new_fields(world: World) -> None:
    made = world.buyer.post("/chains/calls/invitations", {"supplier": "Echo", "service": "mail"})
    token = link_in(made).split("/")[-1]
    api = world.party().http
    claimed = api.post("/api/portal/claim", json={"token": token})
    auth = {"Authorization": f"Bearer {claimed.json()['token']}"}
    added = api.post(
        "/api/portal/sites",
        json={**SITE, "activities": ["calls"], "latitude": 40.7, "longitude": -74.1,
              "remote": True},
        headers=auth,
    )  # fmt: skip
    assert added.status_code in (200, 201), added.text
    bad = api.post("/api/portal/sites", json={**SITE, "name": "B", "latitude": 40.7}, headers=auth)
    assert bad.status_code == 422
    assert "longitude: give both latitude and longitude" in json.dumps(bad.json()["detail"])
    wf = api.post(
        "/api/portal/workforces",
        json={"site": "home-agents-hub", "labor": "employee", "headcount": 2, "pay_amount": 3000,
              "pay_per": "month", "paid_to": "worker", "hours_per_week": 20,
              "deductions_percent": 120},
        headers=auth,
    )  # fmt: skip
    assert wf.status_code == 422
    assert "deductions_percent" in json.dumps(wf.json()["detail"])


def test_domestic_only_asks_where_remote_agents_work() -> None:
    from subtier.app.check import check
    from subtier.core.model import Chain
    from subtier.formats import load_policy

    chain = Chain.model_validate(
        {"subtier": 1, "name": "c", "root": "a",
         "organizations": [{"id": "a", "name": "A"}, {"id": "b", "name": "B", "country": "US"}],
         "sites": [{"id": "hub", "name": "Hub", "operator": "b", "address": "1 Main St",
                    "city": "Newark", "state": "NJ", "zip": "07102", "remote": True},
                   {"id": "floor", "name": "Floor", "operator": "b", "address": "2 Main St",
                    "city": "Newark", "state": "NJ", "zip": "07102", "remote": False}],
         "engagements": [{"id": "e", "buyer": "a", "supplier": "b", "sites": ["hub", "floor"]}]}
    )  # fmt: skip
    found = [f for f in check(chain, load_policy(None), []).findings if f.rule == "domestic-only"]
    assert [(f.subject_id, f.severity.value) for f in found] == [("hub", "low")]
    assert "where they work is not known" in found[0].summary
