"""The check result as a readable terminal report: findings first, then the money flow.

Lines are printed with soft wrapping, so a report piped to a file keeps one line per fact.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from rich.console import Console
from rich.text import Text

from subtier.core.check import CheckResult
from subtier.core.policy import Finding, Severity
from subtier.core.review import DISMISS, Decision
from subtier.core.wages import WageFlow

_STYLE = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}
INDENT = "    "


def names(result: CheckResult, ids: Iterable[str]) -> str:
    """Ids as names, joined by arrows: the path from the root buyer."""
    chain = result.chain
    out = []
    for ident in ids:
        org = chain.organizations_by_id.get(ident)
        site = chain.sites_by_id.get(ident)
        out.append(org.name if org else site.name if site else ident)
    return " → ".join(out)


def _finding(result: CheckResult, f: Finding, review: Decision | None = None) -> list[Text]:
    head = Text()
    head.append(f" {f.severity.value.upper()} ", style=_STYLE[f.severity])
    head.append(f"  {f.rule}  ", style="bold")
    head.append(f"{f.subject_kind} {f.subject_id}")
    if review is not None:
        what = "DISMISSED" if review.decision == DISMISS else "CONFIRMED"
        head.append(f"  {what}", style="bold")
    lines = [head, Text(INDENT + names(result, f.path), style="blue"), Text(INDENT + f.summary)]
    if review is not None:
        lines.append(
            Text(
                f"{INDENT}review: {review.decision} by {review.by} on {review.at[:10]}: "
                f"{review.reason}"
            )
        )
    for e in f.evidence:
        if e.list:
            lines.append(
                Text(
                    f"{INDENT}evidence: {e.list} {e.entry_id} {e.entry_name}, "
                    f"score {e.score:.2f} ({e.strength})"
                )
            )
            lines.append(Text(f"{INDENT}          {e.reasons}", style="dim"))
        else:
            lines.append(Text(f"{INDENT}evidence: {e.reasons}"))
    return lines


def _remedy(w: WageFlow) -> Text | None:
    r = w.remediation
    if r is None:
        return None
    c = r.currency
    if r.gap_per_hour <= 0:
        return Text(f"  at or above the {c} {r.floor:,.2f}/hour floor", style="green")
    # From an upper bound on the pay, every figure of the cost is a lower bound.
    least = "at least " if r.lower_bound else ""
    cost = (
        f"  remediation to the {c} {r.floor:,.2f}/hour floor: {least}{c} {r.gap_per_hour:,.2f}"
        f" per hour worked, {least}{c} {r.per_worker_month:,.2f} per full-time worker-month"
    )
    if r.monthly is not None:
        cost += f", {least}{c} {r.monthly:,.2f} a month for {w.headcount} workers"
    if r.total is not None:
        cost += f", {least}{c} {r.total:,.2f} for the hours worked"
    return Text(cost, style="green")


def _money(result: CheckResult, w: WageFlow) -> list[Text]:
    site = result.chain.sites_by_id[w.site].name
    lines = [Text(f"{w.workforce} at {site} (labor: {w.labor})", style="bold")]
    for t, worker_share in zip(w.tiers, w.shares, strict=True):
        price = str(t.price) if t.price else "price not disclosed"
        if t.hourly and t.hourly.assumption and t.hourly.amount is not None:
            price += f" (≈ {t.hourly.amount:,.2f}/hour: {t.hourly.assumption})"
        most = "at most " if w.worker_hourly is not None and w.worker_hourly.upper_bound else ""
        share = f"   worker gets {most}{worker_share:.0%}" if worker_share is not None else ""
        lines.append(
            Text(f"  tier {t.tier}  {names(result, [t.buyer, t.supplier])}: {price}{share}")
        )
    hourly = w.worker_hourly
    notes = list(w.notes)
    if hourly is not None and hourly.amount is not None:
        said = [hourly.assumption] if hourly.assumption else []
        most = ""
        if hourly.upper_bound:
            most = "at most "
            said.append(f"paid to {names(result, [w.paid_to])}")
            # The worker line says it; the note would say it again.
            notes = [n for n in notes if not n.startswith("pay goes to ")]
        note = f" ({'; '.join(said)})" if said else ""
        lines.append(Text(f"  worker: {most}{hourly.currency} {hourly.amount:,.2f}/hour{note}"))
    lines.extend(Text(f"  {note}", style="dim") for note in notes)
    remedy = _remedy(w)
    if remedy is not None:
        lines.append(remedy)
    return lines


def render(result: CheckResult, console: Console) -> None:
    """Print the report."""
    lines = [Text(f"subtier check: {result.chain.name}", style="bold")]
    lists = ", ".join(
        f"{i.name}{'' if i.name == i.kind.value else f' ({i.kind.value})'} {i.version}"
        f" ({i.entries:,} entries)"
        for i in result.lists
    )
    lines.append(Text(f"lists: {lists}; policy: {result.policy.name}", style="dim"))
    today = date.today()
    for info in result.lists:
        warning = info.age_warning(today)
        if warning:
            lines.append(Text(f"warning: {warning}", style="yellow"))
    lines.append(Text())
    counts = {s: sum(1 for f in result.findings if f.severity is s) for s in Severity}
    summary = ", ".join(f"{n} {s.value}" for s, n in reversed(counts.items()) if n) or "none"
    lines.append(Text(f"FINDINGS ({len(result.findings)}: {summary})", style="bold underline"))
    for i, f in enumerate(result.findings):
        lines += [*_finding(result, f, result.reviews.get(i)), Text()]
    if result.wages:
        lines.append(Text("MONEY FLOW", style="bold underline"))
        for w in result.wages:
            lines += [*_money(result, w), Text()]
    for line in lines:
        console.print(line, soft_wrap=True)
