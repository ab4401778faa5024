"""The ``bilim`` command line. Exit codes: 0 everything given was accepted, 1 something was rejected or failed,
2 usage errors (argparse's own)."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from contracts import programme
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
    from pipelines.faults import say
    from pipelines.returns.ledger import ledger_damage
    from pipelines.runner import prepare_dagster_home, run_all

    damage = ledger_damage(layout)
    if damage:
        # Never build past a damaged entry: the return it holds would silently leave the published data.
        for d in damage:
            print(f"error: {d}", file=sys.stderr)
        print(f"build refused: the ledger is damaged ({len(damage)} line(s)); nothing was changed. "
              "Run `bilim doctor` for how to repair each line.", file=sys.stderr)
        return EXIT_REJECTED
    from pipelines.governance import reconcile_audit

    recovered = reconcile_audit(layout)  # a process killed between the ledger (or review log) and the audit log
    if recovered:
        print(f"note: {recovered} action(s) missing from the audit log were recorded now, marked recovered", file=sys.stderr)
    prepare_dagster_home(layout)

    ok, build_id, message = run_all()
    if not ok:
        print(f"build failed: {message}", file=sys.stderr)
        return EXIT_REJECTED
    if message.startswith("warehouse set aside: "):
        print(say("note_warehouse_set_aside", path=message.removeprefix("warehouse set aside: ")), file=sys.stderr)
    print(f"build {build_id} published to {layout.build_dir(build_id)}")
    return EXIT_OK


def _print_listing(listing, fmt: str, table_columns: list[str] | None = None) -> None:
    from pipelines.catalogue.listing import render_table

    if fmt == "csv":
        sys.stdout.write(listing.write_csv())
    elif fmt == "json":
        print(json.dumps(listing.to_dicts(), ensure_ascii=False, indent=2))
    else:
        print(render_table(listing.select(table_columns) if table_columns else listing))


def cmd_sets(args: argparse.Namespace) -> int:
    """Every indicator set: id, reporting unit, period, indicator count, targets, ranking rule, name in --lang."""
    from pipelines.catalogue.set_listing import sets_listing
    from pipelines.tables import TableError

    try:
        listing = sets_listing(repo_raw(), args.lang)
    except TableError as exc:
        return _refused(exc)
    _print_listing(listing, args.format)
    return EXIT_OK


def cmd_catalogue(args: argparse.Namespace) -> int:
    """Every series: code, unit, direction, kind, 2018 baseline, targets 2020-2025 (cycle where there is one);
    with ``--set`` another set's indicators: code, unit, kind, relation, seed lines, design, names."""
    from pipelines.catalogue.listing import catalogue_listing, render_table
    from pipelines.catalogue.load import load_catalogue
    from pipelines.tables import TableError

    if args.set is not None:
        from pipelines.catalogue.set_listing import set_catalogue_listing
        from pipelines.catalogue.sets import get_set, load_sets

        try:
            meta = get_set(load_sets(repo_raw()), args.set)
            listing = set_catalogue_listing(repo_raw(), args.set) if meta["catalogue_format"] == "set" else None
        except TableError as exc:
            return _refused(exc)
        except KeyError as exc:
            print(f"error: {exc.args[0]}", file=sys.stderr)
            return EXIT_USAGE
        if listing is not None:  # the programme's own catalogue is listed below, as without --set
            _print_listing(listing, args.format, [c for c in listing.columns if c not in ("name_kk", "name_ru")])
            return EXIT_OK
    try:
        frames = load_catalogue(repo_raw())
    except TableError as exc:
        return _refused(exc)
    listing = catalogue_listing(frames["programme_indicators"], frames["programme_targets"])
    if args.format == "csv":
        sys.stdout.write(listing.write_csv())
    elif args.format == "json":
        print(json.dumps(listing.to_dicts(), ensure_ascii=False, indent=2))
    else:
        print(render_table(listing))
    return EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
    """Write the Excel return template for one region (or ``KZ``) and year; with ``--set`` another indicator set's
    template for a region or ``--institution`` and a year, or a campaign's ``--period interim|final`` and ``--as-of``."""
    if args.set is not None or args.institution is not None or args.period is not None or args.as_of is not None:
        return _template_for_set(args)
    if args.region is None or args.year is None:
        print("error: --region and --year are required", file=sys.stderr)
        return EXIT_USAGE
    from pipelines.catalogue.load import load_catalogue, load_regions
    from pipelines.returns.template import write_template
    from pipelines.tables import TableError

    try:
        catalogue, regions = load_catalogue(repo_raw()), load_regions(repo_raw())["regions"]
    except TableError as exc:
        return _refused(exc)
    try:
        n = write_template(args.out, catalogue, regions, args.region, args.year)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"template {args.out}: {n} data rows")
    return EXIT_OK


