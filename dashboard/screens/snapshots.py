"""KPI snapshots: the list (times in Kazakhstan time), two compared in words and the language's numbers, each
snapshot's briefing pack per language, and, for an administrator, a snapshot taken now (``bilim snapshot`` in its
own process, as the upload page hands files to ``bilim ingest``: the dashboard never writes)."""

import polars as pl
import streamlit as st

from contracts import access
from contracts.home import Layout
from contracts.snapshots import brief_dir, read_brief_record
from dashboard import downloads, upload, views
from dashboard.data import snapshot_diff, snapshots
from dashboard.i18n import LANGS, t
from dashboard.page import footer, start

ctx = start("page_snapshots")
if ctx is not None:
    lang = ctx.lang
    layout = Layout.current()
    if access.allowed(ctx.who, "snapshot") and st.button(t("take_snapshot_now", lang), key="take_snapshot"):
        with st.spinner(t("taking_snapshot", lang)):
            result = upload.take_snapshot(ctx.who.user_id)
        if result.code == 0:
            st.success(t("snapshot_done", lang))
        else:
            st.error(t("snapshot_failed", lang, error=result.stderr.splitlines()[-1] if result.stderr else result.code))
    items = snapshots()
    if not items:
        st.info(t("no_snapshots", lang))
    else:
        st.dataframe(
            pl.DataFrame(
                {
                    t("col_snapshot", lang): [s["snapshot_id"] for s in reversed(items)],
                    t("col_taken", lang): [views.local_time(s["taken_at"]) for s in reversed(items)],
                    t("build", lang): [s.get("build_id", "") for s in reversed(items)],
                    t("col_code_version", lang): [s.get("code_version", "") for s in reversed(items)],
                }
            ),
            hide_index=True,
            width="stretch",
        )
        ids = [s["snapshot_id"] for s in items]

        st.subheader(t("brief_title", lang))
        chosen = st.selectbox(t("brief_of", lang), list(reversed(ids)), key="brief_snapshot")
        record = read_brief_record(layout, chosen).get("packs", {})
        columns = st.columns(len(LANGS))
        for col, code in zip(columns, LANGS, strict=True):
            pack = record.get(code, {})
            with col:
                shown = False
                for kind, mime in (
                    ("pdf", "application/pdf"),
                    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                ):
                    entry = pack.get(kind)
                    path = brief_dir(layout, chosen) / entry["file"] if entry else None
                    if path is not None and path.exists():
                        st.download_button(
                            t(f"brief_{kind}", lang, language=LANGS[code]),
                            path.read_bytes(),
                            file_name=entry["file"],
                            mime=mime,
                            key=f"brief_{kind}_{code}",
                        )
                        shown = True
                if not shown and st.button(t("make_brief", lang, language=LANGS[code]), key=f"make_brief_{code}"):
                    made = upload.make_brief(chosen, code)
                    if made.code == 0:
                        st.rerun()
                    st.error(t("brief_failed", lang, error=made.stderr.splitlines()[-1] if made.stderr else made.code))

        if len(ids) >= 2:
            st.subheader(t("compare", lang))
            c1, c2 = st.columns(2)
            before = c1.selectbox(t("col_before", lang), ids, index=len(ids) - 2, key="snap_before")
            after = c2.selectbox(t("col_after", lang), ids, index=len(ids) - 1, key="snap_after")
            changes = snapshot_diff(before, after)
            st.markdown(f"**{t('changes', lang)}: {changes.height}**")
            if changes.is_empty():
                st.info(t("no_changes", lang))
            else:
                indicators, regions = ctx.table("programme_indicators"), ctx.table("regions")
                st.dataframe(views.snapshot_changes(changes, indicators, regions, lang), hide_index=True, width="stretch")
                diff = downloads.changes_table(changes, indicators, regions, lang)
                diff.build = f"{before} → {after}"
                downloads.offer(st, downloads.download(diff, lang), lang, f"bilim_changes_{before}_{after}", "snapshot_diff")
    footer(ctx)
