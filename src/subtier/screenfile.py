"""`subtier screen`: load the lists, stream the roster through the engine, write the CSV."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from subtier import warmup
from subtier.errors import InputError
from subtier.lists import load_list
from subtier.roster import open_roster, output_header, screen_rows, write_csv
from subtier.screen import DEFAULT_THRESHOLD, Screener

# Show a progress bar from this many rows on.
PROGRESS_MIN_ROWS = 5_000


def screen_file(
    roster_path: Path,
    list_specs: Sequence[str],
    output: Path | None,
    threshold: float | None,
    top: int,
    console: Console,
) -> list[tuple[int, str]]:
    """Screen a roster file and write the result; returns the rows that had problems."""
    if not list_specs:
        raise InputError("give at least one --list (for example: --list facilities)")
    warmup.begin()
    lists = [load_list(spec) for spec in list_specs]
    roster = open_roster(roster_path)
    cutoff = DEFAULT_THRESHOLD if threshold is None else threshold
    screener = Screener(lists, threshold=cutoff)
    problems: list[tuple[int, str]] = []
    target = output.with_name(output.name + ".partial") if output else None
    handle = target.open("w", encoding="utf-8", newline="") if target else sys.stdout
    show = console.is_terminal and (roster.total or 0) >= PROGRESS_MIN_ROWS
    progress = Progress(
        TextColumn("screening"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=console, disable=not show, transient=True,
    )  # fmt: skip
    try:
        with progress:
            task = progress.add_task("rows", total=roster.total)
            write_csv(handle).writerow(output_header(roster, top))
            for screened in screen_rows(roster, screener, top, threshold=cutoff):
                handle.write(screened.text)
                problems.extend(screened.problems)
                progress.advance(task, screened.rows)
        if target and output:
            handle.close()
            target.replace(output)  # the output appears whole or not at all
    finally:
        if target:
            handle.close()
            target.unlink(missing_ok=True)
    return problems
