"""no-prison-labor: no work by incarcerated people or at a correctional facility."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from pydantic import Field

from subtier.core.model import WORKER, Labor, Organization, OrgType
from subtier.core.policy.finding import Evidence, Finding
from subtier.core.policy.params import RuleParams
from subtier.core.policy.rules.context import Context, evidence_of, private_parties
from subtier.core.screen import Strength
from subtier.core.screen.programs import WEAK
from subtier.core.severity import Severity

# How sure a signal is: 0 certain, 1 possible (one severity lower), 2 weak (two lower).
CERTAIN, POSSIBLE, WEAK_EVIDENCE = 0, 1, 2


@dataclass(frozen=True)
class _Program:
    """Why an organization of the chain counts as a correctional-industries program."""

    org: Organization
    doubt: int
    evidence: Evidence
    what: str  # "a correctional-industries program (Oklahoma Correctional Industries)"

    @property
    def label(self) -> str:
        """ "OCI, a correctional-industries program (...)", or "..., which may be ..."."""
        maybe = "" if self.doubt == CERTAIN else "which may be "
        return f"{self.org.name}, {maybe}{self.what}"


@dataclass(frozen=True)
class _Signal:
    doubt: int
    clause: str  # what it says of the site, e.g. "is at X, a correctional facility (...)"
    evidence: tuple[Evidence, ...]
    via: str | None = None  # the program the path should run through


def _programs(ctx: Context) -> dict[str, _Program]:
    out: dict[str, _Program] = {}
    for org in ctx.chain.organizations:
        match = ctx.program_matches.get(org.id)
        if org.type is OrgType.CORRECTIONAL_INDUSTRIES:
            evidence = Evidence(
                reasons="declared a correctional-industries program in the chain",
                source=org.source,
            )
            out[org.id] = _Program(org, CERTAIN, evidence, "a correctional-industries program")
            continue
        if match is None:
            continue
        if match.strength is Strength.MATCH:
            doubt = CERTAIN
        else:
            doubt = POSSIBLE if match.score >= WEAK else WEAK_EVIDENCE
        same = match.entry_name.lower() == org.name.lower()
        named = "" if same else f" ({match.entry_name})"
        out[org.id] = _Program(
            org, doubt, evidence_of(match), f"a correctional-industries program{named}"
        )
    return out


def _site_signals(ctx: Context, site_id: str, programs: dict[str, _Program]) -> list[_Signal]:
    signals: list[_Signal] = []
    site = ctx.chain.sites_by_id[site_id]
    for match in ctx.facility_matches(site_id):
        certain = match.strength is Strength.MATCH
        kind = "is at" if certain else "may be on the grounds of"
        signals.append(
            _Signal(
                CERTAIN if certain else POSSIBLE,
                f"{kind} {match.entry_name}, a correctional facility ({match.list_name} {match.entry_id})",
                (evidence_of(match),),
            )
        )
        break  # the best facility match speaks for the site; the others follow as evidence
    for workforce in ctx.chain.workforces:
        if workforce.site != site_id:
            continue
        if workforce.labor is Labor.INCARCERATED:
            signals.append(
                _Signal(
                    CERTAIN,
                    "uses incarcerated labor",
                    (
                        Evidence(
                            reasons="a workforce here is declared incarcerated",
                            source=workforce.source,
                        ),
                    ),
                )
            )
        if workforce.paid_to != WORKER and workforce.paid_to in programs:
            program = programs[workforce.paid_to]
            signals.append(
                _Signal(
                    program.doubt,
                    f"has workers whose pay goes to {program.label}",
                    (program.evidence,),
                    via=program.org.id,
                )
            )
    for eng in ctx.chain.engagements:
        if site_id in eng.sites and eng.supplier in programs:
            program = programs[eng.supplier]
            service = f" ({eng.service})" if eng.service else ""
            signals.append(
                _Signal(
                    program.doubt,
                    f"has its work{service} supplied by {program.label}",
                    (program.evidence,),
                    via=program.org.id,
                )
            )
    if site.operator in programs:
        program = programs[site.operator]
        signals.append(
            _Signal(
                program.doubt,
                f"is operated by {program.label}",
                (program.evidence,),
                via=program.org.id,
            )
        )
    return signals


def _severity(params: NoPrisonLabor, doubt: int) -> Severity:
    severity = params.severity
    for _ in range(doubt):
        severity = severity.lower()
    return severity


def _c29(private: Sequence[str]) -> str:
    if private:
        return (
            f" The work serves private parties ({', '.join(private)}), so the ILO C29 exemption"
            " for prison labour does not apply."
        )
    return " All parties above it are public bodies (ILO C29 Art. 2(2)(c) may apply)."


def _dedupe(evidence: Sequence[Evidence]) -> tuple[Evidence, ...]:
    return tuple(dict.fromkeys(evidence))


def no_prison_labor(ctx: Context, params: NoPrisonLabor) -> Iterator[Finding]:
    """No work is done by incarcerated people or at a correctional facility.

    A site is flagged when a workforce there is declared incarcerated; when the site matches a
    listed correctional facility by address, location or name; or when a correctional-industries
    program supplies the work there, is paid for its workers, or operates it. An organization is
    a program when the chain says so (its type) or when its name matches the bundled program
    list (its name or another name it goes by; an acronym counts only in the program's state). An
    organization that is a program, or is located at a facility, is flagged as well when no site
    of the chain shows it. A *possible* signal (same street a few doors away, within the
    facility's grounds, a name close to a program's) is reported one severity lower, and a weak
    one (an acronym with no state to confirm it) two lower. Under ILO C29 Art. 2(2)(c) prison
    work is not forced labour only if it is supervised by a public authority and the prisoner is
    not placed at the disposal of private parties: the finding says which private parties the
    work serves.
    """
    programs = _programs(ctx)
    shown: set[str] = set()  # programs a site finding already names
    for site in ctx.chain.sites:
        signals = _site_signals(ctx, site.id, programs)
        if not signals:
            continue
        signals.sort(key=lambda s: s.doubt)
        best = signals[0]
        via = next((s.via for s in signals if s.via is not None), None)
        path: tuple[str, ...]
        if via is not None and ctx.graph.org_path(via):
            path = (*ctx.graph.org_path(via), site.id)
        else:
            path = tuple(ctx.graph.site_path(site.id)) or (site.id,)
        private = private_parties(ctx, path[:-1])
        if params.c29_exemption and not private:
            continue
        shown.update(s.via for s in signals if s.via is not None)
        evidence = [e for s in signals for e in s.evidence]
        evidence += [evidence_of(m) for m in ctx.facility_matches(site.id)[1:]]
        tier = ctx.graph.site_tier(site.id)
        where = f"{site.name} (tier {tier})" if tier is not None else site.name
        clauses = list(dict.fromkeys(s.clause for s in signals))
        what = f"{where} {clauses[0]}"
        if len(clauses) > 1:
            what += "; it also " + "; and ".join(clauses[1:])
        yield Finding(
            rule="no-prison-labor",
            severity=_severity(params, best.doubt),
            subject_kind="site",
            subject_id=site.id,
            path=path,
            summary=what + "." + _c29(private),
            evidence=_dedupe(evidence),
        )
    for org in ctx.chain.organizations:
        matches = list(ctx.org_matches.get(org.id, ()))
        program = programs.get(org.id) if org.id not in shown else None
        if not matches and program is None:
            continue
        path = tuple(ctx.graph.org_path(org.id)) or (org.id,)
        private = private_parties(ctx, path[:-1])
        if program is not None and not matches:
            if params.c29_exemption and not private:
                continue
            yield Finding(
                rule="no-prison-labor",
                severity=_severity(params, program.doubt),
                subject_kind="organization",
                subject_id=org.id,
                path=path,
                summary=(
                    f"{program.label[0].upper()}{program.label[1:]}: work bought from it is done by"
                    " incarcerated people." + _c29(private)
                ),
                evidence=(program.evidence,),
            )
            continue
        top = matches[0]
        certain = top.strength is Strength.MATCH
        evidence = [evidence_of(m) for m in matches]
        summary = f"{org.name} is located at {top.entry_name}, a correctional facility."
        if program is not None:
            evidence.insert(0, program.evidence)
            summary += f" It {'is' if program.doubt == CERTAIN else 'may be'} {program.what}."
        yield Finding(
            rule="no-prison-labor",
            severity=params.severity if certain else params.severity.lower(),
            subject_kind="organization",
            subject_id=org.id,
            path=path,
            summary=summary,
            evidence=tuple(evidence),
        )


class NoPrisonLabor(RuleParams):
    """The parameters of ``no-prison-labor`` in the policy file."""

    severity: Severity = Severity.CRITICAL
    c29_exemption: bool = Field(
        default=False,
        description=(
            "Allow prison work done for public authorities only (ILO C29 Art. 2(2)(c)); "
            "work placed at the disposal of a private party is flagged regardless."
        ),
    )


HEADING = "No prison labor"  # of the rule's clause in the contract rider


def clause(params: NoPrisonLabor) -> str:
    """The rider's clause for this rule: no incarcerated workers, no work at a correctional facility."""
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
