"""Write a chain template for vendors and buyers to fill in: an XLSX workbook or CSV files.

The sheets, columns and explanations come from the model (through
``subtier.formats.spreadsheet``, which reads the filled template back), so the template, the
importer and the model's field descriptions cannot drift apart.
"""

from __future__ import annotations

import io
from enum import Enum, StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from subtier.core.model import Chain
from subtier.core.model.chain import ID_PATTERN
from subtier.data import example_path
from subtier.errors import InputError
from subtier.formats.spreadsheet import (
    CHAIN_COLUMNS,
    CHAIN_SHEET,
    IDENTIFIER_SCHEMES,
    IDENTIFIERS,
    INSTRUCTIONS_SHEET,
    LIST_SEPARATOR,
    SECTIONS,
    Column,
    Kind,
    cell_text,
    chain_rows,
    columns,
)
from subtier.output import SafeCsvWriter, atomic_path, is_stdout, write_output


class TemplateFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"


DEFAULT_OUTPUT = {
    TemplateFormat.XLSX: Path("chain-template.xlsx"),
    TemplateFormat.CSV: Path("chain-template"),
}
EXAMPLE = example_path()

# What a field means, for the few fields the model does not describe.
MEANINGS: dict[str, str] = {
    "city": "City.",
    "latitude": "Latitude in decimal degrees.",
    "longitude": "Longitude in decimal degrees.",
    "source": "Where these facts come from: a URL or a document.",
    "start": "When the engagement starts.",
    "end": "When the engagement ends; not before start.",
    "headcount": "How many workers. Used for the monthly cost of raising pay to the floor.",
    "description": "Free text about the chain.",
}
# Columns whose values are ids from another sheet: (sheet, column) → that sheet.
REFERENCES: dict[tuple[str, str], str] = {
    (CHAIN_SHEET, "root"): "organizations",
    ("sites", "operator"): "organizations",
    ("engagements", "buyer"): "organizations",
    ("engagements", "supplier"): "organizations",
    ("engagements", "sites"): "sites",
    ("workforces", "site"): "sites",
    ("workforces", "engagement"): "engagements",
}
INSTRUCTION_COLUMNS = ("sheet", "column", "required", "format", "meaning")
GUIDE = (
    "How to fill in this chain template",
    "Each sheet after this one is one part of the chain: one row per organization, site, "
    "engagement (who hires whom) and workforce (who does the work, and for what pay).",
    "The 'chain' sheet names the chain and its root: the id of the organization whose chain "
    "this is. Leave its 'subtier' row at 1.",
    "Ids are short names you choose (procom, site-7): letters, digits, _ . : and -. Other "
    "columns refer to them, and every reference must name a row of the right sheet.",
    f"Leave a cell empty when you do not know the value. Lists take several values separated "
    f"by {LIST_SEPARATOR} (for example: vineland{LIST_SEPARATOR} taft). Blank rows are skipped.",
    "Money is given in three columns, as in price_amount 7.25, price_per hour, price_currency "
    "USD (USD when empty).",
    "Columns with a yellow header are required. The table below explains every column.",
    "Then run: subtier import THIS-FILE.xlsx --output chain.yaml",
)
# Data validations and column formats reach this row: the whole sheet.
LAST_ROW = 1_048_576
HEADER_FILL = "D9D9D9"
REQUIRED_FILL = "FFE699"


def example_chain() -> Chain:
    """The bundled ProCom example (subtier/data/examples/procom-2019.yaml)."""
    from subtier.formats import load_chain

    if not EXAMPLE.is_file():
        raise InputError(
            "the ProCom example is not installed with this copy of subtier; "
            "fill the template from a chain file with --from CHAIN.yaml",
            file=str(EXAMPLE),
        )
    return load_chain(EXAMPLE)


