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


def test_a_finding_that_goes_and_comes_back_keeps_when_it_was_first_found(
    database_url: str,
) -> None:
    with Workspace(database_url) as workspace:
        v1, _ = workspace.add_chain(_chain("one"), key="one", by="t")
        first = workspace.record_run(v1, _found("back", "stays"), "p", [], by="t")
        v2, _ = workspace.add_chain(_chain("one", 2), key="one", by="t")
        gone = workspace.record_run(v2, _found("stays"), "p", [], by="t")
        v3, _ = workspace.add_chain(_chain("one", 3), key="one", by="t")
        again = workspace.record_run(v3, _found("back", "stays", "later"), "p", [], by="t")
        before = workspace.first_seen("one", first)
        assert set(workspace.first_seen("one", gone)) == {"stays"}
        when = workspace.first_seen("one", again)
        assert when["back"] == before["back"]
        assert when["stays"] == before["stays"]
        assert when["later"] > before["back"]
        # A run with no findings changes nothing.
        workspace.record_run(v3, [], "p", [], by="t")
        assert workspace.first_seen("one", again) == when


def test_migration_0007_fills_first_found_from_the_runs_stored(database_url: str) -> None:
    with Workspace(database_url) as workspace:
        v1, _ = workspace.add_chain(_chain("one"), key="one", by="t")
        first = workspace.record_run(v1, _found("a"), "p", [], by="t")
        v2, _ = workspace.add_chain(_chain("one", 2), key="one", by="t")
        second = workspace.record_run(v2, _found("a", "b"), "p", [], by="t")
        other, _ = workspace.add_chain(_chain("two"), key="two", by="t")
        third = workspace.record_run(other, _found("b"), "p", [], by="t")
        expected = (workspace.first_seen("one", second), workspace.first_seen("two", third))
        # As a workspace made before migration 0007 would hold it: no first_found at all.
        with workspace.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE first_found")
            conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0006'")
    with Workspace(database_url) as workspace:
        assert (workspace.first_seen("one", second), workspace.first_seen("two", third)) == expected
        assert set(workspace.first_seen("one", first)) == {"a"}
        assert expected[1]["b"] > expected[0]["b"]  # the other chain's own history
