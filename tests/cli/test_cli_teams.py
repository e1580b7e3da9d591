"""`subtier teams` and `subtier accounts`: the administrator's commands for buyers kept apart."""

from __future__ import annotations

import os
from pathlib import Path

from tests.conftest import run_cli as run


def test_teams_accounts_and_chains(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/w.db"
    env = {**os.environ, "SUBTIER_PASSWORD": "correct horse battery"}
    assert run("teams", "add", "client-b", "-d", db).stdout == "added team 'client-b'\n"
    added = run("accounts", "add", "bob", "--team", "client-b", "-d", db, env=env)
    assert added.returncode == 0, added.stderr
    assert run("accounts", "add", "ann", "-d", db, env=env).returncode == 0
    listed = run("teams", "list", "-d", db).stdout.splitlines()
    assert listed == ["client-b: bob; chains: no chains", "default: ann; chains: no chains"]
    moved = run("teams", "move-account", "ann", "client-b", "-d", db)
    assert moved.returncode == 0, moved.stderr
    assert run("teams", "list", "-d", db).stdout.splitlines()[0] == (
        "client-b: ann, bob; chains: no chains"
    )


def test_mistakes_are_named_with_exit_code_2(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/w.db"
    env = {**os.environ, "SUBTIER_PASSWORD": "correct horse battery"}
    for args, message in [
        (("teams", "add", "default"), "there is already a team 'default'"),
        (("teams", "add", "bad/name"), "bad team name"),
        (("teams", "move-chain", "nothing", "default"), "no chain 'nothing'"),
        (("teams", "move-account", "nobody", "default"), "no user 'nobody'"),
        (("accounts", "add", "carol", "--team", "nope"), "no team 'nope'; teams: default"),
    ]:
        done = run(*args, "-d", db, env=env)
        assert done.returncode == 2, (args, done.stderr)
        assert message in done.stderr, done.stderr
        assert "Traceback" not in done.stderr


def test_serve_adds_an_account_to_a_team(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/w.db"
    env = {**os.environ, "SUBTIER_PASSWORD": "correct horse battery"}
    run("teams", "add", "client-b", "-d", db)
    done = run("serve", "-d", db, "--add-user", "bob", "--team", "client-b", env=env)
    assert done.returncode == 0, done.stderr
    assert run("teams", "list", "-d", db).stdout.startswith("client-b: bob;")
    alone = run("serve", "-d", db, "--team", "client-b")
    assert alone.returncode == 2
    assert "--team goes with --add-user" in alone.stderr
