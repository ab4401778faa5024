"""The programme catalogue: every series with its baseline and targets, in the chosen language."""

from __future__ import annotations

import streamlit as st

from dashboard.catalogue_view import catalogue_rows
from dashboard.data import current_build, read_table
from dashboard.i18n import format_number, t

lang = st.session_state.get("ui_lang", "kk")
st.title(t("page_catalogue", lang))
st.caption(t("catalogue_intro", lang))
build = current_build()
if build is None:
    st.info(t("no_build", lang))
    st.stop()
indicators = read_table(build, "programme_indicators")
targets = read_table(build, "programme_targets")
rows = catalogue_rows(indicators, targets, lang)
st.metric(t("series_count", lang), format_number(indicators.height, lang, 0))
st.dataframe(rows, hide_index=True, width="stretch")
st.caption(f"{t('build', lang)}: {build}")
