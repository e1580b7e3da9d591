"""The command line. Each command is a thin wrapper around one library function."""

from __future__ import annotations

import contextlib
import gc
import json
import os
import sys
import time
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from subtier import __version__, warmup
from subtier.errors import InputError
from subtier.output import is_stdout, open_text, write_output
from subtier.severity import Severity

# numpy starts a pool of BLAS threads when it is imported, and subtier never multiplies a
# matrix: the idle pool spins for a while (0.1 s of CPU a screening run) and every forked
# worker stops it again. numpy is imported after this, by the commands that use it.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

if sys.argv[1:2] and sys.argv[1] in warmup.COMMANDS:
    # Building rigour's tables takes 0.3 s, in native code that lets Python run: begun here,
    # it overlaps with importing the rest of the command line instead of following it.
    warmup.begin()

if TYPE_CHECKING:
    from subtier.check import CheckResult
    from subtier.monitoring import Delta, Tracked
    from subtier.store import Workspace

app = typer.Typer(
    name="subtier",
    help="Who really does our work, where, and for what pay? Map, screen and judge service chains.",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)
# Notes on standard error ("wrote report.pdf", warnings); --quiet silences them, not errors.
err = Console(stderr=True, soft_wrap=True, emoji=False)
_errors = Console(stderr=True, soft_wrap=True, emoji=False)
_STARTED = time.perf_counter()
_VERBOSE: list[bool] = []

PolicyOption = Annotated[
    Path | None,
    typer.Option("--policy", "-p", help="Policy file; the bundled default if omitted."),
]
DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database",
        "-d",
        help="Workspace database URL (default: $SUBTIER_DATABASE_URL, else sqlite:///subtier.db).",
        show_default=False,
    ),
]
ByOption = Annotated[
    str | None,
    typer.Option(
        "--by",
        help="Who is acting (default: $SUBTIER_USER, else the login name).",
        show_default=False,
    ),
]


class Format(StrEnum):
    TEXT = "text"
    JSON = "json"


class ReportFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    HTML = "html"
    PDF = "pdf"
    FTM = "ftm"


def _fail(error: InputError) -> typer.Exit:
    _errors.print("[bold red]error:[/] " + escape(str(error)), highlight=False, soft_wrap=True)
    return typer.Exit(2)


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
    from subtier.check import check as run_check
    from subtier.ingest import load_chain, load_policy
    from subtier.lists import lists_in_force
    from subtier.lists.programs import programs

    if example:
        from subtier.data import example_path

        if chain is not None:
            raise _fail(InputError("give a chain file or --example, not both"))
        chain = example_path()
    if chain is None:
        raise _fail(InputError("give a chain file to check (or --example for the bundled one)"))
    try:
        loaded = load_chain(chain)
        rules = load_policy(policy)
        risk_lists = lists_in_force(lists or [])
    except InputError as error:
        raise _fail(error) from None
    gc.freeze()  # what is loaded lives to the end: keep the collector from re-scanning it
    result = run_check(loaded, rules, risk_lists, programs=programs())
    if save:
        from subtier.monitor import save_check, with_reviews

        with _workspace(database) as workspace:
            saved = save_check(workspace, loaded, result, key=key, source=str(chain), by=by)
            result = with_reviews(workspace, saved.key, loaded, result)
        dismissed = sum(result.dismissed(i) for i in range(len(result.findings)))
        err.print(
            f"saved as {saved.label()} with {len(result.findings)} finding(s)"
            + (f", {dismissed} dismissed" if dismissed else ""),
            highlight=False,
        )
    _write_report(result, fmt, output, preparer=by or os.environ.get("SUBTIER_USER"))
    _KEEP_UNTIL_EXIT.append(result)  # freed by the exit, not object by object
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


class Engine(StrEnum):
    LOCAL = "local"
    SPARK = "spark"


EngineOption = Annotated[
    Engine,
    typer.Option(
        "--engine", help="local (this machine) or spark (a Spark cluster, or local mode)."
    ),
]
SparkMasterOption = Annotated[
    str | None,
    typer.Option(
        "--spark-master",
        envvar="SPARK_MASTER",
        help="Spark master URL for --engine spark, e.g. spark://host:7077 (default: local[*]).",
        show_default=False,
    ),
]


