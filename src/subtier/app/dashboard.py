"""Searching, filtering and sorting what the buyer's dashboard lists, and its CSV export.

No I/O: the page, the API and the CSV download read the same query from the same plain GET
parameters (``?severity=critical&sort=tier``), so a filtered view can be bookmarked and works
without JavaScript. Each filter and each sort is a small function whose docstring is what the
page's help says about it.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from subtier.app.service import ChainSummary, ChainView
from subtier.core.disclosure.answers import FormError
from subtier.core.policy import Finding
from subtier.core.severity import Severity
from subtier.output import SafeCsvWriter

PARAMS = ("q", "severity", "rule", "vendor", "new", "sort")


@dataclass(frozen=True)
class Query:
    """What the buyer asked to see: every field empty means everything, most severe first."""

    q: str = ""
    severity: tuple[Severity, ...] = ()
    rule: str = ""
    vendor: str = ""
    new: bool = False
    sort: str = "severity"

    @property
    def active(self) -> bool:
        return bool(self.q or self.severity or self.rule or self.vendor or self.new)

    def params(self, **change: Any) -> str:
        """The query as GET parameters, with ``change`` applied: for links and exports."""
        values: dict[str, Any] = {
            "q": self.q, "severity": [s.value for s in self.severity], "rule": self.rule,
            "vendor": self.vendor, "new": "1" if self.new else "", "sort": self.sort,
        }  # fmt: skip
        values.update(change)
        if values["sort"] == "severity":
            values["sort"] = ""  # the default, left out of links
        pairs = [
            (k, item)
            for k, v in values.items()
            for item in (v if isinstance(v, list) else [v])
            if item
        ]
        return urlencode(pairs)


def parse_query(params: Iterable[tuple[str, str]]) -> Query:
    """The query from GET parameters; a value that is not one of the choices is a FormError
    naming the parameter. Parameters this page does not know are left to others."""
    values: dict[str, list[str]] = {}
    for name, value in params:
        if name in PARAMS:
            values.setdefault(name, []).append(value.strip())
    errors: dict[str, str] = {}
    severities: list[Severity] = []
    for value in values.get("severity", []):
        for part in filter(None, (p.strip().lower() for p in value.split(","))):
            try:
                severities.append(Severity(part))
            except ValueError:
                errors["severity"] = f"no severity {part!r}: one of {_choices(SEVERITIES)}"
    sort = _last(values, "sort") or "severity"
    if sort not in SORTS:
        errors["sort"] = f"no sort {sort!r}: one of {_choices(SORTS)}"
    new = _last(values, "new").lower()
    if new not in ("", "0", "1", "true", "false", "on", "yes", "no"):
        errors["new"] = f"new is 1 or 0, not {new!r}"
    for name in ("q", "rule", "vendor"):
        if len(_last(values, name)) > 200:
            errors[name] = f"{name} is at most 200 characters"
    if errors:
        raise FormError(errors)
    ordered = tuple(s for s in reversed(Severity) if s in severities)
    return Query(
        q=_last(values, "q"), severity=ordered, rule=_last(values, "rule"),
        vendor=_last(values, "vendor"), new=new in ("1", "true", "on", "yes"), sort=sort,
    )  # fmt: skip


def _last(values: Mapping[str, list[str]], name: str) -> str:
    found = values.get(name)
    return found[-1] if found else ""


def _choices(names: Iterable[str]) -> str:
    return ", ".join(names)


SEVERITIES = tuple(s.value for s in reversed(Severity))


# Findings ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One finding of a chain as the dashboard lists it."""

    index: int  # in the view's findings
    finding: Finding
    ref: str
    tier: int
    vendor: str  # the tier-1 vendor it is reached through, by name ("" at the root)
    first_seen: datetime | None
    new: bool
    review: str  # "dismissed", "confirmed" or ""


def rows(view: ChainView) -> list[Row]:
    """Every finding of the view, as rows; in the order the check found them."""
    out = []
    for i, f in enumerate(view.findings):
        ref = view.tracked[i].ref
        review = view.reviews.get(i)
        out.append(
            Row(
                index=i,
                finding=f,
                ref=ref,
                tier=tier(view, f),
                vendor=vendor(view, f),
                first_seen=view.first_seen.get(view.tracked[i].key),
                new=i in view.new,
                review=("dismissed" if review.decision == "dismiss" else "confirmed")
                if review
                else "",
            )
        )
    return out


def tier(view: ChainView, f: Finding) -> int:
    """Tier: the subject's tier, as in the chain's picture: 1 for a vendor the buyer hires, 2
    for that vendor's subcontractor; a site, or the workforce at one, is at the tier of whoever
    works there."""
    at_site = bool(f.path) and f.path[-1] in view.chain.sites_by_id
    return max(0, len(f.path) - (2 if at_site else 1))


def vendor(view: ChainView, f: Finding) -> str:
    """Vendor: the buyer's own (tier-1) vendor the finding is reached through."""
    return view.name(f.path[1]) if len(f.path) > 1 else ""


