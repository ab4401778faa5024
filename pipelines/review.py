"""Review of returns before they count: submitted -> accepted (official) or returned (with a reason).

A return is identified by (indicator set, region, year): ``key_of``. An indicator set's return is identified by
(set, reporting unit, year) — the unit being a region or an institution — and a campaign's returns also by their
period: every dated interim return and the final return are separate returns, so an accepted interim return locks
neither the next interim one nor the final one, and a new upload of the same date (or a new final) supersedes.
The programme's keys are exactly as before. Every valid upload appends a submission to the ledger in
state ``submitted``; reviewers' decisions are appended to their own hash-chained log (``Layout.reviews``), never
written into the ledger, so both stay append-only. The state of every submission is derived by replaying both:

- ``submitted`` -> ``accepted`` (a reviewer: now official) or ``returned`` (a reviewer, with a reason);
- ``accepted`` -> ``reopened`` (a reviewer or an admin, with a reason): no longer official, open for a new upload;
  a reviewer may accept it again or return it;
- a newer submission for the same return makes every earlier one that is not accepted ``superseded``.

What counts: the *official* submission of a return is its newest accepted one; the *pending* one is its newest
submission when that is ``submitted`` or ``reopened``. A return whose newest submission is accepted is *locked*:
a new upload is refused until it is reopened. After the reporting deadline (configuration, with its source) an
officer may not *start* a return without an admin's exception (which holds for that return's first submission);
a return already in review (awaiting it, returned for correction, reopened) takes corrections without one.

Decisions check their preconditions under the review log's own lock, so two reviewers clicking at once cannot both
decide the same submission.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from contracts import chain
from contracts.audit import Actor, record
from contracts.home import Layout, repo_raw

DEFAULT_SET = "programme"
SUBMITTED, ACCEPTED, RETURNED, REOPENED, SUPERSEDED = "submitted", "accepted", "returned", "reopened", "superseded"
STATES = (SUBMITTED, ACCEPTED, RETURNED, REOPENED, SUPERSEDED)
PENDING_STATES = (SUBMITTED, REOPENED)
ALMATY = ZoneInfo("Asia/Almaty")


class ReviewRefused(ValueError):
    """A decision that cannot be taken (nothing awaiting review, no reason given, not accepted yet, ...)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass
class SubmissionState:
    submission_id: str
    key: tuple  # (set, region, year); a set's return: return_key
    received_at: str
    state: str = SUBMITTED
    reviewed_by: str | None = None
    reviewed_at: str | None = None
    reason: str | None = None
    accepted_at: str | None = None  # when it was first accepted (it may since have been reopened and superseded)


@dataclass
class ReturnState:
    """One return (set, region, year): its submissions in order and what counts."""

    key: tuple
    submissions: list[SubmissionState] = field(default_factory=list)
    exception_open: bool = False  # an admin allowed one more upload after the deadline
    region_code: str | None = None  # the region of its newest submission (for a set's return, the unit's region)

    @property
    def newest(self) -> SubmissionState | None:
        return self.submissions[-1] if self.submissions else None

    @property
    def official(self) -> SubmissionState | None:
        return next((s for s in reversed(self.submissions) if s.state == ACCEPTED), None)

    @property
    def pending(self) -> SubmissionState | None:
        n = self.newest
        return n if n is not None and n.state in PENDING_STATES else None

    @property
    def locked(self) -> bool:
        n = self.newest
        return n is not None and n.state == ACCEPTED


def set_of(entry) -> str:
    return getattr(entry, "set_id", None) or DEFAULT_SET


FINAL = "final"


def period_of(return_kind: str | None, as_of: object | None) -> str | None:
    """A campaign return's period within the return's identity: ``final``, or ``interim:<ISO date>``; ``None``
    for a return without periods (the programme's, a school or academic year's)."""
    if not return_kind:
        return None
    if return_kind == FINAL:
        return FINAL
    return f"{return_kind}:{as_of.isoformat() if hasattr(as_of, 'isoformat') else as_of}"