@app.command()
def screen(
    roster: Annotated[
        str,
        typer.Argument(
            help="Roster to screen: CSV or XLSX with a header (--engine spark: CSV or Parquet, "
            "any path or URI Spark reads).",
            show_default=False,
        ),
    ],
    lists: Annotated[
        list[str],
        typer.Option(
            "--list",
            "-l",
            help="facilities, a registered list name, or a path (CSV or FtM .json/.jsonl/.ijson); repeatable.",
        ),
    ],
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            help="Output CSV (--engine spark: .csv or .parquet, a path or URI); standard output if omitted.",
        ),
    ] = None,
    threshold: Annotated[
        float | None,
        typer.Option(
            "--threshold",
            "-t",
            min=0,
            max=1,
            help="Score a match must reach (default: the calibrated one).",
        ),
    ] = None,
    top: Annotated[
        int, typer.Option("--top", "-k", min=1, max=1000, help="Candidates per row, ranked.")
    ] = 1,
    column: Annotated[
        list[str] | None,
        typer.Option(
            "--column",
            "-c",
            help="NAME=HEADER: read the column headed HEADER as NAME (id, name, address, city, "
            "state, zip, country); repeatable.",
            show_default=False,
        ),
    ] = None,
    columns_file: Annotated[
        Path | None,
        typer.Option(
            "--columns",
            help="A file of NAME=HEADER lines (or YAML name: header) mapping the roster's headers.",
            show_default=False,
        ),
    ] = None,
    encoding: Annotated[
        str, typer.Option("--encoding", help="The CSV's text encoding, e.g. latin-1 or cp1252.")
    ] = "utf-8",
    delimiter: Annotated[
        str | None,
        typer.Option(
            "--delimiter",
            help="The CSV's field delimiter, e.g. ';' or '\\t' (default ',').",
            show_default=False,
        ),
    ] = None,
    engine: EngineOption = Engine.LOCAL,
    spark_master: SparkMasterOption = None,
) -> None:
    """Screen every row of a roster against one or more lists.

    Recognized columns (any case): id, name, address, city, state, zip, country; others pass
    through. A column under another header is read with `--column address=street_address`
    (or a `--columns` file); a header that looks like an address part but is not read is
    warned about, since the rows are then screened without it. The output has one row per input row, in input order, followed by match_list,
    match_id (blank below the threshold), match_name, score (0 to 1), reasons and the
    list_version that matched. With `--top K`
    each row gets up to K ranked candidates, with `rank` and `matched` columns; a row with no
    candidate at all gets one line with a blank rank.

    Examples:

        subtier screen payees.csv --list facilities --output screened.csv

        subtier screen suppliers.xlsx --list facilities --list sanctions.ftm.json --top 5

        subtier screen payees.csv -l facilities -c address=street_address -c zip=zip_code

        subtier screen export.csv -l facilities --encoding latin-1 --delimiter ';'

        subtier screen s3a://bucket/payees.csv --list facilities -o s3a://bucket/out.parquet --engine spark --spark-master spark://head:7077
    """
    from subtier.roster import RosterFormat, parse_columns
    from subtier.screenfile import screen_file

    try:
        sep = "\t" if delimiter in ("\\t", "tab") else delimiter
        fmt = RosterFormat(parse_columns(column or [], columns_file), encoding, sep)
        if engine is Engine.SPARK and fmt != RosterFormat():
            raise InputError(
                "--column, --columns, --encoding and --delimiter are for the local engine; "
                "with --engine spark, name the columns in the roster's header"
            )
        if engine is Engine.SPARK:
            from subtier.spark import screen_file as spark_screen_file

            screened = spark_screen_file(roster, lists, output, threshold, top, spark_master)
            problems, count = screened.problems, screened.problem_count
        else:
            out = Path(output) if output else None
            problems = screen_file(Path(roster), lists, out, threshold, top, err, fmt)
            count = len(problems)
    except InputError as error:
        raise _fail(error) from None
    for line, problem in problems[:20]:
        err.print(
            f"[yellow]warning:[/] {escape(str(roster))}:{line}: {escape(problem)}", highlight=False
        )
    if count > 20:
        err.print(
            f"[yellow]warning:[/] ... and {count - 20} more rows with problems",
            highlight=False,
        )


_KEEP_UNTIL_EXIT: list[object] = []


def _write_report(
    result: CheckResult, fmt: ReportFormat, output: Path | None, preparer: str | None = None
) -> None:
    """Write the report in its format, to a file (atomically) or to standard output."""
    if fmt is ReportFormat.JSON:
        from subtier.report.json import dumps, result_dict

        as_dict = result_dict(result)
        data = dumps(as_dict)
        # The process ends right after; freeing a large report object by object on the way out
        # costs most of a second at 100,000 sites, so it is kept to the end.
        _KEEP_UNTIL_EXIT.append(as_dict)
    elif fmt is ReportFormat.HTML:
        from subtier.report.html import render_html

        data = render_html(result, preparer=preparer).encode("utf-8")
        output = output or Path("report.html")
    elif fmt is ReportFormat.PDF:
        from subtier.report.html import render_pdf

        data = render_pdf(result, preparer=preparer)
        output = output or Path("report.pdf")
    elif fmt is ReportFormat.FTM:
        import io

        from subtier.extras import require_extra

        require_extra("ftm")
        from subtier.report.ftm import dump_ftm, export_ftm

        buffer = io.BytesIO()
        dump_ftm(export_ftm(result.chain, result), buffer)
        data = buffer.getvalue()
    elif is_stdout(output):
        from subtier.report.text import render

        render(result, Console(highlight=False))
        return
    else:
        from subtier.report.text import render

        with open_text(output) as handle:
            render(result, Console(file=handle, highlight=False, no_color=True, width=200))
        return
    _KEEP_UNTIL_EXIT.append(data)
    write_output(output, data)
    if not is_stdout(output):
        err.print(f"wrote {escape(str(output))}", highlight=False)


lists_app = typer.Typer(
    help="The lists subtier screens against: the bundled facilities and your own.",
    invoke_without_command=True,
    no_args_is_help=False,
)
app.add_typer(lists_app, name="lists")


FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


@lists_app.callback()
def lists_show(ctx: typer.Context, fmt: FormatOption = Format.TEXT) -> None:
    """Show each list: name, version, entries and source.

    Examples:

        subtier lists

        subtier lists --format json

        subtier lists add suppliers-watch watch.csv

        subtier lists remove suppliers-watch
    """
    if ctx.invoked_subcommand is not None:
        return
    from rich.table import Table

    from subtier.lists import all_lists

    try:
        infos = all_lists()
    except InputError as error:
        raise _fail(error) from None
    today = date.today()
    if fmt is Format.JSON:
        keys = ("name", "version", "entries", "data_date", "source", "license")
        _print_json(
            [
                {**{k: getattr(i, k) for k in keys}, "kind": i.kind.value, "stale": i.stale(today)}
                for i in infos
            ]
        )
        return
    table = Table("name", "kind", "version", "entries", "data of", "source", "license")
    for info in infos:
        dated = info.data_date + (" (over a year old)" if info.stale(today) else "")
        table.add_row(
            info.name, info.kind.value, info.version, f"{info.entries:,}", dated, info.source,
            info.license,
        )  # fmt: skip
    # Piped output keeps each list on one line.
    Console(highlight=False, width=None if sys.stdout.isatty() else 240).print(table)


