"""Write the chain file's JSON Schema, generated from the model, into the package.

python scripts/build_schema.py
"""

from __future__ import annotations

import json
from pathlib import Path

from subtier.model.schema import chain_schema

TARGET = Path(__file__).resolve().parent.parent / "src" / "subtier" / "data" / "chain.schema.json"


def main() -> None:
    TARGET.write_text(json.dumps(chain_schema(), indent=2) + "\n", encoding="utf-8")
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
