"""A user's own list as CSV: ``id,name[,address,city,state,zip,country]``."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

from subtier.errors import InputError
from subtier.lists.fanout import build_list
from subtier.lists.prepared import load_prepared, save_prepared
from subtier.screen import ListInfo, Record, RiskList, make_record

# The columns besides id and name, in the order rows hold them.
_TEXT = ("address", "city", "state", "zip", "country")
_NUMBERS = ("latitude", "longitude", "extent_m")
OPTIONAL = (*_TEXT, *_NUMBERS, "status")


def load_csv_list(path: Path, name: str | None = None) -> RiskList:
    """Load a CSV list. Rows without an id or a name are errors naming their line."""
    raw = path.read_bytes()
    content = hashlib.sha256(raw).hexdigest()
    day = datetime.fromtimestamp(path.stat().st_mtime, UTC).date().isoformat()
    info = ListInfo(
        name=name or path.stem,
        version=f"{day}+sha256:{content[:12]}",
        entries=0,
        source=str(path),
    )
    prepared = load_prepared(content, info)
    if prepared is not None:
        return prepared
    rows = _read_rows(raw, path)
    del raw  # a big list's text and rows are let go as soon as they are used
    records, index = build_list(rows, _record)
    del rows
    risk_list = RiskList(replace(info, entries=len(records)), records, prepared=index)
    save_prepared(content, risk_list)
    return risk_list


# A row's cells as make_record takes them: id, name, the optional columns' text or None, and
# latitude, longitude and extent as numbers. Tuples, not dicts: a million rows are held at once.
_Row = tuple[
    str, str, str | None, str | None, str | None, str | None, str | None,
    float | None, float | None, float | None, str | None,
]  # fmt: skip


def _read_rows(raw: bytes, path: Path) -> list[_Row]:
    """The rows of a CSV list; an error naming the line at the first one that cannot serve."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(f"not UTF-8 text (byte {error.start})", file=str(path)) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return _rows_of(reader, path)
    except csv.Error as error:  # e.g. a field longer than the csv module takes
        message = f"not readable as CSV: {error}"
        raise InputError(message, file=str(path), line=reader.line_num) from None


def _rows_of(reader: Any, path: Path) -> list[_Row]:
    header = {h.strip().lower(): i for i, h in enumerate(next(reader, []))}
    for required in ("id", "name"):
        if required not in header:
            raise InputError(f"the header has no {required!r} column", file=str(path), line=1)
    at = [header.get(k, -1) for k in ("id", "name", *OPTIONAL)]
    width = max(at) + 1
    rows: list[_Row] = []
    seen: set[str] = set()
    for row in reader:
        if not row:
            continue  # a blank line
        if len(row) < width:
            row += [""] * (width - len(row))
        c = [row[i].strip() if i >= 0 else "" for i in at]
        id_, name = c[0], c[1]
        if not id_ or not name or id_ in seen:
            _bad_row(id_, name, path, reader.line_num)
        seen.add(id_)
        latitude, longitude, extent = (
            _numbers(c, path, reader.line_num) if c[7] or c[8] or c[9] else (None, None, None)
        )
        # Spelled out, not looped over: a million rows pass through here.
        rows.append(
            (
                id_, name, c[2] or None, c[3] or None, c[4] or None, c[5] or None, c[6] or None,
                latitude, longitude, extent, c[10] or None,
            )
        )  # fmt: skip
    return rows


def _bad_row(id_: str, name: str, path: Path, line: int) -> NoReturn:
    if not id_ or not name:
        missing = "id" if not id_ else "name"
        raise InputError(f"empty {missing}", file=str(path), line=line, field=missing)
    raise InputError(f"duplicate id {id_!r}", file=str(path), line=line, field="id")


def _numbers(
    cells: list[str], path: Path, line: int
) -> tuple[float | None, float | None, float | None]:
    latitude, longitude, extent = (
        _float(c, path, line, k) for c, k in zip(cells[7:10], _NUMBERS, strict=True)
    )
    return latitude, longitude, extent


def _record(row: _Row) -> Record:
    id_, name, address, city, state, zip_, country, latitude, longitude, extent, status = row
    return make_record(
        id_,
        name,
        address=address,
        city=city,
        state=state,
        zip=zip_,
        country=country,
        latitude=latitude,
        longitude=longitude,
        extent_m=extent,  # a facility's grounds radius, as in the bundled list
        status=status,
    )


def _float(value: str | None, path: Path, line: int, field: str) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise InputError(
            f"not a number: {value!r}", file=str(path), line=line, field=field
        ) from None
