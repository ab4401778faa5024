"""Audit log: who did what, when (Kazakhstan time), on what; filterable and downloadable. The page verifies the
log's hash chain every time it opens and says where it is broken, if it is."""

import streamlit as st

from contracts import audit
from contracts.home import Layout
from dashboard import downloads, views
from dashboard.i18n import t
from dashboard.page import footer, start

ctx = start("page_audit")
if ctx is not None:
    lang = ctx.lang
    result = audit.read(Layout.current())
    if result.damage:
        st.error(t("audit_broken", lang, where=str(result.damage[0]), n=len(result.entries)))
    else:
        st.success(t("audit_intact", lang, n=len(result.entries)))
    c1, c2, c3, c4 = st.columns(4)
    user = c1.text_input(t("audit_user", lang), key="audit_user").strip() or None
    action = c2.selectbox(t("audit_action", lang), ["", *audit.ACTIONS], key="audit_action") or None
    region = c3.text_input(t("region", lang), key="audit_region").strip() or None
    since = c4.date_input(t("audit_since", lang), value=None, key="audit_since")
    rows = audit.select(result.entries, since.isoformat() if since else None, user, action, region)
    table = views.audit_table(rows, lang, ctx.table("regions"))
    st.dataframe(table, hide_index=True, width="stretch")
    downloads.offer(
        st,
        downloads.download(downloads.audit_download(rows, lang, ctx.table("regions"), ctx.build), lang),
        lang,
        "bilim_audit",
        "audit",
    )
    footer(ctx)
