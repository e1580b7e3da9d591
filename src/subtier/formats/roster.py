"""Screen a roster file (CSV or XLSX): every row against every list, one output row per input row.

Rows stream through: the input is never held in memory whole, and large inputs are screened on
every core (workers are forked, so they share the loaded lists without copying them).
"""

from __future__ import annotations

import codecs
import csv
import gc
import io
import multiprocessing as mp
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from subtier.parallel import warmup
from subtier.errors import InputError
from subtier.output import SafeCsvWriter
from subtier.core.screen import Match, Record, Screener, make_record
from subtier.core.screen.record import warm_up

KNOWN = ("id", "name", "address", "city", "state", "zip", "country")
MATCH_COLUMNS = ["match_list", "match_id", "match_name", "score", "reasons"]
# Last, so that the documented columns keep their places: which version of the list matched.
VERSION_COLUMN = "list_version"
# Rows per unit of work sent to a worker process: small enough that the workers finish
# together, large enough that sending the work costs little.
CHUNK = 2_000
MIN_CHUNK = 250
# Chunks per worker handed out before the work done meanwhile (see screen_rows): enough to
# keep the workers busy while it runs (storing a 50,000-entry list: 0.3 s beside them).
AHEAD_MEANWHILE = 6
# Below this many rows, one process is quicker than starting workers.
PARALLEL_MIN_ROWS = 1_000


@dataclass(frozen=True, slots=True)
class Row:
    """One input row: its line in the file, its cells, and the problem with it if any."""

    line: int
    values: list[str]
    problem: str | None = None


@dataclass(frozen=True)
class Roster:
    """An opened roster: its header and a stream of rows."""

    header: list[str]
    columns: dict[str, int]  # recognized name (id, name, ...) → position in the row
    rows: Iterator[Row]
    total: int | None  # row count when cheaply known, for the progress bar
    warnings: tuple[str, ...] = ()  # about the header: columns that look meant but are not read


@dataclass(frozen=True)
class RosterFormat:
    """How to read a roster: which header is which column, and (CSV) its text encoding and
    delimiter. ``columns`` maps a recognized name (address, zip, ...) to a header cell."""

    columns: Mapping[str, str] = field(default_factory=dict)
    encoding: str = "utf-8"
    delimiter: str | None = None  # None: a comma


def parse_columns(specs: Sequence[str], mapping_file: Path | None = None) -> dict[str, str]:
    """``--column NAME=HEADER`` options, and a mapping file (YAML ``name: header``, or one
    ``NAME=HEADER`` a line), as one mapping; an error names a bad one."""
    pairs: list[tuple[str, str, str]] = []
    if mapping_file is not None:
        if not mapping_file.is_file():
            raise InputError("no such file", file=str(mapping_file))
        text = mapping_file.read_text(encoding="utf-8")
        if "=" in text and ":" not in text:
            lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
            pairs += [(*_pair(ln, str(mapping_file)), str(mapping_file)) for ln in lines]
        else:
            import yaml

            data = yaml.safe_load(text) or {}
            if not isinstance(data, dict):
                raise InputError("expected a mapping of column: header", file=str(mapping_file))
            pairs += [(str(k), str(v), str(mapping_file)) for k, v in data.items()]
    pairs += [(*_pair(spec, "--column"), "--column") for spec in specs]
    out: dict[str, str] = {}
    for name, header, where in pairs:
        key = name.strip().lower()
        if key not in KNOWN:
            raise InputError(
                f"unknown column {name!r}; the columns read are {', '.join(KNOWN)}", file=where
            )
        out[key] = header.strip()
    return out


def _pair(spec: str, where: str) -> tuple[str, str]:
    name, sep, header = spec.partition("=")
    if not sep or not name.strip() or not header.strip():
        raise InputError(f"expected NAME=HEADER, as in address=street_address; got {spec!r}",
                         file=where)  # fmt: skip
    return name, header


def open_roster(path: Path, fmt: RosterFormat | None = None) -> Roster:
    """Open a CSV or XLSX roster. A missing file or header is an error; bad rows are not."""
    fmt = fmt or RosterFormat()
    if not path.exists():
        raise InputError("no such file", file=str(path))
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _open_xlsx(path, fmt)
    return _open_csv(path, fmt)


