"""The chain file, version 1: organizations, sites, engagements and workforces.

These classes are the model and, through pydantic, the chain file's JSON Schema: the shipped
schema is generated from them (``scripts/build_schema.py``), so the two cannot drift.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from subtier.core.model.limits import (
    ADDRESS_MAX,
    ID_MAX,
    IDENTIFIER_MAX,
    NAME_MAX,
    PLACE_MAX,
    TEXT_MAX,
)
from subtier.core.model.money import Money

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:\-]*$"
WORKER = "worker"

# Items of lists and dicts, with their limits (see subtier.core.model.limits).
Alias = Annotated[str, StringConstraints(max_length=NAME_MAX)]
Reference = Annotated[str, StringConstraints(max_length=ID_MAX)]
Text = Annotated[str, StringConstraints(max_length=TEXT_MAX)]
IdentifierValue = Annotated[str, StringConstraints(max_length=IDENTIFIER_MAX)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class OrgType(StrEnum):
    """What kind of organization this is."""

    CAMPAIGN = "campaign"
    COMPANY = "company"
    NONPROFIT = "nonprofit"
    AGENCY = "agency"
    CORRECTIONAL_INDUSTRIES = "correctional-industries"
    INDIVIDUAL = "individual"
    UNKNOWN = "unknown"


class Labor(StrEnum):
    """Who does the work."""

    EMPLOYEE = "employee"
    CONTRACTOR = "contractor"
    AGENCY = "agency"
    INCARCERATED = "incarcerated"
    VOLUNTEER = "volunteer"
    UNKNOWN = "unknown"


class Organization(_Strict):
    """A legal entity or unit: campaign, company, agency, correctional-industries program."""

    id: str = Field(
        pattern=ID_PATTERN, max_length=ID_MAX, description="Unique id within the chain file."
    )
    name: str = Field(min_length=1, max_length=NAME_MAX, description="Legal or trading name.")
    aliases: list[Alias] = Field(default_factory=list, description="Other names it is known by.")
    type: OrgType = Field(default=OrgType.COMPANY, description="Kind of organization.")
    country: str | None = Field(
        default=None, max_length=PLACE_MAX, description="Country name or ISO code."
    )
    address: str | None = Field(
        default=None, max_length=ADDRESS_MAX, description="Street address, one line or street only."
    )
    city: str | None = Field(default=None, max_length=PLACE_MAX)
    state: str | None = Field(
        default=None, max_length=PLACE_MAX, description="State or province, name or code."
    )
    zip: str | None = Field(
        default=None, max_length=PLACE_MAX, description="Postal code (ZIP or ZIP+4)."
    )
    identifiers: dict[Reference, IdentifierValue] = Field(
        default_factory=dict,
        description="Identifiers by scheme: fec, ein, lei, uei, duns, opensanctions, ...",
    )
    source: str | None = Field(
        default=None, max_length=TEXT_MAX, description="Where this fact comes from (URL, document)."
    )


class Site(_Strict):
    """A place where work is done."""

    id: str = Field(
        pattern=ID_PATTERN, max_length=ID_MAX, description="Unique id within the chain file."
    )
    name: str = Field(
        min_length=1,
        max_length=NAME_MAX,
        description="What the site is called by the party that discloses it.",
    )
    operator: str | None = Field(
        default=None, max_length=ID_MAX, description="Id of the organization that runs the site."
    )
    address: str | None = Field(
        default=None,
        max_length=ADDRESS_MAX,
        description='Street address: one line ("601 N Oak St, Taft, OK 74463") or the street only.',
    )
    city: str | None = Field(default=None, max_length=PLACE_MAX)
    state: str | None = Field(
        default=None, max_length=PLACE_MAX, description="State or province, name or code."
    )
    zip: str | None = Field(
        default=None, max_length=PLACE_MAX, description="Postal code (ZIP or ZIP+4)."
    )
    country: str | None = Field(
        default=None,
        max_length=PLACE_MAX,
        description="Country name or ISO code; US if omitted and the state is a US state.",
    )
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    activities: list[Text] = Field(default_factory=list, description="Work done here, e.g. calls.")
    remote: bool | None = Field(
        default=None,
        description=(
            "Do remote or home-based agents do part of the work of this site (true), or none "
            "(false)? Omitted means not answered."
        ),
    )
    source: str | None = Field(default=None, max_length=TEXT_MAX)


class Engagement(_Strict):
    """A buyer hires a supplier for a service."""

    id: str = Field(
        pattern=ID_PATTERN, max_length=ID_MAX, description="Unique id within the chain file."
    )
    buyer: str = Field(max_length=ID_MAX, description="Id of the organization that pays.")
    supplier: str = Field(
        max_length=ID_MAX, description="Id of the organization that is paid to do the work."
    )
    service: str | None = Field(
        default=None, max_length=TEXT_MAX, description="What is bought, e.g. voter-contact calls."
    )
    sites: list[Reference] = Field(
        default_factory=list, description="Ids of the sites where the work is done."
    )
    price: Money | None = Field(default=None, description="What the buyer pays the supplier.")
    start: date | None = None
    end: date | None = None
    subcontractors_disclosed: bool | None = Field(
        default=None,
        description="Has the supplier disclosed its own subcontractors? Omitted means not answered.",
    )
    disclosure_required: bool | None = Field(
        default=None,
        description=(
            "Must the supplier disclose its subcontractors? false for a service with no work "
            "to pass on (fees, software, legal counsel); omitted means it must."
        ),
    )
    paid_through: str | None = Field(
        default=None,
        max_length=ID_MAX,
        description=(
            "Id of the organization the payment passed through without doing the work "
            "(a card issuer, a payroll service, a reimbursed person)."
        ),
    )
    source: str | None = Field(default=None, max_length=TEXT_MAX)


class Workforce(_Strict):
    """Who does the work of an engagement at a site, and what they are paid."""

    id: str | None = Field(
        default=None,
        pattern=ID_PATTERN,
        max_length=ID_MAX,
        description="Optional id; wf-N if omitted.",
    )
    site: str = Field(max_length=ID_MAX, description="Id of the site where they work.")
    engagement: str = Field(
        max_length=ID_MAX, description="Id of the engagement whose work they do."
    )
    labor: Labor = Field(default=Labor.UNKNOWN, description="Who does the work.")
    headcount: int | None = Field(default=None, ge=0)
    pay: Money | None = Field(default=None, description="What each worker is paid.")
    paid_to: str = Field(
        default=WORKER,
        max_length=ID_MAX,
        description='Who receives the pay: "worker", or the id of an organization that takes it.',
    )
    deductions: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="Share of pay withheld before it reaches the worker, 0 to 1.",
    )
    hours_per_week: float | None = Field(
        default=None,
        gt=0,
        le=168,
        description="Hours each worker works a week; 40 is assumed if omitted.",
    )
    hours: float | None = Field(
        default=None,
        ge=0,
        description="Total hours worked under the engagement, for remediation cost.",
    )
    source: str | None = Field(default=None, max_length=TEXT_MAX)


class Chain(_Strict):
    """A multi-tier service chain, rooted at the buyer whose chain it is."""

    subtier: Literal[1] = Field(description="Chain file format version; must be 1.")
    name: str = Field(min_length=1, max_length=NAME_MAX, description="What this chain describes.")
    root: str = Field(
        max_length=ID_MAX,
        description="Id of the organization at tier 0: the buyer whose chain this is.",
    )
    description: str | None = Field(default=None, max_length=TEXT_MAX)
    organizations: list[Organization] = Field(min_length=1)
    sites: list[Site] = Field(default_factory=list)
    engagements: list[Engagement] = Field(default_factory=list)
    workforces: list[Workforce] = Field(default_factory=list)

    @cached_property
    def organizations_by_id(self) -> dict[str, Organization]:
        return {org.id: org for org in self.organizations}

    @cached_property
    def sites_by_id(self) -> dict[str, Site]:
        return {site.id: site for site in self.sites}

    @cached_property
    def engagements_by_id(self) -> dict[str, Engagement]:
        return {engagement.id: engagement for engagement in self.engagements}

    def workforce_id(self, index: int) -> str:
        """The workforce's own id, or ``wf-N`` (1-based) when the file gives none."""
        return self.workforces[index].id or f"wf-{index + 1}"
