"""What monitoring found since each chain's previous run, for people and for programs."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from subtier.core.review import Delta, Tracked


def delta_dict(d: Delta) -> dict[str, object]:
    """One chain's changes since its previous run, as the JSON output holds them."""

    def item(t: Tracked) -> dict[str, object]:
        return {"ref": t.ref, **dict(t.body)}

    return {
        "chain": d.chain,
        "version": d.version,
        "first_run": d.first_run,
        "new": [item(t) for t in d.new],
        "resolved": [item(t) for t in d.resolved],
        "changed": [{"before": item(a), "after": item(b)} for a, b in d.changed],
        "suppressed": [item(t) for t in d.suppressed],
    }


def print_deltas(deltas: list[Delta], out: Console) -> None:
    """Each chain's changes since its previous run, a line per finding."""
    if not deltas:
        out.print("no saved chains: add one with `subtier add CHAIN`")
    for d in deltas:
        first = " (first run)" if d.first_run else ""
        out.print(
            f"[bold]{escape(d.chain)} v{d.version}{first}[/]: {len(d.new)} new, "
            f"{len(d.resolved)} resolved, {len(d.changed)} changed, {len(d.suppressed)} dismissed"
        )
        for label, items in (("NEW", d.new), ("RESOLVED", d.resolved)):
            for t in items:
                out.print(
                    f"  {label:8s} {t.ref}  {t.severity.value:8s} {escape(str(t.body['summary']))}"
                )
        for _old, t in d.changed:
            out.print(f"  CHANGED  {t.ref}  {t.severity.value:8s} {escape(str(t.body['summary']))}")
