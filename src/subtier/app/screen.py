"""`subtier screen`: load the lists, stream the roster through the engine, write the CSV."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from subtier.core.screen import DEFAULT_THRESHOLD, RiskList, Screener
from subtier.errors import InputError
from subtier.formats.roster import RosterFormat, open_roster, output_header, write_csv
from subtier.lists import load_list, prepared
from subtier.output import check_not_suffix, open_text
from subtier.parallel import warmup
from subtier.parallel.rows import screen_rows

# Show a progress bar from this many rows on.
PROGRESS_MIN_ROWS = 5_000
# A list file this big takes seconds to load (a million entries: a minute the first time, then
# seconds): the terminal says what is going on meanwhile.
ANNOUNCE_BYTES = 10_000_000


def screen_file(
    roster_path: Path,
    list_specs: Sequence[str],
    output: Path | None,
    threshold: float | None,
    top: int,
    console: Console,
    fmt: RosterFormat | None = None,
) -> list[tuple[int, str]]:
    """Screen a roster file and write the result; returns the rows that had problems. The
    roster is read as ``fmt`` says (its columns' headers, encoding, delimiter); a header that
    looks like an address part but is not read is warned about on the console."""
    if not list_specs:
        raise InputError("give at least one --list (for example: --list facilities)")
    check_not_suffix(output, NOT_CSV)
    warmup.begin()
    with prepared.deferred():  # new lists are stored while the first rows are screened
        return _screen(roster_path, [_load(spec, console) for spec in list_specs], output,
                       threshold, top, console, fmt)  # fmt: skip


def _screen(
    roster_path: Path,
    lists: list[RiskList],
    output: Path | None,
    threshold: float | None,
    top: int,
    console: Console,
    fmt: RosterFormat | None = None,
) -> list[tuple[int, str]]:
    roster = open_roster(roster_path, fmt)
    for warning in roster.warnings:
        console.print(
            f"[yellow]warning:[/] {escape(str(roster_path))}: {escape(warning)}", highlight=False
        )
    cutoff = DEFAULT_THRESHOLD if threshold is None else threshold
    screener = Screener(lists, threshold=cutoff)
    problems: list[tuple[int, str]] = []
    show = console.is_terminal and (roster.total or 0) >= PROGRESS_MIN_ROWS
    # The output appears whole or not at all (see subtier.output).
    with open_text(output, newline="") as handle, _progress(console, roster.total, show) as advance:
        write_csv(handle).writerow(output_header(roster, top))
        screening = screen_rows(
            roster, screener, top, threshold=cutoff, meanwhile=prepared.store_waiting
        )
        for screened in screening:
            handle.write(screened.text)
            problems.extend(screened.problems)
            advance(screened.rows)
    return problems


# Suffixes of formats the local engine does not write: it writes CSV, and says so.
NOT_CSV = {
    ".parquet": "the local engine writes CSV; Parquet needs --engine spark",
    ".xlsx": "the output is CSV, not a workbook; give a name ending in .csv",
    ".xlsm": "the output is CSV, not a workbook; give a name ending in .csv",
    ".xls": "the output is CSV, not a workbook; give a name ending in .csv",
    ".json": "the output is CSV, not JSON; give a name ending in .csv",
    ".jsonl": "the output is CSV, not JSON; give a name ending in .csv",
}


@contextmanager
def _progress(console: Console, total: int | None, show: bool) -> Iterator[Callable[[int], None]]:
    """A progress bar on the console, advanced by the callable given; nothing if not shown."""
    if not show:
        yield lambda rows: None
        return
    # Imported here: only a terminal gets a bar, and rich.progress takes 10 ms to import.
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    columns = (TextColumn("screening"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("rows", total=total)
        yield lambda rows: progress.advance(task, rows)


def _load(spec: str, console: Console) -> RiskList:
    """Load one list; on a terminal, a big list file is announced and its load timed."""
    path = Path(spec)
    size = path.stat().st_size if console.is_terminal and path.is_file() else 0
    if size < ANNOUNCE_BYTES:
        return load_list(spec)
    console.print(f"loading {escape(path.name)} ({size / 1e6:,.0f} MB)...", highlight=False)
    began = time.perf_counter()
    risk_list = load_list(spec)
    info = risk_list.info
    console.print(
        f"{escape(info.name)}: {info.entries:,} entries, version {escape(info.version)}, "
        f"loaded in {time.perf_counter() - began:.1f} s",
        highlight=False,
    )
    return risk_list
