"""`subtier fec`: load policy and lists, run, write the chain, render the report.

The progress bar is shown on a terminal only, for inputs of ``PROGRESS_MIN_BYTES`` or more.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from subtier.core.model import Chain
from subtier.core.policy import Policy
from subtier.core.screen import RiskList
from subtier.fec.run import FecResult, fec_from_rows, is_filing, read_inputs, run_fec

PROGRESS_MIN_BYTES = 5_000_000


@contextmanager
def _progress(
    console: Console, show: bool
) -> Iterator[Callable[[str, int | None], Callable[[int], None]]]:
    bar = Progress(
        TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeElapsedColumn(),
        console=console, disable=not show, transient=True,
    )  # fmt: skip
    with bar:
        current: list[TaskID] = []

        def start(what: str, total: int | None) -> Callable[[int], None]:
            for task in current:
                bar.update(task, visible=False)
            task = bar.add_task(what, total=total)
            current.append(task)
            return lambda n: bar.advance(task, n)

        yield start


def fec_report(
    files: Sequence[str],
    committee: str | None,
    policy_path: Path | None,
    list_specs: Sequence[str],
    output: Path | None,
    fmt: str,
    console: Console,
    engine: str = "local",
    spark_master: str | None = None,
    save: SaveTo | None = None,
) -> bytes:
    """Run ``subtier fec``: the report in ``fmt`` (text, json or csv); the chain to ``output``.

    With ``engine="spark"``, bulk files (paths or any URI Spark reads) are read and parsed by
    Spark, and only the chosen committee's rows come back; ``.fec`` filings are read here.
    """
    from subtier.formats import load_policy
    from subtier.formats.spreadsheet import dump_chain, write_text_atomic
    from subtier.lists import lists_in_force

    policy = load_policy(policy_path)
    lists = lists_in_force(list_specs)
    if engine == "spark":
        result = _on_spark(files, committee, policy, lists, spark_master)
    else:
        paths = [Path(f) for f in files]
        size = sum(p.stat().st_size for p in paths if p.is_file())
        show = console.is_terminal and size >= PROGRESS_MIN_BYTES
        with _progress(console, show) as progress:
            result = run_fec(paths, policy, lists, committee=committee, progress=progress)
    if output is not None:
        as_json = output.suffix.lower() == ".json"
        text = dump_chain(result.result.chain, as_json=as_json)
        names = ", ".join(f.rstrip("/").rsplit("/", 1)[-1] for f in files)
        head = f"# Built with `subtier fec` from {names}.\n"
        write_text_atomic(output, text if as_json else head + text)
    if save is not None:
        names = ", ".join(f.rstrip("/").rsplit("/", 1)[-1] for f in files)
        save.message = save_chain(result.result.chain, save, f"subtier fec {names}")
    return render(result, fmt)


@dataclass
class SaveTo:
    """Where ``subtier fec --save`` keeps the chain: a workspace, a key, who saves it."""

    key: str | None = None
    database: str | None = None
    by: str | None = None
    message: str = ""  # what was saved, once it is


def save_chain(chain: Chain, to: SaveTo, source: str) -> str:
    """Save the chain as a new version in the workspace; what was saved, in one line."""
    from subtier.store import Workspace

    with Workspace(to.database) as workspace:
        saved, new = workspace.add_chain(chain, key=to.key, source=source, by=to.by)
    if not new:
        return f"unchanged: {saved.label()} already holds this chain"
    return (
        f"saved {saved.label()}: its worklist is at /chains/{saved.key}/worklist in "
        f"`subtier serve`; `subtier invite {saved.key} VENDOR...` invites vendors"
    )


def _on_spark(
    files: Sequence[str],
    committee: str | None,
    policy: Policy,
    lists: Sequence[RiskList],
    master: str | None,
) -> FecResult:
    from subtier.spark import spark_session
    from subtier.spark.fec import committee_rows

    wanted = committee.strip().upper() if committee else None
    # A filing on this disk is told apart as the local reader tells it; any other input,
    # a local bulk file or a URI, is Spark's to read.
    filings = [f for f in files if Path(f).is_file() and is_filing(Path(f))]
    bulk = [f for f in files if f not in filings]
    rows, read = read_inputs([Path(f) for f in filings], wanted) if filings else ([], [])
    if bulk:
        rows += committee_rows(spark_session(master), bulk, wanted)
    return fec_from_rows(rows, read, list(files), policy, lists, wanted)


def render(result: FecResult, fmt: str) -> bytes:
    from subtier.fec.report import render_csv, render_json, render_text

    if fmt == "json":
        return render_json(result)
    if fmt == "csv":
        return render_csv(result).encode("utf-8")
    return render_text(result).encode("utf-8")
