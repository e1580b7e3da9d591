"""Serving from several worker processes (``subtier serve --workers N``).

Handlers hold Python's GIL for nearly all their work, so one process uses one core however many
threads it has. With ``--workers N`` the server opens its socket, builds the app and loads the
lists once, then forks N workers that accept connections on that socket, each with its own
event loop and database connections. What must be one across the workers is: the rate limits
(in shared memory, see ``RateLimiter``), the writer of chain versions (a lock the system
releases if a worker dies, see ``store.locks``) and the queue of notifications (rows leased
in the database).

The parent only watches: a worker that dies is replaced, unless workers keep dying (then the
server stops, naming the exit), and SIGINT or SIGTERM stops every worker, each finishing the
requests it has begun.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from typing import Any

from subtier.errors import InputError
from subtier.parallel import warmup

# Workers replaced within this many seconds of each other, this many times: a crash loop.
RESPAWN_WINDOW, RESPAWN_LIMIT = 10.0, 5
STOP_GRACE = 30.0  # seconds a worker has to finish its requests before it is killed
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def listen(host: str, port: int) -> socket.socket:
    """The listening socket the workers share; a clear error if the address is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        sock = socket.create_server((host.strip("[]"), port), family=family, backlog=2048)
    except OSError as error:
        raise InputError(f"cannot listen on {host}:{port}: {error.strerror}") from None
    sock.set_inheritable(True)
    return sock


def _worker(app: Any, sock: socket.socket, options: dict[str, Any], mask: set[int]) -> int:
    import uvicorn

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD):
        signal.signal(sig, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # a SIGTERM held back stops it here
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", **options))
    server.run(sockets=[sock])
    return 0


def _spawn(app: Any, sock: socket.socket, options: dict[str, Any]) -> int:
    # SIGINT and SIGTERM are held back from the fork until the worker has put back the default
    # handlers: one that reached it before would run the parent's handler there and be lost,
    # and the worker would serve on until it was killed at the end of the grace period.
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        pid = os.fork()
    except BaseException:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        raise
    if pid == 0:  # the worker: never returns into the parent's code
        code = 1
        try:
            code = _worker(app, sock, options, mask)
        except BaseException as error:
            print(f"subtier serve: worker {os.getpid()} failed: {error!r}", file=sys.stderr)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    return pid


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"was killed by {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exited with code {os.waitstatus_to_exitcode(status)}"


def run(
    app: Any,
    sock: socket.socket,
    workers: int,
    options: dict[str, Any],
    say: Callable[[str], None],
    before_fork: Callable[[], None],
) -> int:
    """Fork ``workers`` workers serving ``app`` on ``sock`` and watch them until told to stop;
    the exit code for the command (0 when stopped by a signal)."""
    if not warmup.can_fork():
        raise InputError("cannot start workers: a thread is already running in this process")
    before_fork()
    stopping = False

    def stop(_sig: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in STOP_SIGNALS}
    children = {_spawn(app, sock, options) for _ in range(workers)}
    respawns: list[float] = []
    code = 0
    try:
        while children and not stopping:
            # Polled rather than waited on: a signal does not interrupt a wait (PEP 475), and
            # a SIGTERM sent to this process alone must still stop the workers.
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0 or pid not in children:
                time.sleep(0.2)
                continue
            children.discard(pid)
            if stopping:
                break
            now = time.monotonic()
            respawns = [at for at in respawns if now - at < RESPAWN_WINDOW] + [now]
            if len(respawns) > RESPAWN_LIMIT:
                say(
                    f"subtier serve: worker {pid} {_describe(status)}; workers keep dying, stopping"
                )
                code = 1
                break
            say(f"subtier serve: worker {pid} {_describe(status)}; starting another")
            children.add(_spawn(app, sock, options))
    finally:
        _stop(children)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        sock.close()
    return code


def _stop(children: set[int]) -> None:
    """SIGTERM to every worker, then SIGKILL to any still running after the grace period."""
    for pid in children:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE
    while children:
        for pid in list(children):
            try:
                done, _status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done = pid
            if done:
                children.discard(pid)
        if not children:
            return
        if time.monotonic() > deadline:
            for pid in children:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            return
        time.sleep(0.05)
