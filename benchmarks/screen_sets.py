"""Helpers for the screening benchmarks: the labelled sets, the synthetic scale data, and a
runner that times `subtier screen` and measures its peak memory.

Used by bench_screen.py and bench_screen_scale.py; nothing here touches the network.
"""

from __future__ import annotations

import csv
import hashlib
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FACILITIES_CSV = REPO / "src" / "subtier" / "data" / "facilities.csv"
OUTPUT_COLUMNS = ("match_list", "match_id", "match_name", "score", "reasons")


# --- the labelled sets -----------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """One input row as the benchmark sees it: its key, its name, its truth, its group."""

    key: str
    name: str
    truth: str  # "" when the query has no match in the list
    group: str = ""
    half: str = ""  # "dev" or "held-out" (names set): tune on dev only
    other: str = ""  # the list name it is paired with (names set)


@dataclass(frozen=True)
class Entry:
    id: str
    name: str


@dataclass
class ScreenSet:
    """A labelled set: the input CSV and list the CLI gets, and what the scorer needs."""

    key: str  # "a", "b", "c"
    name: str
    input: Path
    list_spec: str  # "facilities" or a path to a CSV list
    key_column: str  # input column (passed through) that identifies each query
    queries: list[Query]
    entries: list[Entry]
    notes: list[str] = field(default_factory=list)

    @property
    def positives(self) -> int:
        return sum(1 for q in self.queries if q.truth)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def _write(path: Path, header: Sequence[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def companies_set(shared: Path) -> ScreenSet:
    """(a) the synthetic company screening set, used as shipped (qid, truth, ops pass through)."""
    folder = shared / "bench" / "companies"
    queries = [
        Query(r["qid"], r["name"], r["truth"], half=query_half(r["qid"]))
        for r in _read(folder / "queries.csv")
    ]
    entries = [Entry(r["id"], r["name"]) for r in _read(folder / "list.csv")]
    return ScreenSet(
        "a", "companies", folder / "queries.csv", str(folder / "list.csv"), "qid", queries, entries
    )


def _clean(value: str | None) -> str:
    value = (value or "").strip()
    return "" if value.upper() == "NA" else value


def facilities_set(shared: Path, tmp: Path) -> ScreenSet:
    """(b) UCLA facility roster rows that carry a HIFLD id, against the bundled list."""
    source = shared / "data" / "ucla_covid_behind_bars" / "fac_data.csv"
    rows: list[list[str]] = []
    queries: list[Query] = []
    for r in _read(source):
        truth = _clean(r["HIFLD.ID"])
        if not truth:
            continue
        key = r["Facility.ID"]
        rows.append(
            [key, *(_clean(r[c]) for c in ("Name", "Address", "City", "State", "Zipcode")), truth]
        )
        queries.append(Query(key, _clean(r["Name"]), truth))
    path = _write(
        tmp / "facilities_input.csv",
        ["id", "name", "address", "city", "state", "zip", "truth"],
        rows,
    )
    entries = [Entry(r["id"], r["name"]) for r in _read(FACILITIES_CSV)]
    known = {e.id for e in entries}
    absent = sum(1 for q in queries if q.truth not in known)
    notes = [
        f"{absent} of {len(queries)} truths are absent from the bundled list; "
        "they are scored as positives anyway (a miss on them counts against recall)"
    ]
    return ScreenSet("b", "facilities", path, "facilities", "id", queries, entries, notes)


def names_set(shared: Path, tmp: Path) -> ScreenSet:
    """(c) nomenklatura's 826 labelled name pairs: name2 is the list, name1 the query."""
    cases = _read(shared / "data" / "opensanctions_nomenklatura" / "cases.csv")
    list_rows: list[list[str]] = []
    input_rows: list[list[str]] = []
    queries: list[Query] = []
    entries: list[Entry] = []
    for i, case in enumerate(cases):
        key = f"c{i}"
        truth = key if case["is_match"].strip().lower() == "true" else ""
        list_rows.append([key, case["name2"]])
        input_rows.append([key, case["name1"], truth, case["schema"]])
        half = pair_half(case["name1"], case["name2"])
        queries.append(Query(key, case["name1"], truth, case["schema"], half, case["name2"]))
        entries.append(Entry(key, case["name2"]))
    list_path = _write(tmp / "names_list.csv", ["id", "name"], list_rows)
    input_path = _write(tmp / "names_input.csv", ["id", "name", "truth", "schema"], input_rows)
    return ScreenSet("c", "names", input_path, str(list_path), "id", queries, entries)


def query_half(qid: str) -> str:
    """A companies query's half, by a hash of its qid: "dev" (tune on it) or "held-out"."""
    return "dev" if hashlib.sha1(qid.encode()).digest()[0] % 2 == 0 else "held-out"


def pair_half(name1: str, name2: str) -> str:
    """A name pair's half, by a hash of the pair: "dev" (tune on it) or "held-out" (never)."""
    digest = hashlib.sha1(f"{name1}\t{name2}".encode()).digest()
    return "dev" if digest[0] % 2 == 0 else "held-out"


# --- scoring ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scores:
    reported: int
    correct: int
    positives: int

    @property
    def precision(self) -> float:
        return self.correct / self.reported if self.reported else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.positives if self.positives else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def top1_scores(truths: Sequence[str], predicted: Sequence[str]) -> Scores:
    """Top-1 scoring: a reported match (non-empty id) is correct when it equals the truth."""
    reported = sum(1 for p in predicted if p)
    correct = sum(1 for t, p in zip(truths, predicted, strict=True) if p and p == t)
    return Scores(reported, correct, sum(1 for t in truths if t))


def best_over_thresholds(
    truths: Sequence[str], best_ids: Sequence[str], best_scores: Sequence[float]
) -> tuple[float, Scores]:
    """The threshold with the best F1, chosen with hindsight, and the scores there."""
    positives = sum(1 for t in truths if t)
    order = sorted(range(len(truths)), key=lambda i: -best_scores[i])
    best = (0.0, Scores(0, 0, positives))
    reported = correct = 0
    for n, i in enumerate(order):
        reported += bool(best_ids[i])  # a query without any candidate reports nothing
        correct += bool(best_ids[i]) and best_ids[i] == truths[i]
        last = n + 1 == len(order) or best_scores[order[n + 1]] != best_scores[i]
        if last:
            scores = Scores(reported, correct, positives)
            if scores.f1 > best[1].f1:
                best = (best_scores[i], scores)
    return best


# --- running the CLI -------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    wall: float
    returncode: int
    peak_kb: int | None  # max RSS of the largest single process (GNU time %M or wait4)
    tree_kb: int | None  # sampled peak of the summed PSS of the process tree, when >1 process
    processes: int  # how many processes the sampler saw (the time wrapper excluded)
    stderr: str
    stdout: str = ""
    timed_out: bool = False

    def ok(self) -> bool:
        return not self.timed_out and self.returncode == 0


def screen_available() -> bool:
    done = subprocess.run(
        [sys.executable, "-m", "subtier", "screen", "--help"],
        capture_output=True,
        check=False,
        timeout=120,
    )
    return done.returncode == 0


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as handle:
                stat = handle.read()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(parent, []).append(int(entry.name))
    return tree


def _descendants(root: int) -> list[int]:
    tree = _children()
    found: list[int] = []
    todo = [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(tree.get(pid, ()))
    return found


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
    except (OSError, ValueError):
        return 0


SAMPLE_EVERY = 0.5  # seconds between memory samples of a running process tree


class _TreeSampler(threading.Thread):
    """Polls the summed PSS of a process tree; catches what one process's maxrss cannot."""

    def __init__(self, root: int, skip_root: bool) -> None:
        super().__init__(daemon=True)
        self.root, self.skip_root = root, skip_root
        self.peak_kb = 0
        self.seen: set[int] = set()
        self.done = threading.Event()

    def run(self) -> None:
        if not Path("/proc").is_dir():
            return
        # Each sample reads every process's page tables (smaps_rollup) and all of /proc: at
        # five a second that took 0.1 s of CPU from a 2 s run on 2 cores, slowing what it
        # measured. Twice a second still catches a peak that lasts.
        while not self.done.wait(SAMPLE_EVERY):
            pids = _descendants(self.root)
            if self.skip_root:
                pids = pids[1:]
            self.seen.update(pids)
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(p) for p in pids))


def _cap_memory(limit_kb: int) -> Callable[[], None]:
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit_kb * 1024, limit_kb * 1024))

    return cap