def matches_severity(query: Query, row: Row, view: ChainView) -> bool:
    """Severity: only findings of the severities chosen."""
    return not query.severity or row.finding.severity in query.severity


def matches_rule(query: Query, row: Row, view: ChainView) -> bool:
    """Rule: only findings of this rule."""
    return not query.rule or row.finding.rule == query.rule


def matches_vendor(query: Query, row: Row, view: ChainView) -> bool:
    """Vendor: only findings whose path from the buyer runs through this organization (a
    tier-1 vendor, or a subcontractor at any tier), by id."""
    return not query.vendor or query.vendor in row.finding.path[1:]


def matches_new(query: Query, row: Row, view: ChainView) -> bool:
    """New: only findings that are new since this account last opened the chain's page."""
    return not query.new or row.new


def matches_text(query: Query, row: Row, view: ChainView) -> bool:
    """Search: the words, in any case, each somewhere in the finding's rule, summary, path,
    subject or evidence."""
    if not query.q:
        return True
    f = row.finding
    text = " ".join(
        [f.rule, f.summary, view.path(f.path), f.subject_id, row.ref,
         *(" ".join(str(x) for x in (e.list, e.entry_id, e.entry_name, e.reasons) if x)
           for e in f.evidence)]
    ).casefold()  # fmt: skip
    return all(word in text for word in query.q.casefold().split())


FILTERS: tuple[Callable[[Query, Row, ChainView], bool], ...] = (
    matches_severity, matches_rule, matches_vendor, matches_new, matches_text,
)  # fmt: skip


def by_severity(row: Row) -> tuple[Any, ...]:
    """Severity: most severe first; then as the check found them."""
    return (-row.finding.severity.rank, row.index)


def by_tier(row: Row) -> tuple[Any, ...]:
    """Tier: nearest the buyer first; within a tier, most severe first."""
    return (row.tier, -row.finding.severity.rank, row.index)


def by_vendor(row: Row) -> tuple[Any, ...]:
    """Vendor: by the tier-1 vendor's name; within a vendor, most severe first."""
    return (row.vendor.casefold(), -row.finding.severity.rank, row.index)


def by_date(row: Row) -> tuple[Any, ...]:
    """Date: the findings first found most recently first (by the check of a version)."""
    seen = row.first_seen.timestamp() if row.first_seen else 0.0
    return (-seen, -row.finding.severity.rank, row.index)


SORTS: dict[str, Callable[[Row], tuple[Any, ...]]] = {
    "severity": by_severity, "tier": by_tier, "vendor": by_vendor, "date": by_date,
}  # fmt: skip


def select(view: ChainView, query: Query) -> list[Row]:
    """The findings the query asks for, in its order."""
    chosen = [r for r in rows(view) if all(keep(query, r, view) for keep in FILTERS)]
    return sorted(chosen, key=SORTS[query.sort])


@dataclass(frozen=True)
class Choices:
    """What the filter form offers: the rules and organizations the chain's findings have."""

    rules: list[str]
    vendors: list[tuple[str, str]]  # (organization id, name) on a finding's path


def choices(view: ChainView) -> Choices:
    rules = sorted({f.rule for f in view.findings})
    orgs = view.chain.organizations_by_id
    seen: dict[str, str] = {}
    for f in view.findings:
        for ident in f.path[1:]:
            if ident in orgs and ident not in seen:
                seen[ident] = orgs[ident].name
    return Choices(rules, sorted(seen.items(), key=lambda kv: kv[1].casefold()))


CSV_COLUMNS = (
    "ref", "severity", "rule", "tier", "vendor", "subject_kind", "subject_id", "subject",
    "path", "summary", "evidence", "new", "review", "first_seen",
)  # fmt: skip


