"""Data quality: completeness and timeliness by region and year, partial and revised returns, warnings at ingest."""

import polars as pl
import streamlit as st

from dashboard import charts, views
from dashboard.i18n import t
from dashboard.page import footer, start

ctx = start("page_quality")
if ctx is not None:
    lang = ctx.lang
    completeness = ctx.table("completeness")
    region_labels = views.region_names(ctx.table("regions"), lang)
    grid = views.completeness_grid(completeness)
    st.plotly_chart(charts.completeness_heatmap(grid, region_labels, lang), width="stretch")
    st.subheader(t("revisions", lang))
    st.dataframe(completeness.filter(pl.col("revisions") > 0), hide_index=True, width="stretch")
    st.subheader(t("warnings_at_ingest", lang))
    subs = ctx.table("submissions").filter(pl.col("warnings") > 0).sort("warnings", descending=True)
    st.dataframe(subs.select("region_code", "year", "file_name", "warnings", "received_at", "is_current"), hide_index=True, width="stretch")
    footer(ctx)
