"""Benchmark: `subtier monitor` over 1,000 saved chains of 100 sites each (goal: under 30 s).

Prints the wall time of the command next to a baseline measured in the same run: reading every
saved chain back from the workspace, without checking it.

    python benchmarks/bench_monitor.py [--chains N] [--sites N] [--database URL]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_chain import generate

from subtier.core.model import Chain
from subtier.store import Workspace

READ_ALL = (
    "import sys\n"
    "from subtier.store import Workspace\n"
    "ws = Workspace(sys.argv[1])\n"
    "for key in ws.chain_keys():\n"
    "    ws.chain(key)\n"
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chains", type=int, default=1_000)
    parser.add_argument("--sites", type=int, default=100)
    parser.add_argument("--database", help="workspace URL (default: a new SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database or f"sqlite:///{Path(tmp) / 'bench.db'}"
        began = time.perf_counter()
        with Workspace(url) as ws:
            for n in range(args.chains):
                data = generate(args.sites, seed=n)
                data["name"] = f"chain {n}"
                ws.add_chain(Chain.model_validate(data), key=f"chain-{n}", by="bench")
        setup = time.perf_counter() - began
        env = {**os.environ, "SUBTIER_DATABASE_URL": url}
        began = time.perf_counter()
        subprocess.run([sys.executable, "-c", READ_ALL, url], check=True, env=env)
        baseline = time.perf_counter() - began
        began = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "subtier", "monitor", "--alert", "none", "--format", "json"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, check=False,
        )  # fmt: skip
        total = time.perf_counter() - began
        if done.returncode != 0:
            raise SystemExit(done.stderr.decode())
    print(
        f"monitor: {args.chains:,} chains of {args.sites} sites (setup {setup:.1f} s, {url.split(':')[0]})"
    )
    print(f"  baseline (read every chain back): {baseline:6.2f} s")
    print(f"  subtier monitor, end to end:      {total:6.2f} s  ({total / baseline:.1f}x baseline)")
    print(f"  chains per second:                {args.chains / total:,.0f}")
    print(f"  goal: under 30 s -> {'met' if total < 30 else 'NOT met'}")


if __name__ == "__main__":
    main()
