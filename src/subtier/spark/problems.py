"""Rows with problems, tallied by the Python pass that screens them (a Spark accumulator).

Tallying as the rows are written spares a run keeping its whole output to count them after.
A task that Spark runs again reports the same partition again: counts are kept per partition
and problems by row, so a retry replaces what it repeats instead of adding to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pyspark.accumulators import AccumulatorParam

# Problems reported back in full; past this, only their count.
PROBLEMS_SHOWN = 20


@dataclass
class Tally:
    """Rows with problems per partition, and the first PROBLEMS_SHOWN of them by ordinal."""

    counts: dict[int, int] = field(default_factory=dict)
    first: list[tuple[int, str]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(self.counts.values())


def task_tally(count: int, first: list[tuple[int, str]]) -> Tally:
    """The running task's tally: its partition's problem count and its first problems."""
    from pyspark import TaskContext

    context = TaskContext.get()
    partition = context.partitionId() if context is not None else 0
    return Tally({partition: count}, sorted(first)[:PROBLEMS_SHOWN])


class TallyParam(AccumulatorParam[Tally]):
    def zero(self, value: Tally) -> Tally:
        return Tally()

    def addInPlace(self, value1: Tally, value2: Tally) -> Tally:  # noqa: N802 (PySpark's name)
        value1.counts.update(value2.counts)
        value1.first = sorted(set(value1.first) | set(value2.first))[:PROBLEMS_SHOWN]
        return value1


def tally_accumulator(spark: Any) -> Any:
    """An accumulator of Tally for one run."""
    return spark.sparkContext.accumulator(Tally(), TallyParam())
