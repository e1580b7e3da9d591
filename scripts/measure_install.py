"""Build the wheel, install it in fresh venvs (core, then [all]) and print their size and time.

    python scripts/measure_install.py                 # pip's cache as it is (a reused machine)
    python scripts/measure_install.py --no-cache-dir  # as a new machine: PyICU compiles (~40 s)
    python scripts/measure_install.py --core-only

Versions come from requirements.lock (as a constraint), so the figures are those of the
versions CI tests. Each venv is checked: `subtier check --example` must print the critical
finding, from a directory outside the checkout. Exits 1 if the core venv is over LIMIT_MB.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Half of the 590 MB a venv took when every dependency was required.
LIMIT_MB = 295


def du_mb(path: Path) -> float:
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        for name in files:
            file = Path(dirpath) / name
            if not file.is_symlink():
                total += file.stat().st_size
    return total / 1e6


def build_wheel(out: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(ROOT)],
        check=True,
    )
    return next(out.glob("subtier-*.whl"))


def install(wheel: Path, extras: str, where: Path, pip_args: list[str]) -> tuple[float, float]:
    """(seconds, MB) of a fresh venv with the wheel and its dependencies."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", str(where)], check=True)
    pip = [str(where / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check"]
    target = f"{wheel}{extras}"
    subprocess.run([*pip, *pip_args, "-c", str(ROOT / "requirements.lock"), target], check=True)
    seconds = time.perf_counter() - started
    return seconds, du_mb(where)


def check_example(where: Path) -> bool:
    done = subprocess.run(
        [str(where / "bin" / "subtier"), "check", "--example"],
        capture_output=True,
        text=True,
        cwd=tempfile.gettempdir(),
        check=False,
    )
    return done.returncode == 1 and "CRITICAL   no-prison-labor" in done.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-cache-dir", action="store_true", help="pip without its cache")
    parser.add_argument("--core-only", action="store_true", help="skip the [all] install")
    parser.add_argument("--keep", action="store_true", help="keep the venvs (printed)")
    args = parser.parse_args()
    pip_args = ["--no-cache-dir"] if args.no_cache_dir else []
    work = Path(tempfile.mkdtemp(prefix="subtier-install-"))
    wheel = build_wheel(work / "dist")
    print(f"wheel: {wheel.name} ({wheel.stat().st_size / 1e6:.1f} MB)")
    cache = "without pip's cache" if args.no_cache_dir else "with pip's cache as it is"
    ok = True
    for label, extras in [("core", ""), ("all", "[all]")][: 1 if args.core_only else 2]:
        seconds, mb = install(wheel, extras, work / label, pip_args)
        works = check_example(work / label)
        ok = ok and works
        print(
            f"{label:5s} pip install subtier{extras}: {mb:6.0f} MB, {seconds:5.1f} s ({cache}); "
            f"check --example: {'critical finding printed' if works else 'FAILED'}"
        )
        if label == "core" and mb > LIMIT_MB:
            print(f"core install is over {LIMIT_MB} MB")
            ok = False
    if args.keep:
        print(f"venvs kept in {work}")
    else:
        shutil.rmtree(work)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
