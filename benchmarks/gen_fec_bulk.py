"""Generate a large FEC bulk operating-expenditure file by resampling and perturbing real rows.

The rows of filing 1527862 (tests/fec/fixtures) are resampled; names are respelled (case,
punctuation, legal forms, one-letter typos), new vendors are made from the real names' words,
amounts and dates are perturbed, one row in six gets a labor-intensive purpose, memo rows point
at parents, some reports are amended and some rows repeated, and a few other committees are mixed
in. Deterministic for a given seed.

    python benchmarks/gen_fec_bulk.py --rows 1000000 --output /tmp/oppexp-1m.txt
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from subtier.fec.filing import read_filing  # noqa: E402

SAMPLE = REPO / "tests" / "fec" / "fixtures" / "1527862.fec"
COMMITTEE = "C00703975"
OTHERS = [f"C{90000000 + i:08d}" for i in range(10)]
LABOR = [
    "PHONE BANK SERVICES", "VOTER CONTACT - CALLS", "TELEMARKETING", "GOTV CALLS", "CANVASSING",
    "FIELD SERVICES", "DIRECT MAIL", "PRINTING", "YARD SIGNS", "PEER TO PEER TEXTING",
    "DATA ENTRY", "POLLING", "T-SHIRTS",
]  # fmt: skip
FORMS = ["LLC", "INC", "INC.", "L.L.C.", "CORP", "CO", ""]
REPORTS = ["Q1", "Q2", "Q3", "YE", "M10", "M11", "12G", "30G"]


def _respell(name: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.5:
        return name.upper()
    if roll < 0.65:
        return name.replace(",", "").replace(".", "")
    if roll < 0.8:
        return f"{name.upper()} {rng.choice(FORMS)}".strip()
    if roll < 0.87 and len(name) > 6:
        at = rng.randrange(1, len(name) - 1)
        return (name[:at] + name[at + 1 :]).upper()
    return name


def generate(rows: int, output: Path, seed: int = 7) -> None:
    rng = random.Random(seed)
    real = read_filing(SAMPLE).rows
    vendors = [r for r in real if r.line_number == "23"]
    words = sorted({w for r in vendors for w in r.name.replace(",", " ").split() if w.isalpha()})
    # One vendor per 40 rows: real payees, and new ones made of their words.
    pool = [(r.name, r.city, r.state, r.zip, r.entity_type) for r in vendors]
    while len(pool) < max(rows // 40, len(vendors)):
        base = rng.choice(vendors)
        name = (
            " ".join(rng.sample(words, rng.randint(2, 3)))
            + " "
            + rng.choice(["LLC", "INC", "GROUP", "SERVICES"])
        )
        pool.append((name, base.city, base.state, base.zip, "ORG"))
    purposes = [r.purpose for r in vendors]
    files = {
        (c, rpt): 1_400_000 + i
        for i, (c, rpt) in enumerate((c, r) for c in [COMMITTEE, *OTHERS] for r in REPORTS)
    }
    # Two of the committee's reports are amended; an amendment repeats every row of its report.
    amended = {(COMMITTEE, "Q2"), (COMMITTEE, "M10"), (OTHERS[0], "Q1")}
    with output.open("w", encoding="utf-8", newline="\n") as handle:
        parents: list[tuple[str, str, int]] = []
        sub_id = 4_000_000_000_000_000
        written, i = 0, -1
        while written < rows:
            i += 1
            committee = COMMITTEE if rng.random() < 0.95 else rng.choice(OTHERS)
            report = rng.choice(REPORTS)
            file_num = files[(committee, report)]
            name, city, state, zip_code, entity = pool[
                min(int(rng.paretovariate(1.1)) - 1, len(pool) - 1)
                if rng.random() < 0.3
                else rng.randrange(len(pool))
            ]
            purpose = rng.choice(LABOR) if rng.random() < 1 / 6 else rng.choice(purposes)
            amount = max(round(rng.choice(vendors).cents * rng.uniform(0.5, 1.5)), 1)
            memo, back = "", ""
            if parents and rng.random() < 0.05:
                p_committee, p_tran, p_file = rng.choice(parents[-50:])
                if p_committee == committee and p_file == file_num:
                    memo, back = "X", p_tran
            tran = f"SB{i}"
            if not memo:
                parents.append((committee, tran, file_num))
            month, day = rng.randint(1, 12), rng.randint(1, 28)
            sub_id += 1
            fields = [
                committee, "N", "2020", report, f"2020{i:014d}", "23", "F3P", "SB",
                _respell(name, rng), city.upper(), state, zip_code, f"{month:02d}{day:02d}2020",
                f"{amount / 100:.2f}", "P2020", purpose, "", "", memo, "", entity, str(sub_id),
                str(file_num), tran, back,
            ]  # fmt: skip
            line = "|".join(fields) + "|\n"
            handle.write(line)
            written += 1
            if (committee, report) in amended:
                fields[1], fields[22], fields[21] = (
                    "A",
                    str(file_num + 10_000),
                    str(sub_id + 10**15),
                )
                handle.write("|".join(fields) + "|\n")
                written += 1
            elif rng.random() < 0.01:
                handle.write(line)  # a duplicate, as overlapping downloads give
                written += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--output", type=Path, default=Path("/tmp/oppexp-1m.txt"))
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    generate(args.rows, args.output, args.seed)
    print(f"wrote {args.output} ({args.output.stat().st_size / 1e6:,.0f} MB)")


if __name__ == "__main__":
    main()
