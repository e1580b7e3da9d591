"""The check result as a readable terminal report: findings first, then the money flow."""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.text import Text

from subtier.check import CheckResult
from subtier.policy import Finding, Severity
from subtier.wages import WageFlow

_STYLE = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}


def _path(result: CheckResult, ids: tuple[str, ...] | list[str]) -> str:
    chain = result.chain
    names = []
    for ident in ids:
        org = chain.organizations_by_id.get(ident)
        site = chain.sites_by_id.get(ident)
        names.append(org.name if org else site.name if site else ident)
    return " → ".join(names)


def _finding(result: CheckResult, f: Finding) -> RenderableType:
    head = Text()
    head.append(f" {f.severity.value.upper()} ", style=_STYLE[f.severity])
    head.append(f"  {f.rule}  ", style="bold")
    head.append(f"{f.subject_kind} {f.subject_id}")
    lines: list[RenderableType] = [head, Padding(Text(_path(result, f.path), style="blue"), (0, 0, 0, 4))]
    lines.append(Padding(Text(f.summary), (0, 0, 0, 4)))
    for e in f.evidence:
        if e.list:
            text = Text(f"evidence: {e.list} {e.entry_id} {e.entry_name}, score {e.score:.2f} ({e.strength})")
            lines.append(Padding(text, (0, 0, 0, 4)))
            lines.append(Padding(Text(e.reasons, style="dim"), (0, 0, 0, 14)))
        else:
            lines.append(Padding(Text(f"evidence: {e.reasons}"), (0, 0, 0, 4)))
    return Group(*lines)


def _money(result: CheckResult, w: WageFlow) -> RenderableType:
    chain = result.chain
    site = chain.sites_by_id[w.site].name
    lines: list[RenderableType] = [Text(f"{w.workforce} at {site} (labor: {w.labor})", style="bold")]
    for t in w.tiers:
        price = str(t.price) if t.price else "price not disclosed"
        if t.hourly and t.hourly.assumption and t.hourly.amount is not None:
            price += f" (≈ {t.hourly.amount:,.2f}/hour: {t.hourly.assumption})"
        share = f"   worker gets {t.share:.0%}" if t.share is not None else ""
        who = f"{_path(result, [t.buyer])} → {_path(result, [t.supplier])}"
        lines.append(Padding(Text(f"tier {t.tier}  {who}: {price}{share}"), (0, 0, 0, 2)))
    hourly = w.worker_hourly
    if hourly is not None and hourly.amount is not None:
        note = f" ({hourly.assumption})" if hourly.assumption else ""
        lines.append(
            Padding(Text(f"worker: {hourly.currency} {hourly.amount:,.2f}/hour{note}"), (0, 0, 0, 2))
        )
    for note in w.notes:
        lines.append(Padding(Text(note, style="dim"), (0, 0, 0, 2)))
    r = w.remediation
    if r is not None:
        if r.gap_per_hour > 0:
            cost = (
                f"remediation to the {r.currency} {r.floor:,.2f}/hour floor: {r.currency} {r.gap_per_hour:,.2f}"
                f" per hour worked, {r.currency} {r.per_worker_month:,.2f} per full-time worker-month"
            )
            if r.monthly is not None:
                cost += f", {r.currency} {r.monthly:,.2f} a month for {w.headcount} workers"
            if r.total is not None:
                cost += f", {r.currency} {r.total:,.2f} for the hours worked"
        else:
            cost = f"at or above the {r.currency} {r.floor:,.2f}/hour floor"
        lines.append(Padding(Text(cost, style="green"), (0, 0, 0, 2)))
    return Group(*lines)


def render(result: CheckResult, console: Console) -> None:
    """Print the report."""
    chain = result.chain
    console.print(Text(f"subtier check: {chain.name}", style="bold"))
    lists = ", ".join(f"{i.name} {i.version} ({i.entries:,} entries)" for i in result.lists)
    console.print(Text(f"lists: {lists}; policy: {result.policy.name}", style="dim"))
    console.print()
    counts = {s: sum(1 for f in result.findings if f.severity is s) for s in Severity}
    summary = ", ".join(f"{n} {s.value}" for s, n in reversed(counts.items()) if n) or "none"
    console.print(Text(f"FINDINGS ({len(result.findings)}: {summary})", style="bold underline"))
    for f in result.findings:
        console.print(_finding(result, f))
        console.print()
    if result.wages:
        console.print(Text("MONEY FLOW", style="bold underline"))
        for w in result.wages:
            console.print(_money(result, w))
            console.print()
