"""Plotly figures: pure functions, frame in, figure out. No geo charts (they fetch a world map from a CDN): the map
is a tile grid keyed by region code, drawn with shapes."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboard.i18n import STATUS_COLORS, STATUS_ORDER, plotly_separators, t

FONT = "DejaVu Sans, Arial, sans-serif"


def _layout(fig: go.Figure, lang: str, title: str | None = None, height: int = 380) -> go.Figure:
    fig.update_layout(
        title=title,
        separators=plotly_separators(lang),
        font={"family": FONT, "size": 13},
        margin={"l": 10, "r": 10, "t": 50 if title else 10, "b": 10},
        height=height,
        template="plotly_white",
        legend={"orientation": "h", "y": -0.15},
    )
    return fig


def trajectory(national: pl.DataFrame, targets: pl.DataFrame, baseline: float | None, lang: str, unit_label: str) -> go.Figure:
    """Baseline, yearly (or cycle) targets and actuals on one time axis."""
    fig = go.Figure()
    if targets.height:
        fig.add_trace(go.Scatter(x=targets["year"].to_list(), y=targets["target"].to_list(), name=t("series_target", lang),
                                 mode="lines+markers", line={"dash": "dash", "color": "#636363"}))
    if national.height:
        fig.add_trace(go.Scatter(x=national["year"].to_list(), y=national["actual"].to_list(), name=t("series_actual", lang),
                                 mode="lines+markers", line={"color": "#2c7fb8", "width": 3}))
    if baseline is not None:
        fig.add_trace(go.Scatter(x=[2018], y=[baseline], name=t("series_baseline", lang), mode="markers",
                                 marker={"symbol": "diamond", "size": 12, "color": "#000"}))
    fig.update_xaxes(title=t("year", lang), dtick=1)
    fig.update_yaxes(title=unit_label)
    return _layout(fig, lang, t("trajectory", lang))


def ranked_bars(ranked: pl.DataFrame, names: dict[str, str], target: float | None, lang: str, unit_label: str) -> go.Figure:
    """Regions as horizontal bars of their actual, coloured by status, with the target as a line."""
    frame = ranked.sort("gap", descending=False, nulls_last=False)
    fig = go.Figure(
        go.Bar(
            y=[names.get(c, c) for c in frame["region_code"]],
            x=frame["actual"].to_list(),
            orientation="h",
            marker={"color": [STATUS_COLORS.get(s, "#999") for s in frame["status"]]},
            text=[t(f"status_{s}", lang) for s in frame["status"]],
            hovertemplate="%{y}: %{x}<br>%{text}<extra></extra>",
        )
    )
    if target is not None:
        fig.add_vline(x=target, line_dash="dash", line_color="#252525", annotation_text=t("series_target", lang))
    fig.update_xaxes(title=unit_label)
    return _layout(fig, lang, t("ranked_by_gap", lang), height=max(300, 24 * frame.height + 80))


def dumbbell(urban_rural: pl.DataFrame, names: dict[str, str], lang: str, unit_label: str) -> go.Figure:
    """Urban and rural rate per region joined by a line: the length is the gap."""
    frame = urban_rural.filter(pl.col("urban").is_not_null() & pl.col("rural").is_not_null()).sort("gap_urban_rural")
    labels = [names.get(c, c) for c in frame["region_code"]]
    fig = go.Figure()
    for label, u, r in zip(labels, frame["urban"], frame["rural"], strict=True):
        fig.add_trace(go.Scatter(x=[r, u], y=[label, label], mode="lines", line={"color": "#bdbdbd", "width": 3}, showlegend=False, hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=frame["urban"].to_list(), y=labels, mode="markers", name=t("col_urban", lang), marker={"color": "#2c7fb8", "size": 11}))
    fig.add_trace(go.Scatter(x=frame["rural"].to_list(), y=labels, mode="markers", name=t("col_rural", lang), marker={"color": "#d95f0e", "size": 11}))
    fig.update_xaxes(title=unit_label)
    return _layout(fig, lang, t("urban_vs_rural", lang), height=max(300, 24 * frame.height + 100))


def tile_map(values: pl.DataFrame, regions: pl.DataFrame, names: dict[str, str], lang: str) -> go.Figure:
    """A tile-grid map of the regions in ``values`` (region_code, status, gap): one square per region at its
    tile_row/tile_col, coloured by status, labelled with its gap. Works offline."""
    frame = regions.select("region_code", "tile_row", "tile_col").join(values, on="region_code", how="inner")
    fig = go.Figure()
    for r in frame.iter_rows(named=True):
        x0, y0 = r["tile_col"], -r["tile_row"]
        fig.add_shape(type="rect", x0=x0, x1=x0 + 0.95, y0=y0, y1=y0 + 0.95, line={"color": "#fff", "width": 2},
                      fillcolor=STATUS_COLORS.get(r["status"], "#eee"))
    gap_text = ["–" if g is None else f"{g:.1f}" for g in frame["gap"]]
    fig.add_trace(
        go.Scatter(
            x=[c + 0.475 for c in frame["tile_col"]],
            y=[-rw + 0.475 for rw in frame["tile_row"]],
            mode="text",
            text=[f"{names.get(c, c)}<br>{g}" for c, g in zip(frame["region_code"], gap_text, strict=True)],
            textfont={"size": 10},
            hovertext=[f"{names.get(c, c)}: {t('status_' + s, lang)}" for c, s in zip(frame["region_code"], frame["status"], strict=True)],
            hoverinfo="text",
            showlegend=False,
        )
    )
    fig.update_xaxes(visible=False, range=[-0.1, 6.1])
    fig.update_yaxes(visible=False, range=[-4.2, 1.1], scaleanchor="x")
    return _layout(fig, lang, t("map_title", lang), height=420)


def status_heatmap(grid: pl.DataFrame, region_labels: dict[str, str], lang: str) -> go.Figure:
    """Region x series traffic lights."""
    codes = list(dict.fromkeys(grid["indicator_code"].to_list()))
    regions = list(dict.fromkeys(grid.sort("region_code")["region_code"].to_list()))
    index = {s: i for i, s in enumerate(STATUS_ORDER)}
    z, text = [], []
    for reg in regions:
        row = grid.filter(pl.col("region_code") == reg)
        by_code = dict(zip(row["indicator_code"], row["status"], strict=True))
        z.append([index.get(by_code.get(c, "no_data"), index["no_data"]) for c in codes])
        text.append([t(f"status_{by_code.get(c, 'no_data')}", lang) for c in codes])
    n = len(STATUS_ORDER)
    scale = []
    for i, s in enumerate(STATUS_ORDER):
        scale += [[i / n, STATUS_COLORS[s]], [(i + 1) / n, STATUS_COLORS[s]]]
    fig = go.Figure(
        go.Heatmap(
            z=z, x=codes, y=[region_labels.get(r, r) for r in regions], text=text, zmin=-0.5, zmax=n - 0.5,
            colorscale=scale, showscale=False, xgap=1, ygap=1, hovertemplate="%{y} · %{x}: %{text}<extra></extra>",
        )
    )
    fig.update_xaxes(tickangle=-60, tickfont={"size": 10})
    fig.update_yaxes(autorange="reversed", tickfont={"size": 11})
    for s in STATUS_ORDER[:6]:
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", marker={"color": STATUS_COLORS[s], "size": 12, "symbol": "square"}, name=t(f"status_{s}", lang)))
    return _layout(fig, lang, t("status_grid", lang), height=max(420, 26 * len(regions) + 160))


QUALITY_COLORS = {"on_time": "#1a9850", "late": "#fdae61", "partial": "#9e7cc1", "missing": "#d73027"}


def completeness_heatmap(grid: pl.DataFrame, region_labels: dict[str, str], lang: str) -> go.Figure:
    states = list(QUALITY_COLORS)
    years = sorted(set(grid["year"].to_list()))
    regions = sorted(set(grid["region_code"].to_list()))
    lookup = {(r, y): s for r, y, s in grid.select("region_code", "year", "state").iter_rows()}
    z = [[states.index(lookup[(r, y)]) if (r, y) in lookup else None for y in years] for r in regions]
    text = [[t(f"q_{lookup[(r, y)]}", lang) if (r, y) in lookup else "" for y in years] for r in regions]
    n = len(states)
    scale = []
    for i, s in enumerate(states):
        scale += [[i / n, QUALITY_COLORS[s]], [(i + 1) / n, QUALITY_COLORS[s]]]
    fig = go.Figure(go.Heatmap(z=z, x=[str(y) for y in years], y=[region_labels.get(r, r) for r in regions], text=text, texttemplate="%{text}",
                               zmin=-0.5, zmax=n - 0.5, colorscale=scale, showscale=False, xgap=2, ygap=2))
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, lang, t("completeness", lang), height=max(420, 26 * len(regions) + 120))
