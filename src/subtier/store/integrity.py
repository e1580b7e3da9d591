"""What the audit trail vouches for: the stored rows, recomputed and compared with the records.

The hash chain (audit.verify) shows that no record was edited, inserted or deleted. This shows
that the data the records speak of is still what they say: each chain version, each check run
and its findings, each review decision, each disclosure, each signature and each attached file. Each kind of record
names its row and says what the row held; a row whose data no longer matches names the first
record that vouched for it, and a row that no record vouches for is named by itself.

Records written before the trail covered the data (no ``covers`` in their details) are checked
on what they did record.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from subtier.store import tables as t
from subtier.store.audit import AuditRecord, Broken, _time, row_digest

# The mark of records whose content_hash is row_digest of the row(s) they record.
COVERS = "covers"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def findings_digest(rows: Iterable[Mapping[str, Any]]) -> str:
    """What a check run's record vouches for: every finding of the run, in order, whole."""
    return row_digest({"findings": [finding_data(r) for r in rows]})


def finding_data(r: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "key": r["key"], "evidence_hash": r["evidence_hash"], "rule": r["rule"],
        "severity": r["severity"], "subject_kind": r["subject_kind"],
        "subject_id": r["subject_id"], "body": r["body"],
    }  # fmt: skip


def attestation_data(r: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "invitation_id": r["invitation_id"], "name": r["name"], "title": r["title"],
        "signed_on": r["signed_on"], "statement": r["statement"], "content": r["content"],
        "content_hash": r["content_hash"], "chain_version_id": r["chain_version_id"],
        "at": r["at"],
    }  # fmt: skip


def disclosure_data(invitation_id: int, content: Any, applied: Any) -> dict[str, Any]:
    return {"invitation_id": invitation_id, "content": content, "applied": applied}


def attachment_data(r: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "invitation_id": r["invitation_id"], "kind": r["kind"], "filename": r["filename"],
        "media_type": r["media_type"], "size": r["size"], "sha256": r["sha256"],
        "uploaded_by": r["uploaded_by"],
    }  # fmt: skip


@dataclass
class _Rows:
    """The stored rows, read once, and which of them a record has claimed."""

    versions: dict[tuple[str, int], Any]
    version_labels: dict[int, str]
    runs: dict[int, Any]
    findings: dict[int, list[Any]]
    decisions: list[Any]
    chain_keys: dict[int, str]
    attestations: dict[int, Any]
    disclosures: dict[int, Any]
    attachments: dict[int, Any] = field(default_factory=dict)
    files: Path | None = None  # the folder of attached files; None: their rows only
    claimed: set[tuple[str, object]] = field(default_factory=set)


def _read(conn: Connection) -> _Rows:
    keys = {r.id: r.key for r in conn.execute(select(t.chains.c.id, t.chains.c.key))}
    versions: dict[tuple[str, int], Any] = {}
    labels: dict[int, str] = {}
    for r in conn.execute(select(t.chain_versions)):
        versions[(keys[r.chain_id], r.version)] = r
        labels[r.id] = f"{keys[r.chain_id]} v{r.version}"
    findings: dict[int, list[Any]] = {}
    for r in conn.execute(select(t.findings).order_by(t.findings.c.id)):
        findings.setdefault(r.run_id, []).append(r)
    return _Rows(
        versions=versions,
        version_labels=labels,
        runs={r.id: r for r in conn.execute(select(t.runs))},
        findings=findings,
        decisions=list(conn.execute(select(t.decisions).order_by(t.decisions.c.id))),
        chain_keys=keys,
        attestations={r.invitation_id: r for r in conn.execute(select(t.attestations))},
        disclosures={r.invitation_id: r for r in conn.execute(select(t.disclosures))},
        attachments={r.id: r for r in conn.execute(select(t.attachments))},
    )


def verify_data(
    conn: Connection, records: list[AuditRecord], files: Path | None = None
) -> Broken | None:
    """The first record whose data no longer matches the stored rows, else the first row that
    no record vouches for, else None. Given the folder of attached ``files``, each attached
    file is hashed again too."""
    rows = _read(conn)
    rows.files = files
    # A disclosure changes in place: only the latest record of each one vouches for it now.
    latest_disclosure: dict[int, int] = {}
    for rec in records:
        if rec.action == "portal.disclose":
            latest_disclosure[int(rec.details["invitation"])] = rec.seq
    legacy_decisions = iter([d for d in rows.decisions if d.id not in _decision_ids(records)])
    for rec in records:
        why: str | None = None
        if rec.action == "chain.add":
            why = _chain_version(rec, rows)
        elif rec.action == "check.run":
            why = _run(rec, rows)
        elif rec.action.startswith("review."):
            why = _decision(rec, rows, legacy_decisions)
        elif rec.action == "portal.attest":
            why = _attestation(rec, rows)
        elif rec.action == "portal.disclose":
            why = _disclosure(rec, rows, latest_disclosure)
        elif rec.action == "portal.attach":
            why = _attachment(rec, rows)
        if why is not None:
            return Broken(rec.seq, f"{rec.action} {rec.subject}: {why}")
    return _unclaimed(rows)


def _decision_ids(records: list[AuditRecord]) -> set[int]:
    return {
        int(r.details["id"])
        for r in records
        if r.action.startswith("review.") and "id" in r.details
    }


