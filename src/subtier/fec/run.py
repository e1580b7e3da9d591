"""``subtier fec``: read the filings, count the money once, build the chain, screen it, rank it.

Reading is the only I/O; every step after it is a function of the rows. Lists and policy are
passed in loaded, as for :func:`subtier.core.check.check`, which does the screening and judging.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from subtier.core.check import CheckResult, check
from subtier.core.model import OrgType
from subtier.core.policy import Context, Policy, judge
from subtier.core.screen import Match, RiskList
from subtier.errors import InputError
from subtier.fec.build import build_chain
from subtier.fec.bulk import read_bulk
from subtier.fec.classify import Rules, default_rules
from subtier.fec.conduits import conduit_kind
from subtier.fec.filing import Filing, read_filing
from subtier.fec.lines import line_info
from subtier.fec.payees import Payee, PayeeFlow, group_rows, payees
from subtier.fec.reconcile import Dropped, latest_filings, reconcile
from subtier.fec.records import Disbursement
from subtier.fec.summary import (
    CategoryTotal,
    LineTotal,
    Memos,
    category_totals,
    line_totals,
    link_memos,
)
from subtier.fec.worklist import WorkItem, worklist
from subtier.lists.programs import programs
from subtier.parallel.sites import screen_sites

# progress(what, total) → advance(n): how a caller shows progress; totals may be unknown.
Progress = Callable[[str, int | None], Callable[[int], None]]
_ADDRESS_TOPICS = frozenset({"address", "location", "identifier"})


def _no_progress(what: str, total: int | None) -> Callable[[int], None]:
    return lambda n: None


@dataclass(frozen=True)
class FilingInfo:
    source: str
    filing: str
    form_type: str
    report: str
    amended: bool
    in_force: bool


@dataclass(frozen=True)
class FecResult:
    """Everything ``subtier fec`` reports."""

    committee: str
    committee_name: str
    sources: list[str]
    filings: list[FilingInfo]
    rows_read: int  # Schedule B rows read for this committee, before duplicates and amendments
    lines: list[LineTotal]
    dropped: list[Dropped]
    memos: Memos
    categories: list[CategoryTotal]  # what the committee paid its vendors (tier 1)
    memo_categories: list[CategoryTotal]  # what vendors passed on, itemized in memos (tier 2)
    payees: list[Payee]
    flows: list[PayeeFlow]
    result: CheckResult
    worklist: list[WorkItem]
    has_summaries: bool  # electronic filings carry summary totals; bulk files do not


def is_filing(path: Path) -> bool:
    """An electronic filing (``.fec``) rather than a bulk file, by its first bytes."""
    try:
        with path.open("rb") as handle:
            head = handle.read(8).lstrip(b"\xef\xbb\xbf")
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror or error}", file=str(path)) from None
    return path.suffix.lower() == ".fec" or head.upper().startswith((b"HDR", b'"HDR', b"/*"))


def read_inputs(
    paths: Sequence[Path], committee: str | None, progress: Progress = _no_progress
) -> tuple[list[Disbursement], list[Filing]]:
    rows: list[Disbursement] = []
    filings: list[Filing] = []
    for path in paths:
        if not path.is_file():
            raise InputError("no such file", file=str(path))
        advance = progress(f"reading {path.name}", path.stat().st_size)
        if is_filing(path):
            found = read_filing(path)
            advance(path.stat().st_size)
            if committee and found.committee != committee:
                continue
            filings.append(found)
            rows.extend(found.rows)
        else:
            for batch in read_bulk(path, committee, advance):
                rows.extend(batch)
    return rows, filings


def _one_committee(
    rows: Sequence[Disbursement], filings: Sequence[Filing], wanted: str | None
) -> str:
    committees = {r.committee for r in rows} | {f.committee for f in filings}
    if wanted:
        if wanted not in committees:
            raise InputError(f"no rows for committee {wanted} in the files given")
        return wanted
    if not committees:
        raise InputError("the files hold no Schedule B rows")
    if len(committees) > 1:
        counts: dict[str, int] = {}
        for row in rows:
            counts[row.committee] = counts.get(row.committee, 0) + 1
        shown = ", ".join(f"{c} ({counts.get(c, 0):,} rows)" for c in sorted(committees)[:10])
        raise InputError(
            f"the files hold {len(committees)} committees: choose one with --committee ({shown})"
        )
    return next(iter(committees))


def _address_backed(match: Match) -> bool:
    return any(f.topic in _ADDRESS_TOPICS and f.contribution > 0 for f in match.features)


def screen_chain(chain_result: CheckResult) -> CheckResult:
    """People are screened by where they are, never by name: a name-only match is dropped."""
    chain = chain_result.chain
    people = {o.id for o in chain.organizations if o.type is OrgType.INDIVIDUAL}
    kept = {
        oid: [m for m in found if oid not in people or _address_backed(m)]
        for oid, found in chain_result.org_matches.items()
    }
    kept = {oid: found for oid, found in kept.items() if found}
    if kept.keys() == chain_result.org_matches.keys() and all(
        len(kept[k]) == len(v) for k, v in chain_result.org_matches.items()
    ):
        return chain_result
    ctx = Context(
        chain,
        chain_result.graph,
        chain_result.site_matches,
        kept,
        chain_result.wages,
        chain_result.program_matches,
        chain_result.party_matches,
        chain_result.lists,
        chain_result.details,
    )
    return replace(chain_result, org_matches=kept, findings=judge(ctx, chain_result.policy))


def run_fec(
    paths: Sequence[Path],
    policy: Policy,
    lists: Sequence[RiskList],
    committee: str | None = None,
    rules: Rules | None = None,
    progress: Progress = _no_progress,
) -> FecResult:
    """Read FEC filings or bulk files and report one committee's payees, findings and worklist."""
    wanted = committee.strip().upper() if committee else None
    rows, filings = read_inputs(paths, wanted, progress)
    return fec_from_rows(
        rows, filings, [str(p) for p in paths], policy, lists, wanted, rules, progress
    )


