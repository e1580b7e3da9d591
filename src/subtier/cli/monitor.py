"""subtier monitor and subtier review."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from subtier.cli.common import (
    ByOption,
    DatabaseOption,
    Format,
    FormatOption,
    PolicyOption,
    app,
    fail,
    open_workspace,
    print_json,
)
from subtier.core.severity import Severity
from subtier.errors import InputError
from subtier.report.deltas import delta_dict, print_deltas

if TYPE_CHECKING:
    pass


class Alert(StrEnum):
    NONE = "none"
    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


@app.command("monitor")
def monitor_command(
    chains: Annotated[
        list[str] | None, typer.Argument(help="Saved chain keys; every saved chain if omitted.")
    ] = None,
    policy: PolicyOption = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.TEXT,
    alert: Annotated[
        Alert,
        typer.Option("--alert", help="Exit 1 when a NEW finding is at or above this severity."),
    ] = Alert.HIGH,
    database: DatabaseOption = None,
    by: ByOption = None,
) -> None:
    """Re-check every saved chain against the lists in force; report what is new, resolved or
    changed since each chain's previous run. Dismissed findings stay quiet until their evidence
    changes.

    Exit codes: 0 nothing new at or above `--alert`; 1 something is; 2 bad input. For cron and CI.

    Examples:

        subtier monitor

        subtier monitor procom --format json --alert critical
    """
    from subtier.app.monitor import monitor
    from subtier.formats import load_policy

    try:
        rules = load_policy(policy)
    except InputError as error:
        raise fail(error) from None
    with open_workspace(database) as workspace:
        try:
            deltas = monitor(workspace, rules, chains or None, by=by)
        except InputError as error:
            raise fail(error) from None
    if fmt is Format.JSON:
        from subtier.report.json import dumps

        sys.stdout.buffer.write(dumps({"format": 1, "chains": [delta_dict(d) for d in deltas]}))
    else:
        print_deltas(deltas, Console(highlight=False, soft_wrap=True))
    if alert is not Alert.NONE and any(d.alerts(Severity(alert.value)) for d in deltas):
        raise typer.Exit(1)


@app.command()
def review(
    chain: Annotated[str | None, typer.Argument(help="A saved chain key; all if omitted.")] = None,
    dismiss: Annotated[
        str | None,
        typer.Option("--dismiss", help="Dismiss the finding with this ref.", show_default=False),
    ] = None,
    confirm: Annotated[
        str | None,
        typer.Option("--confirm", help="Confirm the finding with this ref.", show_default=False),
    ] = None,
    reason: Annotated[str, typer.Option("--reason", help="Why; required with a decision.")] = "",
    database: DatabaseOption = None,
    by: ByOption = None,
    fmt: FormatOption = Format.TEXT,
) -> None:
    """List findings that need review, or record a decision on one (with a reason and a name).

    A dismissed finding stays suppressed on later runs until its evidence changes (a new list
    entry, a changed address); a decision survives new chain versions of the same subject.

    Examples:

        subtier review

        subtier review procom --dismiss 3f9a0c1b2e --reason "vendor moved out in 2018" --by "J. Doe"
    """
    from subtier.app.review import decide, to_review

    with open_workspace(database) as workspace:
        try:
            if dismiss or confirm:
                decision, item = decide(workspace, chain, dismiss, confirm, reason, by)
                print(f"{decision}ed {item.ref} on {chain}: {item.body['summary']}")
                return
            listing = to_review(workspace, chain)
        except InputError as error:
            raise fail(error) from None
    if fmt is Format.JSON:
        print_json(
            [
                {"chain": r.chain, "run": r.run,
                 "pending": [{"ref": t.ref, **dict(t.body)} for t in r.pending],
                 "decided": r.decided}
                for r in listing
            ]
        )  # fmt: skip
        return
    out = Console(highlight=False, soft_wrap=True)
    for r in listing:
        if not r.run:
            out.print(f"{escape(r.chain)}: never run; `subtier monitor` runs it")
            continue
        out.print(f"[bold]{escape(r.chain)}[/]: {len(r.pending)} to review, {r.decided} decided")
        for t in r.pending:
            out.print(f"  {t.ref}  {t.severity.value:8s} {escape(str(t.body['summary']))}")
