"""The chain: the committee at tier 0, its vendors at tier 1, memo sub-payees at tier 2.

A vendor paid through a conduit (the merchant behind a card charge, an employee paid through a
payroll service) is tier 1, with the conduit as the engagement's ``paid_through``. An
engagement whose purposes are all services with no work to pass on (fees, software, legal
counsel) has ``disclosure_required: false``: the payee is listed, not asked.

A normal chain file: ``subtier check`` reads it, and it grows as vendors disclose their
subcontractors and sites (add them under the vendor's engagement).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from pydantic import ValidationError

from subtier.core.model import Chain, Engagement, Money, Organization, OrgType, Per
from subtier.errors import InputError
from subtier.fec.abroad import payee_country
from subtier.fec.classify import Rules, classify, default_rules
from subtier.fec.conduits import label
from subtier.fec.payees import Payee, PayeeFlow

# FEC entity types → organization types.
_TYPES = {
    "IND": OrgType.INDIVIDUAL,
    "CAN": OrgType.INDIVIDUAL,
    "CCM": OrgType.CAMPAIGN,
    "COM": OrgType.CAMPAIGN,
    "PAC": OrgType.CAMPAIGN,
    "PTY": OrgType.CAMPAIGN,
    "ORG": OrgType.COMPANY,
}


def _lines(flow: PayeeFlow) -> str:
    by_file: dict[str, list[str]] = {}
    for source, line in flow.flow.lines:
        by_file.setdefault(source.rsplit("/", 1)[-1], []).append(str(line))
    shown = "; ".join(
        f"{name} line{'s' if len(n) > 1 else ''} {', '.join(n)}" for name, n in by_file.items()
    )
    more = flow.flow.rows - len(flow.flow.lines)
    memo = " (memo entries)" if flow.via is not None or flow.tier == 2 else ""
    return f"FEC Schedule B{memo}: {shown}" + (f" and {more:,} more" if more > 0 else "")


def service(flow: PayeeFlow, rules: Rules) -> str:
    """What was bought: the purposes as written, the largest first, with their category."""
    ranked = sorted(flow.flow.purposes.items(), key=lambda kv: (-abs(kv[1]), kv[0]))
    parts = []
    for purpose, _cents in ranked[:3]:
        category = classify(purpose, rules, flow.flow.codes.get(purpose, ""))
        parts.append(f"{purpose or 'purpose not stated'} ({category.label})")
    more = len(ranked) - 3
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


def needs_disclosure(flow: PayeeFlow, rules: Rules) -> bool:
    """Whether any purpose of the flow is a service with work a vendor could subcontract."""
    return any(
        classify(p, rules, flow.flow.codes.get(p, "")).labor_intensive for p in flow.flow.purposes
    )


def _date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


# The root's source names the files read, up to this many: a run over thousands of filings
# would otherwise make a text longer than a chain allows.
_NAMED_FILES = 50


def _refused(error: ValidationError, what: str, source: str) -> InputError:
    """A value the filings hold that no chain may (a name over the chain's length limit): an
    error naming the payee and the lines it was read from."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return InputError(f"{source}: {what}, {where}: {first['msg']}")


def organization(payee: Payee, source: str) -> Organization:
    try:
        return _organization(payee, source)
    except ValidationError as error:
        raise _refused(error, f"payee {payee.name[:60]!r}", source) from None


def _organization(payee: Payee, source: str) -> Organization:
    country = payee_country(payee.state, payee.city, payee.zip)
    return Organization(
        id=payee.id,
        name=payee.name,
        aliases=payee.aliases,
        type=_TYPES.get(payee.entity_type, OrgType.UNKNOWN),
        country=country,
        address=payee.street or None,
        city=payee.city or None,
        state=payee.state or None,
        zip=payee.zip or None,
        source=source,
    )


def _filings(sources: Sequence[str]) -> str:
    names = [s.rsplit("/", 1)[-1] for s in sources]
    shown = ", ".join(names[:_NAMED_FILES])
    more = len(names) - _NAMED_FILES
    return f"FEC filings: {shown}" + (f" and {more:,} more" if more > 0 else "")


def build_chain(
    committee: str,
    committee_name: str,
    payees: Sequence[Payee],
    flows: Sequence[PayeeFlow],
    sources: Sequence[str],
    rules: Rules | None = None,
) -> Chain:
    """The chain of one committee's payees. Flows of a payee to itself are left out."""
    rules = rules or default_rules()
    root = committee
    used = {f.payee for f in flows} | {f.buyer for f in flows if f.buyer}
    used |= {f.via for f in flows if f.via}
    first_source: Mapping[str, str] = {f.payee: _lines(f).split(";")[0] for f in flows}
    try:
        orgs = [
            Organization(
                id=root,
                name=committee_name or committee,
                type=OrgType.CAMPAIGN,
                country="US",
                identifiers={"fec": committee},
                source=_filings(sources),
            )
        ]
    except ValidationError as error:
        raise _refused(error, f"committee {committee}", _filings(sources)) from None
    orgs += [organization(p, first_source.get(p.id, "")) for p in payees if p.id in used]
    engagements: list[Engagement] = []
    names = {p.id: p.name for p in payees}
    pairs = {(f.buyer, f.payee) for f in flows}
    ordered = sorted(flows, key=lambda f: (f.tier, -f.flow.cents, f.payee))
    for number, flow in enumerate(ordered, start=1):
        buyer = flow.buyer or root
        loop = flow.buyer is not None and (flow.payee, flow.buyer) in pairs and flow.tier == 2
        if buyer == flow.payee or flow.via == flow.payee or (loop and flow.payee < buyer):
            continue  # a payee's own fees itemized under it, or a memo loop: no engagement
        cents = flow.flow.cents
        source = _lines(flow)
        if flow.via is not None:
            source += f"; paid through {names[flow.via]} ({label(flow.flow.conduit)})"
        try:
            engagement = Engagement(
                id=f"fec-{number}",
                buyer=buyer,
                supplier=flow.payee,
                service=service(flow, rules),
                price=Money(amount=cents / 100, per=Per.TOTAL) if cents >= 0 else None,
                start=_date(flow.flow.first),
                end=_date(flow.flow.last),
                disclosure_required=None if needs_disclosure(flow, rules) else False,
                paid_through=flow.via,
                source=source,
            )
        except ValidationError as error:
            raise _refused(error, f"payments to {names[flow.payee][:60]!r}", source) from None
        engagements.append(engagement)
    try:
        return Chain(
            subtier=1,
            name=f"{committee_name or committee}: payees from FEC Schedule B",
            root=root,
            description=(
                "Built by `subtier fec` from FEC filings. Tier 1: operating expenditures paid by the "
                "committee, and the merchants and payees itemized under a card issuer, a payment "
                "or payroll processor or a reimbursed person (paid_through); tier 2: memo "
                "sub-itemizations under a vendor that passed the money on."
            ),
            organizations=orgs,
            engagements=engagements,
        )
    except ValidationError as error:
        raise _refused(error, f"committee {committee}", _filings(sources)) from None