def write_template(
    output: Path | None = None,
    fmt: TemplateFormat = TemplateFormat.XLSX,
    chain: Chain | None = None,
) -> Path:
    """Write the template (filled with ``chain`` if given) and return where it was written.

    XLSX is one workbook; CSV is a folder with one file per sheet (``chain.csv``,
    ``organizations.csv``, ..., and ``instructions.csv``).
    """
    output = output or DEFAULT_OUTPUT[fmt]
    sheets = template_sheets(chain)
    if fmt is TemplateFormat.CSV:
        _write_csv(output, sheets)
    else:
        _write_xlsx(output, sheets)
    return output


# --- what the template holds ----------------------------------------------------------------


class Sheet:
    """One sheet: its columns (or the chain's rows) and the values of its rows."""

    def __init__(self, name: str, columns: list[Column], rows: list[list[object]]) -> None:
        self.name = name
        self.columns = columns
        self.rows = rows

    @property
    def header(self) -> list[str]:
        if self.name == CHAIN_SHEET:
            return list(CHAIN_COLUMNS)
        return [c.name for c in self.columns]


def template_sheets(chain: Chain | None = None) -> list[Sheet]:
    """The chain sheet, then one sheet per section, filled with ``chain`` if given."""
    fields = chain_rows()
    values: list[list[object]] = [
        [c.name, 1 if c.name == "subtier" else (getattr(chain, c.name) if chain else None)]
        for c in fields
    ]
    out = [Sheet(CHAIN_SHEET, fields, values)]
    schemes = list(IDENTIFIER_SCHEMES)
    if chain is not None:
        for org in chain.organizations:
            schemes += [s for s in org.identifiers if s not in schemes]
    for section, model in SECTIONS.items():
        cols = columns(model, schemes)
        items: list[BaseModel] = list(getattr(chain, section)) if chain else []
        rows = [[_value(section, item, c) for c in cols] for item in items]
        out.append(Sheet(section, cols, rows))
    return out


def _value(section: str, item: BaseModel, column: Column) -> object:
    value: Any = item
    for part in column.path:
        if value is None:
            return None
        value = value.get(part) if isinstance(value, dict) else getattr(value, part)
    if isinstance(value, list):
        for entry in value:
            if LIST_SEPARATOR in entry:
                raise InputError(
                    f"{entry!r} contains {LIST_SEPARATOR!r}, which separates the values "
                    "of a list in a template cell",
                    field=f"{section} {getattr(item, 'id', '')}: {column.name}",
                )
        return LIST_SEPARATOR.join(value) or None
    if isinstance(value, Enum):
        return value.value
    return value


def instructions() -> list[tuple[str, str, str, str, str]]:
    """Every column of every sheet: sheet, column, required, format and meaning."""
    rows = []
    for sheet in template_sheets():
        for column in sheet.columns:
            rows.append(
                (
                    sheet.name,
                    column.name,
                    required_text(column),
                    format_text(sheet.name, column),
                    meaning(column),
                )
            )
    return rows


def required_text(column: Column) -> str:
    if column.required:
        return "yes"
    if column.parent_info is not None and column.info.is_required():
        return f"if {column.parent} is given"
    return "no"


def meaning(column: Column) -> str:
    """The model's description of the field; for identifiers, which scheme."""
    text = column.description or MEANINGS.get(column.path[-1], "")
    if column.parent == IDENTIFIERS:
        scheme = column.path[-1]
        text = f"The organization's {scheme.upper()} identifier. {text}".strip()
    return text


