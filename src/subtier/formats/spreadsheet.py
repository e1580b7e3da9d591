"""Read a filled chain template (an XLSX workbook or a folder of CSV files) into a chain.

The template's layout is derived from the model, so the template writer
(``subtier.report.template``) and this reader share one definition of every sheet and column:
a ``chain`` sheet of ``field, value`` rows, then one sheet per section with a header row of
the model's field names. Money is spread over ``price_amount``, ``price_per`` and
``price_currency``; identifiers over ``identifiers.fec``, ``identifiers.ein``, ...; lists are
``;``-separated cells.

Every problem names the sheet (or CSV file), the row and the column, and all of them are
reported together. The chain is checked with the model and the same reference checks as a
chain file; ``import_spreadsheet`` writes nothing unless the whole workbook is valid.

One file because every sheet is read by the same column and error machinery, and the template
writer takes its layout from here.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
import types
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import Enum, StrEnum
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from subtier.core.model import Chain, validate_chain
from subtier.errors import InputError
from subtier.output import cell_unsafe, write_output

CHAIN_SHEET = "chain"
INSTRUCTIONS_SHEET = "instructions"
# The chain sheet's two columns: the field's name, then its value.
CHAIN_COLUMNS = ("field", "value")
LIST_SEPARATOR = ";"
IDENTIFIERS = "identifiers"
# Identifier schemes the template always has a column for; any ``identifiers.SCHEME`` is read.
IDENTIFIER_SCHEMES = ("fec", "ein", "lei", "uei")
# How many problems one message lists before saying how many more there are.
MAX_SHOWN = 20
FIELDS_DOC = "docs/spreadsheets.md"


def _sections() -> dict[str, type[BaseModel]]:
    """The chain's sections (its fields that are lists of models), each on its own sheet."""
    out: dict[str, type[BaseModel]] = {}
    for name, info in Chain.model_fields.items():
        if get_origin(info.annotation) is list:
            (item,) = get_args(info.annotation)
            if isinstance(item, type) and issubclass(item, BaseModel):
                out[name] = item
    return out


SECTIONS: dict[str, type[BaseModel]] = _sections()
# The chain's own fields (subtier, name, root, description): rows of the chain sheet.
CHAIN_FIELDS: tuple[str, ...] = tuple(n for n in Chain.model_fields if n not in SECTIONS)
SHEETS: tuple[str, ...] = (CHAIN_SHEET, *SECTIONS)


class Kind(StrEnum):
    """How a column's cells are read."""

    TEXT = "text"
    LIST = "list"
    NUMBER = "number"
    WHOLE = "whole number"
    BOOL = "true/false"
    DATE = "date"
    CHOICE = "choice"
    VERSION = "version"


@dataclass(frozen=True)
class Column:
    """One column of a section sheet (or one row of the chain sheet) and the field it fills."""

    name: str  # the header: "id", "price_amount", "identifiers.fec"
    path: tuple[str, ...]  # where the value goes in the item: ("price", "amount")
    kind: Kind
    info: FieldInfo  # the model field, for its description, constraints and default
    required: bool  # must be given in every row
    parent: str | None = None  # for money: "price"; for identifiers: "identifiers"
    parent_info: FieldInfo | None = None
    choices: tuple[str, ...] = ()

    @property
    def description(self) -> str:
        """The model's description of the field (and of its parent field, for money)."""
        own = _plain(self.info.description or "", self.parent)
        if self.parent_info is None:
            return own
        parent = self.parent_info.description or ""
        return " ".join(part for part in (parent, own) if part)


def _plain(text: str, parent: str | None) -> str:
    """A description as a spreadsheet shows it: `currency` becomes price_currency."""
    return re.sub(r"`(\w+)`", lambda m: f"{parent}_{m[1]}" if parent else m[1], text)


