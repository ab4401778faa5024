"""What every page does first: the language, the published build, and the synthetic-data banner."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl
import streamlit as st

from contracts import access
from contracts.home import Layout
from contracts.pending import SET_WITH_PENDING, WITH_PENDING, mark_review_state, mark_set_review_state
from dashboard.auth import current
from dashboard.data import read_table, resolve_build
from dashboard.i18n import DEFAULT_LANG, t

# Tables that describe the country, not anyone's returns: never narrowed to a person's regions.
REFERENCE_TABLES = {"regions", "region_changes", "ref_region_years"}


@dataclass(frozen=True)
class PageContext:
    """One page run: language, build, who is signed in, and whether returns awaiting review are included.

    ``table`` is the one door to published data: it serves the ``*_with_pending`` tables (marked row by row) only
    to a person allowed to see pending returns who switched them on, and narrows every table to the officer's own
    regions for a person who may not see all regions. Pages never read the build another way."""

    lang: str
    build: str
    who: access.Principal = field(default_factory=lambda: access.Principal("", "", frozenset()))
    pending: bool = False

    def table(self, name: str) -> pl.DataFrame:
        if self.pending and name in WITH_PENDING:
            frame = mark_review_state(read_table(self.build, f"{name}_with_pending"), read_table(self.build, "submissions"))
        elif self.pending and name in SET_WITH_PENDING and self.has(f"{name}_with_pending"):
            # (a build published before set returns awaiting review were published has none: its official values)
            subs = read_table(self.build, "set_submissions")
            frame = mark_set_review_state(read_table(self.build, f"{name}_with_pending"), subs)
        else:
            frame = read_table(self.build, name)
        return self.scoped(name, frame)

    def has(self, name: str) -> bool:
        return Layout.current().published_table(self.build, name).is_file()

    def scoped(self, name: str, frame: pl.DataFrame) -> pl.DataFrame:
        return scoped(self.who, name, frame)


def scoped(who: access.Principal, name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` as ``who`` may see it: everything for a person who sees all regions (and reference tables for
    everyone), else their own regions' rows only: no national roll-up either (with pending on, it would mix other
    regions')."""
    if who.sees_all_regions or name in REFERENCE_TABLES or "region_code" not in frame.columns:
        return frame
    return frame.filter(pl.col("region_code").is_in(who.regions))


def sees_pending(who: access.Principal) -> bool:
    """Whether this page run shows returns awaiting review (marked): to a person allowed to see them who switched
    them on, and always to an officer, who sees their own region's return awaiting review."""
    if not access.allowed(who, "view_pending"):
        return False
    return not who.sees_all_regions or bool(st.session_state.get("include_pending"))


def start(
    title_key: str, *, action: str | None = None, title: str | None = None, programme_banner: bool = True
) -> PageContext | None:
    """Title, language, grant and build; ``None`` (with a message) when nothing is published. A page whose grant
    the signed-in person lacks stops here, whatever URL was opened. An indicator set's page passes its own
    ``action`` and ``title`` (the set's name in the language) and says itself whether its values are synthetic
    (``programme_banner=False``: the programme's banner speaks of the programme's returns)."""
    lang = st.session_state.get("ui_lang", DEFAULT_LANG)
    who = current()
    page = title_key.removeprefix("page_")
    if not access.allowed(who, action or access.PAGE_ACTIONS[page]):
        st.error(t("no_access", lang, user=who.user_id))
        st.stop()
    st.title(title or t(title_key, lang))
    resolution = resolve_build()
    build = resolution.build_id
    if resolution.problem is not None:
        # CURRENT is damaged: show the newest complete build and say so, or say what to run.
        problem = t(f"build_problem_{resolution.problem}", lang)
        if build is None:
            st.error(t("no_complete_build", lang, problem=problem))
            return None
        st.warning(t("build_fallback", lang, problem=problem, build=build))
    if build is None:
        st.info(t("no_build", lang))
        return None
    pending = sees_pending(who)
    ctx = PageContext(lang, build, who, pending)
    if pending and programme_banner:  # a set's page says itself which returns awaiting review it includes
        st.info(t("pending_banner", lang))
    subs = ctx.table("submissions") if programme_banner else None
    if subs is not None and subs.height and subs["who"].str.starts_with("demo-synthetic").any():
        st.warning(t("synthetic_banner", lang))
    return ctx


def footer(ctx: PageContext) -> None:
    st.caption(f"{t('build', ctx.lang)}: {ctx.build}")


def url_select(label: str, options: list, *, param: str, key: str, lang: str, default=None, format_func=str, container=None):
    """A selectbox whose choice lives in the URL (``?param=value``), so a view can be shared and restored, and a
    language switch (which changes the widget's label, and so may give Streamlit a new widget) keeps the choice:
    the URL is the memory, the widget starts from it. A value the URL names that is not among the options gets a
    translated note and the default."""
    options = list(options)
    texts = [str(o) for o in options]
    wanted = st.query_params.get(param)
    if wanted is not None and wanted not in texts:
        st.warning(t("unknown_param", lang, param=param, value=wanted))
        wanted = None
    index = texts.index(wanted) if wanted is not None else (options.index(default) if default in options else 0)
    box = container or st
    # The widget's key carries the language: a keyed selectbox keeps its options' words from the language it was
    # created in, so after a switch it would show the old language's names. The URL, not the widget, keeps the choice.
    value = box.selectbox(label, options, index=index, format_func=format_func, key=f"{key}_{lang}")
    if value is not None:
        st.query_params[param] = str(value)
    return value