def findings_csv(view: ChainView, chosen: Sequence[Row]) -> str:
    """The findings chosen as CSV, one a row; every cell is safe to open in a spreadsheet."""
    out = io.StringIO()
    writer = SafeCsvWriter(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in chosen:
        f = r.finding
        evidence = "; ".join(
            " ".join(str(x) for x in (e.list, e.entry_id, e.entry_name) if x)
            + (f" ({e.reasons})" if e.reasons else "")
            for e in f.evidence
        )
        writer.writerow(
            [r.ref, f.severity.value, f.rule, r.tier, r.vendor, f.subject_kind, f.subject_id,
             view.name(f.subject_id), view.path(f.path), f.summary, evidence,
             "yes" if r.new else "", r.review,
             r.first_seen.strftime("%Y-%m-%d %H:%M:%S") if r.first_seen else ""]
        )  # fmt: skip
    return out.getvalue()


# Chains --------------------------------------------------------------------------------------

CHAIN_SORTS = ("severity", "name", "date", "new")


@dataclass(frozen=True)
class ChainQuery:
    """The chain list's search: text in the name or key, a severity at least, a rule, a
    vendor, new only."""

    q: str = ""
    severity: Severity | None = None
    new: bool = False
    sort: str = "severity"
    rule: str = ""
    vendor: str = ""

    def params(self, **change: Any) -> str:
        values: dict[str, Any] = {
            "q": self.q, "severity": self.severity.value if self.severity else "",
            "rule": self.rule, "vendor": self.vendor, "new": "1" if self.new else "",
            "sort": self.sort, **change,
        }  # fmt: skip
        kept = [(k, v) for k, v in values.items() if v and (k, v) != ("sort", "severity")]
        return urlencode(kept)


def parse_chain_query(params: Iterable[tuple[str, str]]) -> ChainQuery:
    """The chain list's query from GET parameters; a FormError names a wrong one."""
    values = {name: value.strip() for name, value in params}
    errors: dict[str, str] = {}
    severity = None
    if values.get("severity"):
        try:
            severity = Severity(values["severity"].lower())
        except ValueError:
            errors["severity"] = (
                f"no severity {values['severity']!r}: one of {_choices(SEVERITIES)}"
            )
    sort = values.get("sort") or "severity"
    if sort not in CHAIN_SORTS:
        errors["sort"] = f"no sort {sort!r}: one of {_choices(CHAIN_SORTS)}"
    for name in ("q", "rule", "vendor"):
        if len(values.get(name, "")) > 200:
            errors[name] = f"{name} is at most 200 characters"
    if errors:
        raise FormError(errors)
    return ChainQuery(
        values.get("q", ""), severity, values.get("new", "") in ("1", "true", "on", "yes"), sort,
        values.get("rule", ""), values.get("vendor", ""),
    )  # fmt: skip


def at_least(summary: ChainSummary, severity: Severity) -> int:
    """Open findings of the chain at this severity or above."""
    return sum(n for s, n in summary.counts.items() if Severity(s).rank >= severity.rank)


def has_vendor(parties: Sequence[str], text: str) -> bool:
    """Vendor: the chain has an organization (but its buyer) whose id or name has the text."""
    wanted = text.casefold()
    return any(wanted in p.casefold() for p in parties)


def select_chains(
    chains: Sequence[ChainSummary],
    query: ChainQuery,
    parties: Callable[[str], Sequence[str]] | None = None,
) -> list[ChainSummary]:
    """Chains whose name or key has the words, with open findings at the severity or above,
    of the rule, with the vendor (``parties`` gives a chain's organizations, asked only when
    the query names a vendor) and, if asked, new findings since this account last opened
    them; sorted by the most severe open findings (then their number), by name, newest saved
    first, or most new first."""
    words = query.q.casefold().split()
    out = [
        c
        for c in chains
        if all(w in f"{c.name} {c.key}".casefold() for w in words)
        and (query.severity is None or at_least(c, query.severity))
        and (not query.rule or query.rule in c.rules)
        and (not query.new or c.new)
        and (not query.vendor or parties is None or has_vendor(parties(c.key), query.vendor))
    ]
    if query.sort == "name":
        return sorted(out, key=lambda c: (c.name.casefold(), c.key))
    if query.sort == "date":
        return sorted(out, key=lambda c: (-c.updated.timestamp(), c.key))
    if query.sort == "new":
        return sorted(out, key=lambda c: (-c.new, c.name.casefold(), c.key))
    return sorted(
        out,
        key=lambda c: (tuple(-c.counts.get(s, 0) for s in SEVERITIES), c.name.casefold(), c.key),
    )


# The chain page ------------------------------------------------------------------------------

SORT_LABELS = {
    "severity": "severity", "tier": "tier", "vendor": "vendor", "date": "date found",
}  # fmt: skip


def since_param(value: str | None) -> int | None:
    """The ``since`` parameter: the run a page measured "new" against (0: none), if given."""
    if value is None or value == "":
        return None
    if not value.isdigit() or len(value) > 18:
        raise FormError({"since": f"since is a run number, not {value!r}"})
    return int(value)


def filter_context(view: ChainView, query: Query, since: str | None = None) -> dict[str, Any]:
    """What the chain page needs to list the findings the query asks for, with its form and
    the links that keep the query (exports, sorts). ``since`` stands in for the run "new" was
    measured against (a page kept for several runs puts the run in on the way out)."""
    chosen = select(view, query)
    offered = choices(view)
    # The links carry the run "new" was measured against, so that "new" means the same on
    # them as on this page, after this visit has been remembered.
    kept = {"since": since if since is not None else str(view.since or 0)}
    return {
        "query": query,
        "rows": chosen,
        "choices": offered,
        "severities": SEVERITIES,
        "sort_labels": SORT_LABELS,
        "shown_note": f"{len(chosen)} of {len(view.findings)}" if query.active else "",
        "csv_href": f"/chains/{view.key}/findings.csv?{query.params(**kept)}".rstrip("?"),
        "pdf_href": f"/chains/{view.key}/report.pdf",
        "since": kept["since"],
        "clear_href": f"/chains/{view.key}#findings",
    }
