"""Benchmark: the FEC purpose classifier against the labelled purposes (fec_purposes.py).

Per class, precision and recall on the dev part (what the rules were written against) and on
the held-out part (scored, not read while writing rules), then every confusion: the purpose,
its label and the class given. Prints figures; asserts nothing (tests/fec/test_classify.py
holds the recall targets).

    python benchmarks/bench_fec_classify.py [--split dev|held-out|all] [--quiet]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fec_purposes import Labelled, fresh, labelled

from subtier.fec.classify import classify, default_rules


@dataclass(frozen=True)
class Score:
    label: str
    support: int
    predicted: int
    correct: int

    @property
    def precision(self) -> float | None:
        return self.correct / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.correct / self.support if self.support else None


def score(rows: list[Labelled]) -> tuple[dict[str, Score], list[tuple[Labelled, str]]]:
    """Per-class figures and the confusions (row, class given)."""
    given = [(row, classify(row.purpose).id) for row in rows]
    support = Counter(r.label for r, _ in given)
    predicted = Counter(p for _, p in given)
    correct = Counter(r.label for r, p in given if p == r.label)
    ids = [c.id for c in default_rules().categories] + ["other"]
    out = {i: Score(i, support[i], predicted[i], correct[i]) for i in ids}
    return out, [(r, p) for r, p in given if p != r.label]


def _fmt(value: float | None) -> str:
    return "   -" if value is None else f"{value:.2f}"


def report(name: str, rows: list[Labelled], quiet: bool) -> None:
    figures, confusions = score(rows)
    right = len(rows) - len(confusions)
    print(f"\n{name}: {len(rows)} purposes, accuracy {right / len(rows):.3f}")
    print(f"  {'class':20} {'n':>4} {'precision':>9} {'recall':>6}")
    for s in figures.values():
        if s.support or s.predicted:
            print(f"  {s.label:20} {s.support:4} {_fmt(s.precision):>9} {_fmt(s.recall):>6}")
    if confusions and not quiet:
        print(f"  confusions ({len(confusions)}):")
        for row, given in sorted(confusions, key=lambda c: (c[0].label, c[0].purpose)):
            print(f"    {row.purpose!r}: labelled {row.label}, classed {given}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("dev", "held-out", "fresh", "all"), default="all")
    parser.add_argument("--quiet", action="store_true", help="figures only, no confusions")
    args = parser.parse_args()
    rows = labelled() + fresh()
    print(
        f"labelled purposes: {len(rows)} ({sum(r.source == '1527862' for r in rows)} from filing 1527862)"
    )
    for split in ("dev", "held-out", "fresh"):
        if args.split in (split, "all"):
            report(split, [r for r in rows if r.split == split], args.quiet)


if __name__ == "__main__":
    main()
