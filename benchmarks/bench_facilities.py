"""Benchmark: `subtier screen --list facilities` on generated vendor-typed site rosters (dev and
heldout splits of HIFLD facilities, facility_sites.py), next to a brute-force rapidfuzz address
baseline measured in the same run.

Scoring is top-1: a reported match (non-blank match_id) is correct when it equals the truth;
precision = correct / reported, recall = correct / rows with a truth. The baseline compares
each row's one-line address (lower case, no punctuation, with city, state and ZIP) with every
facility's in the same state using rapidfuzz token_set_ratio, reports its best above a fixed
threshold of 90, and also its best F1 over thresholds chosen with hindsight. Misses and false
matches are broken down by variant on the dev split only: the heldout split prints totals, so
that nothing is tuned on it. Prints figures; never asserts on them.

    python benchmarks/bench_facilities.py [--rows 2000] [--split dev|heldout|both] [--seed 7]
        [--keep DIR] [--timeout S]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from facility_sites import HIFLD_CSV, SPLITS, STATES, Facility, Site, build, read_hifld, write
from screen_sets import (
    Scores,
    best_over_thresholds,
    machine,
    read_output,
    run_timed,
    screen_available,
    screen_command,
    top1_scores,
)

BASELINE_THRESHOLD = 90.0
TARGET_RECALL = 0.97
TARGET_PRECISION = 0.98
STATE_OF = {**{v.upper(): k for k, v in STATES.items()}, **{k: k for k in STATES}}


@dataclass(frozen=True)
class Result:
    system: str
    scores: Scores
    seconds: float | None
    predicted: list[str]


def one_line(address: str, city: str, state: str, zip_code: str) -> str:
    text = f"{address} {city} {state} {zip_code[:5]}".lower()
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def baseline(sites: Sequence[Site], facilities: Sequence[Facility]) -> tuple[Result, Result]:
    """rapidfuzz token_set_ratio against every facility of the row's state (all when none)."""
    from rapidfuzz import fuzz, process

    began = time.perf_counter()
    everyone = {f.id: one_line(f.address, f.city, f.state, f.zip) for f in facilities}
    per_state: dict[str, dict[str, str]] = {}
    for f in facilities:
        per_state.setdefault(f.state, {})[f.id] = everyone[f.id]
    best_ids: list[str] = []
    best_scores: list[float] = []
    for s in sites:
        state = STATE_OF.get(s.state.strip().upper(), "")
        choices = per_state.get(state, everyone)
        found = process.extractOne(
            one_line(s.address, s.city, state, s.zip), choices, scorer=fuzz.token_set_ratio
        )
        best_ids.append(str(found[2]) if found else "")
        best_scores.append(float(found[1]) if found else 0.0)
    seconds = time.perf_counter() - began
    truths = [s.truth for s in sites]
    fixed = [
        i if v >= BASELINE_THRESHOLD else "" for i, v in zip(best_ids, best_scores, strict=True)
    ]
    t, hindsight = best_over_thresholds(truths, best_ids, best_scores)
    hind = [i if v >= t else "" for i, v in zip(best_ids, best_scores, strict=True)]
    return (
        Result(
            f"rapidfuzz token_set_ratio, t={BASELINE_THRESHOLD:g}",
            top1_scores(truths, fixed),
            seconds,
            fixed,
        ),
        Result(f"rapidfuzz best F1 (hindsight, t={t:g})", hindsight, None, hind),
    )


def subtier(sites: Sequence[Site], roster: Path, out: Path, timeout: float) -> Result | None:
    run = run_timed(screen_command(roster, "facilities", out), timeout)
    if not run.ok():
        why = "timed out" if run.timed_out else f"exit {run.returncode}"
        print(f"  subtier screen failed ({why}): {run.stderr.strip()[-400:]}")
        return None
    found = {r.get("id", ""): (r.get("match_id") or "").strip() for r in read_output(out)}
    predicted = [found.get(s.id, "") for s in sites]
    truths = [s.truth for s in sites]
    return Result(
        "subtier screen, default threshold", top1_scores(truths, predicted), run.wall, predicted
    )


def print_table(results: Sequence[Result]) -> None:
    print(
        f"  {'system':<44} {'P':>6} {'R':>6} {'F1':>6} {'reported':>9} {'correct':>8} {'wall s':>7}"
    )
    for r in results:
        sc = r.scores
        wall = "-" if r.seconds is None else f"{r.seconds:.2f}"
        print(
            f"  {r.system:<44} {sc.precision:6.3f} {sc.recall:6.3f} {sc.f1:6.3f} "
            f"{sc.reported:>9,} {sc.correct:>8,} {wall:>7}"
        )


