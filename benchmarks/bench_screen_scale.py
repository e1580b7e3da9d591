"""Benchmark: `subtier screen` at scale, next to baselines measured in the same run.

(i)  A 1,000,000-row roster of made-up supplier sites in the towns of the bundled facility
     list (about 1% at a real facility address, perturbed) screened end to end with
     `subtier screen INPUT --list facilities --output OUT.csv`. Prints rows/s, wall time and
     peak RSS against the targets (under 5 minutes, peak under 4 GB). Baseline: reading and
     writing the same CSV with Python's csv module.
(ii) A 1,000,000-entry made-up company list loaded with subtier.lists.load_list and indexed
     (risk_list.index) in a subprocess: time and peak RSS against the 4 GB target. Baseline:
     the peak RSS of reading the same CSV into a list of dicts.

Prints figures; never asserts on them. Try it small first:

    python benchmarks/bench_screen_scale.py [--rows N] [--entries N] [--timeout S] [--skip i|ii]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screen_sets import (
    OUTPUT_COLUMNS,
    Run,
    machine,
    mb,
    run_timed,
    screen_available,
    screen_command,
    write_company_list,
    write_sites,
)

TIME_TARGET = 300.0  # seconds, for 1,000,000 rows
MEMORY_TARGET_KB = 4 * 1024 * 1024  # 4 GB

LOAD_AND_INDEX = """
import json, os, sys, time
began = time.perf_counter()
from subtier.lists import load_list
imported = time.perf_counter()
risk_list = load_list(sys.argv[1])
loaded = time.perf_counter()
risk_list.index
indexed = time.perf_counter()
print(json.dumps({"entries": len(risk_list.records), "import": imported - began,
                  "load": loaded - imported, "index": indexed - loaded}), flush=True)
os._exit(0)
"""

READ_DICTS = """
import csv, json, os, sys, time
began = time.perf_counter()
with open(sys.argv[1], newline="", encoding="utf-8") as handle:
    rows = list(csv.DictReader(handle))
print(json.dumps({"entries": len(rows), "load": time.perf_counter() - began}), flush=True)
os._exit(0)
"""


def peak(run: Run) -> int:
    """The figure held against the memory target: the process tree's if it had workers."""
    return max(run.peak_kb or 0, run.tree_kb or 0)


def memory_line(run: Run) -> str:
    tree = f"; process tree ({run.processes} processes) {mb(run.tree_kb)} summed PSS"
    return f"peak RSS {mb(run.peak_kb)}" + (tree if run.tree_kb else "")


def failure(run: Run, cap_kb: int) -> str:
    """Why a run failed, with the end of its stderr."""
    if run.timed_out:
        why = f"TIMED OUT after {run.wall:.0f} s"
    elif "MemoryError" in run.stderr and cap_kb:
        why = (
            f"hit the {mb(cap_kb)} address-space cap after {run.wall:.0f} s (memory target NOT met)"
        )
    else:
        why = f"FAILED (exit {run.returncode}) after {run.wall:.0f} s"
    tail = "\n    ".join(run.stderr.strip().splitlines()[-6:])
    return f"{why}; {memory_line(run)}" + (f"\n    {tail}" if tail else "")


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def copy_csv(source: Path, target: Path) -> float:
    """The floor for any CSV-to-CSV screen: read each row, write it with empty output columns."""
    began = time.perf_counter()
    blank = [""] * len(OUTPUT_COLUMNS)
    with (
        source.open(newline="", encoding="utf-8") as inp,
        target.open("w", newline="", encoding="utf-8") as out,
    ):
        reader, writer = csv.reader(inp), csv.writer(out)
        writer.writerow([*next(reader), *OUTPUT_COLUMNS])
        for row in reader:
            writer.writerow(row + blank)
    return time.perf_counter() - began


def count_rows(path: Path) -> int:
    if not path.exists():
        return 0
    with path.open(newline="", encoding="utf-8", errors="replace") as handle:
        return max(0, sum(1 for _ in csv.reader(handle)) - 1)


def flagged(path: Path) -> tuple[int, int, int, int, int]:
    """Output rows, facility-address rows, those matched to their facility, those matched to
    anything, and ordinary rows matched to something."""
    rows = at_facility = right = any_match = ordinary = 0
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rows += 1
            match = row.get("match_id") or ""
            if row.get("truth"):
                at_facility += 1
                right += match == row["truth"]
                any_match += bool(match)
            else:
                ordinary += bool(match)
    return rows, at_facility, right, any_match, ordinary


