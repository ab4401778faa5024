"""KPI snapshots: the list, and two compared (what changed status, what moved)."""

import polars as pl
import streamlit as st

from dashboard.data import snapshot_diff, snapshots
from dashboard.i18n import t
from dashboard.page import footer, start

ctx = start("page_snapshots")
if ctx is not None:
    lang = ctx.lang
    items = snapshots()
    if not items:
        st.info(t("no_snapshots", lang))
    else:
        st.dataframe(pl.DataFrame(items).select("snapshot_id", "taken_at", "build_id", "catalogue_hash", "code_version"), hide_index=True, width="stretch")
        ids = [s["snapshot_id"] for s in items]
        if len(ids) >= 2:
            c1, c2 = st.columns(2)
            before = c1.selectbox(t("compare", lang), ids, index=len(ids) - 2, key="snap_before")
            after = c2.selectbox("→", ids, index=len(ids) - 1, key="snap_after")
            changes = snapshot_diff(before, after)
            st.subheader(f"{t('changes', lang)}: {changes.height}")
            st.dataframe(changes, hide_index=True, width="stretch")
    footer(ctx)
