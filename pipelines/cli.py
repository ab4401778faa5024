"""The ``bilim`` command line. Exit codes: 0 everything given was accepted, 1 something was rejected or failed,
2 usage errors (argparse's own)."""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from contracts.home import REPO_ROOT, Layout, repo_raw

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2


def cmd_build(args: argparse.Namespace) -> int:
    """Validate the hand-curated inputs, then materialize every asset against the Dagster instance."""
    from pipelines.catalogue.load import load_catalogue, load_regions
    from pipelines.tables import TableError

    layout = Layout.current()
    raw = repo_raw()
    problems = []
    for loader in (load_catalogue, load_regions):
        try:
            loader(raw)
        except TableError as exc:
            problems += exc.problems
    if problems:
        for p in problems:
            print(f"error: {p}", file=sys.stderr)
        print(f"build refused: {len(problems)} problem(s) in the hand-curated inputs; nothing was changed", file=sys.stderr)
        return EXIT_REJECTED
    from pipelines.runner import prepare_dagster_home, run_all

    prepare_dagster_home(layout)

    ok, build_id, message = run_all()
    if not ok:
        print(f"build failed: {message}", file=sys.stderr)
        return EXIT_REJECTED
    print(f"build {build_id} published to {layout.build_dir(build_id)}")
    return EXIT_OK


def cmd_catalogue(args: argparse.Namespace) -> int:
    """Every series: code, unit, direction, kind, 2018 baseline, targets 2020-2025 (cycle where there is one)."""
    from pipelines.catalogue.load import load_catalogue
    from pipelines.catalogue.listing import catalogue_listing, render_table
    from pipelines.tables import TableError

    try:
        frames = load_catalogue(repo_raw())
    except TableError as exc:
        for p in exc.problems:
            print(f"error: {p}", file=sys.stderr)
        return EXIT_REJECTED
    listing = catalogue_listing(frames["programme_indicators"], frames["programme_targets"])
    if args.format == "csv":
        sys.stdout.write(listing.write_csv())
    elif args.format == "json":
        print(json.dumps(listing.to_dicts(), ensure_ascii=False, indent=2))
    else:
        print(render_table(listing))
    return EXIT_OK


def _streamlit_cmd(host: str, port: int) -> list[str]:
    return [
        sys.executable, "-m", "streamlit", "run", str(REPO_ROOT / "dashboard" / "app.py"),
        "--server.address", host, "--server.port", str(port), "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--global.developmentMode", "false",
        "--server.fileWatcherType", "none", "--client.toolbarMode", "minimal",
    ]


def _dagster_cmd(host: str, port: int) -> list[str]:
    return [sys.executable, "-m", "dagster", "dev", "-m", "pipelines.definitions", "-h", host, "-p", str(port)]


def _serve(processes: list[tuple[str, list[str]]]) -> int:
    env = {**os.environ, "DAGSTER_DISABLE_TELEMETRY": "1"}
    procs = [(name, subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, start_new_session=True)) for name, cmd in processes]
    try:
        while True:
            for name, proc in procs:
                code = proc.poll()
                if code is not None:
                    print(f"{name} stopped (exit {code})", file=sys.stderr)
                    return EXIT_REJECTED if code else EXIT_OK
            time.sleep(1.0)
    except KeyboardInterrupt:
        print("\nstopping…")
        return EXIT_OK
    finally:
        for _, proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for _, proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the dashboard (reads the published build)."""
    print(f"dashboard: http://{args.host}:{args.port}", flush=True)
    return _serve([("dashboard", _streamlit_cmd(args.host, args.port))])


def cmd_demo(args: argparse.Namespace) -> int:
    """Build everything, then serve the dashboard and Dagster's UI until Ctrl-C (``--no-serve``: build only)."""
    code = cmd_build(args)
    if code != EXIT_OK or args.no_serve:
        return code
    from pipelines.runner import prepare_dagster_home

    prepare_dagster_home(Layout.current())
    print(f"dashboard:   http://{args.host}:{args.port}", flush=True)
    print(f"Dagster UI:  http://{args.host}:{args.dagster_port}", flush=True)
    print("Ctrl-C stops both.", flush=True)
    return _serve([
        ("dashboard", _streamlit_cmd(args.host, args.port)),
        ("dagster", _dagster_cmd(args.host, args.dagster_port)),
    ])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bilim", description="bilim-monitor: the education programme's indicators, targets and returns")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build", help="validate the catalogue, materialize every asset, publish the marts")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("catalogue", help="list every series with its baseline and targets")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.set_defaults(func=cmd_catalogue)

    p = sub.add_parser("serve", help="serve the dashboard")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8501)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("demo", help="build, then serve the dashboard and Dagster's UI")
    p.add_argument("--no-serve", action="store_true", help="build only")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--dagster-port", type=int, default=3000)
    p.set_defaults(func=cmd_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
