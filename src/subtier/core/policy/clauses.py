"""Contract riders: the clause each rule asks of a supplier, in plain contract English.

Each rule in ``RULES`` has its clause in its own module (``clause``, under ``HEADING``), written
from the same parameter model, so what a buyer asks for in the contract and what ``subtier check`` verifies cannot drift
apart. A test keeps the two registries' names identical.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from subtier.core.policy.config import Policy, RiderTerms
from subtier.core.policy.rules import RULES, disclosure, domestic, listed, prison, wages

TITLE = "Supply Chain Labor Rider"


def definitions(terms: RiderTerms) -> str:
    return (
        "In this rider, “correctional facility” means any place where persons are held in"
        " custody under criminal, civil or immigration law: a prison, penitentiary,"
        " correctional center, jail, detention or immigration detention center, juvenile"
        " facility, work-release, pre-release or community corrections center, halfway house"
        " or camp, whether run by a public authority or a private company. “Correctional"
        " industries program” means any program, enterprise or company, public or private, that"
        " sells, leases or arranges the work of persons held in, or released to work from, a"
        " correctional facility, including federal, state and county prison industries, jail"
        " industry programs and their partners. “Subcontractor” means any person or entity,"
        " at any tier, that performs part of the services, including staffing agencies,"
        " labor brokers and such programs; “work site” means any place where any part of the"
        " services is performed, including a worker's home."
    )


def prior_approval(terms: RiderTerms) -> str:
    return (
        "The Supplier engages no subcontractor, and performs no part of the services at any"
        " work site, without the Buyer's prior written approval, given for that subcontractor"
        " and that work site by name and address. This applies at every tier: the Supplier"
        " obtains the Buyer's approval before any of its subcontractors engages another or"
        " moves work to another site."
    )


def flow_down(terms: RiderTerms) -> str:
    return (
        "The Supplier includes the terms of this rider, word for word, in every subcontract"
        " for any part of the services, and requires each subcontractor to do the same, so"
        " that each subcontractor at any tier discloses its own subcontractors, work sites"
        " and workforce, and seeks approval, as the Supplier does."
    )


def audit(terms: RiderTerms) -> str:
    years = "year" if terms.records_years == 1 else "years"
    days = "day" if terms.audit_notice_days == 1 else "days"
    return (
        f"The Supplier keeps, for {terms.records_years} {years} after the services end,"
        " records showing who performed the services, where, for whom and for what pay"
        " (subcontracts, site lists, payroll and time records, and any payments to a program"
        " or intermediary). The Buyer, or an auditor it appoints, may inspect these records"
        f" and visit any work site on {terms.audit_notice_days} {days}' notice, or without"
        " notice where it has reason to believe this rider is breached; the Supplier secures"
        " the same right from each subcontractor."
    )


def notice(terms: RiderTerms) -> str:
    days = "day" if terms.notice_days == 1 else "days"
    return (
        f"The Supplier notifies the Buyer in writing within {terms.notice_days} {days} of"
        " learning of any change in the subcontractors, work sites or workforce disclosed,"
        " of any breach of this rider at any tier, and of any designation of itself or a"
        " subcontractor on a sanctions or forced-labor list."
    )


def remedies(terms: RiderTerms) -> str:
    return (
        "A breach of this rider is a material breach of the agreement. The Buyer may"
        " terminate the agreement, in whole or in part, at once by written notice; withhold"
        " payment for, and recover any fees already paid for, services performed in breach;"
        " and require the Supplier to end the breach at its own cost. The Supplier indemnifies"
        " the Buyer against all losses, fines, costs and reasonable legal fees arising from a"
        " breach, including one by a subcontractor at any tier. These remedies add to any"
        " other the Buyer has."
    )


Clause = Callable[[Any], str]
TermsClause = Callable[[RiderTerms], str]

# Clauses every rider carries, whatever rules are on: the definitions first, the rest after
# the rules' own clauses. Name → (heading, clause function taking the rider's terms).
DEFINITIONS: tuple[str, str, TermsClause] = ("definitions", "Definitions", definitions)
GENERAL: Mapping[str, tuple[str, TermsClause]] = {
    "prior-approval": ("Prior approval of subcontractors and work sites", prior_approval),
    "flow-down": ("Flow-down", flow_down),
    "audit": ("Records, audit and inspection", audit),
    "notice": ("Notice of changes", notice),
    "remedies": ("Remedies", remedies),
}

# Rule name → (heading, clause function). Same names and order as RULES.
# Each clause is written in its rule's module, beside the check and its parameters.
CLAUSES: Mapping[str, tuple[str, Clause]] = {
    "no-prison-labor": (prison.HEADING, prison.clause),
    "listed-party": (listed.HEADING, listed.clause),
    "domestic-only": (domestic.HEADING, domestic.clause),
    "wage-floor": (wages.HEADING, wages.clause),
    "subcontractors-disclosed": (disclosure.HEADING, disclosure.clause),
}


@dataclass(frozen=True)
class RiderClause:
    number: int
    rule: str
    heading: str
    text: str


@dataclass(frozen=True)
class Rider:
    """The contract rider for one policy: a preamble and one numbered clause per enabled rule."""

    title: str
    policy: str
    preamble: tuple[str, ...]
    clauses: tuple[RiderClause, ...]


PREAMBLE = (
    "This rider forms part of the agreement between the Buyer and the Supplier for the services"
    " and prevails over any conflicting term.",
    "The Supplier attests in writing that the services comply with these terms and, before"
    " the services begin and whenever they change, discloses every subcontractor at any tier,"
    " every work site, and the workforce that performs the services: who employs the workers,"
    " how many there are, and what they are paid.",
)


def rider(policy: Policy) -> Rider:
    """The rider for ``policy``: its definitions, a clause for every enabled rule in the order
    of ``RULES``, then prior approval, flow-down, audit, notice and remedies."""
    clauses: list[RiderClause] = []
    name, heading, general = DEFINITIONS
    clauses.append(RiderClause(1, name, heading, general(policy.rider)))
    for name in RULES:
        params = policy.params(name)
        if params is None:
            continue
        heading, clause = CLAUSES[name]
        clauses.append(RiderClause(len(clauses) + 1, name, heading, clause(params)))
    for name, (heading, general) in GENERAL.items():
        clauses.append(RiderClause(len(clauses) + 1, name, heading, general(policy.rider)))
    return Rider(TITLE, policy.name, PREAMBLE, tuple(clauses))


def attested_terms(policy: Policy) -> list[str]:
    """What a vendor signing in the portal attests to: each clause of the rider, by heading,
    as ``subtier riders`` writes it for the same policy."""
    return [f"{c.number}. {c.heading}: {c.text}" for c in rider(policy).clauses]