def return_key(set_id: str | None, unit: str, year: int, return_kind: str | None = None,
               as_of: object | None = None) -> tuple:
    """A return's identity: (set, region, year) for the programme, exactly as always; (set, unit, year) for another
    set's return, and (set, unit, year, period) for a campaign's."""
    set_id = set_id or DEFAULT_SET
    if set_id == DEFAULT_SET:
        return (set_id, unit, int(year))
    period = period_of(return_kind, as_of)
    return (set_id, unit, int(year)) if period is None else (set_id, unit, int(year), period)


def key_of(entry) -> tuple:
    """The identity of the return a ledger entry, a verdict's group (``rules.Checked``) or a review record is for."""
    unit = getattr(entry, "unit_code", None) or entry.region_code
    return return_key(set_of(entry), unit, entry.year, getattr(entry, "return_kind", None), getattr(entry, "as_of", None))


def _review_key(r: dict) -> tuple:
    return return_key(r.get("set"), r.get("unit_code") or r["region_code"], r["year"], r.get("return_kind"), r.get("as_of"))


def read_reviews(layout: Layout) -> list[dict]:
    return chain.read(layout.reviews).entries


def replay(ledger: list, reviews: list[dict]) -> dict[tuple, ReturnState]:
    """Every return's submissions with their states, from the ledger and the review log.

    Decisions name their submission, so they need no common clock with the ledger (whose ``received_at`` may be a
    historical date): a decision sets its submission's state; then every submission that is not its return's
    newest and was not accepted is ``superseded``. A deadline exception names the newest submission when it was
    given (or none) and holds until a newer one arrives."""
    returns: dict[tuple, ReturnState] = {}
    by_id: dict[str, SubmissionState] = {}
    for e in ledger:
        key = key_of(e)
        s = SubmissionState(e.submission_id, key, e.received_at)
        returns.setdefault(key, ReturnState(key)).submissions.append(s)
        by_id[s.submission_id] = s
        returns[key].region_code = e.region_code
    exceptions: dict[tuple, set] = {}
    for r in reviews:
        key = _review_key(r)
        if r["action"] == "exception":
            exceptions.setdefault(key, set()).add(r.get("submission_id"))
            returns.setdefault(key, ReturnState(key))
            continue
        s = by_id.get(r.get("submission_id") or "")
        if s is None:
            continue
        s.state = {"accept": ACCEPTED, "return": RETURNED, "reopen": REOPENED}[r["action"]]
        if s.state == ACCEPTED and s.accepted_at is None:
            s.accepted_at = r["at"]
        s.reviewed_by, s.reviewed_at, s.reason = r.get("by_name") or r.get("by"), r["at"], r.get("reason")
    for key, ret in returns.items():
        for older in ret.submissions[:-1]:
            if older.state != ACCEPTED:
                older.state = SUPERSEDED
        newest = ret.newest.submission_id if ret.newest else None
        ret.exception_open = newest in exceptions.get(key, set())
    return returns


def states(layout: Layout, ledger: list | None = None) -> dict[tuple, ReturnState]:
    from pipelines.returns.ledger import read_ledger

    return replay(read_ledger(layout) if ledger is None else ledger, read_reviews(layout))


def submission_states(returns: dict[tuple, ReturnState]) -> dict[str, SubmissionState]:
    return {s.submission_id: s for r in returns.values() for s in r.submissions}


# --- the deadline -------------------------------------------------------------------------------------------------


def deadline(year: int) -> tuple[date, str]:
    """The day returns for ``year`` are due (Kazakhstan time) and the source of that rule."""
    cfg = tomllib.loads((repo_raw() / "config" / "monitoring.toml").read_text(encoding="utf-8"))["deadline"]
    return date(year + 1, int(cfg["month"]), int(cfg["day"])), str(cfg["source"])


def past_deadline(year: int, now: datetime | None = None) -> bool:
    due, _ = deadline(year)
    today = (now or datetime.now(UTC)).astimezone(ALMATY).date()
    return today > due


