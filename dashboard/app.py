"""Entrypoint: the language switch lives here (a widget on a page is lost when the page changes) and in ``?lang=``;
sign-in (``dashboard.auth``): a short landing page for everyone, every other page only for a signed-in person with
a grant, and only the pages their grants open (``contracts.access.pages_for``); ``st.navigation`` runs the chosen
one, which checks its grant again in ``dashboard.page.start``."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from contracts import access
from contracts.home import Layout
from dashboard import auth
from dashboard.data import read_table, resolve_build
from dashboard.i18n import DEFAULT_LANG, LANGS, t
from dashboard.page import scoped, sees_pending
from dashboard.sets_view import PROGRAMME, SET_PAGE_ACTION, set_short_name, sets_with_data

# Not "pages/": Streamlit treats a pages/ folder beside the main script as a legacy multipage app, and a widget
# in the entrypoint then loses its value on the rerun it triggers (the language switch did nothing).
PAGES = Path(__file__).parent / "screens"


def main() -> None:
    st.set_page_config(page_title="bilim-monitor", layout="wide")
    lang = st.query_params.get("lang", DEFAULT_LANG)
    if lang not in LANGS:
        lang = DEFAULT_LANG
    chosen = st.sidebar.selectbox(
        t("language", lang), list(LANGS), index=list(LANGS).index(lang), format_func=LANGS.get, key="lang"
    )
    if chosen != lang:
        # Rerun at once in the new language, so that nothing (this very label included) lags one language behind.
        st.query_params["lang"] = chosen
        st.rerun()
    st.query_params["lang"] = lang
    st.session_state["ui_lang"] = lang
    st.session_state.pop("principal", None)
    st.sidebar.caption(t("app_title", lang))
    problem = auth.auth_problem()
    if problem is not None:
        # Never start open: without an identity provider nobody can be told apart.
        st.error(t("auth_not_configured", lang, problem=problem))
        st.stop()
    who = auth.signed_in()
    if who is None:
        landing(lang)
        return
    auth.record_once(who, "sign_in", roles=",".join(sorted(g.label() for g in who.grants)) or "none")
    st.sidebar.markdown(
        f"**{who.name}**  \n"
        + ", ".join(t(f"role_{g.role}", lang) + (f" · {g.region}" if g.region else "") for g in sorted(who.grants))
    )
    if st.sidebar.button(t("sign_out", lang), key="sign_out"):
        auth.sign_out(who)
    if not who.has_access:
        auth.record_once(who, "access_denied", wanted="dashboard")
        st.title(t("no_access_title", lang))
        st.error(t("no_access", lang, user=who.user_id))
        st.stop()
    st.session_state["principal"] = who
    if who.sees_all_regions and access.allowed(who, "view_pending"):  # an officer always sees their own, marked
        st.sidebar.toggle(t("include_pending", lang), key="include_pending", help=t("include_pending_help", lang))
    allowed = access.pages_for(who)
    pages = [st.Page(str(PAGES / f"{name}.py"), title=t(f"page_{name}", lang), url_path=name) for name in allowed]
    # One section per indicator set with published values, after the programme's pages: one page each, at the
    # set's id (/school_registration), drawn by screens/sets.py, which learns its set from session state.
    sets = published_sets(lang, who) if access.allowed(who, SET_PAGE_ACTION) else {}
    set_pages = {
        set_id: st.Page(str(PAGES / "sets.py"), title=t("nav_set_page", lang), url_path=set_id) for set_id in sets
    }
    # Streamlit serves the default page at "/" only, so a default "overview" page would answer "/overview" with its
    # own English "Page not found". Every page keeps its own path; the hidden default page routes "/" to the first
    # page this person may open (query parameters kept) and answers any other path in the person's language.
    home = st.Page(
        lambda: route(pages + list(set_pages.values()), lang, set_pages),
        title=t("app_title", lang), url_path="home", default=True, visibility="hidden",
    )
    programme = sets.pop(PROGRAMME, None) or t("app_title", lang)
    sections = {programme: [home, *pages]} | {name: [set_pages[set_id]] for set_id, name in sets.items()}
    chosen = st.navigation(sections if set_pages else [home, *pages])
    st.session_state["set_id"] = chosen.url_path if chosen.url_path in set_pages else None
    chosen.run()


def published_sets(lang: str, who: access.Principal | None = None) -> dict[str, str]:
    """The programme's name and every other set with published values that ``who`` may see (id -> name in
    ``lang``), registry order; empty before a build that publishes the set tables. For a person who sees returns
    awaiting review, also a set whose only values in their regions await review (``set_values_with_pending``)."""
    pending = who is not None and sees_pending(who)
    build = resolve_build().build_id
    layout = Layout.current()
    if build is None or not layout.published_table(build, "indicator_sets").is_file():
        return {}
    registry = read_table(build, "indicator_sets")
    tables = ["set_values_with_pending", "set_values"] if pending else ["set_values"]
    table = next((n for n in tables if layout.published_table(build, n).is_file()), None)
    values = read_table(build, table) if table is not None else None
    if values is not None and who is not None:
        values = scoped(who, "set_values", values)
    names = {PROGRAMME: set_short_name(registry, PROGRAMME, lang)} if PROGRAMME in registry["set_id"].to_list() else {}
    return names | {s: set_short_name(registry, s, lang) for s in sets_with_data(registry, values)}


def route(pages: list, lang: str, set_pages: dict | None = None) -> None:
    from urllib.parse import urlparse

    path = urlparse(st.context.url or "").path.strip("/")
    wanted = (set_pages or {}).get(st.query_params.get("set", ""))
    if path in ("", "home") and wanted is not None:  # "/?set=ID" opens that set's page
        st.switch_page(wanted, query_params=dict(st.query_params))
    if path in ("", "home") and pages:
        st.switch_page(pages[0], query_params=dict(st.query_params))
    st.title(t("page_not_found_title", lang))
    st.error(t("page_not_found", lang, path=path))
    for page in pages:
        st.page_link(page, query_params={"lang": lang})


def landing(lang: str) -> None:
    """The one page anyone may see: what this is, and the sign-in button (labelled when it is the demo's)."""
    st.title(t("app_title", lang))
    st.write(t("landing_intro", lang))
    if auth.is_demo():
        st.warning(t("demo_sign_in", lang))
    if st.button(t("sign_in", lang), type="primary", key="sign_in"):
        st.login()


main()
