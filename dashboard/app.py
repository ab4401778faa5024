"""Entrypoint: the language switch lives here (a widget on a page is lost when the page changes) and in ``?lang=``."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard.i18n import DEFAULT_LANG, LANGS, t


def main() -> None:
    st.set_page_config(page_title="bilim-monitor", layout="wide")
    lang = st.query_params.get("lang", DEFAULT_LANG)
    if lang not in LANGS:
        lang = DEFAULT_LANG
    chosen = st.sidebar.selectbox(t("language", lang), list(LANGS), index=list(LANGS).index(lang), format_func=LANGS.get, key="lang")
    if chosen != lang:
        st.query_params["lang"] = chosen
        lang = chosen
    st.session_state["ui_lang"] = lang
    pages = [st.Page(str(Path(__file__).parent / "pages" / "catalogue.py"), title=t("page_catalogue", lang), url_path="catalogue", default=True)]
    st.navigation(pages).run()


main()