@lists_app.command("add")
def lists_add(
    name: Annotated[
        str, typer.Argument(help="Name to screen with: --list NAME.", show_default=False)
    ],
    path: Annotated[
        Path,
        typer.Argument(help="A CSV list or a FollowTheMoney entities file.", show_default=False),
    ],
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help="What the list holds: facilities, correctional-industries, sanctions,"
            " forced-labor, pep or watch (default: what its content says, else watch).",
        ),
    ] = None,
) -> None:
    """Register a list under a name (a new version if the name exists). It is checked first.

    Its kind decides what a match on it means: a site at an entry of a `facilities` list is
    prison labor; a party on a `sanctions`, `forced-labor`, `pep` or `watch` list is a
    listed-party finding at the severity the policy gives that kind.
    """
    from subtier.lists import register_list
    from subtier.screen.kinds import parse_kind

    try:
        chosen = parse_kind(kind) if kind is not None else None
    except ValueError as error:
        raise _fail(InputError(str(error))) from None
    try:
        info = register_list(name, path, chosen)
    except InputError as error:
        raise _fail(error) from None
    err.print(
        f"registered {escape(info.name)} ({info.kind.value}) {info.version}"
        f" ({info.entries:,} entries)",
        highlight=False,
    )


@lists_app.command("update")
def lists_update(
    source: Annotated[
        Path, typer.Option("--from", help="The new version: a CSV list or FtM entities.")
    ],
    name: Annotated[
        str | None, typer.Option("--name", help="The list it updates (default: the file's name).")
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option("--kind", help="What the list holds (see `subtier lists add --help`)."),
    ] = None,
    database: DatabaseOption = None,
    by: ByOption = None,
) -> None:
    """Bring a new version of a list into force; every command uses it from then on.

    `subtier lists`, `check`, `screen`, `monitor` and the web app all screen against it, and
    the workspace keeps the version in its audit trail. The file is checked whole first: a bad
    or partial file keeps the old version in force. Use `--name facilities` to update the
    bundled facility list.
    """
    from subtier.screen.kinds import parse_kind

    list_name = name or source.name.split(".")[0].lower()
    with _workspace(database) as workspace:
        try:
            chosen = parse_kind(kind) if kind is not None else None
            info = workspace.add_list_version(list_name, source, by=by, kind=chosen)
        except ValueError as error:
            raise _fail(InputError(str(error))) from None
        except InputError as error:
            raise _fail(error) from None
    print(f"{info.name} ({info.kind.value}) is now {info.version} ({info.entries:,} entries)")


@lists_app.command("remove")
def lists_remove(
    name: Annotated[str, typer.Argument(help="A registered list name.", show_default=False)],
) -> None:
    """Remove a registered list."""
    from subtier.lists import remove_list

    try:
        remove_list(name)
    except InputError as error:
        raise _fail(error) from None


def _workspace(database: str | None) -> Workspace:
    from subtier.store import Workspace

    try:
        return Workspace(database)
    except Exception as error:  # a bad URL or an unreachable server is the user's to fix
        if isinstance(error, InputError):
            raise _fail(error) from None
        _errors.print(
            f"[bold red]error:[/] cannot open the workspace: {escape(str(error))}", highlight=False
        )
        raise typer.Exit(2) from None


@app.command()
def add(
    chain: Annotated[
        Path, typer.Argument(help="Chain file to save (YAML or JSON).", show_default=False)
    ],
    key: Annotated[
        str | None, typer.Option("--as", help="Key to save it under (default: from its name).")
    ] = None,
    database: DatabaseOption = None,
    by: ByOption = None,
) -> None:
    """Save a new version of a chain in the workspace. Versions are immutable.

    Examples:

        subtier add examples/procom-2019.yaml

        subtier add chain.yaml --as acme-calls --by "J. Doe"
    """
    from subtier.ingest import load_chain

    try:
        loaded = load_chain(chain)
    except InputError as error:
        raise _fail(error) from None
    with _workspace(database) as workspace:
        saved, new = workspace.add_chain(loaded, key=key, source=str(chain), by=by)
    if new:
        print(f"saved {saved.label()} ({saved.content_hash[:12]})")
    else:
        print(f"unchanged: {saved.label()} already holds this content ({saved.content_hash[:12]})")


@app.command()
def history(
    key: Annotated[
        str | None, typer.Argument(help="A saved chain's key; all chains if omitted.")
    ] = None,
    database: DatabaseOption = None,
    fmt: FormatOption = Format.TEXT,
) -> None:
    """List saved chain versions: key, version, when, by whom, content hash and source."""
    from rich.table import Table

    with _workspace(database) as workspace:
        found = workspace.versions(key)
    if key and not found:
        raise _fail(InputError(f"no saved chain {key!r}"))
    if fmt is Format.JSON:
        _print_json(
            [
                {"chain": v.key, "version": v.version, "saved": v.created_at.isoformat(),
                 "by": v.created_by, "hash": v.content_hash, "source": v.source}
                for v in found
            ]
        )  # fmt: skip
        return
    table = Table("chain", "version", "saved", "by", "hash", "source")
    for v in found:
        table.add_row(v.key, str(v.version), v.created_at.isoformat(timespec="seconds"), v.created_by,
                      v.content_hash[:12], v.source or "")  # fmt: skip
    Console(highlight=False, width=None if sys.stdout.isatty() else 240).print(table)