def run_timed(args: Sequence[str], timeout: float, limit_kb: int | None = None) -> Run:
    """Run a command, wall-clock timed, with its peak RSS; kill its process group on timeout.

    The command's stdout and stderr are kept (in temporary files, so pipes never fill).
    ``limit_kb`` caps each process's address space (RLIMIT_AS), so that a run far over its
    memory target fails with MemoryError rather than starving the machine.

    Peak RSS comes from GNU time's %M where /usr/bin/time exists, else from os.wait4. Both
    report the largest single process; a sampler adds the summed PSS of the process tree
    so that worker processes are counted too.
    """
    gnu_time = shutil.which("time", path="/usr/bin")
    with (
        tempfile.NamedTemporaryFile("r", suffix=".rss", encoding="ascii") as rss,
        tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as err,
        tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as out,
    ):
        command = [*([gnu_time, "-f", "%M", "-o", rss.name] if gnu_time else []), *args]
        reaped: list[tuple[int, int, resource.struct_rusage]] = []
        start = time.perf_counter()
        proc = subprocess.Popen(
            command,
            stdout=out,
            stderr=err,
            start_new_session=True,
            preexec_fn=_cap_memory(limit_kb) if limit_kb else None,
        )
        # Reap with wait4 in a thread, so that the rusage is ours and the wait has a limit.
        waiter = threading.Thread(target=lambda: reaped.append(os.wait4(proc.pid, 0)))
        sampler = _TreeSampler(proc.pid, skip_root=gnu_time is not None)
        waiter.start()
        sampler.start()
        waiter.join(timeout)
        timed_out = waiter.is_alive()
        if timed_out:
            os.killpg(proc.pid, signal.SIGKILL)
            waiter.join()
        wall = time.perf_counter() - start
        sampler.done.set()
        sampler.join()
        _, status, usage = reaped[0]
        code = os.waitstatus_to_exitcode(status)
        proc.returncode = code  # reaped above: keep Popen from waiting again
        err.seek(0)
        stderr = err.read()
        out.seek(0)
        stdout = out.read()
        peak: int | None = int(usage.ru_maxrss) or None
        if gnu_time:
            text = rss.read().strip().splitlines()
            if text and text[-1].isdigit():
                peak = int(text[-1])
    processes = len(sampler.seen)
    tree = sampler.peak_kb if processes > 1 else None
    return Run(wall, code, peak, tree, processes, stderr, stdout, timed_out)


