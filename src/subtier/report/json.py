"""The check result as JSON-ready data (schema: ``subtier/data/check-output.schema.json``)."""

from __future__ import annotations

from datetime import date
from typing import Any

import orjson

from subtier.core.check import CheckResult
from subtier.core.model import Money
from subtier.core.policy import Evidence, Finding
from subtier.core.review import Decision
from subtier.core.wages import Hourly, WageFlow

FORMAT_VERSION = 1


def _money(money: Money | None) -> dict[str, Any] | None:
    return (
        None
        if money is None
        else {"amount": money.amount, "per": money.per.value, "currency": money.currency}
    )


def _hourly(hourly: Hourly | None) -> dict[str, Any] | None:
    if hourly is None:
        return None
    return {
        "amount": _round(hourly.amount),
        "currency": hourly.currency,
        "assumption": hourly.assumption,
        "upper_bound": hourly.upper_bound,
    }


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def _evidence(e: Evidence) -> dict[str, Any]:
    return {
        "list": e.list,
        "list_version": e.list_version,
        "entry_id": e.entry_id,
        "entry_name": e.entry_name,
        "score": e.score,
        "strength": e.strength,
        "reasons": e.reasons,
        "source": e.source,
    }


def finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "rule": f.rule,
        "severity": f.severity.value,
        "subject": {"kind": f.subject_kind, "id": f.subject_id},
        "path": list(f.path),
        "summary": f.summary,
        "evidence": [_evidence(e) for e in f.evidence],
    }


def wage_dict(w: WageFlow) -> dict[str, Any]:
    r = w.remediation
    return {
        "workforce": w.workforce,
        "site": w.site,
        "engagement": w.engagement,
        "labor": w.labor,
        "headcount": w.headcount,
        "pay": _money(w.pay),
        "paid_to": w.paid_to,
        "worker_hourly": _hourly(w.worker_hourly),
        "tiers": [
            {
                "tier": t.tier,
                "engagement": t.engagement,
                "buyer": t.buyer,
                "supplier": t.supplier,
                "price": _money(t.price),
                "hourly": _hourly(t.hourly),
                "worker_share": _round(share),
            }
            for t, share in zip(w.tiers, w.shares, strict=True)
        ],
        "remediation": None
        if r is None
        else {
            "floor_hourly": r.floor,
            "currency": r.currency,
            "gap_per_hour": _round(r.gap_per_hour, 2),
            "per_worker_month": _round(r.per_worker_month, 2),
            "monthly": _round(r.monthly, 2),
            "total": _round(r.total, 2),
            "lower_bound": r.lower_bound,
        },
        "notes": list(w.notes),
    }


def result_dict(result: CheckResult, today: date | None = None) -> dict[str, Any]:
    """The whole result. Keys are stable within a format version. A list is ``stale`` when its
    data is more than a year older than ``today`` (default: the day it runs)."""
    day = today or date.today()
    return {
        "format": FORMAT_VERSION,
        "chain": {"name": result.chain.name, "root": result.chain.root},
        "policy": result.policy.name,
        "findings": [
            {**finding_dict(f), **_review(result.reviews.get(i))}
            for i, f in enumerate(result.findings)
        ],
        "wages": [wage_dict(w) for w in result.wages],
        "lists": [
            {
                "name": i.name,
                "version": i.version,
                "entries": i.entries,
                "kind": i.kind.value,
                "data_date": i.data_date or None,
                "stale": i.stale(day),
            }
            for i in result.lists
        ],
    }


def _review(d: Decision | None) -> dict[str, Any]:
    """A finding's review decision in force, if there is one (a chain kept in a workspace)."""
    if d is None:
        return {}
    return {"review": {"decision": d.decision, "reason": d.reason, "by": d.by, "at": d.at}}


def dumps(data: dict[str, Any]) -> bytes:
    """Indented UTF-8 JSON with a final newline (orjson: a large report in a fraction of a second)."""
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