@app.command()
def diff(
    key: Annotated[str, typer.Argument(help="A saved chain's key.", show_default=False)],
    old: Annotated[
        int | None, typer.Argument(help="Older version (default: the one before NEW).")
    ] = None,
    new: Annotated[int | None, typer.Argument(help="Newer version (default: the latest).")] = None,
    database: DatabaseOption = None,
    fmt: FormatOption = Format.TEXT,
) -> None:
    """Show what changed between two saved versions of a chain.

    Examples:

        subtier diff acme-calls          # latest against the one before

        subtier diff acme-calls 1 3
    """
    from subtier.model.diff import diff_chains

    with _workspace(database) as workspace:
        try:
            newer, new_chain = workspace.chain(key, new)
            older_number = old if old is not None else newer.version - 1
            if older_number < 1:
                raise InputError(f"{newer.label()} is the first version; nothing to compare")
            older, old_chain = workspace.chain(key, older_number)
        except InputError as error:
            raise _fail(error) from None
    changes = diff_chains(old_chain, new_chain)
    if fmt is Format.JSON:
        _print_json(
            {
                "chain": key,
                "old": older.version,
                "new": newer.version,
                "changes": [
                    {"kind": c.kind, "section": c.section, "id": c.id,
                     "fields": {n: {"before": b, "after": a} for n, (b, a) in c.fields.items()}}
                    for c in changes
                ],
            }
        )  # fmt: skip
        return
    print(f"{older.label()} → {newer.label()}: {len(changes)} change(s)")
    for change in changes:
        sign = {"added": "+", "removed": "-", "changed": "~"}[change.kind]
        print(f"  {sign} {change.section} {change.id}")
        for name, (before, after) in change.fields.items():
            print(f"      {name}: {before!r} → {after!r}")


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
    from subtier.ingest import load_policy
    from subtier.monitor import monitor

    try:
        rules = load_policy(policy)
    except InputError as error:
        raise _fail(error) from None
    with _workspace(database) as workspace:
        try:
            deltas = monitor(workspace, rules, chains or None, by=by)
        except InputError as error:
            raise _fail(error) from None
    if fmt is Format.JSON:
        from subtier.report.json import dumps

        sys.stdout.buffer.write(dumps({"format": 1, "chains": [_delta_dict(d) for d in deltas]}))
    else:
        _print_deltas(deltas)
    if alert is not Alert.NONE and any(d.alerts(Severity(alert.value)) for d in deltas):
        raise typer.Exit(1)


def _delta_dict(d: Delta) -> dict[str, object]:
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


def _print_deltas(deltas: list[Delta]) -> None:
    out = Console(highlight=False, soft_wrap=True)
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
    from subtier.monitoring import is_open

    with _workspace(database) as workspace:
        try:
            if dismiss or confirm:
                if chain is None:
                    raise InputError("name the chain whose finding you decide on")
                if dismiss and confirm:
                    raise InputError("give either --dismiss or --confirm, not both")
                decision = "dismiss" if dismiss else "confirm"
                item = workspace.decide(chain, dismiss or confirm or "", decision, reason, by)
                print(f"{decision}ed {item.ref} on {chain}: {item.body['summary']}")
                return
            keys = [chain] if chain else workspace.chain_keys()
            out = Console(highlight=False, soft_wrap=True)
            listing: list[dict[str, object]] = []
            for key in keys:
                current = workspace.latest_findings(key)
                if current is None:
                    if fmt is Format.JSON:
                        listing.append({"chain": key, "run": False, "pending": [], "decided": 0})
                        continue
                    out.print(f"{escape(key)}: never run; `subtier monitor` runs it")
                    continue
                decisions = workspace.decisions(key)
                pending = [t for t in current if is_open(t, decisions)]
                if fmt is Format.JSON:
                    items = [{"ref": t.ref, **dict(t.body)} for t in pending]
                    decided = len(current) - len(pending)
                    listing.append(
                        {"chain": key, "run": True, "pending": items, "decided": decided}
                    )
                    continue
                out.print(
                    f"[bold]{escape(key)}[/]: {len(pending)} to review, {len(current) - len(pending)} decided"
                )
                for t in pending:
                    out.print(f"  {t.ref}  {t.severity.value:8s} {escape(str(t.body['summary']))}")
            if fmt is Format.JSON:
                _print_json(listing)
        except InputError as error:
            raise _fail(error) from None


