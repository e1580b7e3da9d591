"""A property of the portal: whatever a buyer and its vendors at several tiers do, and in
whatever order, the chain's latest version holds every answer that no one withdrew.

Each example drives the service (the layer both the pages and the API call) through a random
sequence of actions. After each one, every party's disclosure must be as the party left it
(only the actor's may change, and only as its action says), and the chain must hold each of
them: the party's sites on its engagement and in the chain, its "none" or its subcontractors,
and its workforces.
"""

from __future__ import annotations

import tempfile
from datetime import date

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from subtier.core.disclosure import answers as dis
from subtier.core.disclosure.answers import Disclosure, FormError
from subtier.core.model import Chain, Labor
from subtier.core.screen import RiskList
from subtier.errors import SubtierError
from subtier.store.portal import Invitation
from subtier.web import Service, Settings

_LISTS: list[RiskList] = []

KINDS = (
    "supplier", "sub", "remove-sub", "none", "site", "remove-site", "workforce",
    "remove-workforce", "invite", "sign",
)  # fmt: skip
ADDRESSES = (
    ("601 N Oak St", "Taft", "OK", "74463"),  # a correctional center
    ("1 Main St", "Newark", "NJ", "07102"),
    ("77 Elm Ave", "Tulsa", "OK", "74103"),
)

# Weighted towards what builds a cascade: subcontractors, their invitations, their answers.
WEIGHTS = {"sub": 3, "invite": 3, "site": 3, "none": 2, "workforce": 2}
actions = st.lists(
    st.tuples(
        st.sampled_from([k for k in KINDS for _ in range(WEIGHTS.get(k, 1))]),
        st.integers(0, 7),
        st.integers(0, 7),
    ),
    min_size=3,
    max_size=30,
)


class Run:
    def __init__(self, folder: str) -> None:
        self.service = Service(Settings(database=f"sqlite:///{folder}/p.db"))
        if not _LISTS:
            _LISTS.extend(self.service.lists())
        self.service._lists = list(_LISTS)
        self.key = self.service.create_chain("Calls", "Campaign", "calls", "tester")
        self.invitations: list[Invitation] = []

    def disclosures(self) -> dict[int, Disclosure]:
        return {inv.id: self.service._disclosure(inv)[0] for inv in self.invitations}

    def act(self, kind: str, who: int, pick: int) -> int | None:
        """Do one action; returns the invitation whose disclosure it may change."""
        svc = self.service
        if kind == "supplier" or not self.invitations:
            inv, _token = svc.add_supplier(
                self.key, f"Vendor {len(self.invitations)}", "calls", "b"
            )
            self.invitations.append(inv)
            return None
        # The actor is drawn from the parties the action can apply to, so that few draws are
        # wasted and cascades several tiers deep come up often.
        able = [i for i in self.invitations if _can(kind, svc._disclosure(i)[0])]
        inv = (able or self.invitations)[who % len(able or self.invitations)]
        d, _applied = svc._disclosure(inv)
        n = len(self.invitations)
        if kind == "sub":
            form = dis.SubcontractorIn(name=f"Sub {n} {pick}", service="dialing")
            svc.change(inv, lambda d, _s, taken: dis.add_subcontractor(d, form, taken))
        elif kind == "remove-sub" and d.subcontractors:
            ident = d.subcontractors[pick % len(d.subcontractors)].id
            invited = {c.supplier for c in svc.portal.children(inv.id)}
            svc.change(inv, lambda d, _s, _t: dis.remove_subcontractor(d, ident, invited))
        elif kind == "none":
            svc.change(inv, lambda d, _s, _t: dis.declare_none(d))
        elif kind == "site":
            street, city, state, zip_ = ADDRESSES[pick % len(ADDRESSES)]
            site = dis.SiteIn(name=f"Site {pick}", address=street, city=city, state=state, zip=zip_)
            svc.change(inv, lambda d, _s, taken: dis.add_site(d, site, taken))
        elif kind == "remove-site" and d.sites:
            ident = d.sites[pick % len(d.sites)].id
            svc.change(inv, lambda d, _s, _t: dis.remove_site(d, ident))
        elif kind == "workforce" and d.sites:
            wf = dis.WorkforceIn(
                site=d.sites[pick % len(d.sites)].id, labor=Labor.EMPLOYEE, headcount=pick + 1,
                pay_amount=10.0 + pick,
            )  # fmt: skip
            svc.change(inv, lambda d, scope, taken: dis.add_workforce(d, wf, scope, taken))
        elif kind == "remove-workforce" and d.workforces:
            ident = d.workforces[pick % len(d.workforces)].id
            svc.change(inv, lambda d, _s, _t: dis.remove_workforce(d, ident))
        elif kind == "invite" and d.subcontractors:
            sub = d.subcontractors[pick % len(d.subcontractors)]
            child, _token = svc.invite_subcontractor(inv, sub.id)
            if child.id not in {i.id for i in self.invitations}:
                self.invitations.append(child)
            return None
        elif kind == "sign":
            form_in = dis.AttestationIn(
                name="Pat Doe", title="President", date=date(2026, 3, 2), certify=True
            )
            svc.attest(inv, form_in)
        return inv.id


def _can(kind: str, d: Disclosure) -> bool:
    if kind in ("remove-sub", "invite"):
        return bool(d.subcontractors)
    if kind in ("remove-site", "workforce"):
        return bool(d.sites)
    if kind == "remove-workforce":
        return bool(d.workforces)
    return True


def _holds(chain: Chain, inv: Invitation, d: Disclosure) -> None:
    """The chain holds this disclosure, all of it."""
    engagement = chain.engagements_by_id[inv.engagement]
    for site in d.sites:
        assert site.id in engagement.sites, (inv.engagement, site.id, engagement.sites)
        held = chain.sites_by_id[site.id]
        assert (held.address, held.zip, held.operator) == (site.address, site.zip, inv.supplier)
    if d.answered:
        assert engagement.subcontractors_disclosed is True, inv.engagement
    for sub in d.subcontractors:
        assert chain.organizations_by_id[sub.id].name == sub.name
        hire = chain.engagements_by_id[sub.engagement]
        assert (hire.buyer, hire.supplier, hire.service) == (inv.supplier, sub.id, sub.service)
    held_workforces = {w.id: w for w in chain.workforces if w.id}
    for wf in d.workforces:
        w = held_workforces[wf.id]
        assert (w.site, w.engagement, w.headcount) == (wf.site, inv.engagement, wf.headcount)


@settings(
    max_examples=60, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)  # fmt: skip
@given(steps=actions)
# The cascade a user hit: the subcontractor answers "none" and adds a site, then its parent acts.
@example(steps=[("supplier", 0, 0), ("sub", 0, 0), ("invite", 0, 0), ("none", 1, 0),
                ("site", 1, 0), ("site", 0, 1)])  # fmt: skip
def test_no_answer_is_lost_that_no_one_withdrew(steps: list[tuple[str, int, int]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        run = Run(folder)
        try:
            for kind, who, pick in steps:
                before = run.disclosures()
                try:
                    actor = run.act(kind, who, pick)
                except (FormError, SubtierError):
                    actor = None  # refused: nothing may have changed
                after = run.disclosures()
                for ident, d in before.items():
                    if ident != actor:
                        assert after[ident] == d, f"{kind} changed invitation {ident}'s answers"
                _version, chain = run.service.workspace.chain(run.key)
                for inv in run.invitations:
                    _holds(chain, inv, after[inv.id])
        finally:
            run.service.close()
