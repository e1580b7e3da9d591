"""The one output helper: '-' is standard output, a link is followed, a FIFO or a device is
written to and never replaced, a regular file is replaced whole or not at all."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from subtier.errors import InputError, OutputError
from subtier.output import atomic_path, check_suffix, open_text, write_output


def test_a_new_file_and_a_replaced_one_keep_their_permissions(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    write_output(target, "one\n")
    assert target.read_text() == "one\n"
    target.chmod(0o640)
    write_output(target, b"two\n")
    assert target.read_bytes() == b"two\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_a_symlink_stays_a_link_to_the_new_content(tmp_path: Path) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old\n")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    write_output(link, "new\n")
    assert link.is_symlink()
    assert real.read_text() == "new\n"
    dangling = tmp_path / "dangling.csv"
    dangling.symlink_to(tmp_path / "made.csv")
    write_output(dangling, "made\n")
    assert dangling.is_symlink()
    assert (tmp_path / "made.csv").read_text() == "made\n"


def test_a_fifo_is_written_to_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write_output(fifo, "through the pipe\n")
    reader.join(10)
    assert got == [b"through the pipe\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_device_is_written_to(tmp_path: Path) -> None:
    write_output("/dev/null", "nothing\n")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_dash_is_standard_output(capsys: pytest.CaptureFixture[str]) -> None:
    with open_text("-") as out:
        out.write("to stdout\n")
    assert capsys.readouterr().out == "to stdout\n"


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old\n")

    def half() -> None:
        with open_text(target) as out:
            out.write("half")
            raise RuntimeError("stopped")

    with pytest.raises(RuntimeError):
        half()
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_errors_name_the_path(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match=r"cannot write .*no-such-folder/out\.txt: No such file"):
        write_output(tmp_path / "no-such-folder" / "out.txt", "x")
    with pytest.raises(InputError, match="is a folder"):
        write_output(tmp_path, "x")
    with pytest.raises(InputError, match=r"writes \.csv"):
        check_suffix(tmp_path / "out.parquet", [".csv"], "the local engine")
    with atomic_path(tmp_path / "x.xlsx") as temporary:
        temporary.write_bytes(b"book")
    assert (tmp_path / "x.xlsx").read_bytes() == b"book"


def test_a_writer_killed_midway_leaves_a_temporary_the_next_write_removes(
    tmp_path: Path,
) -> None:
    import signal
    import subprocess
    import sys

    target = tmp_path / "report.json"
    target.write_text("old\n", encoding="utf-8")
    script = (
        "import os, signal, sys\n"
        "from subtier.output import open_binary\n"
        "with open_binary(sys.argv[1]) as out:\n"
        "    out.write(b'x' * 100_000); out.flush()\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(target)], check=False)
    assert done.returncode == -signal.SIGKILL
    left = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert len(left) == 1
    assert left[0].name.startswith(".report.json.")
    assert target.read_text(encoding="utf-8") == "old\n"  # the old content whole
    write_output(tmp_path / "other.txt", "new\n")  # any write into the folder clears it
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
