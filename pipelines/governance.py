"""The operators' side of sign-in and review: ``bilim access``, ``bilim review`` and ``bilim audit``.

An operator at the server's shell acts as an administrator and is recorded as ``cli:<os user>``. The dashboard's
Review page calls ``bilim review`` in a subprocess with ``--as USER_ID --as-name NAME`` after it has checked the
signed-in person's grant itself; the command checks the grant again (one policy, ``contracts.access.allowed``).
Every decision, grant and revocation is appended to the audit log; a decision that changes what is official
rebuilds and publishes before the command returns.
"""

from __future__ import annotations

import argparse
import json
import sys

from contracts import access, audit
from contracts.home import Layout

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


def _actor(args: argparse.Namespace) -> tuple[audit.Actor, access.Principal | None]:
    """The operator (admin) or, with ``--as``, the signed-in person the dashboard acts for."""
    if getattr(args, "as_user", None):
        layout = Layout.current()
        who = access.principal(layout, args.as_user, args.as_name or "")
        return audit.Actor(who.user_id, who.name), who
    return audit.Actor.operator(), None


def _known_regions() -> set[str]:
    from contracts.home import repo_raw
    from pipelines.catalogue.load import load_regions

    regions = load_regions(repo_raw())["regions"]
    alive = regions.filter(regions["valid_to"].is_null()) if "valid_to" in regions.columns else regions
    return {*alive["region_code"].to_list(), access.NATIONAL}


def cmd_access(args: argparse.Namespace) -> int:
    layout = Layout.current()
    actor = audit.Actor.operator()
    if args.access_command == "list":
        rows = [
            {"user": user, "name": v["name"], "grant": g.label()}
            for user, v in sorted(access.current_grants(layout).items())
            for g in sorted(v["grants"])
        ]
        _emit(rows, ["user", "name", "grant"], args.format)
        return EXIT_OK
    try:
        grant = access.check_grant(args.role, args.region, _known_regions())
    except access.GrantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    event = {"event": args.access_command, "user": args.user, "name": args.name or "", "role": grant.role,
             "region": grant.region, "by": actor.user_id}
    if args.access_command == "revoke" and grant not in access.current_grants(layout).get(args.user, {}).get("grants", set()):
        print(f"error: {args.user} holds no grant {grant.label()}", file=sys.stderr)
        return EXIT_REFUSED
    access.append_grant_events(layout, [event])
    audit.record(layout, actor, args.access_command, {"region_code": grant.region}, user=args.user, role=grant.role)
    print(f"{args.access_command}: {args.user} {grant.label()}")
    return EXIT_OK


def cmd_review(args: argparse.Namespace) -> int:
    from pipelines import review

    layout = Layout.current()
    if args.review_command == "list":
        return _review_list(layout, args)
    actor, who = _actor(args)
    action = args.review_command
    needed = {"accept": "review", "return": "review", "reopen": "reopen", "exception": "deadline_exception"}[action]
    if who is not None and not access.allowed(who, needed, args.region):
        audit.record(layout, actor, "access_denied", {"region_code": args.region, "year": args.year}, wanted=action)
        print(f"error: {who.user_id} may not {action} returns", file=sys.stderr)
        return EXIT_REFUSED
    try:
        entry = review.decide(layout, action, args.region, args.year, actor, args.reason, args.set,
                              return_kind=args.return_kind, as_of=args.as_of)
    except review.ReviewRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    print(f"{action}: {args.set} {args.region} {args.year}" + (f" ({entry['submission_id']})" if entry["submission_id"] else ""))
    if action == "exception":
        return EXIT_OK
    from pipelines.runner import prepare_dagster_home, run_all

    prepare_dagster_home(layout)
    ok, build_id, message = run_all(tags={"launched_by": f"bilim review {action}"})
    if not ok:
        print(f"error: the decision is recorded, but the rebuild failed: {message}; run `bilim build`", file=sys.stderr)
        return EXIT_REFUSED
    print(f"build {build_id} published")
    return EXIT_OK


REVIEW_COLUMNS = ["set", "region_code", "unit", "year", "period", "state", "submission_id", "received_at", "who", "values",
                  "expected", "warnings", "reviewed_by", "reviewed_at", "reason"]


