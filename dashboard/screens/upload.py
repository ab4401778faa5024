"""Upload: a regional officer downloads the template of their region, uploads the filled file, reads the verdict in
their language, downloads the annotated copy, submits once for review, and sees where their return stands (with
the reviewer's reason when it was returned). The region comes from the officer's grant, never from a widget or
the file: a file naming another region is rejected with a message that says so."""

import polars as pl
import streamlit as st

from contracts import audit, programme
from contracts.home import Layout
from dashboard import upload, views
from dashboard.auth import actor
from dashboard.i18n import format_number, t
from dashboard.page import footer, start, url_select

ctx = start("page_upload")
lang = st.session_state.get("ui_lang", "kk")
if ctx is not None:
    who = ctx.who
    regions = ctx.table("regions")
    labels = views.region_names(regions, lang)
    year = url_select(t("year", lang), list(reversed(programme.YEARS)), param="year", key="upload_year", lang=lang)
    mine = who.regions
    if len(mine) == 1:
        region = mine[0]
        st.markdown(f"**{t('your_region', lang)}:** {region} · {labels.get(region, region)}")
    else:
        region = url_select(
            t("your_region", lang),
            list(mine),
            param="region",
            key="upload_region",
            lang=lang,
            format_func=lambda c: f"{c} · {labels.get(c, c)}",
        )
    subs = ctx.table("submissions").filter((pl.col("region_code") == region) & (pl.col("year") == year))
    state = views.return_state(subs, lang)
    place = f"{region} · {labels.get(region, region)}"
    if state is None:
        st.info(t("no_return_yet", lang, region=place, year=year))
    else:
        shown = {"returned": st.error, "accepted": st.success}.get(state["token"], st.info)
        shown(t("your_return_state", lang, region=place, year=year, state=state["state"]))
        if state["reason"]:
            st.markdown(t("reviewer_reason", lang, who=state["reviewed_by"], when=state["reviewed_at"], reason=state["reason"]))
    st.caption(t("upload_intro", lang))
    if st.button(t("download_template", lang), key="make_template"):
        st.session_state["template"] = (region, year, upload.template_bytes(region, year))
    tpl = st.session_state.get("template")
    if tpl and tpl[:2] == (region, year):
        st.download_button(
            t("download_template", lang) + " (.xlsx)",
            tpl[2],
            file_name=f"return_{region}_{year}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key="template_download",
        )
    limit_mb = upload.MAX_UPLOAD_BYTES // 2**20
    # Streamlit draws the box's own words ("Drag and drop…", "Limit 200MB per file", "Browse files") in English and
    # with the server's limit; they are hidden and the officer's language and the real limit are shown instead.
    st.markdown(views.uploader_css(t("upload_browse", lang)), unsafe_allow_html=True)
    uploaded = st.file_uploader(
        t("upload_file", lang), type=["xlsx", "csv"], key="upload_file", help=t("upload_hint", lang, limit=limit_mb)
    )
    st.caption(t("upload_hint", lang, limit=limit_mb))
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
                checked = st.session_state["verdict"].report
                audit.record(
                    Layout.current(),
                    actor(who),
                    "upload_checked",
                    {"region_code": region, "year": year, "sha256": digest},
                    accepted=bool(checked and checked[0]["accepted"]),
                    rules=",".join(sorted({i["code"] for i in (checked[0]["errors"] + checked[0]["warnings"])}))
                    if checked
                    else "no report",
                )
            result = st.session_state["verdict"]
            report = result.report[0] if result.report else None
            if report is None:
                st.error(result.stderr or "—")
            else:
                if report["accepted"]:
                    st.success(t("verdict_accepted", lang))
                    for sub in report["submissions"]:
                        st.write(
                            f"{labels.get(sub['region_code'], sub['region_code'])}, {sub['year']}: "
                            + t(
                                "values_of_expected",
                                lang,
                                values=format_number(sub["values"], lang, 0),
                                expected=format_number(sub["expected"], lang, 0),
                            )
                        )
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
                    st.download_button(
                        t("download_annotated", lang),
                        result.annotated,
                        file_name=f"{uploaded.name.rsplit('.', 1)[0]}_checked.xlsx",
                        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        key="annotated",
                    )
                submitted = st.session_state.setdefault("submitted", set())
                if report["accepted"]:
                    if digest in submitted:
                        st.info(t("already_submitted", lang))
                    elif st.button(t("submit", lang), type="primary", key="submit"):
                        submitted.add(digest)
                        outcome = upload.ingest(data, uploaded.name, region, year, who=who.user_id, who_name=who.name)
                        status = outcome.report[0]["status"] if outcome.report else "error"
                        if status == "accepted":
                            st.success(t("submitted", lang))
                        elif status == "unchanged":
                            st.info(t("already_submitted", lang))
                        else:
                            submitted.discard(digest)
                            st.error(outcome.stderr or status)
    st.subheader(t("returns_history", lang))
    st.dataframe(
        views.history_table(ctx.table("submissions").filter(pl.col("region_code") == region), lang),
        hide_index=True,
        width="stretch",
    )
    footer(ctx)