def _unwrap(annotation: Any) -> Any:
    """``X | None`` → ``X``."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _kind(annotation: Any) -> tuple[Kind, tuple[str, ...]]:
    base = _unwrap(annotation)
    if get_origin(base) is Literal:
        return Kind.VERSION, ()
    if isinstance(base, type) and issubclass(base, Enum):
        return Kind.CHOICE, tuple(str(e.value) for e in base)
    if get_origin(base) is list:
        return Kind.LIST, ()
    kinds: dict[Any, Kind] = {
        bool: Kind.BOOL,
        int: Kind.WHOLE,
        float: Kind.NUMBER,
        date: Kind.DATE,
        str: Kind.TEXT,
    }
    return kinds.get(base, Kind.TEXT), ()


def columns(model: type[BaseModel], schemes: Sequence[str] = IDENTIFIER_SCHEMES) -> list[Column]:
    """The columns of a section's sheet, in the model's field order.

    A money field becomes one column per money field (``price_amount``, ``price_per``,
    ``price_currency``); the identifiers mapping one column per scheme in ``schemes``.
    """
    out: list[Column] = []
    for name, info in model.model_fields.items():
        base = _unwrap(info.annotation)
        if isinstance(base, type) and issubclass(base, BaseModel):
            for sub, sub_info in base.model_fields.items():
                kind, choices = _kind(sub_info.annotation)
                out.append(
                    Column(
                        f"{name}_{sub}",
                        (name, sub),
                        kind,
                        sub_info,
                        required=info.is_required() and sub_info.is_required(),
                        parent=name,
                        parent_info=info,
                        choices=choices,
                    )
                )
        elif get_origin(base) is dict:
            out.extend(_identifier_column(name, info, scheme) for scheme in schemes)
        else:
            kind, choices = _kind(info.annotation)
            out.append(Column(name, (name,), kind, info, info.is_required(), choices=choices))
    return out


def _identifier_column(name: str, info: FieldInfo, scheme: str) -> Column:
    return Column(f"{name}.{scheme}", (name, scheme), Kind.TEXT, info, False, parent=name)


def chain_rows() -> list[Column]:
    """The rows of the chain sheet: the chain's own fields (subtier, name, root, description)."""
    out = []
    for name in CHAIN_FIELDS:
        info = Chain.model_fields[name]
        kind, choices = _kind(info.annotation)
        out.append(Column(name, (name,), kind, info, info.is_required(), choices=choices))
    return out


# --- problems -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CellProblem:
    """One thing wrong with a filled template: its sheet, row and column where they apply."""

    sheet: str  # a name from SHEETS
    row: int | None
    column: str | None
    message: str


class SpreadsheetError(InputError):
    """A filled template is unusable; ``problems`` lists every problem found."""

    def __init__(self, places: Mapping[str, tuple[str, str | None]], problems: list[CellProblem]):
        order = {name: i for i, name in enumerate(SHEETS)}
        self.problems = sorted(problems, key=lambda p: (order.get(p.sheet, 0), p.row or 0))
        self.places = dict(places)
        first = self.problems[0]
        file, _label = self.places[first.sheet]
        super().__init__(first.message, file=file, line=first.row, field=first.column)

    def describe(self, problem: CellProblem) -> str:
        """``suppliers.xlsx: sheet 'engagements', row 4, column 'supplier': message``."""
        file, label = self.places[problem.sheet]
        parts = [label] if label else []
        if problem.row is not None:
            parts.append(f"row {problem.row}")
        if problem.column is not None:
            parts.append(f"column {problem.column!r}")
        where = f"{file}: {', '.join(parts)}" if parts else file
        return f"{where}: {problem.message}"

    def __str__(self) -> str:
        lines = [self.describe(p) for p in self.problems[:MAX_SHOWN]]
        if len(self.problems) > MAX_SHOWN:
            lines.append(f"... and {len(self.problems) - MAX_SHOWN} more problems")
        return "\n".join(lines)


# --- reading the workbook or the folder -----------------------------------------------------


class _ExcelError(str):
    """A cell holding an Excel error such as #N/A or #REF!."""

    __slots__ = ()


