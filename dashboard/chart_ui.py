"""How a page shows a chart: one call, the same download settings everywhere (``charts.plot_config``).

The image format (PNG or SVG) for the modebar's camera is chosen once, in the sidebar, and kept in the URL
(``?img=svg``) like every other choice. Plotly's image download runs in the browser: nothing is fetched.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from dashboard.charts import IMAGE_FORMATS, plot_config
from dashboard.i18n import t


def image_format(lang: str) -> str:
    """The chosen image format (sidebar radio, remembered in ``?img=``)."""
    wanted = st.query_params.get("img", IMAGE_FORMATS[0])
    index = IMAGE_FORMATS.index(wanted) if wanted in IMAGE_FORMATS else 0
    fmt = st.sidebar.radio(
        t("chart_image_format", lang), IMAGE_FORMATS, index=index, format_func=str.upper, horizontal=True,
        key="chart_image_format",
    )
    if fmt != IMAGE_FORMATS[0] or "img" in st.query_params:
        st.query_params["img"] = fmt
    return fmt


def show(fig: go.Figure, fmt: str, *name_parts: object, container=None, key: str | None = None) -> None:
    """Draw ``fig`` full width, as built (no Streamlit theme), downloadable as ``fmt`` named after ``name_parts``."""
    (container or st).plotly_chart(fig, width="stretch", theme=None, config=plot_config(fmt, *name_parts), key=key)
