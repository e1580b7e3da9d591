"""subtier check and subtier demo."""

from __future__ import annotations

import gc
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from subtier.app.report import KEEP_UNTIL_EXIT, ReportFormat, write_report
from subtier.cli.common import (
    ByOption,
    DatabaseOption,
    PolicyOption,
    app,
    err,
    fail,
    open_workspace,
)
from subtier.core.severity import Severity
from subtier.errors import InputError


@app.command()
def check(
    chain: Annotated[
        Path | None,
        typer.Argument(help="Chain file (YAML or JSON).", show_default=False),
    ] = None,
    policy: PolicyOption = None,
    fmt: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ReportFormat.TEXT,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write here (html and pdf default to report.html/.pdf)."
        ),
    ] = None,
    fail_on: Annotated[
        Severity,
        typer.Option("--fail-on", help="Exit 1 if a finding is at or above this severity."),
    ] = Severity.HIGH,
    lists: Annotated[
        list[str] | None,
        typer.Option(
            "--list", "-l", help="Extra list: a registered name or a path (CSV or FtM); repeatable."
        ),
    ] = None,
    save: Annotated[
        bool,
        typer.Option("--save", help="Keep the chain and this run's findings in the workspace."),
    ] = False,
    key: Annotated[
        str | None,
        typer.Option("--as", help="With --save: the key to save under.", show_default=False),
    ] = None,
    database: DatabaseOption = None,
    by: ByOption = None,
    example: Annotated[
        bool,
        typer.Option("--example", help="Check the bundled reference case instead of a file."),
    ] = False,
) -> None:
    """Screen every site and organization of a chain, judge it against policy, follow the money.

    Exit codes: 0 no finding at or above `--fail-on` (a dismissed one does not count); 1 there
    is one; 2 bad input; 3 an internal error or an output that cannot be written (add --debug
    for the traceback).

    Examples:

        subtier check --example     # the bundled reference case

        subtier check chain.yaml --policy policy.yaml --format json --fail-on critical

        subtier check chain.yaml --save --as acme   # keep it in the workspace (subtier.db)

        subtier check chain.yaml --format pdf --output report.pdf
    """
    from subtier.app.check import check as run_check
    from subtier.formats import load_chain, load_policy
    from subtier.lists import lists_in_force
    from subtier.lists.programs import programs

    if example:
        from subtier.data import example_path

        if chain is not None:
            raise fail(InputError("give a chain file or --example, not both"))
        chain = example_path()
    if chain is None:
        raise fail(InputError("give a chain file to check (or --example for the bundled one)"))
    try:
        loaded = load_chain(chain)
        rules = load_policy(policy)
        risk_lists = lists_in_force(lists or [])
    except InputError as error:
        raise fail(error) from None
    gc.freeze()  # what is loaded lives to the end: keep the collector from re-scanning it
    result = run_check(loaded, rules, risk_lists, programs=programs())
    if save:
        from subtier.app.monitor import save_check, with_reviews

        with open_workspace(database) as workspace:
            saved = save_check(workspace, loaded, result, key=key, source=str(chain), by=by)
            result = with_reviews(workspace, saved.key, loaded, result)
        dismissed = sum(result.dismissed(i) for i in range(len(result.findings)))
        err.print(
            f"saved as {saved.label()} with {len(result.findings)} finding(s)"
            + (f", {dismissed} dismissed" if dismissed else ""),
            highlight=False,
        )
    written = write_report(result, fmt, output, preparer=by or os.environ.get("SUBTIER_USER"))
    if written is not None and fmt is not ReportFormat.TEXT:  # text says nothing, as always
        err.print(f"wrote {escape(str(written))}", highlight=False)
    KEEP_UNTIL_EXIT.append(result)  # freed by the exit, not object by object
    # A finding dismissed in review (on this evidence) does not fail the gate.
    if any(
        f.severity.rank >= fail_on.rank and not result.dismissed(i)
        for i, f in enumerate(result.findings)
    ):
        raise typer.Exit(1)


@app.command()
def demo(
    fmt: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ReportFormat.TEXT,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead.")
    ] = None,
) -> None:
    """Check the bundled reference case: a campaign's calls made inside an Oklahoma prison.

    The same as `subtier check --example`; needs no file and no checkout. It exits 1, since the
    case has a critical finding.

    Examples:

        subtier demo

        subtier demo --format pdf --output report.pdf   # needs the pdf extra
    """
    check(
        chain=None,
        policy=None,
        fmt=fmt,
        output=output,
        fail_on=Severity.HIGH,
        lists=None,
        save=False,
        key=None,
        database=None,
        by=None,
        example=True,
    )
