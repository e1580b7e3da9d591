"""A user's own list as CSV: ``id,name[,address,city,state,zip,country]``."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from subtier.errors import InputError
from subtier.lists.fanout import build_list
from subtier.lists.prepared import load_prepared, save_prepared
from subtier.screen import ListInfo, Record, RiskList, make_record

OPTIONAL = (
    "address",
    "city",
    "state",
    "zip",
    "country",
    "latitude",
    "longitude",
    "extent_m",
    "status",
)


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
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(f"not UTF-8 text (byte {error.start})", file=str(path)) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = {h.strip().lower(): i for i, h in enumerate(next(reader, []))}
    for required in ("id", "name"):
        if required not in header:
            raise InputError(f"the header has no {required!r} column", file=str(path), line=1)
    rows: list[_Row] = []
    seen: set[str] = set()
    for row in reader:
        if not row:
            continue  # a blank line
        line = reader.line_num
        width = len(row)
        values = {k: row[i].strip() if i < width else "" for k, i in header.items()}
        if not values["id"] or not values["name"]:
            missing = "id" if not values["id"] else "name"
            raise InputError(f"empty {missing}", file=str(path), line=line, field=missing)
        if values["id"] in seen:
            raise InputError(
                f"duplicate id {values['id']!r}", file=str(path), line=line, field="id"
            )
        seen.add(values["id"])
        point = [
            _float(values.get(k), path, line, k) for k in ("latitude", "longitude", "extent_m")
        ]
        rows.append((values, point))
    records, index = build_list(rows, _record)
    risk_list = RiskList(replace(info, entries=len(records)), records, prepared=index)
    save_prepared(content, risk_list)
    return risk_list


_Row = tuple[
    dict[str, str], list[float | None]
]  # a row's cells, and its latitude, longitude, extent


def _record(row: _Row) -> Record:
    values, point = row
    return make_record(
        values["id"],
        values["name"],
        address=values.get("address") or None,
        city=values.get("city") or None,
        state=values.get("state") or None,
        zip=values.get("zip") or None,
        country=values.get("country") or None,
        latitude=point[0],
        longitude=point[1],
        extent_m=point[2],  # a facility's grounds radius, as in the bundled list
        status=values.get("status") or None,
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