audit_app = typer.Typer(help="The workspace's tamper-evident audit trail.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify(database: DatabaseOption = None) -> None:
    """Check the audit trail and the data it vouches for; exit 1 and name the first broken record.

    The hash chain of the records, then every stored chain version, check run with its
    findings, review decision, disclosure and signature, recomputed from its rows: an edited
    row names the record that vouched for it, a row that no record vouches for is named.
    """
    with _workspace(database) as workspace:
        count, broken = workspace.verify_audit()
    if broken is not None:
        _errors.print(f"[bold red]broken:[/] {escape(str(broken))}", highlight=False)
        raise typer.Exit(1)
    print(f"audit trail intact: {count} record(s)")


@audit_app.command("export")
def audit_export(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="JSON lines file; standard output if omitted or '-'."),
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """Write the audit trail as JSON lines, one record per line, oldest first."""
    with _workspace(database) as workspace:
        lines = [
            json.dumps(r.as_dict(), ensure_ascii=False, sort_keys=True) + "\n"
            for r in workspace.audit_records()
        ]
    write_output(output, "".join(lines))


@app.command()
def schema() -> None:
    """Print the chain file's JSON Schema (generated from the model)."""
    from subtier.model.schema import chain_schema

    sys.stdout.write(json.dumps(chain_schema(), indent=2) + "\n")


class RiderFormat(StrEnum):
    MD = "md"
    HTML = "html"
    DOCX = "docx"


@app.command()
def riders(
    policy: PolicyOption = None,
    fmt: Annotated[
        RiderFormat, typer.Option("--format", "-f", help="Output format.")
    ] = RiderFormat.MD,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="File to write (md: standard output if omitted; html, docx: riders.html, riders.docx).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write the contract clauses that match a policy, to paste into vendor contracts.

    One numbered clause per enabled rule, after a preamble saying the terms flow down to every
    subcontractor. The clauses come from the same place as the checks, so they say what
    `subtier check` verifies.

    Examples:

        subtier riders --policy policy.yaml

        subtier riders --policy policy.yaml --format docx --output rider.docx
    """
    from subtier.report.riders import write_riders

    try:
        rider, path = write_riders(policy, fmt.value, output)
    except InputError as error:
        raise _fail(error) from None
    if path is not None:
        err.print(
            f"wrote {escape(str(path))}: {len(rider.clauses)} clause(s) from policy "
            f"{escape(rider.policy)}",
            highlight=False,
        )


class SheetFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"


@app.command()
def template(
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Where to write (default: chain-template.xlsx; with --format csv, the folder chain-template).",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        SheetFormat,
        typer.Option(
            "--format", "-f", help="xlsx: one workbook; csv: a folder, one CSV per sheet."
        ),
    ] = SheetFormat.XLSX,
    example: Annotated[
        bool, typer.Option("--example", help="Fill it with the ProCom example chain.")
    ] = False,
    source: Annotated[
        Path | None,
        typer.Option("--from", help="Fill it with this chain file.", show_default=False),
    ] = None,
) -> None:
    """Write a spreadsheet template of the chain for vendors and buyers to fill in.

    One sheet per part of the chain (chain, organizations, sites, engagements, workforces) with
    a header row of field names, drop-downs for fixed values, and an instructions sheet that
    explains every column. `subtier import` turns the filled template into a chain file.

    Examples:

        subtier template --output suppliers.xlsx

        subtier template --example --format csv --output procom
    """
    from subtier.report.template import TemplateFormat, example_chain, write_template

    try:
        if example and source is not None:
            raise InputError("give --example or --from, not both")
        chain = None
        if example:
            chain = example_chain()
        elif source is not None:
            from subtier.ingest import load_chain

            chain = load_chain(source)
        written = write_template(output, TemplateFormat(fmt.value), chain)
    except InputError as error:
        raise _fail(error) from None
    err.print(f"wrote {escape(str(written))}", highlight=False)


@app.command("import")
def import_command(
    source: Annotated[
        Path,
        typer.Argument(
            help="A filled template (.xlsx or a folder of CSV files), FtM entities (.ftm.json) "
            "or an OCDS release or record package (.json).",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", help="Chain file to write: YAML, or JSON if it ends in .json."
        ),
    ] = Path("chain.yaml"),
    root: Annotated[
        str | None,
        typer.Option(
            "--root", help="FtM or OCDS input: the root buyer's id, when it cannot be told."
        ),
    ] = None,
) -> None:
    """Turn a filled template into a chain file, checked like any chain file.

    Every problem is listed with its sheet (or CSV file), row and column; nothing is written
    until the whole template is valid.

    Examples:

        subtier import suppliers.xlsx --output chain.yaml

        subtier import chain-template/ --output chain.json

        subtier import chain.ftm.json --output chain.yaml

        subtier import awards.ocds.json --root ministry-of-health --output chain.yaml
    """
    from subtier.ingest.spreadsheet import import_spreadsheet

    try:
        chain = import_spreadsheet(source, output, root=root)
    except InputError as error:
        raise _fail(error) from None
    counts = ", ".join(
        f"{len(getattr(chain, section))} {section}"
        for section in ("organizations", "sites", "engagements", "workforces")
    )
    err.print(f"wrote {escape(str(output))}: {counts}", highlight=False)


@app.command("sites")
def sites_command(
    chain: Annotated[
        Path, typer.Argument(help="The chain file to add sites to.", show_default=False)
    ],
    source: Annotated[
        Path, typer.Option("--from", help="An Open Supply Hub facility CSV.", show_default=False)
    ],
    engagement: Annotated[
        str | None,
        typer.Option("--engagement", help="Engagement whose work is done at these sites."),
    ] = None,
    operator: Annotated[
        str | None, typer.Option("--operator", help="Operator for sites without a parent company.")
    ] = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Chain file to write (YAML, or JSON if .json).")
    ] = Path("chain-with-sites.yaml"),
) -> None:
    """Add the facilities of an Open Supply Hub CSV to a chain as work sites.

    Closed facilities are skipped; parent companies become organizations and operators.

    Examples:

        subtier sites chain.yaml --from osh-facilities.csv --engagement callcenter
    """
    from subtier.ingest import load_chain
    from subtier.ingest.osh import merge_sites, read_osh
    from subtier.ingest.spreadsheet import dump_chain, write_text_atomic

    try:
        found = read_osh(source, operator)
        merged = merge_sites(load_chain(chain), found.sites, found.organizations, engagement)
        write_text_atomic(output, dump_chain(merged, as_json=output.suffix.lower() == ".json"))
    except InputError as error:
        raise _fail(error) from None
    err.print(
        f"wrote {escape(str(output))}: {len(found.sites)} site(s) added, "
        f"{len(found.closed)} closed facilit{'y' if len(found.closed) == 1 else 'ies'} skipped",
        highlight=False,
    )


def _version(value: bool) -> None:
    if value:
        print(f"subtier {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug", help="On an internal error, show the traceback (anywhere on the line)."
        ),
    ] = False,
    quiet: Annotated[
        bool,
        typer.Option("--quiet", "-q", help="No notes or warnings on standard error; errors only."),
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose", "-v", help="Log what subtier does (INFO) and how long the command took."
        ),
    ] = False,
) -> None:
    """Who really does our work, where, and for what pay?

    Exit codes: 0 clean; 1 findings at or above --fail-on; 2 bad input; 3 internal error or
    output that cannot be written.
    """
    err.quiet = quiet and not verbose
    if verbose:
        import logging

        logging.basicConfig(format="subtier: %(name)s: %(message)s", stream=sys.stderr)
        logging.getLogger("subtier").setLevel(logging.INFO)
        _VERBOSE.append(True)


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    database: DatabaseOption = None,
    policy: PolicyOption = None,
    admin_token: Annotated[
        str | None,
        typer.Option(
            "--admin-token",
            envvar="SUBTIER_ADMIN_TOKEN",
            help="A single token that signs a buyer in (one-person installs).",
            show_default=False,
        ),
    ] = None,
    secure_cookies: Annotated[
        bool | None,
        typer.Option(
            "--secure-cookies/--insecure-cookies",
            help="Mark cookies Secure (default: yes, except plain http on a loopback address).",
            show_default=False,
        ),
    ] = None,
    threads: Annotated[
        int,
        typer.Option(
            "--threads",
            min=1,
            max=64,
            help="Requests handled at once (more may pay with a database across a network).",
        ),
    ] = 1,
    forwarded_allow_ips: Annotated[
        str,
        typer.Option(
            "--forwarded-allow-ips",
            help="Proxies whose X-Forwarded-For is believed, comma-separated ('*': any); "
            "default none, so clients are told apart by their own address.",
        ),
    ] = "",
    add_user: Annotated[
        str | None,
        typer.Option(
            "--add-user",
            help="Add a buyer account and exit; the password comes from $SUBTIER_PASSWORD or a prompt.",
            show_default=False,
        ),
    ] = None,
    smtp_host: Annotated[
        str | None,
        typer.Option(
            "--smtp-host",
            envvar="SUBTIER_SMTP_HOST",
            help="SMTP server for invitation and notification e-mails (none: links to copy only).",
            show_default=False,
        ),
    ] = None,
    smtp_port: Annotated[
        int | None,
        typer.Option(
            "--smtp-port",
            envvar="SUBTIER_SMTP_PORT",
            min=1,
            max=65535,
            help="SMTP port (default 25, or 587 with --smtp-starttls).",
            show_default=False,
        ),
    ] = None,
    smtp_from: Annotated[
        str | None,
        typer.Option(
            "--smtp-from",
            envvar="SUBTIER_SMTP_FROM",
            help="From address of the e-mails.",
            show_default=False,
        ),
    ] = None,
    smtp_starttls: Annotated[
        bool | None,
        typer.Option(
            "--smtp-starttls/--no-smtp-starttls",
            help="Upgrade the SMTP connection with STARTTLS (or set SUBTIER_SMTP_STARTTLS=1).",
            show_default=False,
        ),
    ] = None,
    smtp_user: Annotated[
        str | None,
        typer.Option(
            "--smtp-user",
            envvar="SUBTIER_SMTP_USER",
            help="SMTP user name; the password comes from $SUBTIER_SMTP_PASSWORD.",
            show_default=False,
        ),
    ] = None,
    public_url: Annotated[
        str | None,
        typer.Option(
            "--public-url",
            envvar="SUBTIER_PUBLIC_URL",
            help="Where buyers reach the app, for the dashboard links in notifications.",
            show_default=False,
        ),
    ] = None,
    notify_attempts: Annotated[
        int,
        typer.Option(
            "--notify-attempts",
            min=1,
            max=50,
            help="Tries per webhook or e-mail before it is marked failed (backoff 30 s, doubling).",
        ),
    ] = 8,
    attachment_mb: Annotated[
        float,
        typer.Option(
            "--attachment-mb",
            min=0.01,
            max=1024,
            help="Largest document a vendor may attach, in MB.",
        ),
    ] = 10.0,
    team: Annotated[
        str | None,
        typer.Option(
            "--team",
            help="With --add-user: the team the account joins (default: the default team).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Run the web app: the buyer's dashboard, the vendor portal and the JSON API (/api/docs).

    With no buyer account and no admin token, it prints a one-time admin token to sign in with.

    Examples:

        subtier serve                                 # http://127.0.0.1:8000/, workspace subtier.db

        subtier serve --add-user alice                # add a buyer account, then exit

        SUBTIER_ADMIN_TOKEN=... subtier serve --host 0.0.0.0 --port 8080

        subtier serve --smtp-host mail.example.com --smtp-starttls --smtp-from portal@example.com
        subtier serve --forwarded-allow-ips 10.0.0.5  # behind a reverse proxy at 10.0.0.5
    """
    from sqlalchemy.exc import SQLAlchemyError

    from subtier.extras import MissingExtraError, require_extra

    try:
        require_extra("web")
    except MissingExtraError as error:
        raise _fail(error) from None
    from subtier.web import Settings
    from subtier.web import serve as run_server
    from subtier.web.mail import smtp_from_environment
    from subtier.web.notify import NotifySettings

    if team is not None and add_user is None:
        raise _fail(InputError("--team goes with --add-user: the team the new account joins"))
    account = None
    if add_user is not None:
        password = os.environ.get("SUBTIER_PASSWORD") or typer.prompt(
            f"password for {add_user}", hide_input=True, confirmation_prompt=True
        )
        account = (add_user, password)
    try:
        smtp = smtp_from_environment(smtp_host, smtp_port, smtp_from, smtp_starttls, smtp_user)
    except InputError as error:
        raise _fail(error) from None
    settings = Settings(
        database=database,
        policy=policy,
        admin_token=admin_token,
        secure_cookies=secure_cookies,
        threads=threads,
        notify=NotifySettings(smtp=smtp, attempts=notify_attempts, public_url=public_url),
        attachment_limit=int(attachment_mb * 1024 * 1024),
        forwarded_allow_ips=tuple(p.strip() for p in forwarded_allow_ips.split(",") if p.strip()),
    )
    try:
        run_server(settings, host=host, port=port, say=err.print, add_user=account, team=team)
    except InputError as error:
        raise _fail(error) from None
    except SQLAlchemyError as error:
        _errors.print(
            f"[bold red]error:[/] cannot open the workspace: {escape(str(error))}", highlight=False
        )
        raise typer.Exit(2) from None


teams_app = typer.Typer(
    help="Teams of buyer accounts: each team sees and acts on its own chains only.",
    no_args_is_help=True,
)
app.add_typer(teams_app, name="teams")
accounts_app = typer.Typer(help="Buyer accounts of the web app.", no_args_is_help=True)
app.add_typer(accounts_app, name="accounts")


def _service(database: str | None) -> Any:
    """The web app's service over the workspace (the web extra is needed)."""
    from sqlalchemy.exc import SQLAlchemyError

    from subtier.extras import MissingExtraError, require_extra

    try:
        require_extra("web")
    except MissingExtraError as error:
        raise _fail(error) from None
    from subtier.web import Service, Settings

    try:
        return Service(Settings(database=database))
    except SQLAlchemyError as error:
        _errors.print(
            f"[bold red]error:[/] cannot open the workspace: {escape(str(error))}", highlight=False
        )
        raise typer.Exit(2) from None


@teams_app.command("add")
def teams_add(
    name: Annotated[str, typer.Argument(help="The team's name.")],
    database: DatabaseOption = None,
) -> None:
    """Add a team. Accounts and chains join the team named `default` unless told otherwise.

    Example:

        subtier teams add client-b
    """
    service = _service(database)
    from subtier.store import actor

    try:
        service.add_team(name, by=actor())
    except InputError as error:
        raise _fail(error) from None
    finally:
        service.close()
    print(f"added team {name!r}")


@teams_app.command("list")
def teams_list(database: DatabaseOption = None) -> None:
    """Each team with its accounts and chains."""
    service = _service(database)
    try:
        for team in service.portal.teams():
            accounts = ", ".join(team.accounts) or "no accounts"
            chains = ", ".join(team.chains) or "no chains"
            print(f"{team.name}: {accounts}; chains: {chains}")
    finally:
        service.close()


@teams_app.command("move-account")
def teams_move_account(
    username: Annotated[str, typer.Argument(help="The buyer account.")],
    team: Annotated[str, typer.Argument(help="The team it moves to.")],
    database: DatabaseOption = None,
) -> None:
    """Move a buyer account to another team: it sees that team's chains from its next request."""
    service = _service(database)
    from subtier.store import actor

    try:
        service.move_user(username, team, by=actor())
    except InputError as error:
        raise _fail(error) from None
    finally:
        service.close()
    print(f"account {username!r} is in team {team!r}")


@teams_app.command("move-chain")
def teams_move_chain(
    key: Annotated[str, typer.Argument(help="The chain's key in the workspace.")],
    team: Annotated[str, typer.Argument(help="The team it moves to.")],
    database: DatabaseOption = None,
) -> None:
    """Give a chain to another team, with its invitations and history."""
    service = _service(database)
    from subtier.store import actor

    try:
        service.move_chain(key, team, by=actor())
    except InputError as error:
        raise _fail(error) from None
    finally:
        service.close()
    print(f"chain {key!r} is in team {team!r}")


@accounts_app.command("add")
def accounts_add(
    username: Annotated[str, typer.Argument(help="The account's user name.")],
    team: Annotated[
        str | None,
        typer.Option(
            "--team", help="The team it joins (default: the default team).", show_default=False
        ),
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """Add a buyer account; the password comes from $SUBTIER_PASSWORD or a prompt.

    Example:

        subtier accounts add bob --team client-b
    """
    password = os.environ.get("SUBTIER_PASSWORD") or typer.prompt(
        f"password for {username}", hide_input=True, confirmation_prompt=True
    )
    service = _service(database)
    try:
        service.add_user(username, password, team=team)
    except InputError as error:
        raise _fail(error) from None
    finally:
        service.close()
    print(f"added buyer account {username!r}" + (f" to team {team!r}" if team else ""))


class FecFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    CSV = "csv"


@app.command("fec")
def fec_command(
    files: Annotated[
        list[str],
        typer.Argument(
            help="FEC electronic filings (.fec) or bulk operating-expenditure files (.txt, .zip).",
            show_default=False,
        ),
    ],
    committee: Annotated[
        str | None,
        typer.Option(
            "--committee", "-c", help="FEC committee id; needed if the files hold several."
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the chain here (YAML, or JSON if .json)."),
    ] = None,
    fmt: Annotated[
        FecFormat, typer.Option("--format", "-f", help="Report format.")
    ] = FecFormat.TEXT,
    policy: PolicyOption = None,
    lists: Annotated[
        list[str] | None,
        typer.Option(
            "--list", "-l", help="Extra list: a registered name or a path (CSV or FtM); repeatable."
        ),
    ] = None,
    engine: EngineOption = Engine.LOCAL,
    spark_master: SparkMasterOption = None,
    save: Annotated[
        bool, typer.Option("--save", help="Save the chain in the workspace, for the dashboard.")
    ] = False,
    key: Annotated[
        str | None,
        typer.Option("--as", help="Key to save it under (with --save; default: from its name)."),
    ] = None,
    database: DatabaseOption = None,
    by: ByOption = None,
) -> None:
    """Turn a committee's FEC disbursements into a screened chain and a vetting worklist.

    Schedule B rows by line beside the filing's own totals, memo sub-itemizations as tier 2,
    money by service category, findings (same screening and policy as `subtier check`), and the
    payees bought labor-intensive services from, with what to ask them for.

    Examples:

        subtier fec 1527862.fec --output chain.yaml

        subtier fec oppexp24.zip --committee C00703975 --format csv > payees.csv

        subtier fec 's3a://bucket/oppexp/*.txt' --committee C00703975 --engine spark

        subtier fec 1527862.fec --save --as biden-q2   # then: subtier serve, or subtier invite
    """
    from subtier.fec.command import SaveTo, fec_report

    if key is not None and not save:
        raise _fail(InputError("--as names the saved chain: give --save with it"))
    target = SaveTo(key, database, by) if save else None
    try:
        data = fec_report(
            files,
            committee,
            policy,
            lists or [],
            output,
            fmt.value,
            err,
            engine.value,
            spark_master,
            target,
        )
    except InputError as error:
        raise _fail(error) from None
    sys.stdout.buffer.write(data)
    if output is not None:
        err.print(f"wrote {escape(str(output))}", highlight=False)
    if target is not None:
        err.print(escape(target.message), highlight=False)


@app.command()
def invite(
    key: Annotated[str, typer.Argument(help="A saved chain's key.", show_default=False)],
    vendors: Annotated[
        list[str],
        typer.Argument(help="Vendors to invite: organization ids or names.", show_default=False),
    ],
    email: Annotated[
        list[str] | None,
        typer.Option(
            "--email",
            help="The vendor's e-mail address, in the order of the vendors; recorded with the "
            "invitation (no mail is sent).",
        ),
    ] = None,
    url: Annotated[
        str, typer.Option("--url", help="Where `subtier serve` is reached, for the links.")
    ] = "http://127.0.0.1:8000",
    database: DatabaseOption = None,
    policy: PolicyOption = None,
    by: ByOption = None,
) -> None:
    """Invite vendors of a saved chain to the disclosure portal: one single-use link each.

    Each vendor is invited for its largest engagement by the chain's buyer (one it is asked
    to disclose for, if it has one), as the dashboard's worklist does. The links are printed
    once; an e-mail address given is recorded with the invitation, and no mail is sent.

    Examples:

        subtier invite biden-q2 acme-voter-contact-llc "LIVE CALLS CO"

        subtier invite biden-q2 acme-voter-contact-llc --email ops@acme.example
    """
    from subtier.store import actor
    from subtier.web import Service, Settings
    from subtier.web.disclosure import FormError
    from subtier.web.service import NotFoundError
    from subtier.web.worklist import engagements_for, invite_vendors

    addresses = email or []
    if len(addresses) > len(vendors):
        raise _fail(InputError("more --email addresses than vendors"))
    svc = Service(Settings(database=database, policy=policy))
    try:
        chosen = engagements_for(svc, key, vendors)
        emails = dict(zip(chosen, addresses, strict=False))
        done = invite_vendors(svc, key, chosen, actor(by), emails)
    except (NotFoundError, InputError) as error:
        raise _fail(InputError(str(error))) from None
    except FormError as error:
        raise _fail(InputError("; ".join(error.errors.values()))) from None
    finally:
        svc.close()
    base = url.rstrip("/")
    for row, invitation, token in done:
        to = emails.get(row.engagement)
        sent = f" (e-mail {to} recorded, not sent)" if to else ""
        print(f"{row.name}: {base}/invite/{token}{sent}")
        err.print(
            f"  until {invitation.expires_at:%Y-%m-%d %H:%M} UTC; due {invitation.due_at:%Y-%m-%d}",
            highlight=False,
        )


DEBUG_FLAG = "--debug"


def main() -> None:
    """The command line's entry point: its exit codes are 0 (clean), 1 (findings at or above
    --fail-on, or a check that failed), 2 (bad input), 3 (an internal error, or output that
    could not be written): one line on standard error, and the traceback only with --debug."""
    # Loading a large chain creates millions of small objects that all live to the end of the
    # run; the default collector thresholds re-scan them over and over (3x slower at 100k sites).
    gc.set_threshold(200_000, 50, 1000)
    debug = _take_debug_flag(sys.argv)
    from subtier.extras import MissingExtraError

    try:
        app()
    except SystemExit as done:
        code = done.code
    except MissingExtraError as error:  # raised where no command catches it: one line, no traceback
        _errors.print(f"[bold red]error:[/] {escape(str(error))}", highlight=False)
        code = 2
    except InputError as error:
        _fail(error)
        code = 2
    except BaseException as error:  # a crash must not look like a finding (exit 1)
        code = _crashed(error, debug)
    else:
        code = 0
    if _VERBOSE:
        _errors.print(f"subtier: done in {time.perf_counter() - _STARTED:.2f} s", highlight=False)
    # Freeing a large chain object by object at interpreter exit takes longer than checking it
    # (3 s of 12 at 100,000 sites). Output is flushed, no file is left open, so end at once.
    if isinstance(code, str):
        sys.stderr.write(code + "\n")
        code = 1
    with contextlib.suppress(OSError):  # the reader went away (a closed pipe)
        sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)


def _take_debug_flag(argv: list[str]) -> bool:
    """Take ``--debug`` out of the arguments, wherever it stands before a ``--``."""
    end = argv.index("--") if "--" in argv else len(argv)
    if DEBUG_FLAG not in argv[1:end]:
        return os.environ.get("SUBTIER_DEBUG", "") not in ("", "0")
    del argv[argv.index(DEBUG_FLAG, 1, end)]
    return True


def _crashed(error: BaseException, debug: bool) -> int:
    from subtier.errors import OutputError

    if isinstance(error, KeyboardInterrupt):
        err.print("[bold red]interrupted[/]", highlight=False)
        return 130
    if isinstance(error, BrokenPipeError):
        return 0  # the reader stopped reading (`| head`): not an error of ours
    if debug:
        import traceback

        traceback.print_exception(error)
    if isinstance(error, OutputError):
        message, hint = str(error), ""
    else:
        what = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        message = f"internal error: {what}"
        hint = "" if debug else " (run again with --debug for the traceback)"
    err.print(f"[bold red]error:[/] {escape(message)}{hint}", highlight=False, soft_wrap=True)
    return 3
