"""Benchmark: `subtier check` on a generated chain of 100,000 sites and 100,000 engagements.

Prints the wall time of the whole command (load, validate, screen, judge, trace wages, JSON
report), next to a baseline measured in the same run: reading and validating the same file
only. Goal: under 10 s on 2 cores.

    python benchmarks/bench_check.py [--sites N]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_chain import write


def timed(args: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(done.stderr.decode())
    return time.perf_counter() - start, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = write(Path(tmp) / "chain.json", args.sites)
        size = path.stat().st_size / 1e6
        # The baseline gets the collector setting and quick exit the command uses: the ratio
        # compares work, not interpreter teardown.
        load_only = (
            "import gc, os; gc.set_threshold(200_000, 50, 1000); "
            f"from subtier.formats import load_chain; load_chain({str(path)!r}); os._exit(0)"
        )
        baseline, _ = timed([sys.executable, "-c", load_only])
        total, code = timed(
            [sys.executable, "-m", "subtier", "check", str(path), "--format", "json"]
        )
    print(f"check: {args.sites:,} sites, {args.sites:,} engagements ({size:.1f} MB JSON)")
    print(f"  baseline (read + validate only): {baseline:6.2f} s")
    print(f"  subtier check, end to end:       {total:6.2f} s  ({total / baseline:.1f}x baseline)")
    print(f"  sites per second:                {args.sites / total:,.0f}  (exit {code})")
    print(f"  goal: under 10 s -> {'met' if total < 10 else 'NOT met'}")


if __name__ == "__main__":
    main()
