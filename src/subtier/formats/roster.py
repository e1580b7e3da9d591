"""Roster files (CSV or XLSX): rows read as a stream, and one output row written per input row.

The input is never held in memory whole; ``subtier.parallel.rows`` screens the rows.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from subtier.core.screen import Match, Record, make_record
from subtier.errors import InputError
from subtier.output import SafeCsvWriter

KNOWN = ("id", "name", "address", "city", "state", "zip", "country")
MATCH_COLUMNS = ["match_list", "match_id", "match_name", "score", "reasons"]
# Last, so that the documented columns keep their places: which version of the list matched.
VERSION_COLUMN = "list_version"


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
