"""Hostile returns: every file of ``tests/hostile_files.py`` through ``bilim validate`` as a whole fresh process under a
memory cap, with its wall time and peak RSS.

    .venv/bin/python bench/bench_hostile.py     # writes bench/results/hostile.json
    .venv/bin/python bench/report.py            # refreshes the tables in README.md

The goal (issue 8): any file under the size limit gets its verdict within 5 s and under 500 MB. Each file is made
fresh in a temporary directory, then validated ``--repeat`` times (default 3) with ``bilim validate --json`` in a
child whose address space is capped by ``RLIMIT_AS`` (2 GiB: Polars' allocator and the thread stacks reserve far
more address space than they use, so the cap on RSS is checked from the measurement, not enforced). Wall time
includes interpreter start-up, imports and loading the catalogue; peak RSS is the child's ``ru_maxrss`` from
``os.wait4``. A verdict other than the expected one fails the run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import BILIM, REPO, RESULTS, compile_project, provenance, summary, write_results  # noqa: E402

MEMORY_CAP = 2 << 30
GOAL_S, GOAL_MIB = 5.0, 500.0


def _cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def validate_capped(path: Path, env: dict[str, str]) -> tuple[float, float, int, dict | None, str]:
    """(wall s, peak RSS MiB, exit code, the verdict or None, stderr) of ``bilim validate --json path``."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [BILIM, "validate", "--json", str(path)], stdout=out, stderr=err, env=env, cwd=REPO, preexec_fn=_cap
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        out.seek(0), err.seek(0)
        text = out.read().decode()
        try:
            verdict = json.loads(text)[0]
        except (json.JSONDecodeError, IndexError):
            verdict = None
        return wall, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), verdict, err.read().decode()


def codes(verdict: dict) -> list[str]:
    return sorted({i["code"] for i in verdict["errors"] + verdict["warnings"]})


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path, default=RESULTS / "hostile.json")
    args = ap.parse_args()
    compile_project()  # as `make install` does: no measured process compiles our sources
    from tests.hostile_files import HOSTILE

    load = os.getloadavg()
    cases, failures = [], []
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "BILIM_HOME": str(Path(tmp) / "home")}
        env.pop("DAGSTER_HOME", None)
        files = Path(tmp) / "files"
        files.mkdir()
        for name, (make, accepted, expected) in HOSTILE.items():
            path = make(files)
            walls, rss = [], []
            for _ in range(args.repeat):
                wall, peak, rc, verdict, err = validate_capped(path, env)
                walls.append(wall)
                rss.append(peak)
                got = (verdict["accepted"], codes(verdict)) if verdict else None
                if got != (accepted, expected) or err:
                    failures.append(f"{name}: exit {rc}, verdict {got}, expected {(accepted, expected)}; stderr {err[-300:]!r}")
            cases.append(
                {
                    "label": name,
                    **summary(walls),
                    "peak_rss_mib": round(max(rss), 1),
                    "what": f"{path.stat().st_size / 1024:.0f} KiB; verdict {'accepted' if accepted else 'rejected'}"
                    + (f" {', '.join(expected)}" if expected else ""),
                }
            )
    worst_t = max(cases, key=lambda c: c["median_s"])
    worst_m = max(cases, key=lambda c: c["peak_rss_mib"])
    result = {
        "title": "Hostile returns: every file through `bilim validate` in a fresh process under a memory cap",
        **provenance(["polars", "fastexcel", "openpyxl", "duckdb"]),
        "load_average": {"before": list(load)},
        "repeat": args.repeat,
        "method_readme": (
            f"Best and median of {args.repeat} runs of `bilim validate --json FILE`, each a fresh process with "
            f"RLIMIT_AS {MEMORY_CAP >> 30} GiB (address space, which Polars' allocator reserves generously; RSS is "
            "measured, not capped); wall time includes start-up, imports and the catalogue; peak RSS from os.wait4. "
            "Files from tests/hostile_files.py; every run got its expected verdict and an empty stderr. "
            f"Worst case: {worst_t['label']} {worst_t['median_s']:.2f} s median; "
            f"{worst_m['label']} {worst_m['peak_rss_mib']:.0f} MiB peak RSS."
        ),
        "cases": cases,
        "goals": [
            {
                "goal": "every hostile file's verdict within 5 s (worst case)",
                "measure": "s",
                "value_best": round(max(c["best_s"] for c in cases), 2),
                "value_median": round(worst_t["median_s"], 2),
                "target": "< 5",
                "met": max(max(c["runs_s"]) for c in cases) < GOAL_S,
            },
            {
                "goal": "every hostile file's verdict under 500 MB peak RSS (worst case)",
                "measure": "MiB",
                "value_best": round(worst_m["peak_rss_mib"]),
                "value_median": round(worst_m["peak_rss_mib"]),
                "target": "< 500",
                "met": worst_m["peak_rss_mib"] < GOAL_MIB,
            },
        ],
        "failures": failures,
        "command": ".venv/bin/python bench/bench_hostile.py && .venv/bin/python bench/report.py",
    }
    write_results(args.out, result)
    for c in cases:
        print(f"{c['label']:24s} median {c['median_s']:6.2f} s  peak {c['peak_rss_mib']:6.0f} MiB")
    if failures:
        print("\n".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
