"""An indicator set's page (issue 10): the campaign's progress, registration by ground without ranking, inclusive
education by institution and region, or a plain table for any other set. ``app.py`` registers this file once per
set with published values, at the set's id, and says which set was chosen in ``st.session_state["set_id"]``; the
choices live in the URL (``?set=``, ``?place=``, ``?as_of=``, ``?year=``, ``?settlement=``) like every page's.

Every table is drawn from ``dashboard.sets_view`` (hidden cells "<10", the legend under the table) and offered for
download through ``downloads.download``. A set that forbids ranking (``school_registration``, §26) gets static
tables (``st.table``: no click-to-sort), no colours and no chart, and the page quotes the rule."""

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard import chart_ui, charts, downloads
from dashboard import sets_view as sv
from dashboard.i18n import plotly_separators, t
from dashboard.page import footer, start, url_select

# The published table the page's values come from, named in every download ("about" sheet): set below, before the
# tables are drawn, to set_values_with_pending when the values include returns awaiting review.
SOURCE = "set_values"


def show(table: sv.SetTable, lang: str, build: str, stem: str, key: str, *, static: bool) -> None:
    if not table.rows:
        st.info(t("set_no_values", lang))
        return
    frame = table.frame()
    if static:
        st.table(sv.markdown_safe(frame), hide_index=True)  # a static table: nothing to click, nothing re-sorted by value
    else:
        st.dataframe(frame, hide_index=True, width="stretch")
    for note in sv.notes_for(table, lang):
        st.caption(note)
    downloads.offer(st, downloads.download(table.download_table(build, SOURCE), lang), lang, stem, key)


def place_choice(values: pl.DataFrame, regions: pl.DataFrame, lang: str, set_id: str) -> str:
    names = sv.region_names(regions, lang)
    units = values.filter(pl.col("level").is_in(["region", "national"]))["unit_code"].unique().to_list()
    ordered = ([sv.NATIONAL] if sv.NATIONAL in units else []) + sv.region_order(
        [u for u in units if u != sv.NATIONAL], regions, lang
    )
    return url_select(
        t("set_place", lang), ordered, param="place", key=f"{set_id}_place", lang=lang, format_func=lambda c: names.get(c, c)
    )


def school_year_choice(values: pl.DataFrame, set_id: str, label_key: str, lang: str) -> int:
    """The school or academic year (``?year=``, the newest by default), shown as "2024–2025"."""
    years = sv.years_of(values, set_id)
    return url_select(
        t(label_key, lang),
        years,
        param="year",
        key=f"{set_id}_year",
        lang=lang,
        default=years[-1],
        format_func=sv.school_year_label,
    )


def progress_chart(table_values: pl.DataFrame, indicators: pl.DataFrame, unit: str, label: str, lang: str) -> go.Figure | None:
    """The distinct number of children helped at each return date (hidden dates are gaps, never drawn as a value)."""
    head = sv.headline_codes(indicators)
    if not head:
        return None
    code = head[0]
    name = indicators.filter(pl.col("code") == code)[f"name_{lang}"][0]
    dates = sv.campaign_dates(table_values.filter(pl.col("unit_code") == unit), indicators["set_id"][0])
    look = {
        r["as_of"]: r
        for r in table_values.filter(
            (pl.col("unit_code") == unit) & (pl.col("indicator_code") == code) & (pl.col("settlement") == "total")
        ).iter_rows(named=True)
    }
    xs = [d for d, _ in dates]
    ys = [None if look.get(d) is None or look[d]["hidden"] else look[d]["value"] for d in xs]
    if all(y is None for y in ys):
        return None
    fig = go.Figure(go.Scatter(x=[d.isoformat() for d in xs], y=ys, mode="lines+markers", name=name, connectgaps=False))
    fig.update_layout(
        title={"text": charts.wrap(t("campaign_chart", lang, name=f"{name} · {label}"), 70), "x": 0, "xanchor": "left"},
        separators=plotly_separators(lang),
        height=360,
        xaxis_type="category",
        margin={"l": 40, "r": 20, "t": 60, "b": 40},
    )
    return fig


def road_to_school(ctx, set_id, values, indicators, regions) -> None:
    lang = ctx.lang
    names = sv.region_names(regions, lang)
    unit = place_choice(values, regions, lang, set_id)
    st.subheader(t("campaign_progress", lang))
    st.caption(t("campaign_progress_caption", lang))
    show(
        sv.progress_table(values, indicators, unit, lang),
        lang,
        ctx.build,
        f"bilim_{set_id}_{unit}_progress",
        "set_progress",
        static=False,
    )
    fig = progress_chart(values, indicators, unit, names.get(unit, unit), lang)
    if fig is not None:
        chart_ui.show(fig, chart_ui.image_format(lang), set_id, unit, lang)
    dates = sv.campaign_dates(values, set_id)
    if not dates:
        return
    labels = {d.isoformat(): sv.date_label(d, k, lang) for d, k in dates}
    chosen = url_select(
        t("set_as_of", lang),
        list(labels),
        param="as_of",
        key=f"{set_id}_as_of",
        lang=lang,
        default=list(labels)[-1],
        format_func=lambda d: labels.get(d, d),
    )
    day = next(d for d, _ in dates if d.isoformat() == chosen)
    st.subheader(t("campaign_by_region", lang))
    st.info(t("categories_overlap", lang))
    table = sv.category_region_table(values, indicators, regions, day, lang)
    show(table, lang, ctx.build, f"bilim_{set_id}_{chosen}_regions", "set_regions", static=False)
    if sv.denominator_code(indicators):
        st.caption(t("per_1000_caption", lang))
    st.subheader(t("campaign_help", lang))
    st.caption(t("campaign_help_caption", lang))
    show(
        sv.help_table(values, indicators, unit, day, lang),
        lang,
        ctx.build,
        f"bilim_{set_id}_{unit}_{chosen}_help",
        "set_help",
        static=False,
    )


