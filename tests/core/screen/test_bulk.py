"""Building without the cyclic collector, and the tables built while the command line loads."""

from __future__ import annotations

import gc
import subprocess
import sys

from subtier.core.gcpause import bulk


def test_the_collector_is_paused_inside_and_what_was_built_is_frozen() -> None:
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    with bulk():
        assert not gc.isenabled()
        with bulk():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block is still building
        built = [[n] for n in range(1000)]
    assert gc.isenabled()
    # Out of the collector's sight: its passes no longer walk what the block built.
    assert gc.get_freeze_count() - frozen >= len(built)


def test_a_paused_collector_stays_paused() -> None:
    gc.disable()
    try:
        with bulk():
            pass
        assert not gc.isenabled()  # bulk leaves it as it found it
    finally:
        gc.enable()


def _started(command: str) -> str:
    code = (
        f"import sys; sys.argv = ['subtier', '{command}']; import subtier.cli; "
        "from subtier.parallel import warmup; print(warmup.started())"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_screen_starts_the_tables_while_the_command_line_loads() -> None:
    assert _started("screen") == "True"
    assert _started("lists") == "False"


def test_the_tables_thread_starts_building_before_importing_anything_heavy() -> None:
    # The address tables' build lets the command line go on importing meanwhile, but only
    # once it has begun: what the thread imports before it must take no time.
    code = (
        "import sys; import subtier.core.normalize.tables; "
        "print(sorted(m for m in ('rigour.names', 'rigour.text', 'numpy', 'usaddress') "
        "if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