# Header words that name a part of an address (or an id) that the roster is not read for
# unless it is mapped: street_address, zip_code, postal code, Address Line 1, ...
_LOOKS_LIKE = {
    "address": ("address", "street", "addr", "line1", "line 1", "road"),
    "zip": ("zip", "postal", "postcode"),
    "city": ("city", "town", "municipality", "locality"),
    "state": ("state", "province", "region"),
    "country": ("country", "nation"),
    "name": ("name", "company", "vendor", "payee", "organization", "organisation", "facility"),
}


_NOT_ADDRESS = ("email", "e-mail", "url", "website")


def header_columns(
    header: list[str], file: str, mapping: Mapping[str, str] | None = None
) -> dict[str, int]:
    """The recognized columns' positions; an error naming the file if the header cannot serve.
    ``mapping`` names the header cell of a column whose header is not its own name."""
    columns, _warnings = read_header(header, file, mapping)
    return columns


def read_header(
    header: list[str], file: str, mapping: Mapping[str, str] | None = None
) -> tuple[dict[str, int], list[str]]:
    """The recognized columns' positions, and a warning for each header that looks like an
    address part (or a name) but is read for nothing."""
    columns: dict[str, int] = {}
    cells = [cell.strip().lower() for cell in header]
    for name, wanted in (mapping or {}).items():
        if wanted.strip().lower() not in cells:
            raise InputError(
                f"--column {name}={wanted}: the header has no column {wanted!r}; it has "
                f"{', '.join(repr(c) for c in header)}",
                file=file,
                line=1,
            )
        columns[name] = cells.index(wanted.strip().lower())
    for position, key in enumerate(cells):
        if key in KNOWN and key not in columns and position not in columns.values():
            columns[key] = position
    if "name" not in columns and "address" not in columns:
        hint = ""
        if len(header) == 1 and any(sep in header[0] for sep in ";\t|"):
            sep = next(s for s in ";\t|" if s in header[0])
            hint = f"; the header looks separated by {sep!r}: give --delimiter {sep!r}"
        raise InputError(
            "the header has neither a 'name' nor an 'address' column; "
            f"recognized columns are {', '.join(KNOWN)} (map others with --column "
            f"NAME=HEADER){hint}",
            file=file,
            line=1,
        )
    clash = [c for c in header if c in MATCH_COLUMNS or c in ("rank", "matched", VERSION_COLUMN)]
    if clash:
        raise InputError(
            f"the header already has output columns: {', '.join(clash)}", file=file, line=1
        )
    used = set(columns.values())
    warnings = []
    for position, cell in enumerate(header):
        key = cells[position]
        if position in used or not key or any(w in key for w in _NOT_ADDRESS):
            continue
        for name, words in _LOOKS_LIKE.items():
            if name not in columns and any(w in key for w in words):
                warnings.append(
                    f"column {cell!r} looks like the {name} but is not read: screened without "
                    f"it; to read it, give --column {name}={cell}"
                )
                break
    return columns, warnings


def _open_csv(path: Path, fmt: RosterFormat) -> Roster:
    try:
        codecs.lookup(fmt.encoding)
    except LookupError:
        raise InputError(
            f"unknown encoding {fmt.encoding!r}; try utf-8, latin-1 or cp1252"
        ) from None
    if fmt.delimiter is not None and len(fmt.delimiter) != 1:
        raise InputError(f"a delimiter is one character (\\t for a tab); got {fmt.delimiter!r}")
    raw = path.open("rb")
    head = raw.read(4)
    utf8 = fmt.encoding.lower().replace("_", "-") in ("utf-8", "utf8")
    raw.seek(3 if utf8 and head.startswith(b"\xef\xbb\xbf") else 0)
    text = io.TextIOWrapper(raw, encoding=fmt.encoding, newline="")
    reader = csv.reader(text, delimiter=fmt.delimiter or ",")
    try:
        header = next(reader)
    except StopIteration:
        raise InputError("file is empty; expected a header row", file=str(path)) from None
    except UnicodeDecodeError as error:
        hint = "; give its encoding, e.g. --encoding latin-1" if utf8 else ""
        raise InputError(
            f"not {fmt.encoding} text ({error.reason}){hint}", file=str(path), line=1
        ) from None
    except csv.Error as error:
        raise InputError(f"not readable as CSV: {error}", file=str(path), line=1) from None
    columns, warnings = read_header(header, str(path), fmt.columns)
    total = _count_lines(path) - 1
    rows = _csv_rows(reader, header, str(path))
    return Roster(header, columns, rows, max(total, 0), tuple(warnings))


