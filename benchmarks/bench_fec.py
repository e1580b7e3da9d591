"""Benchmark: `subtier fec` on a large generated bulk file, next to plain CSV parsing of it.

The file is made by gen_fec_bulk.py (1,000,000 rows by default) unless it exists. The command
runs end to end as a subprocess (read, reconcile, classify, merge payees, build the chain,
screen and judge it against the bundled facility list, JSON report). The baseline, measured in
the same run, reads the same file with the csv module and sums its amounts. Prints the
figures; never asserts on them. The target: under 2 minutes and 2 GB on 2 cores.

    python benchmarks/bench_fec.py [--rows 1000000] [--data /tmp/subtier-bench/oppexp-1m.txt]
    python benchmarks/bench_fec.py --filings [--repeat 5]

With ``--filings`` it times instead what reading an electronic filing costs with FastFEC in its
own child process (the guard against a filing that crashes it) against FastFEC in this process
(the baseline), on the bundled filings, and the checks before FastFEC on their own.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
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


FILINGS = [REPO / "tests" / "fec" / "fixtures" / "1527862.fec"]


def _best(repeat: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def _time_filing(path: Path, repeat: int) -> None:
    from subtier.fec import isolated
    from subtier.fec.filing import read_filing, scan

    data = path.read_bytes()
    lines = scan(data, str(path)).lines
    here = _best(repeat, lambda: sum(1 for _ in isolated._parse_here(data)))
    child = _best(repeat, lambda: sum(1 for _ in isolated.parse(data, name="", lines=lines)))
    checks = _best(repeat, lambda: scan(data, str(path)))
    whole = _best(repeat, lambda: read_filing(path))
    print(
        f"{path.name} ({len(data) / 1e6:.1f} MB, {len(lines):,} records): "
        f"FastFEC in-process {here * 1000:.0f} ms, in a child process {child * 1000:.0f} ms "
        f"({child / here:.2f}x); checks before FastFEC {checks * 1000:.0f} ms; "
        f"read_filing in all {whole * 1000:.0f} ms"
    )


def filings(repeat: int) -> None:
    """Reading the bundled filings: FastFEC isolated in a child process, against in-process."""
    sys.path.insert(0, str(REPO / "src"))
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.2f}, best of {repeat}")
    for path in FILINGS:
        _time_filing(path, repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--data", type=Path, default=Path("/tmp/subtier-bench/oppexp-1m.txt"))
    parser.add_argument("--filings", action="store_true", help="time reading .fec filings")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if args.filings:
        filings(args.repeat)
        return
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