def _template_for_set(args: argparse.Namespace) -> int:
    """``bilim template --set ID``: the same layout as the programme's (pipelines.returns.set_template)."""
    from pipelines.returns.set_template import make_template
    from pipelines.tables import TableError

    set_id = args.set or "programme"
    if (args.region is None) == (args.institution is None):
        print("error: give one of --region and --institution", file=sys.stderr)
        return EXIT_USAGE
    if (args.period is None) == (args.year is None):
        print("error: give --year, or --period interim|final (with --as-of) for a campaign", file=sys.stderr)
        return EXIT_USAGE
    unit = args.institution or args.region
    try:
        n = make_template(set_id, unit, args.period or args.year, args.out, as_of=args.as_of)
    except TableError as exc:
        return _refused(exc)
    except KeyError as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return EXIT_USAGE
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"template {args.out}: {n} data rows")
    return EXIT_OK


def _print_verdicts(results: list[dict], texts: list[str], as_json: bool) -> None:
    if as_json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        print("\n".join(texts))


def cmd_validate(args: argparse.Namespace) -> int:
    """Dry run: the verdict for each file; nothing is written anywhere."""
    from pipelines.returns.ingest import load_context, validate_only
    from pipelines.returns.verdict import require_set

    if args.set is not None and _registered_set(args.set)[0] is None:  # an unknown set: a usage error naming the known
        return EXIT_USAGE
    layout = Layout.current()
    ctx = load_context(layout, args.region, args.year)
    results, texts, rejected = [], [], False
    for path in args.files:
        if not path.exists():
            print(f"error: {path}: no such file", file=sys.stderr)
            return EXIT_USAGE
        verdict = validate_only(path, ctx, layout, args.name)
        if args.set is not None:  # ``--set ID``: the file must be that set's return (its own meta decides otherwise)
            require_set(verdict, args.set)
        rejected |= not verdict.accepted
        report = verdict.to_dict()
        if (
            args.annotate
            and not verdict.accepted
            and not verdict.personal_data
            and verdict.file_type == "xlsx"
            and verdict.raw is not None
        ):
            from pipelines.returns.annotate import annotate_workbook

            out = args.annotate / f"{path.stem}.annotated.xlsx"
            annotate_workbook(path, verdict.issues, out)
            report["annotated_copy"] = str(out)
        results.append(report)
        texts.append(verdict.summary(args.lang))
    _print_verdicts(results, texts, args.json)
    return EXIT_REJECTED if rejected else EXIT_OK


NOT_PUBLISHED_YET = (
    "recorded, not published yet (--no-wait): the inbox sensor publishes it within a minute when Dagster's daemon runs, "
    "otherwise the next `bilim build` or `bilim ingest` does"
)


