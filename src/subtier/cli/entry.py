"""The entry point: global options, exit codes, and how a crash is reported."""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import time
from typing import Annotated

import typer
from rich.markup import escape

from subtier.cli.common import (
    STARTED,
    VERBOSE,
    app,
    err,
    errors,
    fail,
)
from subtier.errors import InputError
from subtier.version import __version__


def _version(value: bool) -> None:
    if value:
        print(f"subtier {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug", help="On an internal error, show the traceback (anywhere on the line)."
        ),
    ] = False,
    quiet: Annotated[
        bool,
        typer.Option("--quiet", "-q", help="No notes or warnings on standard error; errors only."),
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose", "-v", help="Log what subtier does (INFO) and how long the command took."
        ),
    ] = False,
) -> None:
    """Who really does our work, where, and for what pay?

    Exit codes: 0 clean; 1 findings at or above --fail-on; 2 bad input; 3 internal error or
    output that cannot be written.
    """
    err.quiet = quiet and not verbose
    if verbose:
        import logging

        logging.basicConfig(format="subtier: %(name)s: %(message)s", stream=sys.stderr)
        logging.getLogger("subtier").setLevel(logging.INFO)
        VERBOSE.append(True)


DEBUG_FLAG = "--debug"


def main() -> None:
    """The command line's entry point: its exit codes are 0 (clean), 1 (findings at or above
    --fail-on, or a check that failed), 2 (bad input), 3 (an internal error, or output that
    could not be written): one line on standard error, and the traceback only with --debug."""
    # Loading a large chain creates millions of small objects that all live to the end of the
    # run; the default collector thresholds re-scan them over and over (3x slower at 100k sites).
    gc.set_threshold(200_000, 50, 1000)
    debug = _take_debug_flag(sys.argv)
    from subtier.extras import MissingExtraError

    try:
        app()
    except SystemExit as done:
        code = done.code
    except MissingExtraError as error:  # raised where no command catches it: one line, no traceback
        errors.print(f"[bold red]error:[/] {escape(str(error))}", highlight=False)
        code = 2
    except InputError as error:
        fail(error)
        code = 2
    except BaseException as error:  # a crash must not look like a finding (exit 1)
        code = _crashed(error, debug)
    else:
        code = 0
    if VERBOSE:
        errors.print(f"subtier: done in {time.perf_counter() - STARTED:.2f} s", highlight=False)
    # Freeing a large chain object by object at interpreter exit takes longer than checking it
    # (3 s of 12 at 100,000 sites). Output is flushed, no file is left open, so end at once.
    if isinstance(code, str):
        sys.stderr.write(code + "\n")
        code = 1
    with contextlib.suppress(OSError):  # the reader went away (a closed pipe)
        sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)


def _take_debug_flag(argv: list[str]) -> bool:
    """Take ``--debug`` out of the arguments, wherever it stands before a ``--``."""
    end = argv.index("--") if "--" in argv else len(argv)
    if DEBUG_FLAG not in argv[1:end]:
        return os.environ.get("SUBTIER_DEBUG", "") not in ("", "0")
    del argv[argv.index(DEBUG_FLAG, 1, end)]
    return True


def _crashed(error: BaseException, debug: bool) -> int:
    from subtier.errors import OutputError

    if isinstance(error, KeyboardInterrupt):
        err.print("[bold red]interrupted[/]", highlight=False)
        return 130
    if isinstance(error, BrokenPipeError):
        return 0  # the reader stopped reading (`| head`): not an error of ours
    if debug:
        import traceback

        traceback.print_exception(error)
    if isinstance(error, OutputError):
        message, hint = str(error), ""
    else:
        what = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        message = f"internal error: {what}"
        hint = "" if debug else " (run again with --debug for the traceback)"
    err.print(f"[bold red]error:[/] {escape(message)}{hint}", highlight=False, soft_wrap=True)
    return 3
