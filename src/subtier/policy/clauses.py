"""Contract riders: the clause each rule asks of a supplier, in plain contract English.

Each rule in ``RULES`` has a clause here under the same name, written from the same parameter
model, so what a buyer asks for in the contract and what ``subtier check`` verifies cannot drift
apart. A test keeps the two registries' names identical.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from rigour.territories import get_territory

from subtier.policy.config import (
    DomesticOnly,
    ListedParty,
    NoPrisonLabor,
    Policy,
    SubcontractorsDisclosed,
    WageFloor,
)
from subtier.policy.rules import RULES

TITLE = "Supply Chain Labor Rider"


def no_prison_labor(params: NoPrisonLabor) -> str:
    text = (
        "No work under this agreement will be performed by incarcerated persons or at a"
        " correctional facility, including work arranged through a prison or correctional"
        " industries program."
    )
    if not params.c29_exemption:
        return text
    return (
        "No work under this agreement will be performed by incarcerated persons or at a"
        " correctional facility, except work that is performed for and supervised by a public"
        " authority and is not placed at the disposal of any private party, as Article 2(2)(c)"
        " of the ILO Forced Labour Convention, 1930 (No. 29) permits. This exception never"
        " covers work performed for, or hired out to, a private company, individual or"
        " association, at any tier."
    )


def _country(code: str) -> str:
    try:
        territory = get_territory(code.lower())
    except Exception:  # rigour raises on codes it does not know
        territory = None
    return f"{territory.name} ({code})" if territory is not None else code


def domestic_only(params: DomesticOnly) -> str:
    countries = ", ".join(_country(code) for code in params.countries)
    return (
        f"All personnel performing services are located in: {countries}. The services,"
        " including any work done remotely, are performed only there, and no part of them is"
        " moved to another country."
    )


def wage_floor(params: WageFloor) -> str:
    floor = f"{params.currency} {params.hourly:,.2f}"
    return (
        f"Workers performing services under this agreement are paid at least {floor} per hour,"
        " counted as the pay the worker actually receives after any share kept by an agency,"
        " labor broker, program or other intermediary. Pay by the day, week, month or year is"
        " converted to an hourly rate at the hours worked, or at 40 hours a week where hours"
        " are not recorded. The Supplier discloses, on request, what each group of workers is"
        " paid and to whom the pay goes."
    )


def subcontractors_disclosed(params: SubcontractorsDisclosed) -> str:
    return (
        "The Supplier discloses all of its subcontractors for the services, or states in"
        " writing that it uses none, and flows these terms down: each subcontractor, at any"
        " tier, makes the same disclosure of its own subcontractors."
    )


def listed_party(params: ListedParty) -> str:
    return (
        "Neither the Supplier nor any subcontractor at any tier, nor any person or entity"
        " owning or controlling them, is designated on a sanctions list, on a government list"
        " of entities that use forced labor, or on a list the Buyer has shared with the"
        " Supplier. The Supplier screens each subcontractor before engaging it and notifies the"
        " Buyer at once if any of them is designated while this agreement is in force."
    )


Clause = Callable[[Any], str]

# Rule name → (heading, clause function). Same names and order as RULES.
CLAUSES: Mapping[str, tuple[str, Clause]] = {
    "no-prison-labor": ("No prison labor", no_prison_labor),
    "listed-party": ("Sanctioned and listed parties", listed_party),
    "domestic-only": ("Where the work is done", domestic_only),
    "wage-floor": ("Minimum pay", wage_floor),
    "subcontractors-disclosed": ("Subcontractors", subcontractors_disclosed),
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
    "These terms flow down. The Supplier includes them in every subcontract for any part of the"
    " services, and requires each subcontractor to do the same, so that they bind every"
    " subcontractor at any tier.",
    "The Supplier attests that the services comply with these terms and, on request, discloses"
    " every site where the services are performed and the workforce that performs them: who"
    " employs the workers, how many there are, and what they are paid.",
)


def rider(policy: Policy) -> Rider:
    """The rider for ``policy``: a clause for every enabled rule, in the order of ``RULES``."""
    clauses: list[RiderClause] = []
    for name in RULES:
        params = policy.params(name)
        if params is None:
            continue
        heading, clause = CLAUSES[name]
        clauses.append(RiderClause(len(clauses) + 1, name, heading, clause(params)))
    return Rider(TITLE, policy.name, PREAMBLE, tuple(clauses))
