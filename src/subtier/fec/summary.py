"""Money by line, by category and by memo parent; the filing's own totals beside the itemized ones.

Itemized totals count the rows that are not memo entries: a memo row itemizes money already
counted in its parent (card charges inside the card payment), so counting it too would count
that money twice. The summary page's total for the line is shown beside the itemized total;
the difference is what the committee did not itemize (payments under the itemization
threshold), or, when negative, itemized more than the summary states.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from subtier.fec.classify import Rules, classify
from subtier.fec.lines import line_info, line_sort_key
from subtier.fec.records import Disbursement


@dataclass
class LineTotal:
    """One Schedule B line of one report form."""

    form: str
    line: str
    label: str
    kind: str
    vendor: bool
    rows: int = 0  # every row, memo entries too
    memo_rows: int = 0
    itemized_cents: int = 0  # rows that are not memo entries
    memo_cents: int = 0
    summary_cents: int | None = None  # the summary page's total for the line, when filed

    @property
    def unitemized_cents(self) -> int | None:
        if self.summary_cents is None:
            return None
        return self.summary_cents - self.itemized_cents


def line_totals(
    rows: Iterable[Disbursement], summaries: Sequence[tuple[str, Mapping[str, float]]] = ()
) -> list[LineTotal]:
    """Totals per (form, line), with the summary totals of the filings in force beside them.

    ``summaries`` holds (report form, summary page amounts) for each filing counted.
    """
    totals: dict[tuple[str, str], LineTotal] = {}
    for row in rows:
        key = (row.form, row.line_number)
        total = totals.get(key)
        if total is None:
            info = line_info(row.form, row.line_number)
            total = totals[key] = LineTotal(
                row.form, row.line_number, info.label, info.kind, info.vendor
            )
        total.rows += 1
        if row.memo:
            total.memo_rows += 1
            total.memo_cents += row.cents
        else:
            total.itemized_cents += row.cents
    for form, amounts in summaries:
        from subtier.fec.lines import forms

        found = forms().get(form)
        if found is None:
            continue
        for line, info in found.lines.items():
            if info.summary is None or info.summary not in amounts:
                continue
            cents = round(amounts[info.summary] * 100)
            total = totals.get((form, line))
            if total is None:
                if cents == 0:
                    continue
                total = totals[(form, line)] = LineTotal(
                    form, line, info.label, info.kind, info.vendor
                )
            total.summary_cents = (total.summary_cents or 0) + cents
    return sorted(totals.values(), key=lambda t: (t.form, line_sort_key(t.line)))


@dataclass
class CategoryTotal:
    id: str
    label: str
    labor_intensive: bool
    cents: int = 0
    rows: int = 0
    purposes: Counter[str] = field(default_factory=Counter)


def category_totals(rows: Iterable[Disbursement], rules: Rules) -> list[CategoryTotal]:
    """Money by service category, largest first."""
    out: dict[str, CategoryTotal] = {}
    by_purpose: Counter[tuple[str, str]] = Counter()
    counts: Counter[tuple[str, str]] = Counter()
    for row in rows:
        by_purpose[(row.purpose, row.category)] += row.cents
        counts[(row.purpose, row.category)] += 1
    for (purpose, code), cents in by_purpose.items():
        category = classify(purpose, rules, code)
        total = out.get(category.id)
        if total is None:
            total = out[category.id] = CategoryTotal(
                category.id, category.label, category.labor_intensive
            )
        total.cents += cents
        total.rows += counts[(purpose, code)]
        total.purposes[purpose] += cents
    return sorted(out.values(), key=lambda t: (-t.cents, t.id))


@dataclass
class MemoParent:
    """A parent payment and the memo rows that itemize it (tier 2 under the parent's payee)."""

    source: str
    line: int
    line_number: str
    name: str
    purpose: str
    cents: int
    memo_rows: int = 0
    memo_cents: int = 0
    in_chain: bool = True  # the parent is a vendor line, so its memos are chain engagements
    conduit: str = ""  # the parent's payee is a conduit of this kind: its memos are tier 1


@dataclass
class Memos:
    parents: list[MemoParent]
    orphans: list[Disbursement]  # memo rows whose parent is not in the data

    @property
    def rows(self) -> int:
        return sum(p.memo_rows for p in self.parents)


def link_memos(
    rows: Sequence[Disbursement],
) -> tuple[list[tuple[Disbursement, Disbursement]], Memos]:
    """Each memo row with its parent row (same committee and filing, parent's transaction id)."""
    parents: dict[tuple[str, str, str], Disbursement] = {
        (r.committee, r.filing, r.tran_id): r for r in rows if not r.memo
    }
    linked: list[tuple[Disbursement, Disbursement]] = []
    by_parent: dict[tuple[str, str, str], MemoParent] = {}
    orphans: list[Disbursement] = []
    for row in rows:
        if not row.memo:
            continue
        key = (row.committee, row.filing, row.back_ref)
        parent = parents.get(key) if row.back_ref else None
        if parent is None:
            orphans.append(row)
            continue
        linked.append((row, parent))
        found = by_parent.get(key)
        if found is None:
            info = line_info(parent.form, parent.line_number)
            found = by_parent[key] = MemoParent(
                parent.source, parent.line, parent.line_number, parent.name, parent.purpose,
                parent.cents, in_chain=info.vendor,
            )  # fmt: skip
        found.memo_rows += 1
        found.memo_cents += row.cents
    ordered = sorted(by_parent.values(), key=lambda p: (-p.memo_rows, p.source, p.line))
    return linked, Memos(ordered, orphans)