def breakdown(sites: Sequence[Site], predicted: Sequence[str]) -> None:
    """Per variant tag (a row counts under each of its tags): misses and false matches."""
    rows: Counter[str] = Counter()
    missed: Counter[str] = Counter()
    wrong: Counter[str] = Counter()
    false: Counter[str] = Counter()
    for s, p in zip(sites, predicted, strict=True):
        for tag in s.variant:
            rows[tag] += 1
            if s.truth and p != s.truth:
                missed[tag] += 1
                wrong[tag] += bool(p)
            elif not s.truth and p:
                false[tag] += 1
    print("  subtier by variant (dev only; a row counts under each of its tags):")
    print(
        f"    {'variant':<32} {'rows':>5} {'missed':>7} {'(of which wrong id)':>20} {'false match':>12}"
    )
    for tag in sorted(rows, key=lambda t: (t.startswith("neg"), -(missed[t] + false[t]), t)):
        print(f"    {tag:<32} {rows[tag]:>5} {missed[tag]:>7} {wrong[tag]:>20} {false[tag]:>12}")


def examples(sites: Sequence[Site], predicted: Sequence[str], limit: int = 12) -> None:
    shown = 0
    for s, p in zip(sites, predicted, strict=True):
        if p != s.truth and shown < limit:
            what = "missed" if s.truth and not p else "wrong id" if s.truth else "false match"
            print(
                f"    {what:<11} {s.id} {s.address!r}, {s.city}, {s.state} {s.zip} -> {p or '-'} [{'+'.join(s.variant)}]"
            )
            shown += 1


def targets(sub: Result | None, base: Result) -> None:
    if sub is None:
        print("  targets: not measured (no subtier figures)")
        return
    sc = sub.scores
    checks = [
        (f"recall >= {TARGET_RECALL}", sc.recall >= TARGET_RECALL),
        (f"precision >= {TARGET_PRECISION}", sc.precision >= TARGET_PRECISION),
        ("F1 ahead of rapidfuzz at its fixed threshold", sc.f1 > base.scores.f1),
    ]
    said = "; ".join(f"{name} -> {'met' if ok else 'NOT met'}" for name, ok in checks)
    print(f"  targets (heldout): {said}")


def run_split(
    split: str, args: argparse.Namespace, facilities: Sequence[Facility], folder: Path, cli: bool
) -> None:
    sites = build(split, args.rows, args.seed, facilities)
    roster = write(folder / f"facilities_{split}.csv", sites)
    positives = sum(1 for s in sites if s.truth)
    print(
        f"\n[{split}] {len(sites):,} rows, {positives:,} positives, {len(sites) - positives:,} negatives ({roster.name})"
    )
    sub = subtier(sites, roster, folder / f"screened_{split}.csv", args.timeout) if cli else None
    fixed, hindsight = baseline(sites, facilities)
    print_table([r for r in (sub, fixed, hindsight) if r is not None])
    print(
        "  wall: subtier's is end to end (start-up, list load, index); rapidfuzz's is its loop, table in memory"
    )
    if sub is None:
        return
    if split == "dev":
        breakdown(sites, sub.predicted)
        print("  first errors (dev):")
        examples(sites, sub.predicted)
    else:
        sc = sub.scores
        print(
            f"  heldout totals: missed {sc.positives - sc.correct:,} of {sc.positives:,} positives, "
            f"false or wrong matches {sc.reported - sc.correct:,} of {sc.reported:,} reported"
        )
        targets(sub, fixed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=2000, help="rows per split")
    parser.add_argument("--split", choices=("dev", "heldout", "both"), default="both")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="keep the rosters and outputs in this folder")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per CLI run")
    args = parser.parse_args()
    if not HIFLD_CSV.is_file():
        print(f"bench_facilities: no HIFLD table at {HIFLD_CSV}; nothing to measure")
        return
    from subtier.core.screen import DEFAULT_THRESHOLD

    cli = screen_available()
    print(
        f"facility benchmark: {machine()}, seed {args.seed}, subtier default threshold "
        f"{DEFAULT_THRESHOLD:g}, baseline rapidfuzz token_set_ratio threshold {BASELINE_THRESHOLD:g} (fixed)"
    )
    if not cli:
        print("`subtier screen` is not available: only the baseline rows are measured")
    facilities = read_hifld()
    with tempfile.TemporaryDirectory(prefix="bench_facilities_") as name:
        # A data folder of its own, so that nothing prepared by earlier runs is found.
        os.environ["SUBTIER_HOME"] = str(Path(name) / "home")
        folder = args.keep if args.keep else Path(name)
        folder.mkdir(parents=True, exist_ok=True)
        for split in SPLITS if args.split == "both" else (args.split,):
            run_split(split, args, facilities, folder, cli)
        if args.keep:
            print(f"\nrosters and outputs kept in {args.keep}")


if __name__ == "__main__":
    main()
