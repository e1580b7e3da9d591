"""The audit trail's hash chain: each record's hash covers its content and the previous hash.

Pure functions: the store appends and reads rows; these compute and check the chain, so an edited,
inserted or deleted row is found whatever the database.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditRecord:
    """One audit row."""

    seq: int
    at: datetime
    actor: str
    action: str
    subject: str
    details: Mapping[str, Any]
    content_hash: str | None
    prev_hash: str
    hash: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": _time(self.at),
            "actor": self.actor,
            "action": self.action,
            "subject": self.subject,
            "details": dict(self.details),
            "content_hash": self.content_hash,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


def _time(at: datetime) -> str:
    # Databases differ in how they return time zones; the hash uses UTC to the microsecond.
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def record_hash(
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    subject: str,
    details: Mapping[str, Any],
    content_hash: str | None,
    prev_hash: str,
) -> str:
    """sha256 over the previous hash and the record's canonical JSON."""
    body = json.dumps(
        {
            "seq": seq,
            "at": _time(at),
            "actor": actor,
            "action": action,
            "subject": subject,
            "details": details,
            "content_hash": content_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def row_digest(data: Mapping[str, Any]) -> str:
    """sha256 over a stored row's canonical JSON (times in UTC): what an audit record vouches
    for when it records a row of data (a decision, a disclosure, an attestation, findings)."""
    body = json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _default(value: object) -> object:
    if isinstance(value, datetime):
        return _time(value)
    raise TypeError(f"cannot hash {type(value).__name__}")


@dataclass(frozen=True)
class Broken:
    """Where the chain breaks, and how: the first audit record whose chain or data no longer
    holds, or (``seq`` None) a stored row no audit record vouches for."""

    seq: int | None
    reason: str

    def __str__(self) -> str:
        return f"audit record {self.seq}: {self.reason}" if self.seq is not None else self.reason


def verify(records: Iterable[AuditRecord]) -> tuple[int, Broken | None]:
    """Check the chain in order; returns how many records were checked and the first break."""
    expected_seq = 1
    prev = GENESIS
    count = 0
    for rec in records:
        count += 1
        if rec.seq != expected_seq:
            return count, Broken(
                expected_seq, f"record {expected_seq} is missing (next is {rec.seq})"
            )
        if rec.prev_hash != prev:
            return count, Broken(rec.seq, "its previous-hash does not match the record before it")
        actual = record_hash(
            rec.seq,
            rec.at,
            rec.actor,
            rec.action,
            rec.subject,
            rec.details,
            rec.content_hash,
            rec.prev_hash,
        )
        if actual != rec.hash:
            return count, Broken(rec.seq, "its content does not match its hash (edited)")
        prev = rec.hash
        expected_seq += 1
    return count, None
