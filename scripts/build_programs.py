"""Build the bundled list of US correctional-industries programs.

Reads ``../shared/data/curated/correctional_industries.csv`` (57 programs, each confirmed by a
public source; see that folder's SOURCES.md) and writes ``src/subtier/data/programs.csv`` and
``programs.json`` (metadata). Entry ids are the curated ids (``us-ok-oci``).

Aliases lose the notes written beside them in parentheses ("ARCOR (former name 1969-1987)"
becomes "ARCOR"); a parenthesis that spells an acronym out ("Education Based Incarceration
(EBI)") gives both names; an alias noted as only proposed is left out, since no one trades
under it.

    python scripts/build_programs.py [--source FILE]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "curated" / "correctional_industries.csv"
OUT = ROOT / "src" / "subtier" / "data"
COLUMNS = ["id", "name", "aliases", "jurisdiction", "state", "city", "parent_agency", "source_url"]
_NOTE = re.compile(r"\s*\(([^)]*)\)\s*")
_ACRONYM = re.compile(r"^[A-Z]{2,6}$")
_DATA_DATE = "2026-11-24"  # when the curated list was last checked against its sources


def clean_alias(alias: str) -> list[str]:
    """The names an alias stands for, without the notes written beside them."""
    alias = alias.strip()
    if not alias:
        return []
    notes = _NOTE.findall(alias)
    if any("proposed" in note.lower() for note in notes):
        return []
    bare = " ".join(_NOTE.sub(" ", alias).split())
    out = [bare] if bare else []
    out += [note for note in notes if _ACRONYM.match(note)]
    return out


def build(source: Path) -> list[dict[str, str]]:
    rows = []
    with source.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            name = row["name"].strip()
            seen = {name.lower()}
            aliases = []
            for alias in row["aliases"].split(";"):
                for clean in clean_alias(alias):
                    if clean.lower() not in seen:
                        seen.add(clean.lower())
                        aliases.append(clean)
            rows.append(
                {
                    "id": row["id"].strip(),
                    "name": name,
                    "aliases": ";".join(aliases),
                    "jurisdiction": row["jurisdiction"].strip(),
                    "state": row["state"].strip(),
                    "city": row["city"].strip(),
                    "parent_agency": row["parent_agency"].strip(),
                    "source_url": row["source_url"].strip(),
                }
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    args = parser.parse_args()
    rows = build(args.source)
    target = OUT / "programs.csv"
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    meta = {
        "name": "correctional-industries",
        "title": "US correctional-industries programs (curated)",
        "source": "Curated from public sources: one program per state, the federal program,"
        " DC and five county programs; each row cites its source",
        "license": "Facts compiled for this project; free to bundle",
        "data_date": _DATA_DATE,
        "entries": len(rows),
        "sha256": hashlib.sha256(target.read_bytes()).hexdigest(),
    }
    (OUT / "programs.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {len(rows)} programs to {target}")


if __name__ == "__main__":
    main()