def roster(rows: int, tmp: Path, timeout: float, cap_kb: int) -> None:
    print(f"\n(i) screening a {rows:,}-row roster against the bundled facility list")
    began = time.perf_counter()
    source = write_sites(tmp / "sites.csv", rows)
    size = source.stat().st_size / 1e6
    print(f"  generated in {time.perf_counter() - began:.1f} s ({size:,.1f} MB CSV)")
    baseline = copy_csv(source, tmp / "copy.csv")
    (tmp / "copy.csv").unlink()
    print(
        f"  baseline (csv module, read + write only): {baseline:7.2f} s  "
        f"({rows / baseline:,.0f} rows/s)"
    )
    if not screen_available():
        print("  `subtier screen` is not available: nothing more to measure")
        return
    out = tmp / "screened.csv"
    run = run_timed(screen_command(source, "facilities", out), timeout, cap_kb)
    if run.timed_out:
        done = count_rows(out)
        print(
            f"  subtier screen: TIMED OUT after {run.wall:.0f} s; {done:,} rows written by "
            f"then ({done / run.wall:,.0f} rows/s); {memory_line(run)}"
        )
    elif run.returncode != 0:
        print(f"  subtier screen: {failure(run, cap_kb)}")
        return
    else:
        print(
            f"  subtier screen, end to end:              {run.wall:7.2f} s  "
            f"({rows / run.wall:,.0f} rows/s, {run.wall / baseline:.1f}x baseline)"
        )
        print(f"  {memory_line(run)}")
        total, at_facility, right, any_match, ordinary = flagged(out)
        print(
            f"  output rows {total:,}; rows at a facility address {at_facility:,}: "
            f"{right:,} matched to it, {any_match:,} to anything; ordinary rows matched: "
            f"{ordinary:,} ({ordinary / max(1, total - at_facility):.2%})"
        )
    scale = 1_000_000 / rows
    print(
        f"  targets (1,000,000 rows): under 5 minutes -> "
        f"{verdict(not run.timed_out and run.wall * scale < TIME_TARGET)}"
        f"{'' if scale == 1 else f' (extrapolated: {run.wall * scale:,.0f} s)'}; "
        f"peak under 4 GB -> {verdict(peak(run) < MEMORY_TARGET_KB)}"
        f"{'' if scale == 1 else ' (at this size)'}"
    )


def big_list(entries: int, tmp: Path, timeout: float, cap_kb: int) -> None:
    print(f"\n(ii) loading and indexing a {entries:,}-entry company list")
    began = time.perf_counter()
    path = write_company_list(tmp / "companies.csv", entries)
    size = path.stat().st_size / 1e6
    print(f"  generated in {time.perf_counter() - began:.1f} s ({size:,.1f} MB CSV)")
    base = run_timed([sys.executable, "-c", READ_DICTS, str(path)], timeout, cap_kb)
    if not base.ok():
        print(f"  baseline: {failure(base, cap_kb)}")
    else:
        figures = json.loads(base.stdout)
        print(
            f"  baseline (csv.DictReader into a list of dicts): {figures['load']:6.2f} s, "
            f"peak RSS {mb(base.peak_kb)}"
        )
    run = run_timed([sys.executable, "-c", LOAD_AND_INDEX, str(path)], timeout, cap_kb)
    if not run.ok():
        print(f"  load_list + index: {failure(run, cap_kb)}")
        return
    f = json.loads(run.stdout)
    print(
        f"  load_list + index: {f['load'] + f['index']:6.2f} s (load {f['load']:.2f} s, "
        f"index {f['index']:.2f} s; import {f['import']:.2f} s; "
        f"process {run.wall:.2f} s wall), {memory_line(run)}"
    )
    if base.ok() and base.peak_kb and run.peak_kb:
        print(f"  memory vs baseline: {run.peak_kb / base.peak_kb:.1f}x")
    again = run_timed([sys.executable, "-c", LOAD_AND_INDEX, str(path)], timeout, cap_kb)
    if again.ok():
        g = json.loads(again.stdout)
        print(
            f"  the same again, list prepared by the first load: {g['load'] + g['index']:6.2f} s, "
            f"{memory_line(again)}"
        )
        run = run if peak(run) >= peak(again) else again
    scale = 1_000_000 / entries
    print(
        f"  target: peak under 4 GB -> {verdict(peak(run) < MEMORY_TARGET_KB)}"
        f"{'' if scale == 1 else f' (at this size; x{scale:g} linear: {mb(int(peak(run) * scale))})'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="roster rows for (i)")
    parser.add_argument("--entries", type=int, default=1_000_000, help="list entries for (ii)")
    parser.add_argument("--timeout", type=float, default=1200, help="seconds per subprocess")
    parser.add_argument(
        "--memory-cap",
        type=float,
        default=12,
        help="GB of address space each subprocess may take (RLIMIT_AS); 0 for none",
    )
    parser.add_argument("--skip", choices=("i", "ii"), help="leave one part out")
    args = parser.parse_args()
    cap_kb = int(args.memory_cap * 1024 * 1024)
    cap = f"{args.memory_cap:g} GB address-space cap per process" if cap_kb else "no memory cap"
    print(f"screen scale benchmark: {machine()}; {cap}, {args.timeout:g} s limit per run")
    with tempfile.TemporaryDirectory(prefix="bench_screen_scale_") as name:
        tmp = Path(name)
        # Prepared copies of the generated lists go here, not into the user's own folder.
        os.environ["SUBTIER_HOME"] = str(tmp / "home")
        if args.skip != "i":
            roster(args.rows, tmp, args.timeout, cap_kb)
        if args.skip != "ii":
            big_list(args.entries, tmp, args.timeout, cap_kb)


if __name__ == "__main__":
    main()
