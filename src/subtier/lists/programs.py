"""The bundled list of US correctional-industries programs (curated; ids like ``us-ok-oci``)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from functools import lru_cache
from importlib import resources

from subtier.core.screen import ListInfo, make_record
from subtier.core.screen.programs import KIND, ProgramList, make_program

NAME = "correctional-industries"


@lru_cache(maxsize=1)
def programs() -> ProgramList:
    """Load the bundled program list (57 entries: read and indexed in a few milliseconds)."""
    data = resources.files("subtier.data")
    meta = json.loads(data.joinpath("programs.json").read_text(encoding="utf-8"))
    raw = data.joinpath("programs.csv").read_bytes()
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))
    records = []
    found = []
    for row in rows:
        aliases = [a for a in row["aliases"].split(";") if a.strip()]
        state = row["state"] or None
        records.append(
            make_record(row["id"], row["name"], aliases=aliases, state=state, country="US")
        )
        federal = row["jurisdiction"].upper() == "US"
        found.append(make_program(row["id"], row["name"], aliases, state, federal))
    info = ListInfo(
        name=NAME,
        version=f"{meta['data_date']}+sha256:{hashlib.sha256(raw).hexdigest()[:12]}",
        entries=len(rows),
        source=meta["source"],
        license=meta["license"],
        kind=KIND,
        data_date=meta["data_date"],
    )
    return ProgramList(info, tuple(records), tuple(found))
