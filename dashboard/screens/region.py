"""Region: every indicator's status, trajectory and urban/rural split; its returns; where each number came from."""

import polars as pl
import streamlit as st

from contracts import programme
from dashboard import chart_ui, charts, districts, downloads, views
from dashboard.i18n import t
from dashboard.page import footer, start, url_select

ctx = start("page_region")
if ctx is not None:
    lang = ctx.lang
    gaps, indicators, regions = ctx.table("indicator_gaps"), ctx.table("programme_indicators"), ctx.table("regions")
    region_labels = views.region_names(regions, lang)
    codes = sorted(c for c in gaps["region_code"].unique().to_list() if c != "KZ")
    region = url_select(
        t("region", lang), codes, param="region", key="region_code", lang=lang, format_func=lambda c: region_labels.get(c, c)
    )
    years = sorted(
        gaps.filter((pl.col("region_code") == region) & pl.col("actual").is_not_null())["year"].unique().to_list()
    ) or [programme.LAST_YEAR]
    year = url_select(t("year", lang), years, param="year", key="region_year", lang=lang, default=years[-1])
    names = views.series_names(indicators, lang)
    mine = gaps.filter((pl.col("region_code") == region) & (pl.col("year") == year))
    reported = mine.filter(pl.col("actual").is_not_null() | pl.col("target").is_not_null())
    pace = ctx.table("indicator_pace")
    st.dataframe(
        views.status_styled(views.gap_table(reported, indicators, regions, None, lang, pace), lang),
        hide_index=True,
        width="stretch",
    )
    downloads.offer(
        st,
        downloads.download(downloads.gaps_table(reported, indicators, regions, None, lang, ctx.build, pace), lang),
        lang,
        f"bilim_{region}_{year}",
        "region_gaps",
    )
    split = (
        ctx.table("urban_rural")
        .filter((pl.col("region_code") == region) & (pl.col("year") == year))
        .join(indicators.filter(pl.col("unit") == "percent").select(pl.col("code").alias("indicator_code")), on="indicator_code")
    )
    if split.filter(pl.col("urban").is_not_null() & pl.col("rural").is_not_null()).height:
        chart_ui.show(
            charts.dumbbell(
                split,
                names,
                lang,
                "percent",
                1,
                key="indicator_code",
                title=f"{t('urban_vs_rural', lang)} · {region_labels.get(region, region)}, {year}",
            ),
            chart_ui.image_format(lang),
            "urban_rural",
            region,
            year,
            lang,
        )
    drill = districts.district_table(ctx.table("district_values"), ctx.table("ref_districts"), indicators, region, year, lang)
    if drill.height:  # only where sub-regional returns were accepted for this region and year
        st.subheader(t("districts_title", lang))
        st.caption(t("districts_caption", lang))
        st.dataframe(drill, hide_index=True, width="stretch")
    st.subheader(t("returns_history", lang))
    subs = ctx.table("submissions").filter(pl.col("region_code") == region)
    st.dataframe(views.history_table(subs, lang), hide_index=True, width="stretch")
    st.subheader(t("provenance", lang))
    actuals = ctx.table("actuals").filter((pl.col("region_code") == region) & (pl.col("year") == year))
    st.dataframe(views.provenance_table(actuals, indicators, lang), hide_index=True, width="stretch")
    footer(ctx)
