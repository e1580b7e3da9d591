"""Electronic filings (``.fec``, every format version), read through FastFEC.

Every line is checked against FastFEC's own form table first (:mod:`subtier.fec.forms`):
FastFEC skips a line it has no mapping for, and crashes the process on a file that is not a
filing at all, on a field that is a lone double quote, and splits lines at a bare CR, so none of
these may reach it; NULs and fields longer than :data:`FIELD_LIMIT` are refused too. FastFEC then
parses the whole file in a child process (:mod:`subtier.fec.isolated`: a crash the checks missed
is an error naming the line, not the end of this process), and each Schedule B row is checked
and normalized into a :class:`~subtier.fec.records.Disbursement` that knows its line in the
file.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from subtier.errors import InputError
from subtier.fec.forms import amount_column, columns, known_version
from subtier.fec.lines import form_family
from subtier.fec.records import FIELD_LIMIT, Disbursement, parse_cents, person_name

FS = b"\x1c"
_FILING_NUMBER = re.compile(r"(\d{3,})")
_PROGRESS_STEP = 2_000


@dataclass(frozen=True)
class Filing:
    """One electronic filing: who filed it, for which period, its summary page and its rows."""

    source: str
    filing: str  # FEC file number, from the file name; a content hash when it has none
    version: str
    form_type: str  # as filed: F3PN, F3XA, ...
    form: str  # F3, F3P or F3X
    amended: bool
    amends: str  # the filing an amendment replaces, when the header says
    committee: str
    committee_name: str
    report_code: str
    period: str  # "2021-04-01..2021-06-30"
    summary: Mapping[str, float]  # the summary page's amounts, by FastFEC column name
    rows: list[Disbursement]
    forms: Mapping[str, int] = field(default_factory=dict)  # lines per form type

    @property
    def report(self) -> str:
        return f"{self.report_code} {self.period}".strip()


def _fields(line: bytes, delimiter: bytes) -> list[str]:
    if delimiter == FS:
        return [f.decode("latin-1").strip().strip('"') for f in line.split(FS)]
    return [f.strip() for f in next(csv.reader([line.decode("latin-1")]))]


def _header(lines: list[bytes], name: str) -> tuple[str, bytes, int]:
    """The format version, the field delimiter and how many lines the header takes."""
    first = lines[0].rstrip(b"\r") if lines else b""
    if first.startswith(b"/*"):
        # Versions 1 and 2: a block of "key = value" lines.
        version = ""
        for number, raw in enumerate(lines, start=1):
            text = raw.decode("latin-1").strip()
            if text.lower().startswith("fec_ver_#"):
                version = text.split("=", 1)[-1].strip()
            if text.lower().startswith("/* end header"):
                return version, b",", number
        raise InputError(
            "the header block never ends ('/* End Header' is missing)", file=name, line=1
        )
    delimiter = FS if FS in first else b","
    fields = _fields(first, delimiter) if first else []
    if not fields or fields[0].upper() != "HDR" or len(fields) < 3:
        shown = first[:40].decode("latin-1", errors="replace")
        raise InputError(
            f"not an FEC electronic filing: line 1 should start with HDR, not {shown!r}",
            file=name,
            line=1,
        )
    return fields[2], delimiter, 1


@dataclass(frozen=True)
class _Scan:
    version: str
    header_lines: int
    lines: list[int]  # the line number of each record after the header, in order
    forms: list[str]  # each record's form type
    fields: list[tuple[int, int]]  # each record's fields, and the fields its form defines
    amounts: dict[int, int]  # Schedule B records (by position) → amount in cents, from the text


def _check_bytes(line: bytes, delimiter: bytes, name: str, number: int) -> None:
    """Refuse what FastFEC cannot read safely: it aborts the process on a field that is a lone
    double quote, and splits a line at a bare carriage return."""
    if b"\r" in line:
        raise InputError(
            "a carriage return (CR) inside the line: lines end with LF or CR LF only",
            file=name,
            line=number,
        )
    if delimiter == FS:
        for position, raw in enumerate(line.split(FS), start=1):
            if raw.strip() == b'"':
                raise InputError(
                    f'field {position} is a lone double quote ("): an unfinished quoted field',
                    file=name,
                    line=number,
                )
            if len(raw) > FIELD_LIMIT:
                raise InputError(
                    f"field {position} is {len(raw):,} characters long; FEC fields are at most "
                    f"{FIELD_LIMIT:,}",
                    file=name,
                    line=number,
                )
    elif len(line) > FIELD_LIMIT * 60:
        raise InputError(
            f"the line is {len(line):,} characters long: not an FEC filing's line",
            file=name,
            line=number,
        )


def scan(data: bytes, name: str) -> _Scan:
    """Check every line against the form table; the line number of every record."""
    if not data.strip():
        raise InputError("empty file: not an FEC electronic filing", file=name, line=1)
    if b"\x00" in data[:4096]:
        raise InputError("a binary file, not an FEC electronic filing", file=name, line=1)
    nul = data.find(b"\x00")
    if nul != -1:
        raise InputError(
            "a NUL byte inside the line: a damaged or binary file",
            file=name,
            line=data.count(b"\n", 0, nul) + 1,
        )
    lines = data.split(b"\n")
    version, delimiter, header_lines = _header(lines, name)
    if not known_version(version):
        raise InputError(
            f"unsupported FEC format version {version!r}: FastFEC reads 1 to 8.5 and paper P1 to P3.4",
            file=name,
            line=1,
        )
    numbers: list[int] = []
    forms: list[str] = []
    counts: list[tuple[int, int]] = []
    amounts: dict[int, int] = {}
    for number, raw in enumerate(lines[:header_lines], start=1):
        _check_bytes(raw.rstrip(b"\r"), delimiter, name, number)
    amount_at = amount_column(version)
    ends_cleanly = data.endswith(b"\n")
    last = len(lines)
    for number, raw in enumerate(lines[header_lines:], start=header_lines + 1):
        line = raw.rstrip(b"\r")
        if not line.strip():
            continue
        _check_bytes(line, delimiter, name, number)
        fields = _fields(line, delimiter)
        form_type = fields[0]
        expected = columns(form_type, version)
        if expected is None:
            raise InputError(
                f"form type {form_type[:20]!r} is not defined in FEC format version {version}",
                file=name,
                line=number,
            )
        if len(fields) > expected:
            raise InputError(
                f"{len(fields)} fields, but a {form_type} line has {expected} in format "
                f"{version}: a stray separator or a wrong format version?",
                file=name,
                line=number,
            )
        if number == last and not ends_cleanly and len(fields) < expected - 1:
            raise InputError(
                f"the file ends in the middle of this {form_type} line "
                f"({len(fields)} of {expected} fields): it looks truncated",
                file=name,
                line=number,
            )
        if form_type.upper().startswith("SB") and amount_at is not None and amount_at < len(fields):
            cents = parse_cents(fields[amount_at])
            if cents is None:
                raise InputError(
                    f"expenditure amount {fields[amount_at][:20]!r} is not a number",
                    file=name,
                    line=number,
                )
            amounts[len(numbers)] = cents
        numbers.append(number)
        forms.append(form_type.upper())
        counts.append((len(fields), expected))
    if not numbers or form_family(forms[0]) is None:
        what = forms[0] if numbers else "no records"
        raise InputError(
            f"this filing is {what}, not a report of receipts and disbursements (Form 3, 3P or 3X)",
            file=name,
            line=header_lines + 1,
        )
    return _Scan(version, header_lines, numbers, forms, counts, amounts)


def _text(row: Mapping[str, Any], *keys: str) -> str:
    for key in keys:
        value = row.get(key)
        if value is not None and value != "":
            return value.isoformat() if isinstance(value, date) else str(value).strip()
    return ""


def _iso(value: Any, name: str, line: int, what: str) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, date):
        return value.isoformat()
    raise InputError(f"{what} {value!r} is not a date", file=name, line=line)


def disbursement(
    row: Mapping[str, Any],
    *,
    name: str,
    line: int,
    filing: str,
    report: str,
    form: str,
    amended: bool,
    fields: tuple[int, int] | None = None,
    cents: int | None = None,
) -> Disbursement:
    """One FastFEC Schedule B row as a disbursement; a row without a usable amount is an error.

    ``cents`` is the amount as the line writes it, when known: exact, where FastFEC's float is not.
    """
    form_type = str(row.get("form_type") or "").strip().upper()
    amount = row.get("expenditure_amount")
    if amount is None:
        count = f" has {fields[0]} of {fields[1]} fields and" if fields else ""
        raise InputError(
            f"this {form_type} line{count} ends before its amount: a malformed or cut line",
            file=name,
            line=line,
        )
    if isinstance(amount, str) or not isinstance(amount, int | float):
        raise InputError(f"expenditure amount {amount!r} is not a number", file=name, line=line)
    entity = _text(row, "entity_type").upper()
    organization = _text(row, "payee_organization_name")
    last = _text(row, "payee_last_name")
    person = person_name(last, _text(row, "payee_first_name"), _text(row, "payee_middle_name"))
    payee = organization if organization and (entity not in ("IND", "CAN") or not last) else ""
    payee = payee or person or _text(row, "payee_name")
    if not entity:
        entity = "IND" if (last and not organization) else "ORG"
    return Disbursement(
        source=name,
        line=line,
        committee=_text(row, "filer_committee_id_number").upper(),
        report=report,
        filing=filing,
        amended=amended,
        form=form,
        line_number=form_type[2:],
        tran_id=_text(row, "transaction_id_number") or f"line-{line}",
        back_ref=_text(row, "back_reference_tran_id_number"),
        entity_type=entity,
        name=payee,
        street=" ".join(
            p for p in (_text(row, "payee_street_1"), _text(row, "payee_street_2")) if p
        ),
        city=_text(row, "payee_city"),
        state=_text(row, "payee_state").upper(),
        zip=_text(row, "payee_zip_code"),
        date=_iso(row.get("expenditure_date"), name, line, "expenditure date"),
        cents=cents if cents is not None else round(float(amount) * 100),
        purpose=_text(row, "expenditure_purpose_descrip"),
        memo=_text(row, "memo_code").upper() == "X",
        memo_text=_text(row, "memo_text_description"),
        category=_text(row, "category_code"),
    )


def filing_number(path: Path, data: bytes) -> str:
    found = _FILING_NUMBER.search(path.stem)
    return found.group(1) if found else "sha256:" + hashlib.sha256(data).hexdigest()[:12]


def read_filing(path: Path, on_progress: Callable[[int], None] | None = None) -> Filing:
    """Read one ``.fec`` file. ``on_progress`` is told how many lines were read since last time."""
    from subtier.extras import require_extra

    require_extra("fec")
    from subtier.fec import isolated

    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror or error}", file=name) from None
    scanned = scan(data, name)
    filing = filing_number(path, data)
    header: Mapping[str, Any] = {}
    report_row: Mapping[str, Any] = {}
    rows: list[Disbursement] = []
    forms: Counter[str] = Counter()
    problem: InputError | None = None
    seen = 0
    report, family, amended = "", "", False

    # FastFEC runs in a child process (a crash there is an error naming the line); its
    # records are read to the end whatever happens, so its child always finishes.
    for form_type, row in isolated.parse(data, name=name, lines=scanned.lines):
        if form_type == "header":
            header = row
            continue
        index = seen
        seen += 1
        if on_progress is not None and seen % _PROGRESS_STEP == 0:
            on_progress(_PROGRESS_STEP)
        if problem is not None or index >= len(scanned.lines):
            continue
        line = scanned.lines[index]
        forms[form_type] += 1
        if index == 0:
            report_row = row
            family = form_family(form_type) or ""
            amended = form_type.upper().endswith("A")
            period = "..".join(
                _iso(row.get(k), name, line, k)
                for k in ("coverage_from_date", "coverage_through_date")
            )
            report = f"{_text(row, 'report_code')} {period}".strip()
            continue
        if not form_type.upper().startswith("SB"):
            continue
        try:
            rows.append(
                disbursement(
                    row, name=name, line=line, filing=filing, report=report, form=family,
                    amended=amended, fields=scanned.fields[index],
                    cents=scanned.amounts.get(index),
                )
            )  # fmt: skip
        except InputError as error:
            problem = error
    if on_progress is not None:
        on_progress(seen % _PROGRESS_STEP)
    if problem is not None:
        raise problem
    if seen != len(scanned.lines):
        raise InputError(
            f"FastFEC read {seen} records from {len(scanned.lines)} lines; "
            "the file is not a well-formed filing",
            file=name,
        )
    summary = {
        k: float(v)
        for k, v in report_row.items()
        if isinstance(v, int | float) and k.startswith("col_")
    }
    amends = _text(header, "report_id")
    return Filing(
        source=name,
        filing=filing,
        version=scanned.version,
        form_type=scanned.forms[0],
        form=family,
        amended=amended,
        amends=amends.removeprefix("FEC-") if amended else "",
        committee=_text(report_row, "filer_committee_id_number").upper(),
        committee_name=_text(report_row, "committee_name"),
        report_code=_text(report_row, "report_code"),
        period=report.split(" ", 1)[-1] if " " in report else report,
        summary=summary,
        rows=rows,
        forms=dict(forms),
    )
