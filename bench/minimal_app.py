"""A floor for bench_dashboard.py's time to first render: the same kinds of elements as the overview with no data
work, served with the same Streamlit flags as `bilim serve` — a heading, a 65-row plain HTML table of the
scorecard's class (``st.markdown``, as the overview draws its scorecard now), a 65-row canvas data grid
(``st.dataframe``, as the scorecard was drawn before) and a small Plotly heatmap."""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="bench floor", layout="wide")
st.title("Обзор")
rows = "".join(f"<tr><th scope='row'>S{i}</th><td>{i},0</td></tr>" for i in range(65))
head = "<thead><tr><th scope='col'>code</th><th scope='col'>value</th></tr></thead>"
st.markdown(f"<table class='bilim-scorecard'>{head}<tbody>{rows}</tbody></table>", unsafe_allow_html=True)
st.dataframe(pd.DataFrame({"code": [f"S{i}" for i in range(65)], "value": [float(i) for i in range(65)]}), hide_index=True)
st.plotly_chart(go.Figure(go.Heatmap(z=[[i * j for j in range(20)] for i in range(40)])), width="stretch")