def _count_lines(path: Path) -> int:
    count = 0
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            count += block.count(b"\n")
    return count


def _csv_rows(reader: Any, header: list[str], file: str) -> Iterator[Row]:
    width = len(header)
    line = reader.line_num
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except (csv.Error, UnicodeDecodeError) as error:
            yield Row(line + 1, [""] * len(header), f"unreadable row: {error}")
            line = reader.line_num
            continue
        start = line + 1
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        problem = None
        if len(cells) != width:
            problem = f"expected {width} fields, found {len(cells)}"
            cells = (cells + [""] * width)[:width]
        yield Row(start, cells, problem)


def _open_xlsx(path: Path, fmt: RosterFormat) -> Roster:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise InputError(f"not a readable XLSX workbook ({error})", file=str(path)) from None
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    try:
        first = next(rows)
    except StopIteration:
        raise InputError(f"sheet {sheet.title!r} is empty", file=str(path)) from None
    header = ["" if v is None else str(v).strip() for v in first]
    columns, warnings = read_header(header, f"{path} [{sheet.title}]", fmt.columns)

    def stream() -> Iterator[Row]:
        for number, values in enumerate(rows, start=2):
            cells = ["" if v is None else str(v) for v in values][: len(header)]
            cells += [""] * (len(header) - len(cells))
            if any(c.strip() for c in cells):
                yield Row(number, cells)
        book.close()

    total = sheet.max_row - 1 if sheet.max_row else None
    return Roster(header, columns, stream(), total, tuple(warnings))


def row_record(row: Row, columns: dict[str, int]) -> Record:
    """A roster row as the screening engine sees it; a missing id is the row's line number."""

    values = row.values
    id_, name, address, city, state, zip_, country = (
        (values[columns[key]].strip() or None) if key in columns else None for key in KNOWN
    )
    return make_record(
        id_ or str(row.line),
        name or "",
        address=address,
        city=city,
        state=state,
        zip=zip_,
        country=country,
    )


def _finish_warm_up() -> None:
    warmup.wait()
    warm_up()


# What a worker needs, set before forking.
_WORK: tuple[Screener, dict[str, int], int, float] | None = None


@dataclass(frozen=True, slots=True)
class Screened:
    """A chunk of rows screened: its output CSV text, its rows' problems, and its size."""

    text: str
    problems: list[tuple[int, str]]
    rows: int


def screen_records(records: Sequence[Record], screener: Screener, top: int) -> list[list[Match]]:
    """Each row's matches: the best over the threshold, or with ``top`` > 1 the best ``top``.
    The candidates of all the rows are found at once."""
    if top > 1:
        return screener.rank_many(records, top=top, candidates=max(50, top))
    return screener.screen_many(records, top=1)


def _screen_chunk(rows: Sequence[Row]) -> Screened:
    # The chunk's output is written here, in the worker: sending back text costs far less
    # than sending back the matches with every feature behind them.
    assert _WORK is not None
    screener, columns, top, threshold = _WORK
    unreadable: list[str | None] = []  # why a row has no record, or None if it has one
    records: list[Record] = []
    for row in rows:
        try:
            records.append(row_record(row, columns))
        except Exception as error:  # one odd row must not stop a million-row run
            unreadable.append(f"cannot read row: {error}")
        else:
            unreadable.append(None)
    screened = iter(screen_records(records, screener, top))
    out = io.StringIO()
    writer = write_csv(out)
    problems: list[tuple[int, str]] = []
    for row, why in zip(rows, unreadable, strict=True):
        found = why if why is not None else next(screened)
        if row.problem:
            problems.append((row.line, row.problem))
        elif isinstance(found, str):
            problems.append((row.line, found))
        writer.writerows(output_rows(row, found, top, threshold))
    return Screened(out.getvalue(), problems, len(rows))


