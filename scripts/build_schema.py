"""Write the JSON Schemas (chain file, check output), generated from models, into the package.

python scripts/build_schema.py
"""

from __future__ import annotations

import json
from pathlib import Path

from subtier.core.model.schema import chain_schema
from subtier.report.schema import check_output_schema

DATA = Path(__file__).resolve().parent.parent / "src" / "subtier" / "data"


def main() -> None:
    for name, schema in (
        ("chain.schema.json", chain_schema()),
        ("check-output.schema.json", check_output_schema()),
    ):
        target = DATA / name
        target.write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {target}")


if __name__ == "__main__":
    main()