def _chain_version(rec: AuditRecord, rows: _Rows) -> str | None:
    key, _, number = rec.subject.rpartition(" v")
    row = rows.versions.get((key, int(number))) if number.isdigit() else None
    if row is None:
        return "the chain version it records is gone (deleted)"
    rows.claimed.add(("version", row.id))
    if sha256(row.content) != rec.content_hash:
        return "the stored chain version's content no longer matches (edited)"
    if row.content_hash != rec.content_hash:
        return "the chain version's stored hash was changed"
    if (row.name, row.source, row.created_by, _time(row.created_at)) != (
        rec.details.get("name"), rec.details.get("source"), rec.actor, _time(rec.at),
    ):  # fmt: skip
        return "the chain version's name, source, author or time was changed"
    return None


def _run(rec: AuditRecord, rows: _Rows) -> str | None:
    row = rows.runs.get(int(rec.details.get("run", -1)))
    if row is None:
        return "the check run it records is gone (deleted)"
    rows.claimed.add(("run", row.id))
    if (
        rows.version_labels.get(row.chain_version_id) != rec.subject
        or (row.by, row.policy, _time(row.at))
        != (rec.actor, rec.details.get("policy"), _time(rec.at))
        or row.lists != rec.details.get("lists")
    ):
        return "the check run's version, policy, lists, author or time was changed"
    found = rows.findings.get(row.id, [])
    if len(found) != rec.details.get("findings"):
        return f"the run has {len(found)} finding(s), the record {rec.details.get('findings')}"
    if rec.details.get(COVERS):
        digest = findings_digest(r._mapping for r in found)
    else:  # recorded before the trail covered the findings whole: their keys and evidence
        digest = sha256(json.dumps(sorted((r.key, r.evidence_hash) for r in found)))
    if digest != rec.content_hash:
        return "the run's findings no longer match (edited)"
    return None


def _decision(rec: AuditRecord, rows: _Rows, legacy: Any) -> str | None:
    if "id" in rec.details:
        row = next((d for d in rows.decisions if d.id == rec.details["id"]), None)
    else:
        row = next(legacy, None)
    if row is None:
        return "the review decision it records is gone (deleted)"
    rows.claimed.add(("decision", row.id))
    recorded = (
        rec.subject.split(" ", 1)[0], rec.details.get("finding"), rec.content_hash,
        rec.action.removeprefix("review."), rec.details.get("reason"), rec.actor, _time(rec.at),
    )  # fmt: skip
    stored = (
        rows.chain_keys.get(row.chain_id), row.finding_key, row.evidence_hash, row.decision,
        row.reason, row.by, _time(row.at),
    )  # fmt: skip
    if stored != recorded:
        return "the stored review decision no longer matches (edited)"
    return None


def _attestation(rec: AuditRecord, rows: _Rows) -> str | None:
    row = rows.attestations.get(int(rec.details.get("invitation", -1)))
    if row is None:
        return "the signature it records is gone (deleted)"
    rows.claimed.add(("attestation", row.id))
    if sha256(row.content) != row.content_hash:
        return "the signed content no longer matches its hash (edited)"
    if rec.details.get(COVERS):
        if row_digest(attestation_data(row._mapping)) != rec.content_hash:
            return "the stored signature no longer matches (edited)"
        return None
    signed = (rec.details.get("content_hash"), rec.details.get("name"), rec.details.get("title"),
              rec.details.get("date"))  # fmt: skip
    if (row.content_hash, row.name, row.title, row.signed_on) != signed:
        return "the stored signature no longer matches (edited)"
    return None


def _disclosure(rec: AuditRecord, rows: _Rows, latest: dict[int, int]) -> str | None:
    invitation = int(rec.details["invitation"])
    if latest.get(invitation) != rec.seq:
        return None  # superseded by a later answer
    row = rows.disclosures.get(invitation)
    if row is None:
        return "the disclosure it records is gone (deleted)"
    rows.claimed.add(("disclosure", row.id))
    if row_digest(disclosure_data(invitation, row.content, row.applied)) != rec.content_hash:
        return "the stored disclosure no longer matches (edited)"
    return None


def _attachment(rec: AuditRecord, rows: _Rows) -> str | None:
    row = rows.attachments.get(int(rec.details.get("attachment", -1)))
    if row is None:
        return "the attachment it records is gone (deleted)"
    rows.claimed.add(("attachment", row.id))
    if row_digest(attachment_data(row._mapping)) != rec.content_hash:
        return "the stored attachment no longer matches (edited)"
    if rows.files is not None:
        path = rows.files / row.sha256[:2] / row.sha256
        if not path.is_file():
            return f"the attached file {row.filename!r} is missing from {rows.files}"
        if hashlib.sha256(path.read_bytes()).hexdigest() != row.sha256:
            return f"the attached file {row.filename!r} no longer matches its hash (edited)"
    return None


def _unclaimed(rows: _Rows) -> Broken | None:
    kinds: list[tuple[str, Iterable[Any], Any]] = [
        ("version", rows.versions.values(), lambda r: f"chain version {rows.version_labels[r.id]}"),
        ("run", rows.runs.values(), lambda r: f"check run {r.id}"),
        ("decision", rows.decisions, lambda r: f"review decision {r.id}"),
        ("attestation", rows.attestations.values(),
         lambda r: f"the signature of invitation {r.invitation_id}"),
        ("disclosure", rows.disclosures.values(),
         lambda r: f"the disclosure of invitation {r.invitation_id}"),
        ("attachment", rows.attachments.values(),
         lambda r: f"attachment {r.id} ({r.filename}) of invitation {r.invitation_id}"),
    ]  # fmt: skip
    for kind, stored, name in kinds:
        for row in sorted(stored, key=lambda r: r.id):
            if (kind, row.id) not in rows.claimed:
                return Broken(None, f"{name(row)} is in no audit record (inserted)")
    return None