def format_text(sheet: str, column: Column) -> str:
    """What a cell of the column may hold: ``number, 0 to 1``, ``one of: hour, day, ...``."""
    info = column.info
    target = REFERENCES.get((sheet, column.name))
    if column.kind is Kind.LIST:
        what = f"{target[:-1]} ids" if target else "text values"
        out = f"{what}, separated by {LIST_SEPARATOR}"
    elif target:
        out = f"{target[:-1]} id"
    elif column.kind is Kind.TEXT:
        pattern = next((m.pattern for m in info.metadata if getattr(m, "pattern", None)), None)
        if pattern == ID_PATTERN:
            out = "id: letters, digits, _ . : -"
        elif pattern == r"^[A-Z]{3}$":
            out = "three-letter code"
        else:
            out = f"text matching {pattern}" if pattern else "text"
    elif column.kind in (Kind.NUMBER, Kind.WHOLE):
        out = str(column.kind) + _range(info.metadata)
    elif column.kind is Kind.BOOL:
        out = "TRUE or FALSE (or yes, no)"
    elif column.kind is Kind.DATE:
        out = "date, YYYY-MM-DD"
    elif column.kind is Kind.CHOICE:
        out = "one of: " + ", ".join(column.choices)
    else:
        out = "the number 1"
    default = info.default
    if default is not PydanticUndefined and default is not None and not column.required:
        shown = default.value if isinstance(default, Enum) else default
        out += f"; empty means {shown}"
    return out


def _range(metadata: list[Any]) -> str:
    def bound(name: str) -> Any:
        return next(
            (getattr(m, name) for m in metadata if getattr(m, name, None) is not None), None
        )

    ge, gt, le, lt = bound("ge"), bound("gt"), bound("le"), bound("lt")
    low = f"{ge}" if ge is not None else (f"above {gt}" if gt is not None else None)
    high = f"{le}" if le is not None else (f"below {lt}" if lt is not None else None)
    if ge is not None and le is not None:
        return f", {ge} to {le}"
    if low and high:
        return f", {low}, {'at most ' if le is not None else ''}{high}"
    if low:
        return f", {low} or more" if ge is not None else f", {low}"
    if high:
        return f", at most {high}" if le is not None else f", {high}"
    return ""


# --- CSV ------------------------------------------------------------------------------------


def _write_csv(folder: Path, sheets: list[Sheet]) -> None:
    if folder.exists() and not folder.is_dir():
        raise InputError("is a file; --format csv writes a folder of CSV files", file=str(folder))
    tables: list[tuple[str, list[str], list[list[object]]]] = [
        (s.name, s.header, s.rows) for s in sheets
    ]
    guide: list[list[object]] = [list(row) for row in instructions()]
    tables.append((INSTRUCTIONS_SHEET, list(INSTRUCTION_COLUMNS), guide))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, header, rows in tables:
            # With a byte order mark, Excel reads the file as UTF-8.
            with (folder / f"{name}.csv").open("w", encoding="utf-8-sig", newline="") as handle:
                writer = SafeCsvWriter(handle)  # names typed by vendors: never formulas
                writer.writerow(header)
                writer.writerows([cell_text(v) for v in row] for row in rows)
    except OSError as error:
        raise InputError(f"cannot write: {error.strerror or error}", file=str(folder)) from None


# --- XLSX -----------------------------------------------------------------------------------


def _write_xlsx(path: Path, sheets: list[Sheet]) -> None:
    from openpyxl import Workbook

    book = Workbook()
    guide = book.active
    assert guide is not None
    guide.title = INSTRUCTIONS_SHEET
    _instructions_sheet(guide)
    for sheet in sheets:
        _data_sheet(book.create_sheet(sheet.name), sheet)
    book.active = 1  # open on the chain sheet
    if path.is_dir():
        raise InputError("is a folder; give a file name ending in .xlsx", file=str(path))
    if is_stdout(path):
        buffer = io.BytesIO()
        book.save(buffer)
        write_output(path, buffer.getvalue())
        return
    with atomic_path(path) as temporary:
        book.save(temporary)


def _instructions_sheet(ws: Any) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    ws.append([GUIDE[0]])
    ws.cell(1, 1).font = Font(bold=True, size=14)
    for line in GUIDE[1:]:
        ws.append([line])
    ws.append([])
    ws.append(list(INSTRUCTION_COLUMNS))
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
    for row in instructions():
        ws.append(list(row))
    for letter, width in zip("ABCDE", (16, 24, 18, 42, 90), strict=True):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=header_row + 1):
        row[4].alignment = Alignment(wrap_text=True, vertical="top")
        for cell in row[:4]:
            cell.alignment = Alignment(vertical="top")


