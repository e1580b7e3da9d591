"""The JSON output's schema, declared as models so the shipped JSON Schema is generated.

`subtier check --format json` writes `report.json.result_dict`; a test validates real output
against this schema with additional properties forbidden, so the two cannot drift.
Version policy: `format` is 1; adding a field keeps it; removing or changing one raises it.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MoneyOut(_Out):
    amount: float
    per: Literal["hour", "day", "week", "month", "year", "call", "total"]
    currency: str = Field(description="ISO 4217 code.")


class HourlyOut(_Out):
    amount: float | None = Field(description="Per hour; null when it cannot be converted.")
    currency: str
    assumption: str = Field(description="What the conversion assumed; empty when nothing.")
    upper_bound: bool = Field(
        default=False,
        description="At most this much: pay handed to an organization rather than the worker.",
    )


class EvidenceOut(_Out):
    list: str | None = Field(description="List name, for a list match; null for a stated fact.")
    list_version: str | None
    entry_id: str | None
    entry_name: str | None
    score: float | None = Field(description="0 to 1.")
    strength: Literal["match", "possible"] | None
    reasons: str = Field(description="Why, one short phrase per topic.")
    source: str | None = Field(description="Where a stated fact comes from.")


class SubjectOut(_Out):
    kind: Literal["site", "organization", "engagement", "workforce"]
    id: str


class ReviewOut(_Out):
    decision: Literal["dismiss", "confirm"]
    reason: str
    by: str
    at: str = Field(description="When, ISO 8601 in UTC.")


class FindingOut(_Out):
    rule: str
    severity: Literal["info", "low", "medium", "high", "critical"]
    subject: SubjectOut
    path: list[str] = Field(description="Ids from the root buyer down to the subject.")
    summary: str
    evidence: list[EvidenceOut]
    review: ReviewOut | None = Field(
        default=None,
        description="The review decision in force (made on this evidence), for a chain kept "
        "in a workspace (`check --save`); absent otherwise.",
    )


class TierOut(_Out):
    tier: int
    engagement: str
    buyer: str
    supplier: str
    price: MoneyOut | None
    hourly: HourlyOut | None
    worker_share: float | None = Field(description="The worker's hourly pay over this price.")


class RemediationOut(_Out):
    floor_hourly: float
    currency: str
    gap_per_hour: float | None
    per_worker_month: float | None
    monthly: float | None = Field(description="All workers, a month; when the headcount is known.")
    total: float | None = Field(description="For the hours worked; when they are known.")
    lower_bound: bool = Field(
        default=False,
        description="At least this much: worked out from an upper bound on the worker's pay.",
    )


class WageOut(_Out):
    workforce: str
    site: str
    engagement: str
    labor: str
    headcount: int | None
    pay: MoneyOut | None
    paid_to: str
    worker_hourly: HourlyOut | None
    tiers: list[TierOut]
    remediation: RemediationOut | None
    notes: list[str]


class ListOut(_Out):
    name: str
    version: str = Field(description="Content hash and date.")
    entries: int
    kind: str = Field(
        description="facilities, correctional-industries, sanctions, forced-labor, pep or watch."
    )
    data_date: str | None = Field(description="When the list's data was current, if it says.")
    stale: bool = Field(description="The list's data is more than a year older than the report.")


class ChainOut(_Out):
    name: str
    root: str


class CheckOutput(_Out):
    """The result of `subtier check --format json`."""

    format: Literal[1] = Field(description="Output format version.")
    chain: ChainOut
    policy: str
    findings: list[FindingOut]
    wages: list[WageOut]
    lists: list[ListOut]


def check_output_schema() -> dict[str, Any]:
    schema = CheckOutput.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:subtier:check-output:1",
        **schema,
    }
