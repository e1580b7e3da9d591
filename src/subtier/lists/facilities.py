"""The bundled list of US correctional facilities (HIFLD Prison Boundaries; ids are FACILITYID)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import replace
from functools import lru_cache
from importlib import resources

from subtier.core.gcpause import bulk
from subtier.core.normalize.addresses import Address
from subtier.core.screen import ListInfo, RiskList, make_record
from subtier.core.screen.kinds import ListKind
from subtier.lists.prepared import load_prepared, save_prepared

NAME = "facilities"


@lru_cache(maxsize=1)
def facilities() -> RiskList:
    """Load the bundled facility list. Addresses were parsed when the list was built; the
    normalized list is stored prepared on first use, like a user's own big list, since every
    ``subtier check`` screens against it (0.35 s to build and index, 0.05 s to read back)."""
    data = resources.files("subtier.data")
    meta = json.loads(data.joinpath("facilities.json").read_text(encoding="utf-8"))
    raw = data.joinpath("facilities.csv").read_bytes()
    key = f"{NAME}-{hashlib.sha256(raw).hexdigest()}"
    info = ListInfo(
        name=NAME,
        version=f"{meta['data_date']}+sha256:{meta['sha256'][:12]}",
        entries=0,
        source=meta["source"],
        license=meta["license"],
        kind=ListKind.FACILITIES,
        data_date=meta["data_date"],
    )
    prepared = load_prepared(key, info, ListKind.FACILITIES)
    if prepared is not None:
        return prepared
    records = []
    with bulk():
        for row in csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")):
            parsed = Address(
                number=row["number"] or None,
                street=row["street"] or None,
                direction=row["direction"] or None,
                po_box=row["po_box"] or None,
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
    risk_list = RiskList(replace(info, entries=len(records)), tuple(records))
    save_prepared(key, risk_list)
    return risk_list
