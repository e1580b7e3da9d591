"""The workspace store: saved chain versions and a tamper-evident audit trail."""

from subtier.store.audit import AuditRecord, Broken
from subtier.store.workspace import ChainVersion, Workspace, actor, chain_key, database_url

__all__ = [
    "AuditRecord",
    "Broken",
    "ChainVersion",
    "Workspace",
    "actor",
    "chain_key",
    "database_url",
]
