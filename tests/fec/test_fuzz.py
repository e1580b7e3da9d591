"""Mutated filings through `subtier fec`: every run ends 0, 1 or a clear exit-2 message.

FastFEC is C: a filing that corrupts its heap used to abort the whole process. 320 filings made
from the bundled one (byte flips, lone-quote fields, truncations, bare CRs, NULs, huge fields,
stray separators; seeded, so a failure is the same failure next time) run through the command
line in this process: a crash would end the test run itself, and any exception other than the
command's own exit is a traceback a user would see.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from subtier.cli import app

from .conftest import SAMPLE

SEED = 19
LINES = SAMPLE.read_bytes().split(b"\n")
# The header and report lines, some receipts and every kind of disbursement: a small filing
# that reads in a fraction of the bundled one's time.
BASE = b"\n".join([*LINES[:40], *LINES[2226:2420], *LINES[-20:]])
Mutation = Callable[[random.Random, bytes], bytes]


def _line_start(rng: random.Random, data: bytes) -> tuple[list[bytes], int]:
    lines = data.split(b"\n")
    return lines, rng.randrange(len(lines) - 1)


def flip_bytes(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def lone_quote(rng: random.Random, data: bytes) -> bytes:
    lines, at = _line_start(rng, data)
    fields = lines[at].split(b"\x1c")
    fields[rng.randrange(len(fields))] = rng.choice([b'"', b' "', b'" '])
    lines[at] = b"\x1c".join(fields)
    return b"\n".join(lines)


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data))]


def _insert(data: bytes, at: int, what: bytes) -> bytes:
    return data[:at] + what + data[at:]


def bare_cr(rng: random.Random, data: bytes) -> bytes:
    return _insert(data, rng.randrange(len(data)), b"\r")


def nul(rng: random.Random, data: bytes) -> bytes:
    return _insert(data, rng.randrange(len(data)), b"\x00" * rng.randint(1, 3))


def huge_field(rng: random.Random, data: bytes) -> bytes:
    lines, at = _line_start(rng, data)
    fields = lines[at].split(b"\x1c")
    fields[rng.randrange(len(fields))] = b"A" * rng.choice([5_000, 200_000, 3_100_000])
    lines[at] = b"\x1c".join(fields)
    return b"\n".join(lines)


def stray_separator(rng: random.Random, data: bytes) -> bytes:
    where = [m.start() for m in re.finditer(b"\x1c", data)]
    at = rng.choice(where)
    if rng.random() < 0.5:
        return data[:at] + data[at + 1 :]  # one field fewer
    return _insert(data, at, b"\x1c")


def quotes_and_breaks(rng: random.Random, data: bytes) -> bytes:
    for _ in range(rng.randint(1, 4)):
        data = _insert(data, rng.randrange(len(data)), rng.choice([b'"', b"\n", b'""', b"\r\n"]))
    return data


MUTATIONS: list[Mutation] = [
    flip_bytes,
    lone_quote,
    truncate,
    bare_cr,
    nul,
    huge_field,
    stray_separator,
    quotes_and_breaks,
]
COUNT = 320


def mutants() -> list[tuple[str, bytes]]:
    """``COUNT`` mutated filings, each named for its mutation; the same ones on every run."""
    rng = random.Random(SEED)
    out = []
    for number in range(COUNT):
        mutation = MUTATIONS[number % len(MUTATIONS)]
        data = mutation(rng, BASE)
        if rng.random() < 0.15:  # now and then, two mutations on one filing
            data = rng.choice(MUTATIONS)(rng, data)
        out.append((f"{1700000 + number}-{mutation.__name__}.fec", data))
    return out


def test_the_base_filing_reads_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "1700000.fec"
    path.write_bytes(BASE)
    done = CliRunner().invoke(app, ["fec", str(path), "--format", "json"])
    assert done.exit_code in (0, 1), done.output
    report = json.loads(done.stdout)
    assert report["committee"]
    assert report["payees"]  # the mutants start from a filing that is read to the end


@pytest.mark.slow
def test_no_mutated_filing_crashes_the_command(tmp_path: Path) -> None:
    runner = CliRunner()
    outcomes: dict[int, int] = {}
    lone_quotes = 0
    for name, data in mutants():
        path = tmp_path / name
        path.write_bytes(data)
        done = runner.invoke(app, ["fec", str(path), "--format", "json"])
        assert done.exception is None or isinstance(done.exception, SystemExit), (
            name,
            repr(done.exception),
        )
        assert done.exit_code in (0, 1, 2), (name, done.exit_code, done.output)
        assert "Traceback" not in done.output, (name, done.output)
        if done.exit_code == 2:
            message = done.stderr.strip()
            # Most name the file and line; a few are about the filing as a whole (a flipped
            # byte in a committee id makes two committees: choose one).
            assert message.startswith("error: "), (name, message)
            assert len(message.splitlines()) == 1, (name, message)
            assert "internal error" not in message, (name, message)
            if "lone double quote" in message:
                lone_quotes += 1
                assert re.match(rf"error: {re.escape(str(path))}:\d+: field \d+ ", message)
        outcomes[done.exit_code] = outcomes.get(done.exit_code, 0) + 1
        path.unlink()
    # The mutations are not all harmless: most filings are refused, each with its reason.
    assert outcomes.get(2, 0) > COUNT // 2, outcomes
    assert lone_quotes >= COUNT // len(MUTATIONS) - 5, lone_quotes
