"""The dashboard's reads on SQLite and PostgreSQL: what each account last saw of every chain,
in one read, and when each finding was first found."""

from __future__ import annotations

from subtier.core.model import Chain
from subtier.core.policy import Severity
from subtier.core.review import Tracked
from subtier.store import Workspace


def _chain(name: str, suppliers: int = 1) -> Chain:
    return Chain.model_validate(
        {"subtier": 1, "name": name, "root": "a",
         "organizations": [{"id": "a", "name": "A"},
                           *({"id": f"s{i}", "name": f"S{i}"} for i in range(suppliers))],
         "engagements": [{"id": f"e{i}", "buyer": "a", "supplier": f"s{i}"}
                         for i in range(suppliers)]}
    )  # fmt: skip


def _found(*keys: str) -> list[Tracked]:
    body = {"subject": {"kind": "organization", "id": "s0"}}
    return [Tracked(k, "h", Severity.HIGH, {"rule": k, **body}) for k in keys]


def test_seen_runs_and_first_seen(database_url: str) -> None:
    with Workspace(database_url) as workspace:
        v1, _ = workspace.add_chain(_chain("one"), key="one", by="t")
        first = workspace.record_run(v1, _found("old"), "p", [], by="t")
        v2, _ = workspace.add_chain(_chain("one", 2), key="one", by="t")
        second = workspace.record_run(v2, _found("old", "new"), "p", [], by="t")
        other, _ = workspace.add_chain(_chain("two"), key="two", by="t")
        # The same key in another chain is not this chain's history.
        workspace.record_run(other, _found("new"), "p", [], by="t")
        workspace.mark_seen("user:alice", "one", first)
        workspace.mark_seen("user:bob", "one", second)
        assert workspace.seen_runs("user:alice") == {"one": first}
        assert workspace.seen_runs("user:carol") == {}
        when = workspace.first_seen("one", second)
        assert set(when) == {"old", "new"}
        assert when["old"] < when["new"]
        assert when["old"].tzinfo is not None
