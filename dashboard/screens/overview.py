"""Overview: the programme's scorecard for a year, the regions map of the most-missed target and the indicator x
region traffic lights."""

import polars as pl
import streamlit as st

from contracts import programme
from dashboard import chart_ui, charts, downloads, scorecard, views
from dashboard import map as region_map
from dashboard.i18n import t
from dashboard.page import footer, start, url_select

ctx = start("page_overview")
if ctx is not None:
    lang = ctx.lang
    gaps, pace, indicators = ctx.table("indicator_gaps"), ctx.table("indicator_pace"), ctx.table("programme_indicators")
    regions = ctx.table("regions")
    years = sorted(gaps.filter(pl.col("actual").is_not_null())["year"].unique().to_list()) or [programme.LAST_YEAR]
    year = url_select(t("year", lang), years, param="year", key="overview_year", lang=lang, default=years[-1])
    st.caption(t("overview_intro", lang))
    names = views.series_names(indicators, lang)
    region_labels = views.region_names(regions, lang)
    missed = views.most_missed(gaps, indicators, year)
    card = views.scorecard(gaps, pace, indicators, year, lang, ctx.table("national_values"), regions)
    coverage = card.filter(pl.col("code") == missed["indicator_code"])[t("col_coverage", lang)][0] if missed else ""
    cards = views.headline_cards(missed, indicators, region_labels, lang, coverage)
    for col, c in zip(st.columns(3), cards, strict=False):
        col.metric(c["label"], c["value"], c["delta"], delta_color=c["delta_color"])
        col.caption(c["caption"])
    st.caption(t("status_rule", lang))
    # A plain HTML table, drawn with the first paint (the canvas data grid took seconds to appear): see
    # dashboard/scorecard.py. The map and the grid come after it, below the fold.
    for level, key in (("target", "target_indicators"), ("result", "result_indicators")):
        st.subheader(t(key, lang))
        st.markdown(scorecard.scorecard_html(card, level, lang), unsafe_allow_html=True)
    # The scorecard's national rows as a download (typed numbers with the series' decimals, words, names), through
    # the one download function every table uses; built after the tables are sent, so the first paint does not wait.
    national_rows = gaps.filter((pl.col("region_code") == "KZ") & (pl.col("settlement") == "total") & (pl.col("year") == year))
    scorecard_table = downloads.gaps_table(
        national_rows, indicators, regions, ctx.table("national_values"), lang, ctx.build, pace
    )
    downloads.offer(st, downloads.download(scorecard_table, lang), lang, f"bilim_scorecard_{year}_{lang}", "scorecard")
    img = chart_ui.image_format(lang)
    mapped = region_map.default_series(gaps, indicators, year, missed["indicator_code"] if missed else None)
    if mapped is not None:
        mapped_series = indicators.filter(pl.col("code") == mapped).row(0, named=True)
        chart_ui.show(
            region_map.region_map(
                region_map.values_for(gaps, mapped, year),
                ctx.table("region_changes"),
                region_labels,
                year,
                lang,
                mapped_series["unit"],
                mapped_series["decimals"],
                subject=f"{names[mapped]} ({mapped}), {year}",
            ),
            img,
            "map",
            mapped,
            year,
            lang,
        )
    chart_ui.show(
        charts.status_heatmap(views.status_grid(gaps, indicators, year), region_labels, names, lang),
        img,
        "status_grid",
        year,
        lang,
    )
    footer(ctx)
