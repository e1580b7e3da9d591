"""Pay conversion, the worker's share per tier, and the remediation cost."""

from __future__ import annotations

from typing import Any

import pytest

from subtier.core.model import Chain, ChainGraph, Money, Per
from subtier.core.wages import to_hourly, trace_wages


@pytest.mark.parametrize(
    ("amount", "per", "hourly", "assumption"),
    [
        (7.25, Per.HOUR, 7.25, ""),
        (80.0, Per.DAY, 10.0, "8 hours a day"),
        (600.0, Per.WEEK, 15.0, "40 hours a week"),
        (20.0, Per.MONTH, 20 / (40 * 52 / 12), "173.3 hours a month (40 a week)"),
        (31_200.0, Per.YEAR, 15.0, "2080 hours a year"),
    ],
)
def test_to_hourly(amount: float, per: Per, hourly: float, assumption: str) -> None:
    result = to_hourly(Money(amount=amount, per=per), 40)
    assert result.amount == pytest.approx(hourly)
    assert result.assumption == assumption


def test_per_call_pay_is_not_guessed() -> None:
    result = to_hourly(Money(amount=0.5, per=Per.CALL), 40)
    assert result.amount is None
    assert "calls per hour unknown" in result.assumption


def test_total_pay_needs_hours() -> None:
    assert to_hourly(Money(amount=1000, per=Per.TOTAL), 40).amount is None
    assert to_hourly(Money(amount=1000, per=Per.TOTAL), 40, total_hours=100).amount == 10


def _chain(workforce: dict[str, Any]) -> Chain:
    return Chain.model_validate(
        {
            "subtier": 1,
            "name": "t",
            "root": "a",
            "organizations": [
                {"id": "a", "name": "A"},
                {"id": "b", "name": "B"},
                {"id": "c", "name": "C"},
            ],
            "sites": [{"id": "s", "name": "S", "operator": "c"}],
            "engagements": [
                {"id": "ab", "buyer": "a", "supplier": "b", "price": {"amount": 20, "per": "hour"}},
                {
                    "id": "bc",
                    "buyer": "b",
                    "supplier": "c",
                    "sites": ["s"],
                    "price": {"amount": 10, "per": "hour"},
                },
            ],
            "workforces": [{"site": "s", "engagement": "bc", **workforce}],
        }
    )


def test_share_at_every_tier_and_remediation() -> None:
    chain = _chain({"pay": {"amount": 5, "per": "hour"}, "headcount": 10, "hours": 1000})
    [flow] = trace_wages(chain, ChainGraph.build(chain), Money(amount=15, per=Per.HOUR))
    assert [t.engagement for t in flow.tiers] == ["ab", "bc"]
    assert list(flow.shares) == [pytest.approx(0.25), pytest.approx(0.5)]
    assert flow.workforce == "wf-1"
    r = flow.remediation
    assert r is not None
    assert r.gap_per_hour == pytest.approx(10)
    assert r.total == pytest.approx(10_000)
    assert r.monthly == pytest.approx(10 * 40 * 52 / 12 * 10)


def test_deductions_reduce_what_reaches_the_worker() -> None:
    chain = _chain({"pay": {"amount": 10, "per": "hour"}, "deductions": 0.8})
    [flow] = trace_wages(chain, ChainGraph.build(chain), Money(amount=15, per=Per.HOUR))
    assert flow.worker_hourly is not None
    assert flow.worker_hourly.amount == pytest.approx(2.0)
    assert "80% deducted" in flow.worker_hourly.assumption


def test_pay_to_an_organization_is_an_upper_bound() -> None:
    chain = _chain({"pay": {"amount": 1.45, "per": "hour"}, "paid_to": "c", "headcount": 2})
    [flow] = trace_wages(chain, ChainGraph.build(chain), Money(amount=15, per=Per.HOUR))
    hourly = flow.worker_hourly
    assert hourly is not None
    assert hourly.amount == pytest.approx(1.45)
    assert hourly.upper_bound
    assert flow.notes == ("pay goes to C, not to the worker: the worker gets at most this",)
    r = flow.remediation
    assert r is not None
    assert r.lower_bound  # from at most 1.45, at least 13.55 is owed
    assert r.gap_per_hour == pytest.approx(13.55)


def test_deductions_apply_to_an_upper_bound_too() -> None:
    chain = _chain({"pay": {"amount": 10, "per": "hour"}, "paid_to": "c", "deductions": 0.5})
    [flow] = trace_wages(chain, ChainGraph.build(chain), Money(amount=15, per=Per.HOUR))
    assert flow.worker_hourly is not None
    assert flow.worker_hourly.amount == pytest.approx(5.0)
    assert flow.worker_hourly.upper_bound


def test_an_upper_bound_at_the_floor_owes_nothing_that_can_be_told() -> None:
    chain = _chain({"pay": {"amount": 9, "per": "hour"}, "paid_to": "c"})
    [flow] = trace_wages(chain, ChainGraph.build(chain), Money(amount=8, per=Per.HOUR))
    assert flow.remediation is None


def test_pay_to_the_worker_is_not_a_bound() -> None:
    chain = _chain({"pay": {"amount": 5, "per": "hour"}})
    [flow] = trace_wages(chain, ChainGraph.build(chain), Money(amount=15, per=Per.HOUR))
    assert flow.worker_hourly is not None
    assert not flow.worker_hourly.upper_bound
    assert flow.remediation is not None
    assert not flow.remediation.lower_bound


def test_pay_above_the_price_of_the_work_is_inconsistent() -> None:
    chain = _chain({"pay": {"amount": 12, "per": "hour"}})  # the engagement pays 10 an hour
    [flow] = trace_wages(chain, ChainGraph.build(chain), Money(amount=15, per=Per.HOUR))
    assert flow.above_price is not None
    assert flow.above_price.engagement == "bc"
    assert flow.notes[-1] == (
        "inconsistent: pay of USD 12.00 an hour is more than the USD 10.00 an hour"
        " its supplier is paid for the work"
    )
    [flow] = trace_wages(_chain({"pay": {"amount": 10, "per": "hour"}}), ChainGraph.build(chain))
    assert flow.above_price is None  # equal is not more


def test_other_currency_is_not_compared_with_the_floor() -> None:
    chain = _chain({"pay": {"amount": 60, "per": "hour", "currency": "php"}})
    [flow] = trace_wages(chain, ChainGraph.build(chain), Money(amount=15, per=Per.HOUR))
    assert flow.remediation is None
    assert "pay is in PHP" in flow.notes[0]