def cmd_ingest(args: argparse.Namespace) -> int:
    """Accept each file into the archive and the ledger (or reject it), then rebuild and publish once; with
    ``--no-wait``, return once recorded and leave publishing to whoever builds next (the inbox sensor publishes a
    build that lags the ledger, as do ``bilim build`` and the next ``bilim ingest``)."""
    from pipelines.returns.ingest import ACCEPTED, REJECTED, UNCHANGED, accept_file, load_context

    layout = Layout.current()
    missing = [p for p in args.files if not p.exists()]
    if missing:
        print(f"error: {missing[0]}: no such file", file=sys.stderr)
        return EXIT_USAGE
    # ``--set ID``: every file must be that set's return (F_SET_MISMATCH otherwise); an unknown set is a usage error.
    if args.set is not None and _registered_set(args.set)[0] is None:
        return EXIT_USAGE
    ctx = load_context(layout, args.region, args.year)
    results, texts, statuses = [], [], []
    for path in args.files:
        result = accept_file(
            path, ctx, layout, who=args.who, display_name=args.name, officer=args.officer, who_name=args.who_name,
            set_id=args.set,
        )
        statuses.append(result.status)
        results.append(result.to_dict())
        text = result.verdict.summary(args.lang) + f"\n  -> {result.status}"
        if result.annotated:
            text += f" (annotated copy: {result.annotated})"
        texts.append(text)
    # Also when every file was "unchanged": its return may be recorded but never published (an ingest killed
    # after its ledger entry, a disk that filled up), so a lagging build is brought up to date here.
    from pipelines.governance import reconcile_audit

    reconcile_audit(layout)  # what an earlier, killed ingest left out of the audit log
    if args.no_wait:
        if ACCEPTED in statuses:
            texts.append(NOT_PUBLISHED_YET)
        _print_verdicts(results, texts, args.json)
        return EXIT_REJECTED if REJECTED in statuses else EXIT_OK
    from pipelines.failpoints import AFTER_PUBLISH, failpoint
    from pipelines.faults import say
    from pipelines.freshness import build_lag
    from pipelines.runner import prepare_dagster_home, rebuild_for

    if ACCEPTED in statuses or build_lag(layout) is not None:
        prepare_dagster_home(layout)
        ok, build_id, message = rebuild_for(layout, [sid for r in results for sid in r["submission_ids"]])
        if not ok:
            print(f"error: accepted into the ledger, but the rebuild failed: {message}", file=sys.stderr)
            return EXIT_REJECTED
        if message.startswith("warehouse set aside: "):
            print(say("note_warehouse_set_aside", args.lang, path=message.removeprefix("warehouse set aside: ")), file=sys.stderr)
        failpoint(AFTER_PUBLISH)
        texts.append(say("build_published", args.lang, build=build_id))
        for r in results:
            r["build_id"] = build_id
    elif UNCHANGED in statuses and (build_id := layout.current_build_id()) is not None:
        # Nothing was accepted and the build does not lag: say where the unchanged returns are to be seen, also
        # when an earlier, killed run of this same command had already published them.
        texts.append(say("already_published", args.lang, build=build_id))
    _print_verdicts(results, texts, args.json)
    return EXIT_REJECTED if REJECTED in statuses else EXIT_OK


GAP_COLUMNS = [
    "indicator_code",
    "region_code",
    "year",
    "settlement",
    "actual",
    "target",
    "baseline",
    "gap",
    "achievement",
    "status",
    "source",
    "coverage",
]


def _published_table(layout: Layout, name: str):
    """One table of the build readers should read. Says on stderr when ``CURRENT`` is damaged (and which complete
    build is read instead) and when the published build lags the ledger. A read-only command never rebuilds: it
    must not wait for the writer lock; it says what to run."""
    import polars as pl

    from pipelines.faults import say
    from pipelines.freshness import build_lag

    resolution = layout.resolve_build()
    if resolution.problem is not None:
        problem = say(resolution.problem)
        if resolution.build_id is None:
            print(say("note_no_complete_build", problem=problem), file=sys.stderr)
            return None
        print(say("note_fallback", problem=problem, build=resolution.build_id), file=sys.stderr)
    elif (lag := build_lag(layout)) is not None:
        print(say("note_lag", detail=lag), file=sys.stderr)
    if resolution.build_id is None:
        return None
    return pl.read_parquet(layout.published_table(resolution.build_id, name))


def _emit(frame, fmt: str) -> None:
    from pipelines.catalogue.listing import render_table

    if fmt == "csv":
        from contracts.spreadsheet import escape_frame

        sys.stdout.write(escape_frame(frame).write_csv())  # a return's text never runs as a formula in Excel
    elif fmt == "json":
        print(json.dumps(frame.to_dicts(), ensure_ascii=False, indent=2, default=str))
    else:
        print(render_table(frame))


def _refused(exc) -> int:
    """A hand-curated table that fails its contract: every located problem on stderr, exit 1."""
    for p in exc.problems:
        print(f"error: {p}", file=sys.stderr)
    return EXIT_REJECTED


def _registered_set(set_id: str) -> tuple[dict | None, int]:
    """The registry row of ``set_id`` (None and EXIT_USAGE, said on stderr with the known ids, for an unknown id):
    what every ``--set`` option checks first."""
    from pipelines.catalogue.sets import get_set, load_sets

    try:
        return get_set(load_sets(repo_raw()), set_id), EXIT_OK
    except KeyError as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return None, EXIT_USAGE