def review_rows(layout: Layout, state: str | None = None, region: str | None = None) -> list[dict]:
    """Every submission with its review state, newest first per return; pending ones first overall."""
    from pipelines import review
    from pipelines.returns.ledger import read_ledger

    entries = read_ledger(layout)
    by_id = review.submission_states(review.states(layout, entries))
    rows = []
    for e in entries:
        s = by_id[e.submission_id]
        if (state and s.state != state) or (region and e.region_code != region):
            continue
        period = f"{e.return_kind} {e.as_of}" if getattr(e, "as_of", None) else ""  # a campaign's dated return
        unit = getattr(e, "unit_code", None) or e.region_code  # an institution's code; else the region
        rows.append({"set": s.key[0], "region_code": e.region_code, "unit": unit, "year": e.year, "period": period,
                     "state": s.state,
                     "submission_id": e.submission_id, "received_at": e.received_at, "who": e.who,
                     "values": e.values, "expected": e.expected, "warnings": e.warnings,
                     "reviewed_by": s.reviewed_by or "", "reviewed_at": s.reviewed_at or "", "reason": s.reason or ""})
    order = {st: n for n, st in enumerate(review.PENDING_STATES + (review.RETURNED, review.ACCEPTED, review.SUPERSEDED))}
    rows.sort(key=lambda r: (order[r["state"]], -r["warnings"], r["region_code"], r["year"], r["received_at"]))
    return rows


def _review_list(layout: Layout, args: argparse.Namespace) -> int:
    _emit(review_rows(layout, args.state, args.region), REVIEW_COLUMNS, args.format)
    return EXIT_OK


AUDIT_COLUMNS = [
    "at",
    "actor_id",
    "actor_name",
    "action",
    "set",
    "region_code",
    "year",
    "submission_id",
    "sha256",
    "detail",
    "hash",
]


def cmd_audit(args: argparse.Namespace) -> int:
    layout = Layout.current()
    if args.verify:
        result = audit.read(layout)
        if result.damage:
            first = result.damage[0]
            print(
                f"audit log {layout.audit_log} is BROKEN at {first}; {len(result.entries)} entries before it verify",
                file=sys.stderr,
            )
            return EXIT_REFUSED
        print(f"audit log verifies: {len(result.entries)} entries, chain intact")
        return EXIT_OK
    result = audit.read(layout)
    if result.damage:
        print(f"warning: the audit log is broken at {result.damage[0]}; showing the entries before it", file=sys.stderr)
    rows = [audit.flat(e) for e in audit.select(result.entries, args.since, args.user, args.action, args.region)]
    _emit(rows, AUDIT_COLUMNS, args.format)
    return EXIT_OK


def _emit(rows: list[dict], columns: list[str], fmt: str) -> None:
    import polars as pl

    frame = (
        pl.DataFrame(rows, schema={c: pl.String for c in columns}, orient="row")
        if rows
        else pl.DataFrame(schema={c: pl.String for c in columns})
    )
    frame = frame.with_columns(pl.all().cast(pl.String))
    if fmt == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
    elif fmt == "csv":
        from contracts.spreadsheet import escape_frame

        sys.stdout.write(escape_frame(frame).write_csv())  # a reviewer's reason is text a spreadsheet must not run
    else:
        from pipelines.catalogue.listing import render_table

        print(render_table(frame) if rows else "(none)")


