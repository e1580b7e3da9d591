"""Documents attached to a disclosure: a row in the database, the file in the workspace's folder.

Files are named by their SHA-256 (``ab/abcdef...``), so the same document attached twice is
kept once and a file cannot be swapped without its name changing. Each attachment is recorded
in the audit trail with its hash, and ``subtier audit verify`` hashes the file again.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, select

from subtier.store import tables as t
from subtier.store.audit import row_digest
from subtier.store.files import file_path
from subtier.store.integrity import COVERS, attachment_data
from subtier.store.portal import _transaction
from subtier.store.workspace import _append_audit

KINDS = ("contract", "payroll", "other")


@dataclass(frozen=True)
class Attachment:
    id: int
    invitation_id: int
    kind: str
    filename: str
    media_type: str
    size: int
    sha256: str
    uploaded_at: datetime
    uploaded_by: str


class Attachments:
    """Reads and writes attachments: their rows, their files and their audit records."""

    def __init__(self, engine: Engine, folder: Path) -> None:
        self.engine = engine
        self.folder = folder

    def add(
        self, invitation_id: int, kind: str, filename: str, media_type: str, content: bytes,
        by: str, subject: str, now: datetime,
    ) -> Attachment:  # fmt: skip
        """Keep the file, then its row and audit record in one transaction. A file left by a
        transaction that failed is harmless: it is named by its content, and used again."""
        digest = hashlib.sha256(content).hexdigest()
        _write_once(file_path(self.folder, digest), content)
        values = {
            "invitation_id": invitation_id, "kind": kind, "filename": filename,
            "media_type": media_type, "size": len(content), "sha256": digest,
            "uploaded_at": now, "uploaded_by": by,
        }  # fmt: skip
        with _transaction(self.engine, audit=True) as conn:
            ident = _key(conn.execute(insert(t.attachments).values(**values)))
            row = conn.execute(select(t.attachments).where(t.attachments.c.id == ident)).one()
            details = {
                "invitation": invitation_id, "attachment": ident, "filename": filename,
                "sha256": digest, "size": len(content), COVERS: "attachment",
            }  # fmt: skip
            _append_audit(
                conn, by, "portal.attach", subject, details,
                row_digest(attachment_data(dict(row._mapping))), now,
            )  # fmt: skip
        return _attachment(row)

    def of_invitation(self, invitation_id: int) -> list[Attachment]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t.attachments)
                .where(t.attachments.c.invitation_id == invitation_id)
                .order_by(t.attachments.c.id)
            ).all()
        return [_attachment(r) for r in rows]

    def of_chain(self, chain_key: str) -> list[Attachment]:
        a, i = t.attachments, t.invitations
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(a)
                .join(i, i.c.id == a.c.invitation_id)
                .join(t.chains, t.chains.c.id == i.c.chain_id)
                .where(t.chains.c.key == chain_key)
                .order_by(a.c.id)
            ).all()
        return [_attachment(r) for r in rows]

    def get(self, ident: int) -> Attachment | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.attachments).where(t.attachments.c.id == ident)).first()
        return None if row is None else _attachment(row)

    def content(self, found: Attachment) -> bytes:
        """The file's bytes, checked against its hash: a changed file is never handed out."""
        data = file_path(self.folder, found.sha256).read_bytes()
        if hashlib.sha256(data).hexdigest() != found.sha256:
            raise ValueError(f"the file of attachment {found.id} no longer matches its hash")
        return data


def _write_once(path: Path, content: bytes) -> None:
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _attachment(r: Any) -> Attachment:
    at = r.uploaded_at if r.uploaded_at.tzinfo else r.uploaded_at.replace(tzinfo=UTC)
    return Attachment(
        r.id, r.invitation_id, r.kind, r.filename, r.media_type, r.size, r.sha256, at,
        r.uploaded_by,
    )  # fmt: skip


def _key(result: Any) -> int:
    """The id of the row an insert made."""
    return int(result.inserted_primary_key[0])