def fec_from_rows(
    rows: Sequence[Disbursement],
    filings: Sequence[Filing],
    sources: Sequence[str],
    policy: Policy,
    lists: Sequence[RiskList],
    committee: str | None = None,
    rules: Rules | None = None,
    progress: Progress = _no_progress,
) -> FecResult:
    """One committee's report from rows already read (by this process, or by Spark)."""
    rules = rules or default_rules()
    wanted = committee.strip().upper() if committee else None
    chosen = _one_committee(rows, filings, wanted)
    rows = [r for r in rows if r.committee == chosen]
    filings = [f for f in filings if f.committee == chosen]
    reconciled = reconcile(rows, filings)
    in_force = latest_filings(filings)
    infos = [
        FilingInfo(f.source, f.filing, f.form_type, f.report, f.amended,
                   in_force.get((f.committee, f.report)) == f.filing)
        for f in filings
    ]  # fmt: skip
    counted, seen = [], set()
    for f in filings:
        if in_force.get((f.committee, f.report)) == f.filing and f.filing not in seen:
            seen.add(f.filing)
            counted.append((f.form, f.summary))
    kept = reconciled.kept
    lines = line_totals(kept, counted)
    linked, memos = link_memos(kept)
    vendor_lines = {(t.form, t.line) for t in lines if line_info(t.form, t.line).vendor}
    payments = [r for r in kept if not r.memo and (r.form, r.line_number) in vendor_lines]
    passed_on = [
        (row, parent) for row, parent in linked if (parent.form, parent.line_number) in vendor_lines
    ]
    kinds = {(p.source, p.line): conduit_kind(p, rules) for _row, p in passed_on}
    for memo_parent in memos.parents:
        memo_parent.conduit = kinds.get((memo_parent.source, memo_parent.line)) or ""
    grouped = group_rows(
        payments, [(row, parent, kinds[(parent.source, parent.line)]) for row, parent in passed_on]
    )
    advance = progress("matching payees", len(grouped.groups))
    found_payees, flows = payees(grouped, on_progress=advance)
    name = next((f.committee_name for f in filings if f.committee_name), "")
    chain = build_chain(chosen, name, found_payees, flows, list(sources), rules)
    progress("screening and judging", None)
    result = screen_chain(
        check(chain, policy, lists, programs=programs(), screen_sites=screen_sites)
    )
    flags: dict[str, list[str]] = {}
    for finding in result.findings:
        if finding.subject_kind == "organization" and finding.rule != "subcontractors-disclosed":
            flags.setdefault(finding.subject_id, []).append(
                f"{finding.severity.value} {finding.rule}: {finding.summary}"
            )
    return FecResult(
        committee=chosen,
        committee_name=name,
        sources=list(sources),
        filings=infos,
        rows_read=len(rows),
        lines=lines,
        dropped=reconciled.dropped,
        memos=memos,
        categories=category_totals(payments, rules),
        memo_categories=category_totals((row for row, _ in passed_on), rules),
        payees=found_payees,
        flows=flows,
        result=result,
        worklist=worklist(found_payees, flows, rules, flags),
        has_summaries=bool(filings),
    )
