"""What a supplier discloses through the portal, and how it becomes part of the chain. No I/O.

A disclosure belongs to one invitation, which is scoped to one engagement of one chain. It holds
the supplier's subcontractors (or an explicit "none"), its work sites and the workforce at each
site. Applying it to a chain first takes out what the same disclosure put in last time, then
adds what it holds now, so a correction replaces and never duplicates.

One file because each form and the way it applies to the chain are one definition: a field's
limits and its place in the chain are read side by side.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from subtier.core.model import (
    WORKER,
    Chain,
    Engagement,
    Labor,
    Money,
    Organization,
    OrgType,
    Per,
    Site,
    Workforce,
    validate_chain,
)
from subtier.core.model.limits import ID_MAX
from subtier.core.normalize.places import us_state

STATEMENT = (
    "I certify that the subcontractors, work sites, workforce and pay disclosed here for "
    "{supplier}'s work on “{service}” for {buyer} are complete and correct to the best of my "
    "knowledge, and that I am authorised to sign for {supplier}."
)


class FormError(Exception):
    """A form or request that does not validate: a message per field, nothing saved."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


class _Form(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class SubcontractorIn(_Form):
    """A subcontractor the supplier hires for this work."""

    name: str = Field(min_length=1, max_length=200, description="Its legal or trading name.")
    service: str = Field(min_length=1, max_length=200, description="What it does for you.")
    city: str | None = Field(default=None, max_length=100)
    state: str | None = Field(default=None, max_length=50)
    country: str = Field(default="US", min_length=2, max_length=60)
    price_amount: float | None = Field(
        default=None, ge=0, le=1e9, description="What you pay it, per price_per."
    )
    price_per: Per = Per.HOUR
    currency: str = Field(default="USD", max_length=3, pattern=r"^[A-Z]{3}$")

    @field_validator("currency", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value


class SiteIn(_Form):
    """A place where the supplier does this work, with its street address."""

    name: str = Field(min_length=1, max_length=200)
    address: str = Field(min_length=3, max_length=200, description="Street and number.")
    city: str = Field(min_length=1, max_length=100)
    state: str | None = Field(default=None, max_length=50)
    zip: str | None = Field(default=None, max_length=20)
    country: str = Field(default="US", min_length=2, max_length=60)
    activities: tuple[str, ...] = Field(
        default=(), max_length=20, description="Work done here, e.g. calls, texts; commas apart."
    )
    latitude: float | None = Field(default=None, ge=-90, le=90, description="Decimal degrees.")
    longitude: float | None = Field(default=None, ge=-180, le=180, description="Decimal degrees.")
    remote: bool | None = Field(
        default=None,
        description="Do remote or home-based agents do part of this work from here? Blank: not answered.",
    )

    @field_validator("activities", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if isinstance(value, str):
            value = re.split(r"[,;\n]", value)
        if isinstance(value, list | tuple):
            items = [str(v).strip() for v in value]
            if any(len(v) > 100 for v in items):
                raise ValueError("each activity at most 100 characters")
            return tuple(dict.fromkeys(v for v in items if v))
        return value

    @field_validator("remote", mode="before")
    @classmethod
    def _answer(cls, value: object) -> object:
        return {"": None, "unknown": None}.get(value, value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _coordinates(self) -> SiteIn:
        if (self.latitude is None) != (self.longitude is None):
            missing = "longitude" if self.longitude is None else "latitude"
            raise _field(missing, "give both latitude and longitude, or neither")
        return self

    @model_validator(mode="after")
    def _us_address(self) -> SiteIn:
        if self.country.upper() not in {"US", "USA", "UNITED STATES"}:
            return self
        if not self.state or us_state(self.state) is None:
            raise _field("state", "a US state, e.g. OK or Oklahoma")
        if not self.zip or not re.fullmatch(r"\d{5}(-\d{4})?", self.zip):
            raise _field("zip", "a US ZIP code: 5 digits, or ZIP+4")
        return self


class WorkforceIn(_Form):
    """Who does the work at one of the supplier's sites, and what they are paid."""

    site: str = Field(min_length=1, max_length=200, description="Id of one of your sites.")
    labor: Labor = Field(description="Who does the work.")
    headcount: int = Field(ge=1, le=1_000_000)
    pay_amount: float = Field(ge=0, le=1e7, description="What each worker is paid, per pay_per.")
    pay_per: Per = Per.HOUR
    currency: str = Field(default="USD", max_length=3, pattern=r"^[A-Z]{3}$")
    paid_to: str = Field(
        default=WORKER,
        min_length=1,
        max_length=200,
        description='"worker", or the id of the organization the pay goes to.',
    )
    hours_per_week: float | None = Field(
        default=None, gt=0, le=168,
        description="Hours each worker works a week; 40 is assumed if blank.",
    )  # fmt: skip
    deductions_percent: float | None = Field(
        default=None, ge=0, le=100,
        description="Share of pay withheld before it reaches the worker, in percent.",
    )  # fmt: skip

    @field_validator("currency", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value


class AttestationIn(_Form):
    """The signature on a disclosure."""

    name: str = Field(min_length=2, max_length=200, description="Who signs.")
    title: str = Field(min_length=2, max_length=200, description="Their position.")
    date: date
    certify: Literal[True] = Field(description='Ticks "I certify"; must be true.')


class Subcontractor(SubcontractorIn):
    id: str = Field(max_length=ID_MAX)  # its organization id in the chain
    engagement: str = Field(max_length=ID_MAX)  # the engagement under which the supplier hires it


class SiteEntry(SiteIn):
    id: str = Field(max_length=ID_MAX)


class WorkforceEntry(WorkforceIn):
    id: str = Field(max_length=ID_MAX)


class Disclosure(BaseModel):
    """Everything one supplier has disclosed so far."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    no_subcontractors: bool = False
    subcontractors: tuple[Subcontractor, ...] = ()
    sites: tuple[SiteEntry, ...] = ()
    workforces: tuple[WorkforceEntry, ...] = ()

    @property
    def answered(self) -> bool:
        """Has the supplier answered the subcontractor question ("none" is an answer)?"""
        return self.no_subcontractors or bool(self.subcontractors)

    def ids(self) -> set[str]:
        return {
            *(s.id for s in self.subcontractors),
            *(s.engagement for s in self.subcontractors),
            *(s.id for s in self.sites),
            *(w.id for w in self.workforces),
        }


@dataclass(frozen=True)
class Scope:
    """What an invitation covers: one engagement of one chain, and its supplier."""

    chain: str
    engagement: str
    supplier: str
    buyer: str


@dataclass(frozen=True)
class Applied:
    """Ids a disclosure put into the chain, so that the next version can take them out."""

    organizations: tuple[str, ...] = ()
    engagements: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    workforces: tuple[str, ...] = ()
    answered: bool = False  # it answered the subcontractor question

    def as_json(self) -> dict[str, Any]:
        return {
            "organizations": list(self.organizations),
            "engagements": list(self.engagements),
            "sites": list(self.sites),
            "workforces": list(self.workforces),
            "answered": self.answered,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Applied:
        return cls(
            organizations=tuple(data.get("organizations", ())),
            engagements=tuple(data.get("engagements", ())),
            sites=tuple(data.get("sites", ())),
            workforces=tuple(data.get("workforces", ())),
            answered=bool(data.get("answered", False)),
        )


def _field(name: str, message: str) -> ValueError:
    return ValueError(f"{name}: {message}")


_FormT = TypeVar("_FormT", bound=BaseModel)


def parse_form(model: type[_FormT], data: dict[str, Any]) -> _FormT:
    """Validate form or JSON input; raises FormError naming each bad field."""
    cleaned = {k: (None if isinstance(v, str) and not v.strip() else v) for k, v in data.items()}
    cleaned = {k: v for k, v in cleaned.items() if v is not None}
    try:
        return model.model_validate(cleaned)
    except ValidationError as error:
        raise FormError(field_errors(error)) from None


def field_errors(error: ValidationError) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in error.errors(include_url=False):
        loc = [str(part) for part in item["loc"]]
        message = str(item["msg"])
        # Cross-field checks name their field in the message ("state: ...").
        prefix = re.match(r"^Value error, (\w+): (.*)$", message)
        if prefix:
            loc, message = [prefix.group(1)], prefix.group(2)
        elif message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        name = loc[0] if loc else "form"
        if item["type"] == "missing":
            message = "required"
        elif item["type"] == "extra_forbidden":
            message = "unknown field"
        out.setdefault(name, message)
    return out


def new_id(name: str, taken: set[str]) -> str:
    """A readable id for a new chain element, unused in the chain and the disclosure."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60].strip("-") or "item"
    candidate, n = slug, 1
    while candidate in taken:
        n += 1
        candidate = f"{slug}-{n}"
    taken.add(candidate)
    return candidate


def add_subcontractor(d: Disclosure, form: SubcontractorIn, taken: set[str]) -> Disclosure:
    org = new_id(form.name, taken)
    engagement = new_id(f"{org}-work", taken)
    entry = Subcontractor(**form.model_dump(), id=org, engagement=engagement)
    return d.model_copy(
        update={"subcontractors": (*d.subcontractors, entry), "no_subcontractors": False}
    )


def remove_subcontractor(d: Disclosure, ident: str, invited: set[str]) -> Disclosure:
    _need(ident in {s.id for s in d.subcontractors}, "subcontractor", "no such subcontractor")
    _need(ident not in invited, "subcontractor", "it has been invited: it discloses its own part")
    _need(
        all(w.paid_to != ident for w in d.workforces),
        "subcontractor",
        "a workforce's pay goes to it: change that workforce first",
    )
    return d.model_copy(
        update={"subcontractors": tuple(s for s in d.subcontractors if s.id != ident)}
    )


def declare_none(d: Disclosure) -> Disclosure:
    _need(
        not d.subcontractors,
        "no_subcontractors",
        "you have listed subcontractors; remove them first to answer none",
    )
    return d.model_copy(update={"no_subcontractors": True})


def add_site(d: Disclosure, form: SiteIn, taken: set[str]) -> Disclosure:
    entry = SiteEntry(**form.model_dump(), id=new_id(form.name, taken))
    return d.model_copy(update={"sites": (*d.sites, entry)})


def remove_site(d: Disclosure, ident: str) -> Disclosure:
    _need(ident in {s.id for s in d.sites}, "site", "no such site")
    _need(
        all(w.site != ident for w in d.workforces),
        "site",
        "a workforce works there: remove it first",
    )
    return d.model_copy(update={"sites": tuple(s for s in d.sites if s.id != ident)})


def add_workforce(d: Disclosure, form: WorkforceIn, scope: Scope, taken: set[str]) -> Disclosure:
    _need(form.site in {s.id for s in d.sites}, "site", "choose one of your sites")
    payees = {WORKER, scope.supplier, *(s.id for s in d.subcontractors)}
    _need(form.paid_to in payees, "paid_to", "the worker, your organization or a subcontractor")
    entry = WorkforceEntry(**form.model_dump(), id=new_id(f"{form.site}-workforce", taken))
    return d.model_copy(update={"workforces": (*d.workforces, entry)})


def remove_workforce(d: Disclosure, ident: str) -> Disclosure:
    _need(ident in {w.id for w in d.workforces}, "workforce", "no such workforce")
    return d.model_copy(update={"workforces": tuple(w for w in d.workforces if w.id != ident)})


def missing_before_signing(d: Disclosure) -> dict[str, str]:
    """What must be answered before the disclosure can be signed."""
    out: dict[str, str] = {}
    if not d.answered:
        out["subcontractors"] = 'list your subcontractors, or answer "none"'
    staffed = {w.site for w in d.workforces}
    bare = [s.name for s in d.sites if s.id not in staffed]
    if bare:
        out["workforces"] = "say who works at " + ", ".join(bare)
    return out


def _need(condition: bool, name: str, message: str) -> None:
    if not condition:
        raise FormError({name: message})


def apply(
    chain: Chain, scope: Scope, d: Disclosure, before: Applied, source: str
) -> tuple[Chain, Applied]:
    """The chain with this disclosure in place of what it put in before.

    A party changes only what is its own: its engagement's sites and its answer on
    subcontractors, the sites and workforces it disclosed, and of each subcontractor it hires
    the organization's name and place and the engagement's service and price. What anyone else
    disclosed stays as it was, above all what a subcontractor answered in turn on the engagement
    the party made for it (its sites, its "none"). Kept elements keep their place in the chain,
    so that re-applying the same disclosure gives the same chain.
    """
    own_orgs = {sub.id: _subcontractor_org(sub, source) for sub in d.subcontractors}
    own_engagements = {
        sub.engagement: _subcontractor_engagement(sub, scope, source) for sub in d.subcontractors
    }
    own_sites = {site.id: _site(site, scope, source) for site in d.sites}
    own_workforces = {wf.id: _workforce(wf, scope, source) for wf in d.workforces}

    orgs = _merge(chain.organizations, before.organizations, own_orgs, _ORG_FIELDS)
    sites = _merge(chain.sites, before.sites, own_sites, None)
    workforces = _merge(chain.workforces, before.workforces, own_workforces, None)
    engagements = _merge(chain.engagements, before.engagements, own_engagements, _ENG_FIELDS)
    for i, e in enumerate(engagements):
        if e.id != scope.engagement:
            continue
        kept = [s for s in e.sites if s not in before.sites and s not in own_sites]
        if d.answered:
            disclosed: bool | None = True
        elif before.answered:
            disclosed = None  # the party took its answer back
        else:
            disclosed = e.subcontractors_disclosed
        engagements[i] = e.model_copy(
            update={"sites": [*kept, *own_sites], "subcontractors_disclosed": disclosed}
        )
    updated = chain.model_copy(
        update={
            "organizations": orgs, "sites": sites, "engagements": engagements,
            "workforces": workforces,
        }
    )  # fmt: skip
    updated = Chain.model_validate(updated.model_dump())
    problems = validate_chain(updated)
    if problems:
        raise FormError({"form": "; ".join(p.message for p in problems)})
    return updated, Applied(
        organizations=tuple(own_orgs),
        engagements=tuple(own_engagements),
        sites=tuple(own_sites),
        workforces=tuple(own_workforces),
        answered=d.answered,
    )


# What a party decides about a subcontractor it hires; the rest is the subcontractor's own.
_ORG_FIELDS = ("id", "name", "type", "country", "city", "state", "source")
_ENG_FIELDS = ("id", "buyer", "supplier", "service", "price", "source")

_ModelT = TypeVar("_ModelT", Organization, Site, Engagement, Workforce)


def _merge(
    items: list[_ModelT], before: tuple[str, ...], own: dict[str, _ModelT],
    fields: tuple[str, ...] | None,
) -> list[_ModelT]:  # fmt: skip
    """``items`` with the party's elements in place: each one it put in before is updated where
    it stands (only ``fields`` of it, if given) or taken out if withdrawn; new ones go last."""
    out: list[_ModelT] = []
    placed: set[str] = set()
    for item in items:
        ident = item.id
        if ident is None or ident not in before:
            out.append(item)
            continue
        mine = own.get(ident)
        if mine is None:
            continue  # withdrawn
        if fields is not None:
            mine = item.model_copy(update={f: getattr(mine, f) for f in fields})
        out.append(mine)
        placed.add(ident)
    out.extend(item for ident, item in own.items() if ident not in placed)
    return out


def _subcontractor_org(sub: Subcontractor, source: str) -> Organization:
    return Organization(
        id=sub.id, name=sub.name, type=OrgType.COMPANY, country=sub.country, city=sub.city,
        state=sub.state, source=source,
    )  # fmt: skip


def _subcontractor_engagement(sub: Subcontractor, scope: Scope, source: str) -> Engagement:
    price = (
        Money(amount=sub.price_amount, per=sub.price_per, currency=sub.currency)
        if sub.price_amount is not None
        else None
    )
    return Engagement(
        id=sub.engagement, buyer=scope.supplier, supplier=sub.id, service=sub.service,
        price=price, source=source,
    )  # fmt: skip


def _site(site: SiteEntry, scope: Scope, source: str) -> Site:
    return Site(
        id=site.id, name=site.name, operator=scope.supplier, address=site.address,
        city=site.city, state=site.state, zip=site.zip, country=site.country, source=source,
        activities=list(site.activities), latitude=site.latitude, longitude=site.longitude,
        remote=site.remote,
    )  # fmt: skip


def _workforce(wf: WorkforceEntry, scope: Scope, source: str) -> Workforce:
    return Workforce(
        id=wf.id, site=wf.site, engagement=scope.engagement, labor=wf.labor,
        headcount=wf.headcount, paid_to=wf.paid_to, source=source,
        pay=Money(amount=wf.pay_amount, per=wf.pay_per, currency=wf.currency),
        hours_per_week=wf.hours_per_week,
        deductions=None if wf.deductions_percent is None else wf.deductions_percent / 100,
    )  # fmt: skip


def statement(chain: Chain, scope: Scope, terms: Sequence[str] = ()) -> str:
    """What the vendor signs: the disclosure is complete and correct, and, when the buyer's
    policy gives them, that the work complies with each term of its rider."""
    orgs = chain.organizations_by_id
    engagement = chain.engagements_by_id.get(scope.engagement)
    supplier = orgs[scope.supplier].name if scope.supplier in orgs else scope.supplier
    text = STATEMENT.format(
        supplier=supplier,
        buyer=orgs[scope.buyer].name if scope.buyer in orgs else scope.buyer,
        service=(engagement.service if engagement else None) or "this engagement",
    )
    if not terms:
        return text
    return (
        text + f" I further attest that {supplier}'s work complies with these terms of the Supply"
        " Chain Labor Rider, which bind it and each of its subcontractors: " + " ".join(terms)
    )


def attested(
    scope: Scope, d: Disclosure, form: AttestationIn, text: str,
    documents: Sequence[tuple[str, str]] = (),
) -> tuple[str, str]:  # fmt: skip
    """The canonical JSON of what is signed (who, what, the statement, and the name and SHA-256
    of each document attached) and its SHA-256."""
    body: dict[str, Any] = {
        "chain": scope.chain,
        "engagement": scope.engagement,
        "supplier": scope.supplier,
        "disclosure": d.model_dump(mode="json"),
        "statement": text,
        "signed": {"name": form.name, "title": form.title, "date": form.date.isoformat()},
    }
    if documents:  # absent rather than empty, so that what was signed before reads the same
        body["documents"] = [{"filename": name, "sha256": digest} for name, digest in documents]
    content = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return content, hashlib.sha256(content.encode("utf-8")).hexdigest()


Edit = Callable[[Disclosure, Scope, set[str]], Disclosure]
"""One change to a disclosure: given it, its scope and the ids in use, the disclosure after."""
