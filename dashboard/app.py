"""Entrypoint: the language switch lives here (a widget on a page is lost when the page changes) and in ``?lang=``;
``st.navigation`` runs the chosen page."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard.i18n import DEFAULT_LANG, LANGS, t

# Not "pages/": Streamlit treats a pages/ folder beside the main script as a legacy multipage app, and a widget
# in the entrypoint then loses its value on the rerun it triggers (the language switch did nothing).
PAGES = Path(__file__).parent / "screens"


def main() -> None:
    st.set_page_config(page_title="bilim-monitor", layout="wide")
    lang = st.query_params.get("lang", DEFAULT_LANG)
    if lang not in LANGS:
        lang = DEFAULT_LANG
    chosen = st.sidebar.selectbox(t("language", lang), list(LANGS), index=list(LANGS).index(lang), format_func=LANGS.get, key="lang")
    if chosen != lang:
        lang = chosen
    st.query_params["lang"] = lang
    st.session_state["ui_lang"] = lang
    st.sidebar.caption(t("app_title", lang))
    pages = [
        st.Page(str(PAGES / "overview.py"), title=t("page_overview", lang), url_path="overview", default=True),
        st.Page(str(PAGES / "indicator.py"), title=t("page_indicator", lang), url_path="indicator"),
        st.Page(str(PAGES / "region.py"), title=t("page_region", lang), url_path="region"),
        st.Page(str(PAGES / "quality.py"), title=t("page_quality", lang), url_path="quality"),
        st.Page(str(PAGES / "snapshots.py"), title=t("page_snapshots", lang), url_path="snapshots"),
        st.Page(str(PAGES / "upload.py"), title=t("page_upload", lang), url_path="upload"),
        st.Page(str(PAGES / "catalogue.py"), title=t("page_catalogue", lang), url_path="catalogue"),
    ]
    st.navigation(pages).run()


main()