def screen_command(
    input_path: Path,
    list_spec: str,
    output: Path,
    top: int | None = None,
    threshold: float | None = None,
) -> list[str]:
    args = [sys.executable, "-m", "subtier", "screen", str(input_path), "--list", list_spec]
    args += ["--output", str(output)]
    if top is not None:
        args += ["--top", str(top)]
    if threshold is not None:
        args += ["--threshold", str(threshold)]
    return args


def read_output(path: Path) -> Iterator[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        yield from csv.DictReader(handle)


def machine() -> str:
    """nproc, the load average (other work on the machine skews the timings), Python."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"nproc {os.cpu_count()}, load average {load:.2f}, python {sys.version.split()[0]}"


def mb(kb: int | None) -> str:
    return "n/a" if kb is None else f"{kb / 1024:,.0f} MB"


# --- synthetic data for the scale benchmark --------------------------------------------------

_ONSETS = ["b", "br", "ch", "d", "f", "g", "gr", "h", "j", "k", "kr", "l", "m", "n", "p", "r"]
_ONSETS += ["s", "sh", "st", "t", "tr", "v", "w", "z", "zh", ""]
_NUCLEI = ["a", "e", "i", "o", "u", "ai", "ea", "io", "ou", "y"]
_CODAS = ["", "", "n", "r", "s", "l", "x", "m", "nd", "rt", "k"]
_INDUSTRY = ["Logistics", "Textiles", "Trading", "Electronics", "Foods", "Services", "Metals"]
_INDUSTRY += ["Packaging", "Garments", "Plastics", "Mining", "Seafood", "Furniture", "Solar"]
_INDUSTRY += ["Construction", "Printing", "Auto Parts", "Agricultural Products", "Staffing"]
_FORMS = ["Co., Ltd.", "Ltd.", "LLC", "Inc.", "GmbH", "S.A.", "OOO", "Pvt. Ltd.", "JSC"]
_FORMS += ["Corporation", "Limited", "S.A. de C.V.", "PLC", "AG", "B.V.", "Company Limited"]
_COUNTRIES = ["cn", "in", "vn", "bd", "tr", "my", "th", "id", "mx", "ru", "uz", "pk", "us"]
_CITIES = ["Shenzhen", "Tiruppur", "Dhaka", "Izmir", "Penang", "Bangkok", "Surabaya", "Monterrey"]
_CITIES += ["Kazan", "Tashkent", "Karachi", "Houston", "Ningbo", "Hanoi", "Chennai", "Puebla"]
_STREETS = ["Main", "Oak", "Maple", "Pine", "Cedar", "Elm", "Washington", "Lincoln", "Park"]
_STREETS += ["Lake", "Hill", "Church", "Mill", "Water", "Market", "Spring", "Ridge", "River"]
_STREETS += ["1st", "2nd", "3rd", "4th", "5th", "Industrial", "Commerce", "Railroad", "Center"]
_SUFFIXES = ["St", "Ave", "Rd", "Dr", "Blvd", "Ln", "Way", "Ct", "Pkwy", "Hwy"]
_LONG = {"st": "Street", "ave": "Avenue", "av": "Avenue", "rd": "Road", "dr": "Drive"}
_LONG |= {"blvd": "Boulevard", "ln": "Lane", "ct": "Court", "pkwy": "Parkway", "hwy": "Highway"}
_LONG |= {"n": "North", "s": "South", "e": "East", "w": "West"}
_SHORT = {v.lower(): k for k, v in _LONG.items() if k != "av"}
_BUSINESS = ["Supply", "Services", "Industries", "Manufacturing", "Distribution", "Foods"]
_BUSINESS += ["Printing", "Laundry", "Staffing", "Farms", "Packaging", "Electric", "Plumbing"]
_US_FORMS = ["LLC", "Inc", "Inc.", "Co", "Corp", "Company", ""]


def syllable_word(rng: random.Random, parts: int) -> str:
    word = "".join(
        rng.choice(_ONSETS) + rng.choice(_NUCLEI) + rng.choice(_CODAS) for _ in range(parts)
    )
    return word.capitalize()


def company_name(rng: random.Random) -> str:
    words = [syllable_word(rng, rng.randint(1, 3)) for _ in range(rng.choice((1, 1, 2)))]
    return f"{' '.join(words)} {rng.choice(_INDUSTRY)} {rng.choice(_FORMS)}"


def write_company_list(path: Path, entries: int, seed: int = 7) -> Path:
    """A made-up list of ``entries`` companies: id, name, address, country."""
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "address", "country"])
        for i in range(entries):
            street = f"{rng.choice(_STREETS)} {rng.choice(_SUFFIXES)}"
            address = f"No. {rng.randint(1, 999)} {street}, {rng.choice(_CITIES)}"
            writer.writerow([f"E{i}", company_name(rng), address, rng.choice(_COUNTRIES)])
    return path


def _swap_words(address: str, rng: random.Random) -> str:
    """Perturb an address: St <-> Street, N <-> North, and the like, word by word."""
    out: list[str] = []
    for word in address.split():
        lower = word.lower().rstrip(".")
        if lower in _LONG and rng.random() < 0.5:
            word = _LONG[lower]
        elif lower in _SHORT and rng.random() < 0.5:
            word = _SHORT[lower].capitalize() + rng.choice(("", "."))
        out.append(word)
    return " ".join(out)


def _case(text: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.4:
        return text.upper()
    if roll < 0.8:
        return text.title()
    return text.lower() if roll < 0.9 else text


@dataclass(frozen=True)
class _Town:
    city: str
    state: str
    zip: str
    streets: tuple[str, ...]


def _facility_rows() -> list[dict[str, str]]:
    return [r for r in _read(FACILITIES_CSV) if r["address"] and r["city"]]


def write_sites(path: Path, rows: int, facility_share: float = 0.01, seed: int = 11) -> Path:
    """``rows`` made-up supplier sites in the towns of the bundled facility list.

    About ``facility_share`` of them sit at a real facility address (truth = its id), some
    under the facility's own name; the rest are ordinary addresses in the same towns, some on
    a facility's own street at another house number. Case, St/Street, N/North are perturbed
    and the ZIP is sometimes dropped. Columns: id, name, address, city, state, zip, truth.
    """
    rng = random.Random(seed)
    facilities = _facility_rows()
    towns: dict[tuple[str, str], _Town] = {}
    for f in facilities:
        key = (f["city"], f["state"])
        street = " ".join(f["address"].split()[1:]) if f["number"] else ""
        old = towns.get(key)
        streets = (*old.streets, street) if old else (street,)
        towns[key] = _Town(f["city"], f["state"], f["zip"], tuple(s for s in streets if s))
    town_list = list(towns.values())
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "address", "city", "state", "zip", "truth"])
        for i in range(rows):
            truth = ""
            if rng.random() < facility_share:
                f = rng.choice(facilities)
                truth = f["id"]
                city, state, zip_code, address = f["city"], f["state"], f["zip"], f["address"]
                name = f["name"] if rng.random() < 0.5 else _business(rng, city)
            else:
                town = rng.choice(town_list)
                city, state, zip_code = town.city, town.state, town.zip
                if town.streets and rng.random() < 0.2:
                    street = rng.choice(town.streets)
                else:
                    direction = rng.choice(("", "", "", "N ", "S ", "E ", "W "))
                    street = f"{direction}{rng.choice(_STREETS)} {rng.choice(_SUFFIXES)}"
                address = f"{rng.randint(1, 9999)} {street}"
                name = _business(rng, city)
            address = _case(_swap_words(address, rng), rng)
            if rng.random() < 0.15:
                zip_code = ""
            writer.writerow(
                [f"S{i}", _case(name, rng), address, _case(city, rng), state, zip_code, truth]
            )
    return path


def _business(rng: random.Random, city: str) -> str:
    roll = rng.random()
    if roll < 0.3:
        stem = city.title()
    elif roll < 0.6:
        stem = f"{syllable_word(rng, 1)}'s"
    else:
        stem = syllable_word(rng, rng.randint(1, 2))
    return f"{stem} {rng.choice(_BUSINESS)} {rng.choice(_US_FORMS)}".strip()