def cmd_values(args: argparse.Namespace) -> int:
    """The published, suppressed values of a set without targets, ordered by unit and indicator code (pipelines.values)."""
    from contracts.suppression import load_threshold
    from pipelines.values import TABLE_COLUMNS, table_footer, values_listing

    meta, code = _registered_set(args.set)
    if meta is None:
        return code
    if meta["has_targets"] == "yes":
        print(f"error: {args.set} has targets: its published values and gaps are `bilim gaps`", file=sys.stderr)
        return EXIT_USAGE
    layout = Layout.current()
    build = layout.current_build_id()
    if args.include_pending and build is not None and not layout.published_table(build, "set_values_with_pending").is_file():
        print(
            f"error: the published build {build} was made before set values with returns awaiting review were published: "
            "run `bilim build`",
            file=sys.stderr,
        )
        return EXIT_REJECTED
    values = _published_table(layout, "set_values_with_pending" if args.include_pending else "set_values")
    if values is None:
        if layout.resolve_build().problem is None:
            print("error: nothing is published yet: run `bilim build` first", file=sys.stderr)
        return EXIT_REJECTED
    if args.include_pending:
        from contracts.pending import mark_set_review_state

        values = mark_set_review_state(values, _published_table(layout, "set_submissions"))
    threshold = load_threshold(repo_raw() / "config" / "monitoring.toml")
    listing = values_listing(
        values, _published_table(layout, "set_indicators"), args.set, region=args.region, year=args.year,
        lang=args.lang, threshold=threshold,
    )
    if args.include_pending:
        from contracts.audit import Actor, record

        record(
            layout, Actor.operator(), "export_pending", {"set": args.set, "region_code": args.region, "year": args.year},
            rows=listing.height, format=args.format,
        )
    columns = [*TABLE_COLUMNS, "review_state"] if args.include_pending else TABLE_COLUMNS
    _emit(listing.select(columns) if args.format == "table" else listing, args.format)
    if args.format == "table" and (footer := table_footer(listing, args.lang, threshold)):
        print(footer)
    return EXIT_OK


def cmd_gaps(args: argparse.Namespace) -> int:
    """indicator_gaps from the published build, filtered."""
    import polars as pl

    if args.set is not None:  # only a set with targets has gaps; the programme's output is unchanged
        meta, code = _registered_set(args.set)
        if meta is None:
            return code
        if meta["has_targets"] != "yes":
            print(
                f"error: {args.set} has no targets, so it has no gaps; its published values: bilim values --set {args.set}",
                file=sys.stderr,
            )
            return EXIT_USAGE
    layout = Layout.current()
    gaps = _published_table(layout, "indicator_gaps_with_pending" if args.include_pending else "indicator_gaps")
    if gaps is None:
        if layout.resolve_build().problem is None:
            print("error: nothing is published yet: run `bilim build` first", file=sys.stderr)
        return EXIT_REJECTED
    for column, value in (
        ("indicator_code", args.indicator),
        ("year", args.year),
        ("region_code", args.region),
        ("settlement", args.settlement),
    ):
        if value is not None:
            gaps = gaps.filter(pl.col(column) == value)
    columns = GAP_COLUMNS
    if args.include_pending:
        from contracts.audit import Actor, record
        from contracts.pending import mark_review_state

        gaps = mark_review_state(gaps, _published_table(layout, "submissions"))
        columns = [*GAP_COLUMNS, "review_state"]
        record(
            layout,
            Actor.operator(),
            "export_pending",
            {"region_code": args.region, "year": args.year},
            indicator=args.indicator,
            rows=gaps.height,
            format=args.format,
        )
    out = gaps.select(columns)
    if args.format == "table":
        out = out.with_columns(pl.col("actual", "target", "baseline", "gap").round(3), pl.col("achievement", "coverage").round(3))
    _emit(out, args.format)
    return EXIT_OK