def school_registration(ctx, set_id, values, indicators, regions) -> None:
    lang = ctx.lang
    st.subheader(t("no_ranking_title", lang))
    st.info(t("no_ranking_rule", lang))
    unit = place_choice(values, regions, lang, set_id)
    settlements = sv.settlements_of(values, set_id)
    settlement = url_select(
        t("settlement", lang),
        settlements,
        param="settlement",
        key=f"{set_id}_settlement",
        lang=lang,
        format_func=lambda s: t(f"settlement_{s}", lang),
    )
    st.subheader(t("registration_by_ground", lang))
    st.caption(t("grounds_overlap", lang))
    show(
        sv.ground_table(values, indicators, unit, settlement, lang),
        lang,
        ctx.build,
        f"bilim_{set_id}_{unit}_{settlement}_grounds",
        "set_grounds",
        static=True,
    )
    st.subheader(t("registration_trend", lang))
    show(
        sv.flow_table(values, indicators, unit, settlement, lang),
        lang,
        ctx.build,
        f"bilim_{set_id}_{unit}_{settlement}_trend",
        "set_trend",
        static=True,
    )
    year = school_year_choice(values, set_id, "set_school_year", lang)
    st.subheader(t("registration_by_region", lang))
    table = sv.registration_region_table(values, indicators, regions, year, settlement, lang)
    show(table, lang, ctx.build, f"bilim_{set_id}_{year}_{settlement}_regions", "set_regions", static=True)


def inclusive(ctx, set_id, values, indicators, regions) -> None:
    lang = ctx.lang
    institutions = ctx.table("institutions")
    year = school_year_choice(values, set_id, "set_academic_year", lang)
    st.caption(t("inclusive_caption", lang))
    st.subheader(t("inclusive_by_institution", lang))
    show(
        sv.institution_table(values, indicators, institutions, regions, year, lang),
        lang,
        ctx.build,
        f"bilim_{set_id}_{year}_institutions",
        "set_institutions",
        static=False,
    )
    st.subheader(t("inclusive_by_region", lang))
    show(
        sv.inclusive_region_table(values, indicators, regions, year, lang),
        lang,
        ctx.build,
        f"bilim_{set_id}_{year}_regions",
        "set_regions",
        static=False,
    )


def generic(ctx, set_id, values, indicators, regions, ranking_forbidden: bool) -> None:
    lang = ctx.lang
    years = sv.years_of(values, set_id)
    year = url_select(t("year", lang), years, param="year", key=f"{set_id}_year", lang=lang, default=years[-1])
    institutions = ctx.table("institutions")
    table = sv.generic_table(values, indicators, regions, institutions, year, lang)
    show(table, lang, ctx.build, f"bilim_{set_id}_{year}", "set_generic", static=ranking_forbidden)


PAGES = {"road_to_school_2023": road_to_school, "school_registration": school_registration, "inclusive_higher_ed": inclusive}

set_id = st.session_state.get("set_id")
lang_now = st.session_state.get("ui_lang", "kk")
registry = None
if set_id:
    from dashboard.data import read_table, resolve_build

    build_now = resolve_build().build_id
    registry = read_table(build_now, "indicator_sets") if build_now else None
title = sv.set_name(registry, set_id, lang_now) if registry is not None and set_id else None
ctx = start("page_sets", action=sv.SET_PAGE_ACTION, title=title, programme_banner=False) if set_id else None
if ctx is not None:
    st.query_params["set"] = set_id
    st.caption(t("set_intro", ctx.lang))
    meta = sv.set_meta(ctx.table("indicator_sets"), set_id)
    values = ctx.table("set_values").filter(pl.col("set_id") == set_id)
    indicators = sv.catalogue(ctx.table("set_indicators"), set_id)
    regions = ctx.table("regions")
    if pending := sv.pending_returns(values, regions, ctx.table("institutions"), (meta or {}).get("period_kind", ""), ctx.lang):
        # DESIGN §9: returns awaiting review are shown only where asked for (or to the officer who sent them), and marked
        st.warning(t("set_pending_banner", ctx.lang, returns="; ".join(pending)))
        SOURCE = "set_values_with_pending"
    if values.height and values["synthetic"].any():
        by_institution = meta is not None and meta.get("reporting_unit") == "institution"
        st.warning(t("set_synthetic_banner_institutions" if by_institution else "set_synthetic_banner", ctx.lang))
    if values.is_empty():
        st.info(t("set_no_values", ctx.lang))
    elif set_id in PAGES:
        PAGES[set_id](ctx, set_id, values, indicators, regions)
    else:
        generic(ctx, set_id, values, indicators, regions, meta["ranking_forbidden"] == "yes")
    footer(ctx)
