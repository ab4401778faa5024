"""Who is signed in, and what the system grants them: the dashboard's side of sign-in.

People sign in through OpenID Connect with Streamlit's own ``st.login`` (the ministry's identity provider in
production; the local demo provider for ``make demo`` and the tests). The provider only says who someone is: what
they may do comes from the system's grants (``contracts.access``), looked up on the server for every run by the
provider's stable user id (the claim named ``user_id_claim``, ``sub`` by default). Nothing the browser sends, no
widget and no query parameter, takes part in that decision.

The settings live in ``$BILIM_HOME/access/auth.toml`` (Streamlit's ``[auth]`` section plus our ``[bilim]``), which
``bilim serve`` hands to Streamlit as its secrets file. Without an ``[auth]`` section the dashboard refuses to run
rather than start open.
"""

from __future__ import annotations

import streamlit as st

from contracts import access, audit
from contracts.home import Layout

REQUIRED_AUTH_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")


def auth_problem() -> str | None:
    """Why sign-in cannot work (a missing section or key), or ``None`` when it is configured."""
    try:
        section = st.secrets.get("auth")
    except FileNotFoundError:
        section = None
    if not section:
        return "missing"
    missing = [k for k in REQUIRED_AUTH_KEYS if not str(section.get(k, "")).strip()]
    return f"missing keys: {', '.join(missing)}" if missing else None


def settings() -> dict:
    """Our own part of the sign-in settings (``[bilim]``): which claim is the user id, groups mapping, demo label."""
    try:
        return dict(st.secrets.get("bilim", {}))
    except FileNotFoundError:
        return {}


def is_demo() -> bool:
    return bool(settings().get("demo", False))


def _claim(name: str) -> object:
    try:
        return st.user.get(name)
    except (AttributeError, KeyError):
        return None


def signed_in() -> access.Principal | None:
    """The signed-in person with the system's grants, or ``None`` before sign-in."""
    if not st.user.is_logged_in:
        return None
    cfg = settings()
    user_id = str(_claim(cfg.get("user_id_claim", "sub")) or "")
    if not user_id:
        return access.Principal("", "", frozenset())
    name = str(_claim("name") or _claim("preferred_username") or _claim("email") or user_id)
    groups_claim = cfg.get("groups_claim")
    groups = _claim(groups_claim) if groups_claim else None
    groups = [str(g) for g in groups] if isinstance(groups, list) else None
    return access.principal(Layout.current(), user_id, name, groups, cfg.get("group_grants"))


def actor(who: access.Principal) -> audit.Actor:
    return audit.Actor(who.user_id, who.name)


def record_once(who: access.Principal, action: str, **detail: object) -> None:
    """Record a session-level action (sign-in, access denied) once per browser session."""
    key = f"_audited_{action}"
    if st.session_state.get(key) == who.user_id:
        return
    audit.record(Layout.current(), actor(who), action, **detail)
    st.session_state[key] = who.user_id


def sign_out(who: access.Principal) -> None:
    audit.record(Layout.current(), actor(who), "sign_out")
    for key in [k for k in st.session_state if str(k).startswith("_audited_")]:
        del st.session_state[key]
    st.logout()


def current() -> access.Principal:
    """The principal of this run (set by the entrypoint before any page runs)."""
    who = st.session_state.get("principal")
    if not isinstance(who, access.Principal):
        st.stop()
    return who
