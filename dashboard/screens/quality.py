"""Data quality: completeness and timeliness by region and year, partial and revised returns, warnings at ingest.
The baseline year expects no return, so it is shown as such, never as "missing"."""

import polars as pl
import streamlit as st

from dashboard import chart_ui, charts, downloads, views
from dashboard.i18n import t
from dashboard.page import footer, start

ctx = start("page_quality")
if ctx is not None:
    lang = ctx.lang
    completeness, regions = ctx.table("completeness"), ctx.table("regions")
    region_labels = views.region_names(regions, lang)
    grid = views.completeness_grid(completeness)
    chart_ui.show(charts.completeness_heatmap(grid, region_labels, lang), chart_ui.image_format(lang), "completeness", lang)
    st.caption(t("quality_baseline_note", lang, year=views.BASELINE_YEAR))
    downloads.offer(
        st,
        downloads.download(downloads.completeness_download(completeness, regions, lang, ctx.build), lang),
        lang,
        "bilim_completeness",
        "completeness",
    )
    st.subheader(t("revisions", lang))
    st.dataframe(
        views.completeness_table(completeness.filter(pl.col("revisions") > 0), regions, lang), hide_index=True, width="stretch"
    )
    st.subheader(t("warnings_at_ingest", lang))
    subs = ctx.table("submissions").filter(pl.col("warnings") > 0).sort("warnings", descending=True)
    st.dataframe(views.submissions_table(subs, regions, lang), hide_index=True, width="stretch")
    footer(ctx)