def upload_refusal(layout: Layout, region: str, year: int, set_id: str = DEFAULT_SET, officer: bool = True,
                   now: datetime | None = None,
                   returns: dict[tuple, ReturnState] | None = None, *,
                   return_kind: str | None = None, as_of: object | None = None) -> tuple[str, dict] | None:
    """Why a new upload for this return is refused (a rule code and its message parameters), or ``None``.
    Operators at the shell (``officer=False``) act as admins: the deadline does not stop them; a lock does.
    ``returns`` (``states(layout)``) lets a caller asking for several returns of one file replay the logs once.
    For another set's return ``region`` is its reporting unit (``return_key``); the reporting deadline is the
    programme's (configuration), so it applies to the programme's returns only."""
    ret = (states(layout) if returns is None else returns).get(return_key(set_id, region, year, return_kind, as_of))
    if ret is not None and ret.locked:
        s = ret.newest
        return "F_RETURN_LOCKED", {"region": region, "year": year, "accepted_at": s.reviewed_at or s.received_at}
    started = ret is not None and ret.newest is not None  # in review: a correction or a replacement is expected
    if set_id != DEFAULT_SET:
        return None
    if officer and past_deadline(year, now) and not started and not (ret is not None and ret.exception_open):
        due, source = deadline(year)
        return "F_PAST_DEADLINE", {"region": region, "year": year, "deadline": due.isoformat(), "source": source}
    return None


# --- decisions ----------------------------------------------------------------------------------------------------


def decide(layout: Layout, action: str, region: str, year: int, actor: Actor, reason: str | None = None,
           set_id: str = DEFAULT_SET, *, return_kind: str | None = None, as_of: object | None = None) -> dict:
    """Accept, return or reopen the return (set, region, year), or grant a deadline exception. Checks the
    precondition and appends the decision under the review log's lock, then records it in the audit log; returns
    the review entry written. Does not rebuild (the caller publishes). For another set's return ``region`` is its
    reporting unit (a region or an institution code) and a campaign's return is named by ``return_kind`` and
    ``as_of`` (``interim`` and its date, or ``final``); the record then also holds them and the unit's region."""
    by, by_name = actor.user_id, actor.name
    reason = (reason or "").strip() or None
    if action in ("return", "reopen", "exception") and not reason:
        raise ReviewRefused("reason_required", f"{action} needs a reason")
    with chain.lock_for(layout.reviews):
        key = return_key(set_id, region, year, return_kind, as_of)
        ret = states(layout).get(key)
        target: SubmissionState | None = None
        if action in ("accept", "return"):
            target = ret.pending if ret else None
            if target is None:
                raise ReviewRefused("nothing_pending", f"no return of {region} for {year} awaits review")
        elif action == "reopen":
            target = ret.newest if ret and ret.locked else None
            if target is None:
                raise ReviewRefused(
                    "not_accepted", f"the return of {region} for {year} is not accepted, so it cannot be reopened"
                )
        elif action != "exception":
            raise ValueError(f"unknown review action {action!r}")
        unit = {}
        if set_id != DEFAULT_SET:  # the programme's record is exactly as before
            period = key[3] if len(key) > 3 else None
            unit = {"unit_code": region, **({"return_kind": return_kind} if period else {}),
                    **({"as_of": period.partition(":")[2]} if period and period != FINAL else {})}
        entry = {
            "at": datetime.now(UTC).isoformat(timespec="microseconds"),
            "action": action,
            "set": set_id,
            "region_code": (ret.region_code if ret is not None and ret.region_code else region),
            **unit,
            "year": year,
            # an exception names the newest submission it follows (or none): it holds for the next one only
            "submission_id": target.submission_id if target else (ret.newest.submission_id if ret and ret.newest else None),
            "by": by,
            "by_name": by_name or by,
            "reason": reason,
        }
        written = chain.append(layout.reviews, [entry])[0]  # the same lock object again: re-entrant
    record(
        layout,
        actor,
        AUDIT_ACTION.get(action, action),
        {"set": set_id, "region_code": entry["region_code"], **unit, "year": year, "submission_id": entry["submission_id"]},
        reason=reason,
        review=written["hash"],
    )
    return written


AUDIT_ACTION = {"exception": "deadline_exception"}
