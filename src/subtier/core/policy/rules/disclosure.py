"""subcontractors-disclosed: every supplier has disclosed its own subcontractors."""

from __future__ import annotations

from collections.abc import Iterator

from subtier.core.model import OrgType
from subtier.core.policy.finding import Finding
from subtier.core.policy.params import RuleParams
from subtier.core.policy.rules.context import Context
from subtier.core.severity import Severity


def subcontractors_disclosed(ctx: Context, params: SubcontractorsDisclosed) -> Iterator[Finding]:
    """Every supplier has disclosed its own subcontractors ("none" is a disclosure).

    An engagement whose supplier has not answered, or answered no, is reported. A supplier
    that is a person (an employee on payroll, a freelancer) is paid for their own work and
    has no subcontractors to disclose, and an engagement marked ``disclosure_required: false``
    (a service with no work to pass on: fees, software, legal counsel) is not asked.
    """
    orgs = ctx.chain.organizations_by_id
    for index, eng in enumerate(ctx.chain.engagements):
        if eng.subcontractors_disclosed or eng.disclosure_required is False:
            continue
        supplier_org = orgs.get(eng.supplier)
        if supplier_org is not None and supplier_org.type is OrgType.INDIVIDUAL:
            continue
        supplier = ctx.name(eng.supplier)
        state = (
            "has not disclosed"
            if eng.subcontractors_disclosed is False
            else "has not said whether it uses"
        )
        yield Finding(
            rule="subcontractors-disclosed",
            severity=params.severity,
            subject_kind="engagement",
            subject_id=eng.id,
            path=tuple(ctx.graph.engagement_path(index)) or (eng.buyer, eng.supplier),
            summary=f"{supplier} {state} subcontractors for {eng.service or eng.id}.",
        )


class SubcontractorsDisclosed(RuleParams):
    """The parameters of ``subcontractors-disclosed`` in the policy file."""

    severity: Severity = Severity.MEDIUM


HEADING = "Subcontractors"  # of the rule's clause in the contract rider


def clause(params: SubcontractorsDisclosed) -> str:
    """The rider's clause for this rule: every subcontractor disclosed, at any tier."""
    return (
        "The Supplier discloses all of its subcontractors for the services, or states in"
        " writing that it uses none, and flows these terms down: each subcontractor, at any"
        " tier, makes the same disclosure of its own subcontractors."
    )