def _chunks(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    chunk: list[Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def screen_rows(
    roster: Roster,
    screener: Screener,
    top: int = 1,
    workers: int | None = None,
    threshold: float | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> Iterator[Screened]:
    """The roster screened chunk by chunk, in input order, as output CSV text.

    ``meanwhile``, if given, is called once while the workers screen the first rows (or first
    thing, without workers): work this process would otherwise keep them waiting for."""
    global _WORK
    for risk_list in screener.lists:
        risk_list.index  # build once, before any fork  # noqa: B018
    _WORK = (screener, roster.columns, top, screener.threshold if threshold is None else threshold)
    workers = workers or min(os.cpu_count() or 1, 8)
    parallel = (
        workers > 1
        and (roster.total or 0) >= PARALLEL_MIN_ROWS
        and "fork" in mp.get_all_start_methods()
    )
    try:
        if not parallel:
            if meanwhile is not None:
                meanwhile()
            for chunk in _chunks(roster.rows, CHUNK):
                yield _screen_chunk(chunk)
            return
        _finish_warm_up()
        # Workers are forked: frozen objects are never visited by their collector, so the
        # loaded lists' pages stay shared instead of being copied into every worker.
        gc.freeze()
        size = max(MIN_CHUNK, min(CHUNK, (roster.total or 0) // (8 * workers)))
        with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
            pending: deque[Future[Screened]] = deque()
            # Bounded: the input is never read far ahead. Further ahead when there is work
            # to do meanwhile, so that the workers are not left waiting for more rows.
            ahead = (2 if meanwhile is None else AHEAD_MEANWHILE) * workers
            for chunk in _chunks(roster.rows, size):
                pending.append(pool.submit(_screen_chunk, chunk))
                if len(pending) >= ahead:
                    if meanwhile is not None:
                        meanwhile()
                        meanwhile = None
                    yield pending.popleft().result()
            if meanwhile is not None:
                meanwhile()
            while pending:
                yield pending.popleft().result()
    finally:
        _WORK = None


def output_header(roster: Roster, top: int) -> list[str]:
    if top > 1:
        return [
            *roster.header,
            "rank",
            *MATCH_COLUMNS[:4],
            "matched",
            MATCH_COLUMNS[4],
            VERSION_COLUMN,
        ]
    return [*roster.header, *MATCH_COLUMNS, VERSION_COLUMN]


def output_rows(
    row: Row, result: list[Match] | str, top: int, threshold: float
) -> Iterator[list[str]]:
    """The output line(s) for one input row."""
    base = row.values
    if isinstance(result, str) or row.problem:
        reason = f"error: {row.problem or result}"
        if top > 1:
            yield [*base, "", "", "", "", "", "", reason, ""]
        else:
            yield [*base, "", "", "", "", reason, ""]
        return
    if top > 1:
        if not result:  # no candidate at all: the row is still written, unranked
            yield [*base, "", "", "", "", "", "false", "", ""]
            return
        for rank, m in enumerate(result, start=1):
            matched = "true" if m.score >= threshold else "false"
            yield [
                *base, str(rank), m.list_name, m.entry_id, m.entry_name, f"{m.score:.4f}",
                matched, m.reasons, m.list_version,
            ]  # fmt: skip
        return
    if result:
        m = result[0]
        yield [
            *base,
            m.list_name,
            m.entry_id,
            m.entry_name,
            f"{m.score:.4f}",
            m.reasons,
            m.list_version,
        ]
    else:
        yield [*base, "", "", "", "", "", ""]


def write_csv(out: IO[str]) -> Any:
    # Input cells and matched list names come from vendors and public lists: never formulas.
    return SafeCsvWriter(out, lineterminator="\n")
