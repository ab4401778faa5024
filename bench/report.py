"""Regenerate the benchmark tables in README.md from every bench/results/*.json.

    .venv/bin/python bench/report.py          # rewrites README.md between <!-- bench:start --> and <!-- bench:end -->
    .venv/bin/python bench/report.py --print  # prints the Markdown instead

Only the text between the markers changes. When README.md has no markers yet, a "## Benchmarks" section holding
them is appended at the end.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
README = REPO / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def _s(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x:.3f}" if x < 10 else f"{x:.1f}"


def render_one(r: dict, name: str) -> list[str]:
    m, pk = r.get("machine", {}), r.get("packages", {})
    dirty = r.get("git_dirty_files") or []
    wrap = lambda text: textwrap.fill(text, width=115, break_long_words=False, break_on_hyphens=False)  # noqa: E731
    lines = [
        f"### {r.get('title', name)}",
        "",
        wrap(f"`bench/results/{name}` — commit `{r.get('git_commit', '?')}`{' (+ uncommitted changes)' if dirty else ''}, "
        f"{r.get('timestamp', '?')}; {m.get('cpu', '?')}, {m.get('cores', '?')} cores, {m.get('ram_gib', '?')} GiB RAM; "
        f"Python {r.get('python', '?')}, " + ", ".join(f"{k} {v}" for k, v in pk.items() if v) + "."),
        "",
        wrap(f"Best and median of {r.get('repeat', '?')} runs, each in a fresh process; in-process cases are timed around "
        "the call only (after imports and loading the catalogue); peak RSS is that process's high-water mark "
        "(interpreter and imports included). A goal is met when both best and median meet it."),
        "",
        "| case | best (s) | median (s) | peak RSS (MiB) | RSS before the clock (MiB) | notes |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for c in r.get("cases", []):
        note = c.get("what", "")
        per = c.get("per_return")
        if per:
            note += f"; per return: mean {_s(per['mean_s'])} s, max {_s(per['max_s'])} s"
        setup = c.get("rss_setup_mib")
        lines.append(f"| {c['label']} | {_s(c['best_s'])} | {_s(c['median_s'])} | {c['peak_rss_mib']:.0f} | "
                     f"{'–' if setup is None else f'{setup:.0f}'} | {note} |")
    goals = r.get("goals") or []
    if goals:
        lines += ["", "| goal | measured (best / median) | target | met |", "|---|---:|---:|:---:|"]
        for g in goals:
            lines.append(f"| {g['goal']} | {g['measure']} = {g['value_best']} / {g['value_median']} | {g['target']} | {'yes' if g['met'] else '**no**'} |")
    if r.get("command"):
        lines += ["", f"Produced by `{r['command']}`."]
    return lines


def render(results_dir: Path = BENCH / "results") -> str:
    files = sorted(results_dir.glob("*.json"))
    lines = []
    for f in files:
        try:
            r = json.loads(f.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            lines += [f"- `bench/results/{f.name}`: unreadable ({exc})", ""]
            continue
        lines += render_one(r, f.name) + [""]
    if not files:
        lines = ["No results yet: run `.venv/bin/python bench/bench_validate.py`.", ""]
    return "\n".join(lines).rstrip() + "\n"


def update_readme(body: str, readme: Path = README) -> None:
    text = readme.read_text(encoding="utf-8")
    block = f"{START}\n{body}{END}"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        _, tail = rest.split(END, 1)
        text = head + block + tail
    else:
        section = (
            "## Benchmarks\n\n"
            "`bench/` holds the benchmarks; their figures are recorded in `bench/results/*.json` and the tables\n"
            "below are regenerated from them:\n\n"
            "```sh\n.venv/bin/python bench/bench_validate.py   # measure, write bench/results/validate.json\n"
            ".venv/bin/python bench/report.py            # refresh the tables below\n```\n\n"
        )
        text = text.rstrip("\n") + "\n\n" + section + block + "\n"
    readme.write_text(text, encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description="regenerate the README's benchmark tables")
    ap.add_argument("--print", action="store_true", help="print the Markdown, do not touch README.md")
    args = ap.parse_args()
    body = render()
    if args.print:
        sys.stdout.write(body)
    else:
        update_readme(body)
        print(f"updated {README.name} ({body.count(chr(10))} lines between the markers)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
