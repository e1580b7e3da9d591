"""The disclosure core: validation with field errors, and merging into the chain."""

from __future__ import annotations

import pytest

from subtier.core.disclosure import answers as dis
from subtier.core.disclosure.answers import Applied, Disclosure, FormError, Scope
from subtier.core.model import Chain

SCOPE = Scope("c", "e", "v", "root")


def _chain() -> Chain:
    return Chain.model_validate(
        {"subtier": 1, "name": "c", "root": "root",
         "organizations": [{"id": "root", "name": "Root"}, {"id": "v", "name": "Vendor"}],
         "engagements": [{"id": "e", "buyer": "root", "supplier": "v"}]}
    )  # fmt: skip


def test_site_errors_name_their_fields() -> None:
    with pytest.raises(FormError) as caught:
        dis.parse_form(dis.SiteIn, {"name": "", "address": "601 N Oak St", "city": "Taft",
                                    "state": "ZZ"})  # fmt: skip
    assert set(caught.value.errors) == {"name"}
    with pytest.raises(FormError) as caught:
        dis.parse_form(dis.SiteIn, {"name": "T", "address": "601 N Oak St", "city": "Taft",
                                    "state": "ZZ", "zip": "74463"})  # fmt: skip
    assert caught.value.errors == {"state": "a US state, e.g. OK or Oklahoma"}
    abroad = dis.parse_form(
        dis.SiteIn, {"name": "T", "address": "1 Rue X", "city": "Lyon", "country": "FR"}
    )
    assert abroad.zip is None


def test_none_is_an_answer_and_cannot_hide_listed_subcontractors() -> None:
    d = Disclosure()
    assert not d.answered
    assert dis.declare_none(d).answered
    sub = dis.parse_form(dis.SubcontractorIn, {"name": "ProCom", "service": "calls"})
    listed = dis.add_subcontractor(dis.declare_none(d), sub, set())
    assert listed.no_subcontractors is False
    with pytest.raises(FormError):
        dis.declare_none(listed)


def test_apply_adds_then_replaces_what_the_disclosure_put_in() -> None:
    taken: set[str] = {"root", "v", "e"}
    d = dis.add_subcontractor(
        Disclosure(),
        dis.parse_form(dis.SubcontractorIn, {"name": "ProCom", "service": "calls",
                                             "price_amount": "7.25"}),
        taken,
    )  # fmt: skip
    d = dis.add_site(
        d,
        dis.parse_form(dis.SiteIn, {"name": "Taft", "address": "601 N Oak St", "city": "Taft",
                                    "state": "OK", "zip": "74463"}),
        taken,
    )  # fmt: skip
    d = dis.add_workforce(
        d,
        dis.parse_form(dis.WorkforceIn, {"site": "taft", "labor": "unknown", "headcount": "4",
                                         "pay_amount": "1.45", "paid_to": "procom"}),
        SCOPE, taken,
    )  # fmt: skip
    chain, applied = dis.apply(_chain(), SCOPE, d, Applied(), "portal")
    assert chain.engagements_by_id["procom-work"].buyer == "v"
    assert chain.engagements_by_id["e"].sites == ["taft"]
    assert chain.engagements_by_id["e"].subcontractors_disclosed is True
    assert chain.workforces[0].paid_to == "procom"
    fewer = dis.remove_workforce(d, chain.workforces[0].id or "")
    again, _ = dis.apply(chain, SCOPE, dis.remove_site(fewer, "taft"), applied, "portal")
    assert "taft" not in again.sites_by_id
    assert again.workforces == []
    assert [o.id for o in again.organizations] == ["root", "v", "procom"]


def test_signing_needs_an_answer_and_a_workforce_at_every_site() -> None:
    site = dis.parse_form(
        dis.SiteIn, {"name": "Taft", "address": "1 A St", "city": "Taft", "state": "OK",
                     "zip": "74463"}
    )  # fmt: skip
    d = dis.add_site(Disclosure(), site, set())
    assert set(dis.missing_before_signing(d)) == {"subcontractors", "workforces"}


def test_the_attested_hash_covers_who_signed_and_what() -> None:
    form = dis.parse_form(
        dis.AttestationIn, {"name": "Pat", "title": "CEO", "date": "2026-03-02", "certify": True}
    )
    other = form.model_copy(update={"title": "CFO"})
    text = dis.statement(_chain(), SCOPE)
    assert "Vendor" in text
    assert "Root" in text
    _c1, h1 = dis.attested(SCOPE, Disclosure(), form, text)
    _c2, h2 = dis.attested(SCOPE, Disclosure(), other, text)
    assert h1 != h2
    with pytest.raises(FormError) as caught:
        dis.parse_form(dis.AttestationIn, {"name": "Pat", "title": "CEO", "date": "2026-03-02"})
    assert caught.value.errors == {"certify": "required"}


def test_every_text_a_vendor_sends_has_a_length_limit_within_the_chains() -> None:
    from annotated_types import MaxLen

    from subtier.core.disclosure import answers as disclosure
    from subtier.core.model.limits import ADDRESS_MAX

    forms = (
        disclosure.Subcontractor,
        disclosure.SiteEntry,
        disclosure.WorkforceEntry,
        disclosure.AttestationIn,
    )
    for form in forms:
        for name, field in form.model_fields.items():
            if field.annotation not in (str, str | None):
                continue
            limits = [m.max_length for m in field.metadata if isinstance(m, MaxLen)]
            assert limits, f"{form.__name__}.{name} has no max_length"
            assert limits[0] <= ADDRESS_MAX, f"{form.__name__}.{name}"
