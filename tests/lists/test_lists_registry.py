"""Registered lists: add, list, replace, remove, and what a failed registration leaves."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from subtier.errors import InputError
from subtier.lists import all_lists, load_list, register_list, registered_lists, remove_list
from subtier.lists.home import home
from subtier.lists.registry import lists_dir, registrations
from tests.paths import TESTS

FIXTURES = TESTS / "fixtures"
SITES = FIXTURES / "lists" / "sites.csv"
T1 = FIXTURES / "ftm" / "t1_entities.ftm.json"


@pytest.fixture(autouse=True)
def subtier_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "home"
    monkeypatch.setenv("SUBTIER_HOME", str(folder))
    return folder


def copy(source: Path, folder: Path, name: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / (name or source.name)
    shutil.copyfile(source, target)
    return target


def test_home_is_subtier_home_or_the_user_data_folder(
    subtier_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert home() == subtier_home
    assert lists_dir() == subtier_home / "lists"
    monkeypatch.delenv("SUBTIER_HOME")
    assert home() == Path.home() / ".local" / "share" / "subtier"


def _names(home: Path) -> list[str]:
    return sorted(p.name for p in (home / "lists").iterdir())


def test_register_then_load_by_name(subtier_home: Path, tmp_path: Path) -> None:
    original = copy(SITES, tmp_path / "in")
    info = register_list("my-sites", original)
    assert (info.name, info.entries) == ("my-sites", 3)
    stored = Path(info.source)
    assert stored.parent == subtier_home / "lists"
    assert re.fullmatch(r"my-sites\.[0-9a-f]{16}\.csv", stored.name)
    assert stored.read_bytes() == SITES.read_bytes()
    sidecar = json.loads((subtier_home / "lists" / "my-sites.meta.json").read_text())
    assert sidecar["name"] == "my-sites"
    assert sidecar["format"] == "csv"
    assert sidecar["file"] == stored.name
    assert sidecar["original"] == str(original.resolve())
    assert sidecar["version"] == info.version
    assert sidecar["entries"] == 3
    assert sidecar["registered_at"].endswith("+00:00")
    # The original can go: the stored copy is what is used, with the same version.
    original.unlink()
    loaded = load_list("my-sites")
    assert loaded.info == info
    assert [r.id for r in loaded.records] == ["acme-1", "acme-2", "acme-3"]


def test_the_version_is_the_files_own(tmp_path: Path) -> None:
    original = copy(SITES, tmp_path / "in")
    os.utime(original, (1_600_000_000, 1_600_000_000))  # 2020-09-13
    info = register_list("dated", original)
    assert info.version == load_list(str(original)).info.version
    assert info.version.startswith("2020-09-13+sha256:")


def test_registered_lists_and_all_lists(tmp_path: Path) -> None:
    assert registered_lists() == []
    ftm = register_list("sanctions", T1)
    csv = register_list("alpha", SITES)
    assert registered_lists() == [csv, ftm]  # by name
    assert [r.format for r in registrations()] == ["csv", "ftm"]
    assert re.fullmatch(r"sanctions\.[0-9a-f]{16}\.ftm\.json", Path(ftm.source).name)
    assert ftm.entries == 6
    everything = all_lists()
    assert [i.name for i in everything] == [
        "facilities",
        "correctional-industries",
        "alpha",
        "sanctions",
    ]
    assert load_list("sanctions").info == ftm


def test_registering_again_replaces_the_list(subtier_home: Path, tmp_path: Path) -> None:
    original = copy(SITES, tmp_path / "in")
    first = register_list("sites", original)
    original.write_text(
        original.read_text(encoding="utf-8") + "acme-4,Fourth Site,,,,,,,\n", encoding="utf-8"
    )
    second = register_list("sites", original)
    assert second.entries == 4
    assert second.version != first.version
    assert registered_lists() == [second]
    assert load_list("sites").info == second
    # Each version is a copy of its own; the one just replaced stays for a reader that read
    # its sidecar just before, older ones go.
    assert _names(subtier_home) == sorted(
        [Path(first.source).name, Path(second.source).name, "sites.meta.json"]
    )
    # Now as FtM under the same name: the first CSV copy goes.
    third = register_list("sites", T1)
    assert load_list("sites").info == third
    assert _names(subtier_home) == sorted(
        [Path(second.source).name, Path(third.source).name, "sites.meta.json"]
    )
    assert third.source.endswith(".ftm.json")


def test_a_bad_file_leaves_the_old_registration(subtier_home: Path, tmp_path: Path) -> None:
    good = register_list("sites", SITES)
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name\nx-1,\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        register_list("sites", bad)
    # The error names the user's file, not the temporary copy.
    assert (caught.value.file, caught.value.line) == (str(bad), 2)
    assert registered_lists() == [good]
    assert load_list("sites").info == good
    assert _names(subtier_home) == [Path(good.source).name, "sites.meta.json"]


def test_a_bad_ftm_file_leaves_the_old_registration(tmp_path: Path) -> None:
    good = register_list("sanctions", T1)
    bad = tmp_path / "bad.ftm.json"
    bad.write_text('{"id": "a", "schema": "Company"}\nnot json\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        register_list("sanctions", bad)
    assert (caught.value.file, caught.value.line) == (str(bad), 2)
    assert load_list("sanctions").info == good


def test_remove(subtier_home: Path) -> None:
    register_list("gone", SITES)
    register_list("kept", T1)
    remove_list("gone")
    assert [i.name for i in registered_lists()] == ["kept"]
    assert not (subtier_home / "lists" / "gone.csv").exists()
    with pytest.raises(InputError, match="no such list"):
        load_list("gone")
    with pytest.raises(InputError, match="no registered list"):
        remove_list("gone")


def test_facilities_is_reserved() -> None:
    with pytest.raises(InputError, match="reserved"):
        register_list("facilities", SITES)
    assert registered_lists() == []


@pytest.mark.parametrize(
    "name", ["", "My-List", "-lead", "_lead", "a.b", "../up", "a/b", "a b", "x" * 65, "ok\n"]
)
def test_bad_names_are_refused(name: str) -> None:
    with pytest.raises(InputError, match="bad list name"):
        register_list(name, SITES)
    assert registered_lists() == []


def test_unknown_suffix_or_missing_file_is_refused(tmp_path: Path) -> None:
    text = tmp_path / "list.txt"
    text.write_text("id,name\n1,A\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"\.csv"):
        register_list("text", text)
    with pytest.raises(InputError, match="no such file"):
        register_list("missing", tmp_path / "missing.csv")
    assert registered_lists() == []


def test_load_list_by_path_and_errors(tmp_path: Path) -> None:
    assert load_list(str(SITES)).info.name == "sites"
    assert load_list(str(T1)).info.name == "t1_entities"
    assert load_list("facilities").info.name == "facilities"
    text = copy(SITES, tmp_path, "list.txt")
    with pytest.raises(InputError, match=r"\.csv.*\.jsonl"):
        load_list(str(text))
    with pytest.raises(InputError, match="no such list: 'nowhere'"):
        load_list("nowhere")
    with pytest.raises(InputError, match="not a file"):
        load_list(str(tmp_path))


def test_a_damaged_sidecar_is_named(subtier_home: Path) -> None:
    register_list("sites", SITES)
    sidecar = subtier_home / "lists" / "sites.meta.json"
    sidecar.write_text("{", encoding="utf-8")
    with pytest.raises(InputError, match="damaged") as caught:
        registered_lists()
    assert caught.value.file == str(sidecar)
    remove_list("sites")  # still possible, to repair it
    assert registered_lists() == []