def cmd_snapshot(args: argparse.Namespace) -> int:
    """Take a KPI snapshot now (through Dagster, so it shows in the UI), compare two, or verify one."""
    from contracts.snapshots import diff_gaps, read_output
    from pipelines.snapshots import verify

    layout = Layout.current()
    if args.brief:
        from pipelines.briefing import LANGS, write_packs

        if not layout.snapshot_manifest(args.brief).exists():
            print(f"error: no snapshot {args.brief} in {layout.snapshots}", file=sys.stderr)
            return EXIT_USAGE
        langs = tuple(args.lang) if args.lang else LANGS
        record, notes = write_packs(layout, args.brief, langs, out=Path(args.out) if args.out else None)
        for note in notes:
            print(f"note: {note}", file=sys.stderr)
        for lang in langs:
            for kind, entry in sorted(record["packs"][lang].items()):
                print(f"{lang} {kind} {entry['sha256']} {Path(args.out) / entry['file'] if args.out else entry['file']}")
        return EXIT_OK
    if args.diff:
        a, b = args.diff
        for sid in (a, b):
            if not (layout.snapshots / sid).is_dir():
                print(f"error: no snapshot {sid} in {layout.snapshots}", file=sys.stderr)
                return EXIT_USAGE
        _emit(diff_gaps(read_output(layout, a, "indicator_gaps"), read_output(layout, b, "indicator_gaps")), args.format)
        return EXIT_OK
    if args.verify:
        differing = verify(layout, args.verify)
        if differing:
            print(f"snapshot {args.verify} does NOT recompute to the same bytes: {', '.join(differing)}")
            return EXIT_REJECTED
        print(f"snapshot {args.verify} recomputes to the same bytes")
        return EXIT_OK
    if layout.current_build_id() is None:
        print("error: nothing is published yet: run `bilim build` first", file=sys.stderr)
        return EXIT_REJECTED
    from pipelines.runner import prepare_dagster_home, run_all

    prepare_dagster_home(layout)
    from contracts.audit import Actor

    by = Actor.operator().user_id
    if args.as_user:
        from contracts import access

        if not access.allowed(access.principal(layout, args.as_user), "snapshot"):
            print(f"error: {args.as_user} has no grant to take a snapshot (admin)", file=sys.stderr)
            return EXIT_REJECTED
        by = args.as_user
    ok, snapshot_id, message = run_all(tags={"launched_by": "bilim snapshot", "bilim/actor": by}, job_name="kpi_snapshot_job")
    if not ok:
        print(f"error: {message}", file=sys.stderr)
        return EXIT_REJECTED
    print(f"snapshot {snapshot_id} written to {layout.snapshots / snapshot_id}")
    return EXIT_OK


def cmd_doctor(args: argparse.Namespace) -> int:
    """Check the source logs' chains, the archive, the warehouse and the published builds against each other; one
    line per finding with how to repair it. Exit 1 on any disagreement. Changes nothing."""
    from pipelines.doctor import examine

    findings, notes = examine(Layout.current())
    for f in findings:
        print(f"problem: {f.what} -> repair: {f.repair}")
    for n in notes:
        print(f"note: {n}")
    if findings:
        print(f"{len(findings)} problem(s) found", file=sys.stderr)
        return EXIT_REJECTED
    print("healthy: ledger, logs, archive, warehouse and published build agree")
    return EXIT_OK


def _streamlit_cmd(host: str, port: int) -> list[str]:
    # The sign-in settings (Streamlit's [auth] section) are this installation's file, never the repository's.
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(REPO_ROOT / "dashboard" / "app.py"),
        "--secrets.files",
        str(Layout.current().auth_config),
        "--server.enableXsrfProtection",
        "true",
        "--server.address",
        host,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--global.developmentMode",
        "false",
        "--server.fileWatcherType",
        "none",
        "--client.toolbarMode",
        "minimal",
        "--server.maxUploadSize",
        "200",
        "--theme.base",
        "light",
    ]


def _dagster_cmd(host: str, port: int) -> list[str]:
    return [sys.executable, "-m", "dagster", "dev", "-m", "pipelines.definitions", "-h", host, "-p", str(port)]


def _stop(signum, frame) -> None:  # noqa: ARG001 - signal handler signature
    raise KeyboardInterrupt


def _serve(processes: list[tuple[str, list[str]]]) -> int:
    # Ctrl-C and a polite kill both stop everything (a shell may start us with SIGINT ignored).
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
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
    """Serve the dashboard (reads the published build). Refuses to start without a sign-in configuration: the
    dashboard never runs open. ``--demo-idp`` also starts the local demo identity provider."""
    from pipelines.signin import config_problem, demo_idp_command, ensure_demo

    layout = Layout.current()
    processes = [("dashboard", _streamlit_cmd(args.host, args.port))]
    if args.demo_idp:
        ensure_demo(layout, args.port)
        processes.append(("demo identity provider", demo_idp_command()))
    problem = config_problem(layout)
    if problem:
        print(
            f"error: sign-in is not configured: {problem}. Run `bilim auth init` (README: Connecting your identity "
            "provider), or `bilim serve --demo-idp` to try the demo accounts; the dashboard does not start open.",
            file=sys.stderr,
        )
        return EXIT_REJECTED
    print(f"dashboard: http://{args.host}:{args.port}", flush=True)
    return _serve(processes)