def add_commands(sub) -> None:
    """Register ``access``, ``review`` and ``audit`` on the ``bilim`` parser."""
    p = sub.add_parser("access", help="grants: who may do what (officer of one region, reviewer, planner, admin)")
    acc = p.add_subparsers(dest="access_command", required=True)
    for name, text in (("grant", "give USER a role"), ("revoke", "take a role back from USER")):
        q = acc.add_parser(name, help=text)
        q.add_argument("user", help="the identity provider's stable user id (the `sub` claim)")
        q.add_argument("--role", required=True, choices=access.ROLES)
        q.add_argument("--region", default=None, help="officers: the region they report for (KZ-NN, or KZ)")
        q.add_argument("--name", default=None, help="display name (for lists and the audit log)")
    q = acc.add_parser("list", help="every current grant")
    q.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.set_defaults(func=cmd_access)

    p = sub.add_parser("review", help="returns awaiting review; accept, return (with a reason), reopen")
    rev = p.add_subparsers(dest="review_command", required=True)
    q = rev.add_parser("list", help="every submission with its review state (awaiting review first)")
    q.add_argument("--state", choices=["submitted", "accepted", "returned", "reopened", "superseded"], default=None)
    q.add_argument("--region", default=None)
    q.add_argument("--format", choices=["table", "csv", "json"], default="table")
    for name, text in (
        ("accept", "accept the return awaiting review: its values become official"),
        ("return", "return it to the officer with a reason"),
        ("reopen", "reopen an accepted return (with a reason) so a corrected file can be uploaded"),
        ("exception", "allow one upload after the deadline (administrators; with a reason)"),
    ):
        q = rev.add_parser(name, help=text)
        q.add_argument("--region", required=True)
        q.add_argument("--year", type=int, required=True)
        q.add_argument("--set", default="programme", help="indicator set (default: programme); --region: its unit")
        q.add_argument("--return-kind", choices=["interim", "final"], default=None, help="a campaign's return")
        q.add_argument("--as-of", default=None, help="a campaign's interim return: its date (YYYY-MM-DD)")
        q.add_argument("--reason", default=None, required=name != "accept")
        q.add_argument("--as", dest="as_user", default=None, help=argparse.SUPPRESS)
        q.add_argument("--as-name", dest="as_name", default=None, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_review)

    p = sub.add_parser("audit", help="the audit trail: who did what, when; --verify checks its hash chain")
    p.add_argument("--since", default=None, help="from this date or time (UTC, ISO 8601)")
    p.add_argument("--user", default=None, help="one person (user id or name)")
    p.add_argument("--action", default=None, choices=audit.ACTIONS)
    p.add_argument("--region", default=None)
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.add_argument("--verify", action="store_true", help="check the hash chain: exit 1 and the first broken entry")
    p.set_defaults(func=cmd_audit)


def reconcile_audit(layout: Layout) -> int:
    """Append the audit entries a killed process left out: a ``submit`` for every ledger submission and a decision
    for every review entry the audit log lacks (a process killed between its own log and the audit log), each
    marked ``recovered``. Held under the audit log's lock, so two processes never recover the same entry twice.
    Returns how many were recovered."""
    from contracts import chain
    from pipelines import review
    from pipelines.returns.ledger import audit_submit, read_ledger

    with chain.lock_for(layout.audit_log):
        logged = audit.read(layout).entries
        submitted = {e["target"].get("submission_id") for e in logged if e["action"] == "submit"}
        decided = {e["detail"].get("review") for e in logged if e["detail"].get("review")}
        n = 0
        for e in read_ledger(layout):
            if e.submission_id not in submitted:
                audit_submit(layout, audit.Actor(e.who, e.who), e, recovered=True)
                n += 1
        for r in review.read_reviews(layout):
            if r["hash"] not in decided:
                audit.record(
                    layout,
                    audit.Actor(r["by"], r.get("by_name") or r["by"]),
                    review.AUDIT_ACTION.get(r["action"], r["action"]),
                    {
                        "set": r.get("set"),
                        "region_code": r["region_code"],
                        "year": r["year"],
                        "submission_id": r.get("submission_id"),
                    },
                    reason=r.get("reason"),
                    review=r["hash"],
                    recovered=True,
                )
                n += 1
    return n


def audit_disagreements(layout: Layout) -> list[str]:
    """What the ledger, the review log and the audit log disagree on (each action in one must be in the others)."""
    from pipelines import review
    from pipelines.returns.ledger import read_ledger

    logged = audit.read(layout).entries
    submitted = {e["target"].get("submission_id") for e in logged if e["action"] == "submit"}
    decided = {e["detail"].get("review") for e in logged if e["detail"].get("review")}
    ledger_ids = {e.submission_id for e in read_ledger(layout)}
    reviews = review.read_reviews(layout)
    out = [f"ledger submission {sid} has no audit entry" for sid in sorted(ledger_ids - submitted)]
    out += [f"audit log records a submission {sid} the ledger does not hold" for sid in sorted(submitted - ledger_ids)]
    out += [
        f"review decision {r['action']} {r['region_code']} {r['year']} ({r['at']}) has no audit entry"
        for r in reviews
        if r["hash"] not in decided
    ]
    review_hashes = {r["hash"] for r in reviews}
    out += [f"audit log records a decision whose review entry is missing ({h[:12]})" for h in sorted(decided - review_hashes)]
    return out
