"""Benchmark: hostile inputs cost about what a normal run costs, not minutes.

Each case runs the command as a user would (a subprocess) on a hostile file and on the same
file without the hostile part (the baseline, measured in the same run), and prints both with
their ratio. A hostile file must end in a clear error (exit 2), not in a long run:

- `subtier check` on the example chain with a 3.1-million-character site address (75 s before
  addresses had a length limit);
- `subtier screen` against an FtM list with a 30 MB entity name (28 s before);
- `subtier fec` on the bundled filing with a lone-quote field (FastFEC aborted the process).

    python benchmarks/bench_hostile.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "src" / "subtier" / "data" / "examples" / "procom-2019.yaml"
ROSTER = REPO / "tests" / "fixtures" / "lists" / "sites.csv"
FILING = REPO / "tests" / "fec" / "fixtures" / "1527862.fec"


def timed(*args: str) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "subtier", *args],
        capture_output=True,
        cwd=REPO,
        check=False,
        timeout=600,
    )
    return time.perf_counter() - start, done.returncode


def _report(what: str, base: tuple[float, int], hostile: tuple[float, int]) -> None:
    print(
        f"{what}: baseline {base[0]:.2f} s (exit {base[1]}), hostile {hostile[0]:.2f} s "
        f"(exit {hostile[1]}), {hostile[0] / base[0]:.2f}x"
    )


def main() -> None:
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        chain = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
        chain["sites"][0]["address"] = "1 Main St " * 310_000
        huge = out / "huge-address.yaml"
        huge.write_text(yaml.safe_dump(chain, sort_keys=False), encoding="utf-8")
        _report(
            "check, 3.1 M-character address",
            timed("check", str(EXAMPLE)),
            timed("check", str(huge)),
        )

        fine = out / "fine.ftm.json"
        big = out / "big-name.ftm.json"
        for path, name in ((fine, "Acme"), (big, "N" * 30_000_000)):
            entity = {"id": "a", "schema": "Company", "properties": {"name": [name]}}
            path.write_text(json.dumps(entity) + "\n", encoding="utf-8")
        _report(
            "screen, 30 MB FtM name",
            timed("screen", str(ROSTER), "--list", str(fine), "-o", str(out / "a.csv")),
            timed("screen", str(ROSTER), "--list", str(big), "-o", str(out / "b.csv")),
        )

        lines = FILING.read_bytes().split(b"\n")
        fields = lines[2300].split(b"\x1c")
        fields[7] = b'"'
        lines[2300] = b"\x1c".join(fields)
        quoted = out / "1527862.fec"
        quoted.write_bytes(b"\n".join(lines))
        _report("fec, lone-quote field", timed("fec", str(FILING)), timed("fec", str(quoted)))


if __name__ == "__main__":
    main()
