"""The bundled list of US correctional facilities (HIFLD Prison Boundaries; ids are FACILITYID)."""

from __future__ import annotations

import csv
import io
import json
from functools import lru_cache
from importlib import resources

from subtier.bulk import bulk
from subtier.normalize.addresses import Address
from subtier.screen import ListInfo, RiskList, make_record

NAME = "facilities"


@lru_cache(maxsize=1)
def facilities() -> RiskList:
    """Load the bundled facility list. Addresses were parsed when the list was built."""
    data = resources.files("subtier.data")
    meta = json.loads(data.joinpath("facilities.json").read_text(encoding="utf-8"))
    records = []
    text = data.joinpath("facilities.csv").read_text(encoding="utf-8")
    with bulk():
        for row in csv.DictReader(io.StringIO(text, newline="")):
            parsed = Address(
                number=row["number"] or None,
                street=row["street"] or None,
                direction=row["direction"] or None,
                city=row["city"].lower() or None,
                state=row["state"].lower() or None,
                zip5=row["zip"] or None,
                country="us",
                line=row["address"].lower(),
            )
            records.append(
                make_record(
                    row["id"],
                    row["name"],
                    country="US",
                    latitude=float(row["latitude"]),
                    longitude=float(row["longitude"]),
                    extent_m=float(row["extent_m"]),
                    identifiers={"hifld": row["id"]},
                    status=row["status"] or None,
                    parsed=parsed,
                )
            )
    info = ListInfo(
        name=NAME,
        version=f"{meta['data_date']}+sha256:{meta['sha256'][:12]}",
        entries=len(records),
        source=meta["source"],
        license=meta["license"],
    )
    return RiskList(info, tuple(records))
