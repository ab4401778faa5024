"""How long small-number suppression takes on a realistic published table (issue 10).

20 regions (three cities urban only) and the nation × urban/rural/total × 15 series × 7 years, random counts as
small districts report them (15 % zeros, 35 % 1..9, 40 % 10..60, 10 % 100..500), constraints urban + rural = total
and regions = nation. Prints the time of ``contracts.suppression.suppress`` (best and median of a few runs) and
what it hid. Measured 2026-11-30 on the shared 2-core machine (load ~9): CPU 100-165 ms, wall 120-530 ms for 6 300
cells; 1 774 primary and 635 complementary cells hidden (38 % of cells: the fixture has 35 % counts of 1..9).
The same table took ~2 s wall with the audit in Python fractions before it moved to whole numbers.
Run: ``.venv/bin/python bench/bench_suppression.py``.
"""

from __future__ import annotations

import random
import statistics
import time

import polars as pl

from contracts.suppression import REASON, SUPPRESSED, rollups, settlement_split, suppress

REGIONS = ["KZ-10", "KZ-11", "KZ-15", "KZ-19", "KZ-23", "KZ-27", "KZ-31", "KZ-33", "KZ-35", "KZ-39", "KZ-43"]
REGIONS += ["KZ-47", "KZ-55", "KZ-59", "KZ-61", "KZ-62", "KZ-63", "KZ-71", "KZ-75", "KZ-79"]
CITIES = {"KZ-71", "KZ-75", "KZ-79"}


def _count(rng: random.Random) -> int:
    r = rng.random()
    return 0 if r < 0.15 else rng.randint(1, 9) if r < 0.5 else rng.randint(10, 60) if r < 0.9 else rng.randint(100, 500)


def table(seed: int = 0, series: int = 15, years: int = 7) -> pl.DataFrame:
    rng = random.Random(seed)
    rows = []
    for s in range(series):
        for y in range(2019, 2019 + years):
            nation = {"urban": 0, "rural": 0}
            for unit in REGIONS:
                u = _count(rng)
                r = None if unit in CITIES else _count(rng)
                rows.append((unit, "urban", f"S{s:02d}", y, u))
                if r is not None:
                    rows.append((unit, "rural", f"S{s:02d}", y, r))
                rows.append((unit, "total", f"S{s:02d}", y, u + (r or 0)))
                nation["urban"] += u
                nation["rural"] += r or 0
            rows += [("KZ", k, f"S{s:02d}", y, v) for k, v in nation.items()]
            rows.append(("KZ", "total", f"S{s:02d}", y, nation["urban"] + nation["rural"]))
    return pl.DataFrame(rows, schema=["unit", "settlement", "series", "year", "n"], orient="row")


def main() -> None:
    frame = table()
    groups = [settlement_split(), *rollups("unit", {"KZ": REGIONS})]
    keys = ["unit", "settlement", "series", "year"]
    times, cpu = [], []
    for _ in range(5):
        t0, c0 = time.perf_counter(), time.process_time()
        out = suppress(frame, value_col="n", keys=keys, groups=groups, threshold=10)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    counts = out.group_by(REASON).len().sort(REASON, nulls_last=True)
    print(
        f"cells: {frame.height}; suppress: wall best {min(times) * 1000:.0f} ms, median {statistics.median(times) * 1000:.0f} ms;"
        f" CPU best {min(cpu) * 1000:.0f} ms (the machine is shared: CPU time is the steadier figure)"
    )
    print("hidden:", dict(counts.iter_rows()), f"share hidden: {out[SUPPRESSED].mean():.1%}")


if __name__ == "__main__":
    main()
