"""Upload: a regional officer chooses the region and year, downloads the template, uploads the filled file, reads
the verdict in their language, downloads the annotated copy, submits once, and sees the submission history."""

import polars as pl
import streamlit as st

from dashboard import upload, views
from dashboard.i18n import t
from dashboard.page import footer, start

ctx = start("page_upload")
lang = st.session_state.get("ui_lang", "kk")
if ctx is not None:
    regions = ctx.table("regions")
    labels = views.region_names(regions, lang)
    year = st.selectbox(t("year", lang), list(range(2025, 2017, -1)), key="upload_year")
    alive = views.alive_regions(regions, year)["region_code"].to_list()
    region = st.selectbox(t("region", lang), [*sorted(alive), "KZ"], format_func=lambda c: f"{c} · {labels.get(c, c)}", key="upload_region")
    st.caption(t("upload_intro", lang))
    if st.button(t("download_template", lang), key="make_template"):
        st.session_state["template"] = (region, year, upload.template_bytes(region, year))
    tpl = st.session_state.get("template")
    if tpl and tpl[:2] == (region, year):
        st.download_button(t("download_template", lang) + " (.xlsx)", tpl[2], file_name=f"return_{region}_{year}.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="template_download")
    uploaded = st.file_uploader(t("upload_file", lang), type=["xlsx", "csv"], key="upload_file")
    if uploaded is not None:
        data = uploaded.getvalue()
        if len(data) > upload.MAX_UPLOAD_BYTES:
            st.error(t("too_large", lang, limit=upload.MAX_UPLOAD_BYTES // 2**20))
        else:
            digest = upload.sha256(data)
            key = (digest, region, year, lang)
            if st.session_state.get("verdict_key") != key:
                st.session_state["verdict"] = upload.validate(data, uploaded.name, region, year, lang)
                st.session_state["verdict_key"] = key
            result = st.session_state["verdict"]
            report = result.report[0] if result.report else None
            if report is None:
                st.error(result.stderr or "—")
            else:
                if report["accepted"]:
                    st.success(t("verdict_accepted", lang))
                    for sub in report["submissions"]:
                        st.write(f"{sub['region_code']} {sub['year']}: " + t("values_of_expected", lang, values=sub["values"], expected=sub["expected"]))
                else:
                    st.error(t("verdict_rejected", lang))
                if report["errors"]:
                    st.subheader(t("errors", lang))
                    for e in report["errors"]:
                        st.markdown(f"- {e['messages'][lang]}")
                if report["warnings"]:
                    st.subheader(t("warnings", lang))
                    for w in report["warnings"]:
                        st.markdown(f"- {w['messages'][lang]}")
                if result.annotated:
                    st.download_button(t("download_annotated", lang), result.annotated, file_name=f"{uploaded.name.rsplit('.', 1)[0]}_checked.xlsx",
                                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="annotated")
                submitted = st.session_state.setdefault("submitted", set())
                if report["accepted"]:
                    if digest in submitted:
                        st.info(t("already_submitted", lang))
                    elif st.button(t("submit", lang), type="primary", key="submit"):
                        submitted.add(digest)
                        outcome = upload.ingest(data, uploaded.name, region, year, who=f"upload:{region}")
                        status = outcome.report[0]["status"] if outcome.report else "error"
                        if status == "accepted":
                            st.success(t("submitted", lang))
                        elif status == "unchanged":
                            st.info(t("already_submitted", lang))
                        else:
                            submitted.discard(digest)
                            st.error(outcome.stderr or status)
    st.subheader(t("returns_history", lang))
    from dashboard.data import current_build, read_table

    build = current_build()
    subs = read_table(build, "submissions").filter(pl.col("region_code") == region)
    st.dataframe(views.history_table(subs, lang), hide_index=True, width="stretch")
    footer(ctx)
