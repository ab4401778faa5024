"""Review: the returns awaiting review, warnings first; what each changes against the last accepted return (values
and gaps); accept, or return to the officer with a reason. Decisions go to the single writer (``bilim review``),
which checks the reviewer's grant again, records the decision in the audit log and publishes."""

import polars as pl
import streamlit as st

from contracts.home import Layout
from dashboard import upload, views
from dashboard.data import read_table
from dashboard.i18n import t
from dashboard.page import footer, start

ctx = start("page_review")
if ctx is not None:
    lang, who = ctx.lang, ctx.who
    regions = ctx.table("regions")
    labels = views.region_names(regions, lang)
    indicators = ctx.table("programme_indicators")
    names, meta = views.series_names(indicators, lang), views.series_meta(indicators)
    done = st.session_state.pop("review_done", None)
    if done:
        (st.success if done["ok"] else st.error)(done["text"])
    pending = (
        ctx.table("submissions")
        .filter(pl.col("is_pending"))
        .sort(["warnings", "region_code", "year"], descending=[True, False, False])
    )
    # The other indicator sets' returns (DESIGN §9) awaiting review, listed after the programme's.
    set_path = Layout.current().published_table(ctx.build, "set_submissions")
    set_pending = read_table(ctx.build, "set_submissions").filter(pl.col("is_pending")) if set_path.exists() else None
    n_sets = 0 if set_pending is None else set_pending.height
    st.caption(t("review_intro", lang, n=pending.height + n_sets))
    if pending.is_empty() and not n_sets:
        st.info(t("review_nothing", lang))
    official_values, pending_values = ctx.table("stg_returns__values"), ctx.table("stg_returns__pending")
    gaps_before = ctx.table("indicator_gaps")

    gaps_after = read_table(ctx.build, "indicator_gaps_with_pending")
    for sub in pending.iter_rows(named=True):
        region, year = sub["region_code"], sub["year"]
        place = f"{labels.get(region, region)} ({region})"
        title = t(
            "review_item",
            lang,
            place=place,
            year=year,
            state=t(f"review_state_{sub['review_state']}", lang),
            warnings=sub["warnings"],
            values=sub["values"],
            expected=sub["expected"],
        )
        with st.expander(title, expanded=pending.height <= 3):
            st.write(
                t("review_submitted_by", lang, who=sub["who"], when=views.local_time(sub["received_at"]), file=sub["file_name"])
            )
            for warning in views.verdict_warnings(Layout.current().verdict_report(sub["sha256"]), lang):
                st.warning(warning)
            changes = views.value_changes(official_values, pending_values, region, year, names, lang, meta)
            st.markdown(f"**{t('review_value_changes', lang, n=changes.height)}**")
            st.dataframe(changes, hide_index=True, width="stretch")
            st.markdown(f"**{t('review_gap_changes', lang)}**")
            st.dataframe(
                views.gap_changes(gaps_before, gaps_after, region, year, names, lang, meta), hide_index=True, width="stretch"
            )
            c1, c2 = st.columns(2)
            key = f"{region}-{year}"
            if c1.button(t("review_accept", lang), type="primary", key=f"accept-{key}"):
                res = upload.review("accept", region, year, None, who.user_id, who.name)
                st.session_state["review_done"] = {
                    "ok": res.code == 0,
                    "text": t("review_accepted", lang, place=place, year=year) if res.code == 0 else res.stderr,
                }
                st.rerun()
            reason = c2.text_area(t("review_reason_label", lang), key=f"reason-{key}")
            if c2.button(t("review_return", lang), key=f"return-{key}"):
                if not reason.strip():
                    c2.error(t("review_reason_required", lang))
                else:
                    res = upload.review("return", region, year, reason, who.user_id, who.name)
                    st.session_state["review_done"] = {
                        "ok": res.code == 0,
                        "text": t("review_returned", lang, place=place, year=year) if res.code == 0 else res.stderr,
                    }
                    st.rerun()
    # The sets' returns: named by set and reporting unit (a region or an institution), a campaign's by its interim
    # date or as final; decided through the same `bilim review`.
    if n_sets:
        set_names = dict(ctx.table("indicator_sets").select("set_id", f"name_{lang}").iter_rows())
        institutions = ctx.table("institutions")
        unit_names = labels | dict(institutions.select("institution_code", f"name_{lang}").iter_rows())
        for sub in set_pending.sort(["set_id", "unit_code", "year", "as_of"], nulls_last=False).iter_rows(named=True):
            unit, year, kind = sub["unit_code"], sub["year"], sub["return_kind"]
            period = f" · {t(f'return_kind_{kind}', lang)}" + (f" {sub['as_of']}" if kind == "interim" else "") if kind else ""
            place = f"{set_names.get(sub['set_id'], sub['set_id'])} · {unit_names.get(unit, unit)} ({unit}){period}"
            title = t("review_item", lang, place=place, year=year, state=t(f"review_state_{sub['review_state']}", lang),
                      warnings=sub["warnings"], values=sub["values"], expected=sub["expected"])
            with st.expander(title, expanded=set_pending.height <= 3):
                st.write(t("review_submitted_by", lang, who=sub["who"], when=views.local_time(sub["received_at"]),
                           file=sub["file_name"]))
                for warning in views.verdict_warnings(Layout.current().verdict_report(sub["sha256"]), lang):
                    st.warning(warning)
                which = ["--set", sub["set_id"]] + (["--return-kind", kind] if kind else []) + (
                    ["--as-of", str(sub["as_of"])] if kind == "interim" else [])
                key = "-".join(str(x) for x in (sub["set_id"], unit, year, kind, sub["as_of"]))
                c1, c2 = st.columns(2)
                reason = c2.text_area(t("review_reason_label", lang), key=f"reason-{key}")
                for action, button, done_key, col in (("accept", "review_accept", "review_accepted", c1),
                                                      ("return", "review_return", "review_returned", c2)):
                    if not col.button(t(button, lang), type="primary" if action == "accept" else "secondary",
                                      key=f"{action}-{key}"):
                        continue
                    if action == "return" and not reason.strip():
                        c2.error(t("review_reason_required", lang))
                        continue
                    args = ["review", action, "--region", unit, "--year", str(year), *which, "--as", who.user_id,
                            "--as-name", who.name] + (["--reason", reason] if action == "return" else [])
                    proc = upload._bilim(*args)  # the single writer, as upload.review; with the set's return named
                    st.session_state["review_done"] = {
                        "ok": proc.returncode == 0,
                        "text": t(done_key, lang, place=place, year=year) if proc.returncode == 0 else proc.stderr.strip(),
                    }
                    st.rerun()
    st.subheader(t("review_accepted_list", lang))
    accepted = ctx.table("submissions").filter(pl.col("review_state").is_in(["accepted", "returned"]))
    st.dataframe(views.history_table(accepted, lang), hide_index=True, width="stretch")
    footer(ctx)