Row = tuple[int, list[object]]  # the row's number (the header is row 1) and its cells


@dataclass
class _Book:
    """The sheets found, each as its rows; where each sheet's problems are reported."""

    name: str
    sheets: dict[str, list[Row]]
    places: dict[str, tuple[str, str | None]]  # sheet → (file, "sheet 'x'" or None for CSV)
    problems: list[CellProblem] = field(default_factory=list)


_DTD = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_PROLOG_BYTES = 1 << 16


def _refuse_dtd(path: Path) -> None:
    """A workbook's XML parts never declare a DTD; one that does is refused, naming the part.

    A DTD's entities can expand a few bytes into gigabytes ("billion laughs") or pull in other
    files; Excel and LibreOffice never write one. A DTD comes before the first element, so the
    beginning of each part is enough.
    """
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            for member in archive.infolist():
                if not member.filename.lower().endswith((".xml", ".rels", ".vml")):
                    continue
                with archive.open(member) as part:
                    head = part.read(_PROLOG_BYTES)
                found = _DTD.search(head)
                if found:
                    line = head.count(b"\n", 0, found.start()) + 1
                    raise InputError(
                        f"part {member.filename}, line {line}: a DTD (<!DOCTYPE or <!ENTITY) "
                        "is not allowed in a workbook; save it again from a spreadsheet program",
                        file=str(path),
                    )
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError):
        return  # not a readable zip: openpyxl says so below


def _read_xlsx(path: Path) -> _Book:
    from openpyxl import load_workbook

    name = str(path)
    _refuse_dtd(path)
    try:
        with warnings.catch_warnings():  # e.g. "Data Validation extension is not supported"
            warnings.simplefilter("ignore")
            book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise InputError(f"not a readable XLSX workbook ({error})", file=name) from None
    found = _Book(name, {}, {s: (name, f"sheet {s!r}") for s in SHEETS})
    try:
        titles = [sheet.title for sheet in book.worksheets]
        for sheet in book.worksheets:
            key = sheet.title.strip().lower()
            if key not in SHEETS or key in found.sheets:
                continue
            found.sheets[key] = _sheet_rows(sheet, name)
            found.places[key] = (name, f"sheet {sheet.title!r}")
    finally:
        book.close()
    for key in SHEETS:
        if key not in found.sheets:
            hint = _did_you_mean(key, titles)
            have = ", ".join(repr(t) for t in titles)
            found.problems.append(
                CellProblem(key, None, None, f"missing sheet{hint}; the workbook has {have}")
            )
    return found


def _sheet_rows(sheet: Any, name: str) -> list[Row]:
    """The rows of a read-only sheet; its XML is parsed here, so a broken part is an error
    naming the sheet and the row after the last one read."""
    rows: list[Row] = []
    try:
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            rows.append(
                (number, [_ExcelError(c.value) if c.data_type == "e" else c.value for c in cells])
            )
    except Exception as error:  # openpyxl passes on the XML parser's errors of many kinds
        raise InputError(
            f"sheet {sheet.title!r}, row {len(rows) + 1}: not a readable sheet ({error})",
            file=name,
        ) from None
    return rows


def _read_folder(path: Path) -> _Book:
    files = {p.name.lower(): p for p in sorted(path.iterdir()) if p.is_file()}
    found = _Book(str(path), {}, {s: (str(path / f"{s}.csv"), None) for s in SHEETS})
    for key in SHEETS:
        file = files.get(f"{key}.csv")
        if file is None:
            others = [n for n in files if n.endswith(".csv")]
            hint = _did_you_mean(f"{key}.csv", others)
            found.problems.append(
                CellProblem(key, None, None, f"missing file{hint}; the folder needs {_csv_names()}")
            )
            continue
        found.places[key] = (str(file), None)
        try:
            found.sheets[key] = _csv_rows(file)
        except UnicodeDecodeError as error:
            found.problems.append(
                CellProblem(
                    key,
                    None,
                    None,
                    f"not UTF-8 text (invalid byte at offset {error.start}); "
                    "save it as 'CSV UTF-8'",
                )
            )
        except (OSError, csv.Error) as error:
            found.problems.append(CellProblem(key, None, None, f"cannot read: {error}"))
    return found


