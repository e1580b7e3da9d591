"""Benchmark: `subtier screen --engine spark` next to the local engine, on the same input.

Generates a roster of made-up supplier sites (benchmarks/screen_sets.py's generator, as in
bench_screen_scale.py: about 1% at a perturbed real facility address), screens it against the
bundled facility list with the local engine and with `--engine spark` in local mode on
2 cores, and prints rows/s, rows/s per core, and parity: how many rows got the same match_id
and a score within 1e-6. Then the same parity check on the labelled benchmark sets
(../shared/bench: companies, facilities, names) when they are present.

Prints figures; never asserts on them. The full size takes long; try it small first:

    python benchmarks/bench_spark.py [--rows N] [--master URL] [--timeout S] [--skip-sets]
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screen_sets import (
    REPO,
    Run,
    ScreenSet,
    companies_set,
    facilities_set,
    machine,
    mb,
    names_set,
    run_timed,
    screen_command,
    write_sites,
)

ROWS = 10_000_000
MASTER = "local[2]"
# Local mode runs executors in the driver's JVM: give it room for the shuffles it spills.
DRIVER_MEMORY = "4g"


@dataclass(frozen=True)
class Parity:
    rows: int
    other_rows: int
    same_match: int
    scores_close: int
    identical_bytes: bool

    def line(self) -> str:
        verdict = "IDENTICAL" if self.same_match == self.rows == self.other_rows else "DIFFERENT"
        return (
            f"parity {verdict}: {self.rows:,} rows (spark {self.other_rows:,}); same match_id "
            f"{self.same_match:,}; scores within 1e-6 {self.scores_close:,}; "
            f"files byte-identical: {'yes' if self.identical_bytes else 'no'}"
        )


def parity(local: Path, spark: Path) -> Parity:
    """Row by row: the same match_id and scores within 1e-6 (blank scores must both be blank)."""
    same = close = rows = other = 0
    with (
        local.open(newline="", encoding="utf-8") as a,
        spark.open(newline="", encoding="utf-8") as b,
    ):
        left, right = csv.DictReader(a), csv.DictReader(b)
        for x, y in zip(left, right, strict=False):
            rows += 1
            other += 1
            same += x["match_id"] == y["match_id"]
            sx, sy = x["score"], y["score"]
            close += (sx == sy) if not (sx and sy) else abs(float(sx) - float(sy)) <= 1e-6
        rows += sum(1 for _ in left)
        other += sum(1 for _ in right)
    identical = local.stat().st_size == spark.stat().st_size and _same_bytes(local, spark)
    return Parity(rows, other, same, close, identical)


def _same_bytes(a: Path, b: Path) -> bool:
    with a.open("rb") as x, b.open("rb") as y:
        while True:
            block = x.read(1 << 20)
            if block != y.read(1 << 20):
                return False
            if not block:
                return True


def spark_command(
    source: Path, list_spec: str, output: Path, master: str, top: int | None = None
) -> list[str]:
    return [*screen_command(source, list_spec, output, top), "--engine", "spark",
            "--spark-master", master]  # fmt: skip


def spark_env() -> None:
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ.setdefault("PYSPARK_SUBMIT_ARGS", f"--driver-memory {DRIVER_MEMORY} pyspark-shell")


def report(name: str, run: Run, rows: int, cores: int) -> None:
    if not run.ok():
        why = "TIMED OUT" if run.timed_out else f"FAILED (exit {run.returncode})"
        tail = "\n    ".join(run.stderr.strip().splitlines()[-8:])
        print(f"  {name}: {why} after {run.wall:.0f} s\n    {tail}")
        return
    rate = rows / run.wall
    tree = f", {mb(run.tree_kb)} summed over the process tree" if run.tree_kb else ""
    print(
        f"  {name:<28} {run.wall:9.1f} s  {rate:9,.0f} rows/s  {rate / cores:8,.0f} rows/s "
        f"per core ({cores} cores); peak RSS {mb(run.peak_kb)}{tree}"
    )


def scale(rows: int, master: str, tmp: Path, timeout: float, skip_local: bool) -> None:
    print(f"\n(i) {rows:,} generated rows against the bundled facility list")
    began = time.perf_counter()
    source = write_sites(tmp / "sites.csv", rows)
    print(
        f"  generated in {time.perf_counter() - began:.1f} s "
        f"({source.stat().st_size / 1e6:,.1f} MB CSV)"
    )
    cores = min(os.cpu_count() or 1, 8)  # the local engine's worker processes
    spark_cores = _cores(master, cores)
    local_out, spark_out = tmp / "local.csv", tmp / "spark.csv"
    if not skip_local:
        local = run_timed(screen_command(source, "facilities", local_out), timeout)
        report("local engine", local, rows, cores)
    spark = run_timed(spark_command(source, "facilities", spark_out, master), timeout)
    report(f"spark engine ({master})", spark, rows, spark_cores)
    if not skip_local and local.ok() and spark.ok():
        print(f"  {parity(local_out, spark_out).line()}")
        print(f"  spark / local wall time: {spark.wall / local.wall:.2f}x")


def _cores(master: str, default: int) -> int:
    if master.startswith("local[") and master[6:-1].isdigit():
        return int(master[6:-1])
    return default


def labelled(shared: Path, master: str, tmp: Path, timeout: float) -> None:
    print("\n(ii) parity on the labelled benchmark sets (top 1, default threshold)")
    if not (shared / "bench").is_dir():
        print(f"  no benchmark sets at {shared}; skipped")
        return
    sets: list[ScreenSet] = [
        companies_set(shared),
        facilities_set(shared, tmp),
        names_set(shared, tmp),
    ]
    for one in sets:
        local_out, spark_out = tmp / f"{one.key}-local.csv", tmp / f"{one.key}-spark.csv"
        local = run_timed(screen_command(one.input, one.list_spec, local_out), timeout)
        spark = run_timed(spark_command(one.input, one.list_spec, spark_out, master), timeout)
        if not (local.ok() and spark.ok()):
            bad = spark if local.ok() else local
            print(f"  {one.name}: FAILED\n    " + "\n    ".join(bad.stderr.splitlines()[-6:]))
            continue
        rows = len(one.queries)
        print(
            f"  {one.name} ({rows:,} rows): local {local.wall:.1f} s, spark {spark.wall:.1f} s; "
            f"{parity(local_out, spark_out).line()}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=ROWS, help="generated input rows")
    parser.add_argument("--master", default=MASTER, help="Spark master (default local[2])")
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--timeout", type=float, default=6 * 3600, help="seconds per run")
    parser.add_argument("--skip-sets", action="store_true", help="skip the labelled sets")
    parser.add_argument("--skip-local", action="store_true", help="time the Spark engine only")
    args = parser.parse_args()
    try:
        import pyspark  # noqa: F401
    except ImportError:
        print("bench_spark: PySpark is not installed (pip install 'subtier[spark]'); skipped")
        return
    spark_env()
    print(f"spark benchmark: {machine()}, master {args.master}")
    with tempfile.TemporaryDirectory(prefix="bench_spark_") as name:
        tmp = Path(name)
        scale(args.rows, args.master, tmp, args.timeout, args.skip_local)
        if not args.skip_sets:
            labelled(args.shared.resolve(), args.master, tmp, args.timeout)


if __name__ == "__main__":
    main()
