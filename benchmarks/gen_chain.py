"""Generate a large chain file for benchmarks: N sites, N engagements, N workforces.

Sites get real US towns and ZIPs taken from the facility list, with made-up street numbers;
one in a hundred sits exactly at a facility's address, so the check has real work to report.
"""

from __future__ import annotations

import csv
import json
import random
from importlib import resources
from pathlib import Path
from typing import Any

STREETS = ["Main St", "Oak Ave", "Elm St", "Market St", "2nd St", "Park Rd", "Lake Dr", "Hill Ln"]


def facility_rows() -> list[dict[str, str]]:
    with resources.files("subtier.data").joinpath("facilities.csv").open(encoding="utf-8") as f:
        return [r for r in csv.DictReader(f) if r["address"] and r["zip"]]


def generate(n: int, seed: int = 7) -> dict[str, Any]:
    rng = random.Random(seed)
    places = facility_rows()
    vendors = max(1, n // 100)
    orgs: list[dict[str, Any]] = [{"id": "root", "name": "Campaign", "type": "campaign"}]
    orgs += [{"id": f"v{i}", "name": f"Vendor {i} LLC"} for i in range(vendors)]
    engagements: list[dict[str, Any]] = []
    sites: list[dict[str, Any]] = []
    workforces: list[dict[str, Any]] = []
    for i in range(vendors):
        engagements.append(
            {
                "id": f"e-v{i}",
                "buyer": "root",
                "supplier": f"v{i}",
                "subcontractors_disclosed": True,
            }
        )
    for i in range(n - vendors):
        orgs.append({"id": f"s{i}", "name": f"Supplier {i} Inc"})
        engagements.append(
            {
                "id": f"e-s{i}",
                "buyer": f"v{i % vendors}",
                "supplier": f"s{i}",
                "service": "calls",
                "sites": [f"site{i}"],
                "price": {"amount": round(rng.uniform(8, 30), 2), "per": "hour"},
                "subcontractors_disclosed": True,
            }
        )
    for i in range(n):
        place = rng.choice(places)
        if i % 100 == 0:
            address = place["address"]
        else:
            address = f"{rng.randint(1, 9999)} {rng.choice(STREETS)}"
        site: dict[str, Any] = {
            "id": f"site{i}",
            "name": f"Site {i}",
            "address": address,
            "city": place["city"],
            "state": place["state"],
            "zip": place["zip"],
            "country": "US",
        }
        sites.append(site)
        if i < n - vendors:
            workforces.append(
                {
                    "site": f"site{i}",
                    "engagement": f"e-s{i}",
                    "labor": "employee",
                    "headcount": rng.randint(1, 50),
                    "pay": {"amount": round(rng.uniform(7, 25), 2), "per": "hour"},
                }
            )
    return {
        "subtier": 1,
        "name": f"generated chain, {n} sites",
        "root": "root",
        "organizations": orgs,
        "sites": sites,
        "engagements": engagements,
        "workforces": workforces,
    }


def write(path: Path, n: int) -> Path:
    path.write_text(json.dumps(generate(n)), encoding="utf-8")
    return path
