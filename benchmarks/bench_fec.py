"""Benchmark: `subtier fec` on a large generated bulk file, next to plain CSV parsing of it.

The file is made by gen_fec_bulk.py (1,000,000 rows by default) unless it exists. The command
runs end to end as a subprocess (read, reconcile, classify, merge payees, build the chain,
screen and judge it against the bundled facility list, JSON report). The baseline, measured in
the same run, reads the same file with the csv module and sums its amounts. Prints the
figures; never asserts on them. The target: under 2 minutes and 2 GB on 2 cores.

    python benchmarks/bench_fec.py [--rows 1000000] [--data /tmp/subtier-bench/oppexp-1m.txt]
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_fec_bulk import COMMITTEE, generate

REPO = Path(__file__).resolve().parent.parent


def baseline(path: Path) -> tuple[float, int, float]:
    """Plain csv parsing: rows, total amount, seconds."""
    start = time.perf_counter()
    rows, total = 0, 0.0
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle, delimiter="|", quoting=csv.QUOTE_NONE):
            rows += 1
            total += float(row[13] or 0)
    return time.perf_counter() - start, rows, total


def run(path: Path) -> tuple[float, float, int]:
    """`subtier fec` as a user runs it: seconds, peak RSS in MB, exit code."""
    start = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "subtier",
            "fec",
            str(path),
            "--committee",
            COMMITTEE,
            "--format",
            "json",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=REPO,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if done.returncode:
        sys.stderr.write(done.stderr.decode())
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return elapsed, peak, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--data", type=Path, default=Path("/tmp/subtier-bench/oppexp-1m.txt"))
    args = parser.parse_args()
    if not args.data.exists():
        args.data.parent.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        generate(args.rows, args.data)
        print(f"generated {args.data} in {time.perf_counter() - start:.1f} s")
    size = args.data.stat().st_size / 1e6
    print(f"file: {args.data} ({size:,.0f} MB), cores: {os.cpu_count()}")
    base_s, rows, _total = baseline(args.data)
    print(f"baseline  csv.reader + sum amounts   {base_s:7.1f} s  {rows / base_s:>10,.0f} rows/s")
    took, peak, code = run(args.data)
    print(
        f"subtier fec (read, reconcile, classify, payees, chain, screen, report) "
        f"{took:7.1f} s  {rows / took:>10,.0f} rows/s  peak RSS {peak:,.0f} MB  "
        f"({took / base_s:.1f}x baseline){'' if code == 0 else f'  EXIT {code}'}"
    )
    print("target: under 120 s and 2,048 MB")


if __name__ == "__main__":
    main()
