"""Indicator: national trajectory, regions ranked by gap, the regions map, urban against rural, the table."""

import polars as pl
import streamlit as st

from dashboard import chart_ui, charts, downloads, views
from dashboard import map as region_map
from dashboard.i18n import t
from dashboard.page import footer, start, url_select

ctx = start("page_indicator")
if ctx is not None:
    lang = ctx.lang
    gaps, indicators, regions = ctx.table("indicator_gaps"), ctx.table("programme_indicators"), ctx.table("regions")
    urban_rural = ctx.table("urban_rural")
    ordered = views.order_series(indicators)
    names = views.series_names(indicators, lang)
    code = url_select(
        t("indicator", lang),
        ordered["code"].to_list(),
        param="indicator",
        key="indicator_code",
        lang=lang,
        format_func=lambda c: f"{c} · {names[c]}",
    )
    series = indicators.filter(pl.col("code") == code).row(0, named=True)
    unit, decimals = series["unit"], series["decimals"]
    region_labels = views.region_names(regions, lang)
    img = chart_ui.image_format(lang)
    national = gaps.filter(
        (pl.col("indicator_code") == code) & (pl.col("region_code") == "KZ") & (pl.col("settlement") == "total")
    ).sort("year")
    verdict = charts.pace_words(ctx.table("indicator_pace"), code, "KZ", unit, decimals, lang)
    chart_ui.show(
        charts.trajectory(
            national.filter(pl.col("actual").is_not_null()),
            national.filter(pl.col("target").is_not_null()),
            series["baseline_2018"],
            lang,
            unit,
            decimals,
            verdict,
        ),
        img,
        "trajectory",
        code,
        "KZ",
        lang,
    )
    years = sorted(gaps.filter((pl.col("indicator_code") == code) & pl.col("actual").is_not_null())["year"].unique().to_list())
    if years:
        year = url_select(t("year", lang), years, param="year", key="indicator_year", lang=lang, default=years[-1])
        # the whole region, its cities or its villages: the ranked bars and the map show the chosen one (?settlement=).
        settlement = url_select(
            t("settlement", lang),
            views.settlement_options(gaps, code),
            param="settlement",
            key="indicator_settlement",
            lang=lang,
            format_func=lambda s: t(f"settlement_{s}", lang),
        )
        where = "" if settlement == "total" else t(f"settlement_{settlement}", lang)
        ranked = views.ranked_regions(gaps, code, year, settlement)
        if ranked.height:
            target = ranked["target"].drop_nulls()
            # one under the other, full width: in half a page the map and the bars' labels were too small to read
            bars = charts.ranked_bars(ranked, region_labels, target[0] if target.len() else None, lang, unit, decimals)
            if where:
                bars.update_layout(title_text=f"{t('ranked_by_gap', lang)} · {where}")
            chart_ui.show(bars, img, "ranked", code, f"{year}_{settlement}" if where else year, lang)
            chart_ui.show(
                region_map.region_map(
                    views.settlement_values(gaps, code, year, settlement),
                    ctx.table("region_changes"),
                    region_labels,
                    year,
                    lang,
                    unit,
                    decimals,
                    subject=where or None,
                ),
                img,
                "map",
                code,
                f"{year}_{settlement}" if where else year,
                lang,
            )
        else:
            st.info(t("no_settlement_values", lang, settlement=t(f"settlement_{settlement}", lang), year=year))
        ur = urban_rural.filter((pl.col("indicator_code") == code) & (pl.col("year") == year) & (pl.col("region_code") != "KZ"))
        if ur.filter(pl.col("urban").is_not_null()).height:
            chart_ui.show(charts.dumbbell(ur, region_labels, lang, unit, decimals), img, "urban_rural", code, year, lang)
    st.subheader(t("table", lang))
    table = gaps.filter(pl.col("indicator_code") == code)
    shown = views.gap_table(table, indicators, regions, ctx.table("national_values"), lang, ctx.table("indicator_pace"))
    st.dataframe(
        views.status_styled(shown, lang),
        hide_index=True,
        width="stretch",
    )
    downloads.offer(st, downloads.gap_download(ctx.build, code, lang), lang, f"{code}_gaps", "gaps")
    footer(ctx)
