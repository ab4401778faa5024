"""Who may do what: the system's own grants and the one policy every page and command asks.

Grants are the system's, not the identity provider's: ``bilim access grant USER --role R [--region KZ-NN]`` appends
an event to a hash-chained log (``Layout.grants``) keyed by the provider's stable user id (``sub``); the current
grants are the log replayed. Optionally, groups from a claim map onto grants (``group_grants`` in the sign-in
configuration). A signed-in person without a grant gets nothing but "no access".

``allowed`` is the one place where an action is decided. The dashboard asks it for every page and every table it
reads (``PageContext``), the upload and review paths ask it again on the server side before anything is written,
so no widget, query parameter or file content can widen what a person sees or does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from contracts import chain
from contracts.home import Layout

OFFICER, REVIEWER, PLANNER, ADMIN = "officer", "reviewer", "planner", "admin"
ROLES = (OFFICER, REVIEWER, PLANNER, ADMIN)
NATIONAL = "KZ"

# action -> roles that may do it anywhere; officers may do the actions in OFFICER_OWN for their own region only.
POLICY: dict[str, tuple[str, ...]] = {
    "view_all": (PLANNER, REVIEWER, ADMIN),  # pages across every region (overview, indicator)
    "view_official": (PLANNER, REVIEWER, ADMIN),
    "view_pending": (PLANNER, REVIEWER, ADMIN),
    "view_quality": (PLANNER, REVIEWER, ADMIN),
    "view_snapshots": (PLANNER, REVIEWER, ADMIN),
    "view_catalogue": (OFFICER, PLANNER, REVIEWER, ADMIN),
    "upload": (),
    "review": (REVIEWER,),
    "reopen": (REVIEWER, ADMIN),
    "deadline_exception": (ADMIN,),
    "audit": (REVIEWER, ADMIN),
    "grant": (ADMIN,),
    "snapshot": (ADMIN,),
}
OFFICER_OWN = {"view_official", "view_pending", "upload"}

# page -> the action that opens it (region-scoped pages are checked again for the region they show)
PAGE_ACTIONS = {
    "overview": "view_all",
    "indicator": "view_all",
    "region": "view_official",
    "quality": "view_quality",
    "snapshots": "view_snapshots",
    "upload": "upload",
    "review": "review",
    "audit": "audit",
    "catalogue": "view_catalogue",
}


@dataclass(frozen=True, order=True)
class Grant:
    role: str
    region: str | None = None  # officers only: the one region (or ``KZ``, the national return) they report for

    def label(self) -> str:
        return f"{self.role}:{self.region}" if self.region else self.role


@dataclass(frozen=True)
class Principal:
    """A signed-in person (or an operator) and what the system grants them."""

    user_id: str
    name: str
    grants: frozenset[Grant] = field(default_factory=frozenset)

    @property
    def roles(self) -> set[str]:
        return {g.role for g in self.grants}

    @property
    def regions(self) -> list[str]:
        """The regions this person reports for as an officer (sorted)."""
        return sorted({g.region for g in self.grants if g.role == OFFICER and g.region})

    @property
    def has_access(self) -> bool:
        return bool(self.grants)

    @property
    def sees_all_regions(self) -> bool:
        return bool(self.roles & {PLANNER, REVIEWER, ADMIN})


def allowed(who: Principal, action: str, region: str | None = None) -> bool:
    """May ``who`` do ``action`` (on ``region``, where the action is regional)? Unknown actions are refused."""
    if action not in POLICY:
        return False
    if who.roles & set(POLICY[action]):
        return True
    if action in OFFICER_OWN and OFFICER in who.roles:
        # Without a region the question is "for some region of theirs"; with one, it must be theirs.
        return region is None or region in who.regions
    return False


def may_submit(who: Principal, unit_region: str | None) -> bool:
    """May ``who`` submit a return for a reporting unit in ``unit_region``? A region's return is its region's; an
    indicator set's institution reports through its region (its ``region_code`` in the set's registry,
    ``institutions.csv``): the region's officer may submit for it, an officer of another region may not."""
    return unit_region is not None and allowed(who, "upload", unit_region)


def pages_for(who: Principal) -> list[str]:
    """The pages ``who`` may open, the first being their default: an officer lands on the upload page."""
    pages = [page for page, action in PAGE_ACTIONS.items() if allowed(who, action)]
    if not who.sees_all_regions and "upload" in pages:
        pages.remove("upload")
        pages.insert(0, "upload")
    return pages


# --- the grants log ----------------------------------------------------------------------------------------------


class GrantError(ValueError):
    """A grant that cannot be given (unknown role, a region where none belongs or a missing one)."""


def check_grant(role: str, region: str | None, known_regions: set[str]) -> Grant:
    if role not in ROLES:
        raise GrantError(f"unknown role {role!r}: one of {', '.join(ROLES)}")
    if role == OFFICER:
        if not region:
            raise GrantError("an officer's grant needs --region KZ-NN (the region they report for)")
        if region not in known_regions:
            raise GrantError(f"no region {region!r}: one of the current regions' codes (KZ-NN) or KZ")
        return Grant(OFFICER, region)
    if region:
        raise GrantError(f"a {role} acts for every region: --region belongs to officers only")
    return Grant(role, None)


def append_grant_events(layout: Layout, events: list[dict]) -> list[dict]:
    at = datetime.now(UTC).isoformat(timespec="microseconds")
    layout.access_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    return chain.append(layout.grants, [{"at": at, **e} for e in events])


def current_grants(layout: Layout) -> dict[str, dict]:
    """user id -> {"name": display name, "grants": set[Grant]}, replaying the grants log. A damaged log grants
    nothing past its first damaged entry (``bilim doctor`` reports it)."""
    users: dict[str, dict] = {}
    for e in chain.read(layout.grants).entries:
        user = users.setdefault(e["user"], {"name": e.get("name") or "", "grants": set()})
        if e.get("name"):
            user["name"] = e["name"]
        g = Grant(e["role"], e.get("region"))
        if e["event"] == "grant":
            user["grants"].add(g)
        elif e["event"] == "revoke":
            user["grants"].discard(g)
    return {u: v for u, v in users.items() if v["grants"]}


def grants_from_groups(groups: list[str] | None, group_grants: dict[str, list[str]] | None) -> set[Grant]:
    """Grants mapped from the identity provider's groups claim: ``{"/bilim/reviewers": ["reviewer"],
    "/bilim/officers/karaganda": ["officer:KZ-35"]}``."""
    out: set[Grant] = set()
    for group in groups or []:
        for label in (group_grants or {}).get(group, []):
            role, _, region = str(label).partition(":")
            if role in ROLES and (role == OFFICER) == bool(region):
                out.add(Grant(role, region or None))
    return out


def principal(layout: Layout, user_id: str, name: str = "", groups: list[str] | None = None,
              group_grants: dict[str, list[str]] | None = None) -> Principal:
    """The person with the system's grants for ``user_id`` (plus any mapped from their groups)."""
    granted = current_grants(layout).get(user_id, {"name": "", "grants": set()})
    grants = set(granted["grants"]) | grants_from_groups(groups, group_grants)
    return Principal(user_id, name or granted["name"] or user_id, frozenset(grants))
