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


def _ms(x: float | None) -> str:
    if x is None:
        return "–"
    ms = x * 1000
    return f"{ms:.1f}" if ms < 100 else f"{ms:.0f}"


def _notes(c: dict) -> str:
    """The case's own note plus what a result file records beside the times (breakdowns, settings, problems)."""
    note = c.get("what", "")
    per = c.get("per_return")
    if per:
        note += f"; per return: mean {_s(per['mean_s'])} s, max {_s(per['max_s'])} s"
    if c.get("build_all_s") and c.get("validation_s"):
        note += f"; median build_all {_s(c['build_all_s']['median_s'])} s + validation {_s(c['validation_s']['median_s'])} s"
    if c.get("fetch_s") and c.get("validate_s"):
        note += f"; fetch {_s(c['fetch_s']['median_s'])} s + validate_frame {_s(c['validate_s']['median_s'])} s"
    per_mart = c.get("per_mart_median_s")
    if per_mart:
        top = max(per_mart, key=per_mart.get)
        rest = sum(v for k, v in per_mart.items() if k != top)
        note += f"; median {top} {_s(per_mart[top])} s, the other {len(per_mart) - 1} marts {_s(rest)} s"
    if c.get("duckdb"):
        note += f"; DuckDB read back: memory_limit {c['duckdb']['memory_limit']}, threads {c['duckdb']['threads']}"
    problems = c.get("contract_problems")
    if problems:
        count = problems.get("count") if "count" in problems else sum(p["count"] for p in problems.values())
        if count:
            note += f"; **{count} contract problem(s)**"
    if c.get("rss_is"):
        note += f"; peak RSS: {c['rss_is']}"
    return note


def render_pages(r: dict) -> list[str]:
    """The dashboard's per-page table: data time cold and warm per size, the figures apart, the slowest step."""
    sizes = r.get("sizes", {"demo": "demo", "big": "big"})
    big = sizes.get("big", "big")
    lines = [
        f"| page | demo cold, ms | demo warm, ms | {big} cold, ms | {big} warm, ms | figures {big} warm, ms "
        f"| slowest data step {big} warm | peak RSS {big} (MiB) |",
        "|---|---:|---:|---:|---:|---:|---|---:|",
    ]
    for e in r["pages"]:
        d, b = e["demo"], e["big"]

        def pair(x: dict) -> str:
            return f"{_ms(x['best_s'])} / {_ms(x['median_s'])}"

        data_steps = {n: s["warm_median_s"] for n, s in b.get("steps", {}).items() if s["kind"] != "chart"}
        slow = max(data_steps, key=data_steps.get) if data_steps else None
        slow_text = f"{slow} {_ms(data_steps[slow])} ms" if slow else "–"
        lines.append(
            f"| {e['page']} | {pair(d['cold_data'])} | {pair(d['warm_data'])} | {pair(b['cold_data'])} | "
            f"{pair(b['warm_data'])} | {_ms(b['warm_charts']['median_s'])} | {slow_text} | {b['peak_rss_mib']:.0f} |"
        )
    lines += ["", 'Times are best / median; "data" excludes building the Plotly figures (shown apart, median).']
    return lines


def render_one(r: dict, name: str) -> list[str]:
    m, pk = r.get("machine", {}), r.get("packages", {})
    dirty = r.get("git_dirty_files") or []
    wrap = lambda text: textwrap.fill(text, width=115, break_long_words=False, break_on_hyphens=False)  # noqa: E731
    load = r.get("load_average")
    lines = [
        f"### {r.get('title', name)}",
        "",
        wrap(
            f"`bench/results/{name}` — commit `{r.get('git_commit', '?')}`{' (+ uncommitted changes)' if dirty else ''}, "
            f"{r.get('timestamp', '?')}; {m.get('cpu', '?')}, {m.get('cores', '?')} cores, {m.get('ram_gib', '?')} GiB RAM; "
            f"Python {r.get('python', '?')}, "
            + ", ".join(f"{k} {v}" for k, v in pk.items() if v)
            + "."
            + (f" Load average when measuring started: {load['before'][0]:.1f}." if load else "")
        ),
        "",
        wrap(
            r.get("method_readme")
            or (
                f"Best and median of {r.get('repeat', '?')} runs, each in a fresh process; in-process cases are timed around "
                "the call only (after imports and loading the catalogue); peak RSS is that process's high-water mark "
                "(interpreter and imports included). A goal is met when both best and median meet it."
            )
        ),
        "",
    ]
    if r.get("pages"):
        lines += render_pages(r) + [""]
    measured = (r.get("browser") or {}).get("measured")
    if measured:  # the Chromium rows were measured apart (bench_dashboard.py --browser-only): their own when and where
        bm, la = measured.get("machine", {}), measured.get("load_average") or {}
        lines += [
            wrap(
                f"The Chromium and AppTest rows: commit `{measured.get('git_commit', '?')}`"
                f"{' (+ uncommitted changes)' if measured.get('git_dirty_files') else ''}, {measured.get('timestamp', '?')}; "
                f"{bm.get('cpu', '?')}, {bm.get('cores', '?')} cores, {bm.get('ram_gib', '?')} GiB RAM; "
                f"{measured.get('chromium') or 'Chromium'}, streamlit {measured.get('packages', {}).get('streamlit', '?')}; "
                f"load average {la['before'][0]:.1f} before and {la['after'][0]:.1f} after."
                if la
                else "."
            ),
            "",
        ]
    cases = r.get("cases", [])
    if cases:
        lines += [
            "| case | best (s) | median (s) | peak RSS (MiB) | RSS before the clock (MiB) | notes |",
            "|---|---:|---:|---:|---:|---|",
        ]
    for c in cases:
        setup = c.get("rss_setup_mib")
        lines.append(
            f"| {c['label']} | {_s(c['best_s'])} | {_s(c['median_s'])} | {c['peak_rss_mib']:.0f} | "
            f"{'–' if setup is None else f'{setup:.0f}'} | {_notes(c)} |"
        )
    goals = r.get("goals") or []
    if goals:
        lines += ["", "| goal | measured (best / median) | target | met |", "|---|---:|---:|:---:|"]
        for g in goals:
            lines.append(
                f"| {g['goal']} | {g['measure']} = {g['value_best']} / {g['value_median']} | {g['target']} "
                f"| {'yes' if g['met'] else '**no**'} |"
            )
    for note in r.get("notes_readme") or []:  # why a goal is not met, and what was tried
        lines += ["", wrap(note)]
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
        lines = ["No results yet: run `.venv/bin/python bench/bench_*.py`.", ""]
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
