"""The purpose classifier: what was bought decides, the whole phrase counts, and the labelled
set holds the recall the worklist depends on."""

from __future__ import annotations

import sys

import pytest

from subtier.fec.classify import classify, classify_batch, default_rules, explain

from ..conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_fec_classify import score
from fec_purposes import fresh, labelled


@pytest.mark.parametrize(
    ("purpose", "expected"),
    [
        ("VOTER CONTACT PHONE SERVICES", "calls"),
        ("TELEPHONE SERVICES - VOTER CONTACT", "calls"),
        ("Phone Services", "telecom"),
        ("VOTER CONTACT - MAIL", "mail"),
        ("VOTER CONTACT", "canvassing"),
        ("Compliance Consulting", "legal-compliance"),
        ("CALL CENTER STAFFING", "staffing"),
        ("PAYROLL PROCESSING FEE", "fees"),
        ("PHONE BANK SVCS", "calls"),
        ("Office Supplies Expense Reimbursement", "office"),
    ],
)
def test_the_whole_phrase_decides(purpose: str, expected: str) -> None:
    assert classify(purpose).id == expected


def test_the_fec_category_code_fills_in_and_breaks_ties() -> None:
    assert classify("SEE BELOW").id == "other"
    assert classify("SEE BELOW", code="005").id == "surveys"
    assert classify("SEE BELOW", code="5").id == "surveys"
    found = explain("", code="002")
    assert (found.category.id, found.found) == ("travel", "FEC category 002 (travel expenses)")
    assert classify_batch(["SEE BELOW", "SEE BELOW"], codes=["", "007"]) == ["other", "events-food"]


def test_every_class_says_what_it_is() -> None:
    for category in default_rules().categories:
        assert category.description, category.id
        if category.labor_intensive:
            assert category.why, category.id
            assert category.ask, category.id


@pytest.mark.parametrize("split", ["dev", "held-out", "fresh"])
def test_recall_of_the_labor_classes(split: str) -> None:
    rows = [r for r in labelled() + fresh() if r.split == split]
    figures, _confusions = score(rows)
    for cid in ("calls", "data-entry", "staffing"):
        recall = figures[cid].recall
        assert recall is not None, (split, cid)
        assert recall >= 0.95, (split, cid, recall)


def test_the_labelled_set_is_large_enough() -> None:
    rows = labelled()
    assert len(rows) >= 500
    assert sum(r.source == "1527862" for r in rows) >= 40
    assert {r.split for r in rows} == {"dev", "held-out"}