def _csv_names() -> str:
    return ", ".join(f"{s}.csv" for s in SHEETS)


def _csv_rows(path: Path) -> list[Row]:
    text = path.read_bytes().decode("utf-8-sig")
    first = text.split("\n", 1)[0]
    # Excel in many locales saves CSV with ";" between fields.
    delimiter = ";" if ";" in first and "," not in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[Row] = []
    for number, cells in enumerate(reader, start=1):
        values: list[object] = [cell_unsafe(c) for c in cells]  # as the template wrote them
        rows.append((number, values))
    return rows


def _did_you_mean(word: str, candidates: Sequence[str]) -> str:
    lowered = {c.strip().lower(): c for c in candidates}
    match = difflib.get_close_matches(word, list(lowered), n=1, cutoff=0.6)
    return f" (did you mean {lowered[match[0]]!r}?)" if match else ""


# --- cells ----------------------------------------------------------------------------------


class _Missing:
    pass


BLANK = _Missing()
_TRUE = {"true", "yes", "y", "t", "1"}
_FALSE = {"false", "no", "n", "f", "0"}


def cell_text(value: object) -> str:
    """A cell as text: ``8360.0`` → ``8360``, a midnight date-time → ``2019-12-01``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value).strip()


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _shown(value: object) -> str:
    text = repr(value) if isinstance(value, str) else cell_text(value)
    return text if len(text) <= 60 else text[:57] + "..."


def read_cell(column: Column, value: object) -> object:
    """The value a cell gives its field, or ``BLANK``. Raises ``ValueError`` with a message.

    What is not plainly right is passed on as text, for the model to report.
    """
    if isinstance(value, _ExcelError):
        raise ValueError(f"the cell holds the Excel error {value}")
    if _is_blank(value):
        return BLANK
    text = cell_text(value)
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    whole = int(value) if isinstance(value, (int, float)) and float(value).is_integer() else None
    if column.kind is Kind.TEXT:
        # Excel stores a ZIP code typed as a number without its leading zeros: 08360 → 8360.
        if column.path[-1] == "zip" and number and whole is not None and 0 <= whole < 100_000:
            return f"{whole:05d}"
        return text
    if column.kind is Kind.LIST:
        items = [item.strip() for item in text.split(LIST_SEPARATOR)]
        return [item for item in items if item] or BLANK
    if column.kind in (Kind.NUMBER, Kind.WHOLE):
        return value if number else text
    if column.kind is Kind.BOOL:
        if isinstance(value, bool):
            return value
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise ValueError(f"expected TRUE or FALSE (or yes, no), found {_shown(value)}")
    if column.kind is Kind.DATE:
        if isinstance(value, datetime):
            if value.time() != time(0):
                raise ValueError(f"expected a date, found a date and time {_shown(value)}")
            return value.date()
        if isinstance(value, date):
            return value
        if number or re.fullmatch(r"[\d.]+", text):
            raise ValueError(
                f"expected a date (YYYY-MM-DD), found the number {text}; "
                "format the cell as a date or type the date as text"
            )
        return text
    if column.kind is Kind.CHOICE:
        return text.lower() if text.lower() in column.choices else text
    if column.kind is Kind.VERSION:
        if number and whole is not None:
            return whole
        return int(text) if re.fullmatch(r"\d+", text) else text
    return text  # pragma: no cover - every kind is handled above


def _put(item: dict[str, Any], path: tuple[str, ...], value: object) -> None:
    for part in path[:-1]:
        item = item.setdefault(part, {})
    item[path[-1]] = value


# --- sheets into data -----------------------------------------------------------------------


@dataclass
class _Reader:
    """Turns the sheets into chain data, remembering where each value came from."""

    book: _Book
    problems: list[CellProblem] = field(default_factory=list)
    # section → the sheet row of each item, by its position in the section
    rows: dict[str, list[int]] = field(default_factory=dict)
    # section → its columns as the header has them
    columns: dict[str, list[Column]] = field(default_factory=dict)
    # sheet → columns missing from its header, or chain fields missing from the chain sheet
    missing: dict[str, set[str]] = field(default_factory=dict)
    # where a value could not be read (and so was left out): no second problem there
    reported: set[tuple[str, int | None, str | None]] = field(default_factory=set)
    chain_rows: dict[str, int] = field(default_factory=dict)  # chain field → its row
    headless: set[str] = field(default_factory=set)  # sheets without a header row

    def problem(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        self.reported.add((sheet, row, column))
        self.problems.append(CellProblem(sheet, row, column, message))

    def data(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if CHAIN_SHEET in self.book.sheets:
            data.update(self._chain(self.book.sheets[CHAIN_SHEET]))
        for section, model in SECTIONS.items():
            if section in self.book.sheets:
                data[section] = self._section(section, model, self.book.sheets[section])
        return data

    def _chain(self, rows: list[Row]) -> dict[str, Any]:
        known = {c.name: c for c in chain_rows()}
        data: dict[str, Any] = {}
        for number, cells in rows:
            key_cell = cells[0] if cells else None
            value = cells[1] if len(cells) > 1 else None
            key = cell_text(key_cell).lower()
            if not key and _is_blank(value):
                continue
            if number == 1 and key == CHAIN_COLUMNS[0]:
                continue  # the header row
            if key not in known:
                if key in SECTIONS:
                    message = f"{key} go on their own sheet, {key!r}"
                elif not key:
                    message = f"a value without a field name: {_shown(value)}"
                else:
                    hint = _did_you_mean(key, list(known))
                    message = f"unknown field{hint}; the chain sheet has {', '.join(known)}"
                self.problem(CHAIN_SHEET, number, CHAIN_COLUMNS[0], message)
                continue
            if key in self.chain_rows:
                self.problem(
                    CHAIN_SHEET,
                    number,
                    CHAIN_COLUMNS[0],
                    f"{key!r} is given twice (first in row {self.chain_rows[key]})",
                )
                continue
            self.chain_rows[key] = number
            try:
                read = read_cell(known[key], value)
            except ValueError as error:
                self.problem(CHAIN_SHEET, number, CHAIN_COLUMNS[1], str(error))
                continue
            if read is not BLANK:
                data[key] = read
        missing = {k for k, c in known.items() if c.required and k not in self.chain_rows}
        self.missing[CHAIN_SHEET] = missing
        for key in (k for k in known if k in missing):
            self.problem(
                CHAIN_SHEET, None, CHAIN_COLUMNS[0], f"no row for {key!r}, which is required"
            )
        version = data.get("subtier")
        if "subtier" in self.chain_rows and version != 1:
            where = self.chain_rows["subtier"]
            message = (
                "the template version is missing; it must be 1"
                if version is None
                else f"unsupported template version {_shown(version)}; this subtier reads 1"
            )
            self.problem(CHAIN_SHEET, where, CHAIN_COLUMNS[1], message)
        data["subtier"] = 1  # reported above if wrong; the model need not say it again
        return data

    def _header(
        self, section: str, model: type[BaseModel], cells: list[object]
    ) -> list[Column | None]:
        known = {c.name: c for c in columns(model)}
        identifiers = model.model_fields.get(IDENTIFIERS)
        header: list[Column | None] = []
        seen: dict[str, int] = {}
        for position, cell in enumerate(cells):
            name = cell_text(cell)
            key = name.lower()
            column = known.get(key)
            scheme = name[len(IDENTIFIERS) + 1 :].strip()
            if column is None and key.startswith(f"{IDENTIFIERS}.") and scheme and identifiers:
                column = _identifier_column(IDENTIFIERS, identifiers, scheme)
            if column is None:
                if name:
                    hint = _did_you_mean(key, list(known))
                    more = hint or f" ({FIELDS_DOC} lists the columns)"
                    self.problem(section, 1, name, f"unknown column{more}")
                header.append(None)
                continue
            if column.name in seen:
                self.problem(
                    section,
                    1,
                    column.name,
                    f"column given twice (columns {_letter(seen[column.name])} and {_letter(position)})",
                )
                header.append(None)
                continue
            seen[column.name] = position
            header.append(column)
        missing = [c.name for c in known.values() if c.required and c.name not in seen]
        for name in missing:
            self.problem(section, 1, name, "missing column; this sheet needs it")
        self.missing[section] = set(missing)
        self.columns[section] = [c for c in header if c is not None]
        return header

    def _section(self, section: str, model: type[BaseModel], rows: list[Row]) -> list[Any]:
        items: list[Any] = []
        self.rows[section] = []
        if not rows or all(_is_blank(c) for c in rows[0][1]):
            names = ", ".join(c.name for c in columns(model))
            self.problem(section, 1, None, f"no header row; expected the columns {names}")
            self.headless.add(section)
            return items
        header = self._header(section, model, rows[0][1])
        for number, cells in rows[1:]:
            if all(_is_blank(c) for c in cells):
                continue
            item: dict[str, Any] = {}
            for position, value in enumerate(cells):
                column = header[position] if position < len(header) else None
                if column is None:
                    if not _is_blank(value) and (
                        position >= len(header) or _is_blank(rows[0][1][position])
                    ):
                        self.problem(
                            section,
                            number,
                            None,
                            f"a value in column {_letter(position)}, which has no header: "
                            f"{_shown(value)}",
                        )
                    continue
                try:
                    read = read_cell(column, value)
                except ValueError as error:
                    self.problem(section, number, column.name, str(error))
                    continue
                if read is not BLANK:
                    _put(item, column.path, read)
            items.append(item)
            self.rows[section].append(number)
        return items

    # --- locating the model's problems ------------------------------------------------------

    def place(
        self, loc: tuple[str | int, ...]
    ) -> tuple[str, int | None, str | None, Column | None]:
        """The sheet, row and column of a path in the chain data."""
        if not loc:
            return CHAIN_SHEET, None, None, None
        head = str(loc[0])
        if head not in SECTIONS:
            return CHAIN_SHEET, self.chain_rows.get(head), CHAIN_COLUMNS[1], None
        if len(loc) < 2 or not isinstance(loc[1], int):
            return head, None, None, None
        index = loc[1]
        row = self.rows[head][index] if index < len(self.rows.get(head, [])) else None
        rest = tuple(str(p) for p in loc[2:] if not isinstance(p, int))
        if not rest:
            return head, row, None, None
        known = self.columns.get(head, []) + columns(SECTIONS[head])
        for column in known:
            if column.path[: len(rest)] == rest or rest[: len(column.path)] == column.path:
                return head, row, column.name, column
        return head, row, rest[0], None


def _letter(position: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(position + 1)


def _model_message(error: Any, sheet: str, column: Column | None) -> str:
    kind = error["type"]
    if kind == "missing":
        if sheet == CHAIN_SHEET:
            return "the cell is empty; this field is required"
        if column is not None and column.parent and column.parent_info is not None:
            return f"the cell is empty; it is needed when {column.parent} is given"
        return "the cell is empty; this column is required"
    if kind == "too_short":
        return "no rows; at least one is required"
    given = error.get("input")
    return f"{error['msg']} (got {_shown(given)})"


# --- the whole import -----------------------------------------------------------------------


def _open(path: Path) -> _Book:
    name = str(path)
    if path.is_dir():
        return _read_folder(path)
    if not path.exists():
        raise InputError("no such file or folder", file=name)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        raise InputError(
            "one CSV file holds one sheet; give the folder of CSV files "
            f"({_csv_names()}) that `subtier template --format csv` writes",
            file=name,
        )
    if suffix == ".xls":
        raise InputError(
            "an old Excel (.xls) workbook; save it as an Excel Workbook (.xlsx)", file=name
        )
    return _read_xlsx(path)


def load_spreadsheet(path: str | Path) -> Chain:
    """Read and check a filled template: an XLSX workbook or a folder of CSV files.

    Raises ``SpreadsheetError`` listing every problem with its sheet, row and column.
    """
    book = _open(Path(path))
    reader = _Reader(book, list(book.problems))
    data = reader.data()
    chain: Chain | None = None
    try:
        chain = Chain.model_validate(data)
    except ValidationError as error:
        for e in error.errors(include_url=False):
            loc = tuple(e["loc"])
            sheet, row, column_name, column = reader.place(loc)
            if sheet not in book.sheets or sheet in reader.headless:
                continue  # the missing sheet, file or header is already reported
            name = str(loc[0]) if sheet == CHAIN_SHEET and loc else column_name
            if e["type"] == "missing" and name in reader.missing.get(sheet, set()):
                continue  # the missing column (or chain row) is already reported
            if (sheet, row, column_name) in reader.reported:
                continue
            reader.problem(sheet, row, column_name, _model_message(e, sheet, column))
    if chain is not None and not reader.problems:
        for found in validate_chain(chain):
            sheet, row, column_name, _ = reader.place(found.loc)
            message = re.sub(
                r"already used by (\w+)\[(\d+)\]",
                lambda m: f"already used in row {reader.rows[m[1]][int(m[2])]}",
                found.message,
            )
            reader.problem(sheet, row, column_name, message)
    if reader.problems:
        raise SpreadsheetError(book.places, reader.problems)
    assert chain is not None
    return chain


def chain_document(chain: Chain) -> dict[str, Any]:
    """The chain as a chain file holds it: fields left at none or empty are left out."""

    def prune(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: prune(v) for k, v in value.items() if v is not None and v != [] and v != {}}
        if isinstance(value, list):
            return [prune(v) for v in value]
        return value

    document: dict[str, Any] = prune(chain.model_dump(mode="json"))
    return document


def dump_chain(chain: Chain, *, as_json: bool = False, source: str | None = None) -> str:
    """A chain file's text: YAML, or JSON when ``as_json``."""
    document = chain_document(chain)
    if as_json:
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    text = yaml.safe_dump(
        document, sort_keys=False, allow_unicode=True, default_flow_style=False, width=10_000
    )
    head = f"# Imported from {source} with `subtier import`.\n" if source else ""
    return head + text


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all (``-``: standard output); see
    subtier.output, which every writer goes through."""
    write_output(path, text)


def _is_ocds(path: Path) -> bool:
    """OCDS by name (`.ocds.json`) or by content: releases, records or an ocid near the top."""
    name = path.name.lower()
    if name.endswith(".ocds.json"):
        return True
    if not name.endswith((".json", ".jsonl")) or not path.is_file():
        return False
    with path.open("rb") as handle:
        head = handle.read(65536)
    return any(key in head for key in (b'"releases"', b'"records"', b'"ocid"'))


def import_spreadsheet(source: str | Path, output: str | Path, root: str | None = None) -> Chain:
    """Turn a filled template, or a FollowTheMoney entities file, into a chain file at
    ``output`` (JSON if it ends in .json). Nothing is written unless the whole input is valid.
    """
    if _is_ocds(Path(source)):
        from subtier.formats.ocds import load_ocds_chain

        chain = load_ocds_chain(Path(source), root=root)
    elif Path(source).name.lower().endswith((".ftm.json", ".ftm", ".jsonl", ".ijson", ".json")):
        from subtier.extras import require_extra

        require_extra("ftm")
        from subtier.formats.ftm_chain import load_ftm_chain

        chain = load_ftm_chain(Path(source), root=root)
    else:
        chain = load_spreadsheet(source)
    output = Path(output)
    as_json = output.suffix.lower() == ".json"
    write_text_atomic(output, dump_chain(chain, as_json=as_json, source=Path(source).name))
    return chain