def cmd_auth(args: argparse.Namespace) -> int:
    """Write this installation's sign-in settings for the ministry's identity provider (keeps the cookie secret)."""
    from pipelines.signin import config_problem, write_config

    layout = Layout.current()
    secret = args.client_secret or os.environ.get("BILIM_OIDC_CLIENT_SECRET", "")
    if not secret:
        print("error: give --client-secret or set BILIM_OIDC_CLIENT_SECRET", file=sys.stderr)
        return EXIT_USAGE
    group_grants = {}
    for item in args.group_grant or []:
        group, _, grant = item.partition("=")
        group_grants.setdefault(group, []).append(grant)
    path = write_config(
        layout,
        server_metadata_url=args.issuer.rstrip("/") + "/.well-known/openid-configuration"
        if not args.issuer.endswith("openid-configuration")
        else args.issuer,
        client_id=args.client_id,
        client_secret=secret,
        redirect_uri=args.redirect_uri,
        user_id_claim=args.user_id_claim,
        groups_claim=args.groups_claim,
        group_grants=group_grants,
    )
    problem = config_problem(layout)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    print(f"sign-in settings written to {path} (mode 0600; the cookie secret is kept there and never printed)")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    """Load the demo returns (synthetic regional data, real published national figures) through the real ingest
    path unless returns are already there, build everything, then serve the dashboard and Dagster's UI until
    Ctrl-C (``--no-serve``: build only)."""
    from pipelines.returns.ledger import read_ledger

    layout = Layout.current()
    ledger = read_ledger(layout)
    if ledger:
        from pipelines.demo_sets import top_up_earlier_demo

        added = top_up_earlier_demo(layout, ledger)
        if added is not None:
            print(f"demo: {added} indicator-set returns (synthetic) added to the earlier demo", flush=True)
    if not ledger:
        from pipelines.demo import generate_demo

        print("loading demo returns (synthetic regional data, published national figures)…", flush=True)
        summary = generate_demo(layout)
        print(
            f"demo: {summary.accepted} returns submitted ({summary.national} national); the demo reviewer accepted all but "
            "two left awaiting review and one returned with a reason",
            flush=True,
        )
        for line in summary.rejected:
            print(f"demo: rejected {line}", file=sys.stderr)
    code = cmd_build(args)
    if code != EXIT_OK or args.no_serve:
        return code
    from pipelines.runner import prepare_dagster_home
    from pipelines.signin import DEMO_IDP_HOST, DEMO_IDP_PORT, demo_idp_command, ensure_demo

    layout = Layout.current()
    prepare_dagster_home(layout)
    accounts = ensure_demo(layout, args.port)
    print(f"dashboard:   http://{args.host}:{args.port}", flush=True)
    print(f"Dagster UI:  http://{args.host}:{args.dagster_port}", flush=True)
    print(f"demo sign-in (local identity provider, demo accounts only): http://{DEMO_IDP_HOST}:{DEMO_IDP_PORT}", flush=True)
    for a in accounts:
        role, region = a["grant"]
        print(f"  {a['sub']:<16} {role + (' ' + region if region else ''):<16} {a['name']}", flush=True)
    print("Ctrl-C stops all three.", flush=True)
    return _serve(
        [
            ("dashboard", _streamlit_cmd(args.host, args.port)),
            ("dagster", _dagster_cmd(args.host, args.dagster_port)),
            ("demo identity provider", demo_idp_command()),
        ]
    )


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole parser; given the sub-command about to run, and it is one of this module's, the governance and
    backup commands (whose modules import the audit chain and its file lock, ~0.1 s) are left out."""
    parser = argparse.ArgumentParser(
        prog="bilim", description="bilim-monitor: the education programme's indicators, targets and returns"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build", help="validate the catalogue, materialize every asset, publish the marts")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("catalogue", help="list every series with its baseline and targets (or a set's indicators)")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.add_argument("--set", default=None, help="an indicator set's id (`bilim sets`); default: the programme")
    p.set_defaults(func=cmd_catalogue)

    p = sub.add_parser("sets", help="list the indicator sets with their reporting unit, period and indicator count")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.add_argument("--lang", choices=["kk", "ru", "en"], default="en", help="the language of the sets' names")
    p.set_defaults(func=cmd_sets)

    p = sub.add_parser("template", help="write the Excel return template for a region (or institution) and period")
    p.add_argument("--region", default=None, help="region code KZ-NN, or KZ for the programme's national return")
    p.add_argument("--year", type=int, default=None, help="the year (a school or academic year's first year)")
    p.add_argument("--set", default=None, help="an indicator set's id (`bilim sets`); default: the programme")
    p.add_argument("--institution", default=None, help="an institution code of the set's registry")
    p.add_argument("--period", choices=["interim", "final"], default=None, help="a campaign's return: interim or final")
    p.add_argument("--as-of", dest="as_of", default=None, help="a campaign return's date, YYYY-MM-DD (final: the last day)")
    p.add_argument("--out", type=Path, required=True, help="the .xlsx file to write")
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("validate", help="dry run: the verdict for each return, nothing is written")
    p.add_argument("files", nargs="+", type=Path)
    p.add_argument("--json", action="store_true", help="a machine-readable report")
    p.add_argument("--lang", choices=["kk", "ru", "en"], default="en")
    p.add_argument("--region", default=None, help="the file must be this region's return (the upload page enforces one)")
    p.add_argument("--year", type=int, default=None, help="the file must be for this year")
    p.add_argument("--name", default=None, help="the file's name as the officer knows it (for messages)")
    p.add_argument("--annotate", type=Path, default=None, help="folder for a copy of a rejected workbook with the cells marked")
    p.add_argument("--set", default=None, help="the files must be returns of this indicator set (`bilim sets`)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("ingest", help="accept returns into the archive and ledger, rebuild and publish")
    p.add_argument("files", nargs="+", type=Path)
    p.add_argument("--who", default=None, help="who submits (default: the OS user)")
    p.add_argument("--json", action="store_true", help="a machine-readable report")
    p.add_argument("--lang", choices=["kk", "ru", "en"], default="en")
    p.add_argument("--region", default=None, help="the file must be this region's return")
    p.add_argument("--year", type=int, default=None, help="the file must be for this year")
    p.add_argument("--name", default=None, help="the file's name as the officer knows it")
    p.add_argument("--who-name", default=None, help="display name of who submits (for the audit log)")
    p.add_argument("--set", default=None, help="the files must be returns of this indicator set (`bilim sets`)")
    p.add_argument(
        "--no-wait",
        action="store_true",
        help="return once the files are recorded; the inbox sensor (or the next build or ingest) publishes them",
    )
    p.add_argument(
        "--officer",
        action="store_true",
        help="an officer's upload (the dashboard): the reporting deadline applies unless an admin made an exception",
    )
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("gaps", help="target-versus-actual gaps from the published marts")
    p.add_argument("--indicator", default=None)
    p.add_argument("--year", type=int, default=None)
    p.add_argument("--region", default=None)
    p.add_argument("--settlement", choices=list(programme.SETTLEMENTS), default=None)
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.add_argument(
        "--include-pending",
        action="store_true",
        help="count the returns awaiting review as if accepted (not official); adds a review_state column",
    )
    p.add_argument("--set", default=None, help="an indicator set's id (`bilim sets`); default: the programme")
    p.set_defaults(func=cmd_gaps)

    # No option sorts, ranks or picks the worst: rows are by unit and indicator code (ranking_forbidden, order 398 §26).
    p = sub.add_parser("values", help="the published (suppressed) values of an indicator set without targets")
    p.add_argument("--set", required=True, help="the indicator set's id (`bilim sets`)")
    p.add_argument("--region", default=None, help="a region code KZ-NN: its own rows and its institutions'")
    p.add_argument("--year", type=int, default=None)
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.add_argument("--lang", choices=["kk", "ru", "en"], default="en", help="the language of names and the legend")
    p.add_argument(
        "--include-pending",
        action="store_true",
        help="as if the returns awaiting review were accepted (never official): each row marked with review_state",
    )
    p.set_defaults(func=cmd_values)

    p = sub.add_parser("snapshot", help="take a KPI snapshot now, or compare two (--diff A B)")
    p.add_argument("--diff", nargs=2, metavar=("A", "B"), default=None)
    p.add_argument("--verify", metavar="ID", default=None, help="recompute a snapshot and compare its bytes")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.add_argument("--brief", metavar="ID", default=None, help="make the briefing pack (PDF and Excel) of a snapshot")
    p.add_argument(
        "--lang",
        choices=["kk", "ru", "en"],
        action="append",
        default=None,
        help="the pack's language (repeatable; default: all three)",
    )
    p.add_argument("--out", metavar="DIR", default=None, help="also write the pack's files into DIR")
    p.add_argument(
        "--as",
        dest="as_user",
        metavar="USER",
        default=None,
        help="take the snapshot as this signed-in user (an admin grant is checked; the dashboard passes it)",
    )
    p.set_defaults(func=cmd_snapshot)

    p = sub.add_parser("doctor", help="check ledger, logs, archive, warehouse and published builds against each other")
    p.set_defaults(func=cmd_doctor)

    p = sub.add_parser("serve", help="serve the dashboard (sign-in must be configured: `bilim auth init`)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--demo-idp", action="store_true", help="also start the local demo identity provider (demo accounts)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("auth", help="sign-in settings for the ministry's OpenID Connect identity provider")
    auth_sub = p.add_subparsers(dest="auth_command", required=True)
    q = auth_sub.add_parser("init", help="write $BILIM_HOME/access/auth.toml (mode 0600; the cookie secret is generated once)")
    q.add_argument("--issuer", required=True, help="the provider's issuer URL (its /.well-known/openid-configuration is read)")
    q.add_argument("--client-id", required=True)
    q.add_argument("--client-secret", default=None, help="or set BILIM_OIDC_CLIENT_SECRET (keeps it out of shell history)")
    q.add_argument("--redirect-uri", required=True, help="the dashboard's address + /oauth2callback")
    q.add_argument("--user-id-claim", default="sub", help="the claim with the stable user id (default: sub)")
    q.add_argument("--groups-claim", default=None, help="a claim listing the user's groups, to map onto grants")
    q.add_argument(
        "--group-grant",
        action="append",
        metavar="GROUP=GRANT",
        help="e.g. /bilim/reviewers=reviewer or /bilim/kz35=officer:KZ-35",
    )
    p.set_defaults(func=cmd_auth)

    p = sub.add_parser("demo", help="build, then serve the dashboard and Dagster's UI")
    p.add_argument("--no-serve", action="store_true", help="build only")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--dagster-port", type=int, default=3000)
    p.set_defaults(func=cmd_demo)

    if command in sub.choices:
        return parser
    from pipelines.governance import add_commands

    add_commands(sub)
    from pipelines import backup

    backup.add_commands(sub)
    return parser


def _state_after_failure(command: str, ledger_before: str | None) -> tuple[str, dict]:
    """What a failed command leaves behind, read from the files (not from how far the code got)."""
    from pipelines.freshness import build_lag, sources_heads

    layout = Layout.current()
    try:
        if command == "ingest" and (sources_heads(layout)["ledger"] != ledger_before or build_lag(layout) is not None):
            return "state_recorded_not_published", {}
        if command in ("build", "demo", "snapshot"):
            return "state_build_unchanged", {"build": layout.current_build_id() or "—"}
    except OSError:
        pass
    return "state_nothing_changed", {}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(next((a for a in argv if not a.startswith("-")), None)).parse_args(argv)
    if args.command in ("validate", "ingest"):
        from pipelines.returns import prefetch

        prefetch.start(args.files)  # a large workbook is parsed while the rest of the command is imported
    ledger_before = None
    if args.command == "ingest":  # what a failure message compares with (_state_after_failure)
        from pipelines.freshness import sources_heads

        with contextlib.suppress(OSError):
            ledger_before = sources_heads(Layout.current())["ledger"]
    try:
        return args.func(args)
    except BrokenPipeError:
        # The reader of our output went away (`bilim gaps | head`): nothing to say, and nobody to say it to.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_REJECTED
    except Exception as exc:  # noqa: BLE001 - every failure ends in one line; the trace goes to the log
        from pipelines.faults import fault_line, log_failure, say

        state, params = _state_after_failure(args.command, ledger_before)
        lang = getattr(args, "lang", None)
        line = fault_line(exc, state, lang, **params)
        log = log_failure(Layout.current(), exc)
        print(f"{line} {say('details', lang, log=log)}" if log else line, file=sys.stderr)
        return EXIT_REJECTED


if __name__ == "__main__":
    sys.exit(main())
