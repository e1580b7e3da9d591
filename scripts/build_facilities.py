"""Build the bundled list of US correctional facilities from HIFLD Prison Boundaries.

Reads ``../shared/data/hifld_prison_boundaries/`` (public domain, DHS HIFLD) and writes
``src/subtier/data/facilities.csv`` and ``facilities.json`` (metadata). Entry ids are HIFLD
FACILITYID. Coordinates come from the derived bounding-box centroids; each facility's extent
(grounds radius) comes from its polygon's perimeter.

    python scripts/build_facilities.py [--source DIR]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
from pathlib import Path

from subtier.core.normalize.addresses import parse_address

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "hifld_prison_boundaries"
OUT = ROOT / "src" / "subtier" / "data"
COLUMNS = [
    "id", "name", "address", "city", "state", "zip", "country", "type", "status", "capacity",
    "security", "latitude", "longitude", "extent_m", "number", "direction", "street", "po_box",
]  # fmt: skip
MIN_EXTENT_M = 50.0


def extent_m(perimeter_mercator: str, latitude: float) -> float:
    """Radius of the grounds: a circle with the polygon's true perimeter, at least 50 m.

    HIFLD's SHAPE_Length is in Web Mercator metres, which stretch by 1/cos(latitude).
    """
    try:
        perimeter = float(perimeter_mercator) * math.cos(math.radians(latitude))
    except ValueError:
        return MIN_EXTENT_M
    return round(max(MIN_EXTENT_M, perimeter / (2 * math.pi)), 1)


def clean(value: str) -> str:
    value = value.strip()
    return "" if value in {"-999", "NOT AVAILABLE", "NULL"} else value


def build(source: Path) -> list[dict[str, str]]:
    with (source / "Prison_Boundaries_bbox_centroids.csv").open(encoding="utf-8-sig") as f:
        centroids = {row["FID"]: row for row in csv.DictReader(f)}
    rows: list[dict[str, str]] = []
    with (source / "Prison_Boundaries.csv").open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            if not row["FACILITYID"].strip():  # the table's last row is an empty record
                continue
            point = centroids[row["FID"]]
            lat, lon = float(point["LATITUDE"]), float(point["LONGITUDE"])
            zip5 = clean(row["ZIP"]).zfill(5) if clean(row["ZIP"]) else ""
            parsed = parse_address(
                clean(row["ADDRESS"]), clean(row["CITY"]), clean(row["STATE"]), zip5
            )
            rows.append(
                {
                    "id": row["FACILITYID"],
                    "name": clean(row["NAME"]),
                    "address": clean(row["ADDRESS"]),
                    # As parsed ("ST JOHNSBURY" for "ST. JOHNSBURY"): compared as it is.
                    "city": (parsed.city or "").upper(),
                    "state": clean(row["STATE"]),
                    "zip": zip5,
                    "country": "US",
                    "type": clean(row["TYPE"]).lower(),
                    "status": clean(row["STATUS"]).lower(),
                    "capacity": clean(row["CAPACITY"]),
                    "security": clean(row["SECURELVL"]).lower(),
                    "latitude": f"{lat:.6f}",
                    "longitude": f"{lon:.6f}",
                    "extent_m": str(extent_m(row["SHAPE_Length"], lat)),
                    "number": parsed.number or "",
                    "direction": parsed.direction or "",
                    "street": parsed.street or "",
                    "po_box": parsed.po_box or "",
                }
            )
    rows.sort(key=lambda r: int(r["id"]))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    args = parser.parse_args()
    rows = build(args.source)
    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / "facilities.csv"
    with target.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    meta = {
        "name": "facilities",
        "title": "US correctional facilities (HIFLD Prison Boundaries)",
        "source": "DHS HIFLD Prison Boundaries, attribute table and bounding-box centroids",
        "license": "Public Domain (US federal open data)",
        "data_date": "2022-02-18",
        "entries": len(rows),
        "sha256": digest,
    }
    (OUT / "facilities.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {len(rows)} facilities to {target} (sha256 {digest[:12]})")


if __name__ == "__main__":
    main()