def _data_sheet(ws: Any, sheet: Sheet) -> None:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws.append(sheet.header)
    for row in sheet.rows:
        ws.append(row)
        for cell in ws[ws.max_row]:
            if cell.data_type == "f":  # text that begins with "=" is kept as text
                cell.data_type = "s"
    ws.freeze_panes = "A2"
    is_chain = sheet.name == CHAIN_SHEET
    for position, name in enumerate(sheet.header, start=1):
        cell = ws.cell(1, position)
        cell.font = Font(bold=True)
        required = not is_chain and sheet.columns[position - 1].required
        cell.fill = PatternFill("solid", fgColor=REQUIRED_FILL if required else HEADER_FILL)
        letter = get_column_letter(position)
        values = [name, *(cell_text(r[position - 1]) for r in sheet.rows)]
        width = max(len(v) for v in values) + 3
        ws.column_dimensions[letter].width = min(max(width, 10), 60)
    if is_chain:
        for number, column in enumerate(sheet.columns, start=2):
            key = ws.cell(number, 1)
            key.font = Font(bold=True)
            key.fill = PatternFill(
                "solid", fgColor=REQUIRED_FILL if column.required else HEADER_FILL
            )
            key.comment = _comment(sheet.name, column)
            _format_cells(ws, f"B{number}", column, [ws.cell(number, 2)])
            _validate(ws, f"B{number}", sheet.name, column)
        return
    for position, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(position)
        ws.cell(1, position).comment = _comment(sheet.name, column)
        cells = [ws.cell(n, position) for n in range(2, len(sheet.rows) + 2)]
        _format_cells(ws, letter, column, cells)
        _validate(ws, f"{letter}2:{letter}{LAST_ROW}", sheet.name, column)


def _comment(sheet: str, column: Column) -> Any:
    from openpyxl.comments import Comment

    text = f"{meaning(column)}\n\n{format_text(sheet, column)}; required: {required_text(column)}"
    comment = Comment(text, "subtier")
    comment.width = 320
    comment.height = 140
    return comment


def _format_cells(ws: Any, where: str, column: Column, cells: list[Any]) -> None:
    """Text columns keep what is typed as text (08360 stays 08360); dates show as YYYY-MM-DD."""
    number_format = {Kind.TEXT: "@", Kind.LIST: "@", Kind.DATE: "yyyy-mm-dd"}.get(column.kind)
    if number_format is None:
        return
    if ":" not in where and where.isalpha():
        ws.column_dimensions[where].number_format = number_format
    for cell in cells:
        cell.number_format = number_format


def _validate(ws: Any, where: str, sheet: str, column: Column) -> None:
    """A drop-down for choices, TRUE/FALSE and ids from another sheet."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    target = REFERENCES.get((sheet, column.name))
    if column.kind is Kind.CHOICE:
        options = ",".join(column.choices)
        rule = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True)
        rule.error = f"Choose one of: {', '.join(column.choices)}"
    elif column.kind is Kind.BOOL:
        rule = DataValidation(type="list", formula1='"TRUE,FALSE"', allow_blank=True)
        rule.error = "Choose TRUE or FALSE"
    elif target is not None and column.kind is Kind.TEXT:
        names = [c.name for c in columns(SECTIONS[target])]
        letter = get_column_letter(names.index("id") + 1)
        ids = f"{target}!${letter}$2"
        count = f"MAX(1,COUNTA({target}!${letter}:${letter})-1)"
        rule = DataValidation(
            type="list", formula1=f"OFFSET({ids},0,0,{count},1)", allow_blank=True
        )
        rule.errorStyle = "warning"  # an id may be typed before its row exists
        rule.error = f"Not an id on the {target} sheet (yet)"
    else:
        return
    rule.errorTitle = column.name
    rule.showErrorMessage = True
    ws.add_data_validation(rule)
    rule.add(where)
