"""A floor for bench_dashboard.py's time to first render: the same kinds of elements as the overview (a heading, a
65-row dataframe, a small Plotly heatmap) with no data work, served with the same Streamlit flags as `bilim serve`."""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="bench floor", layout="wide")
st.title("Обзор")
st.dataframe(pd.DataFrame({"code": [f"S{i}" for i in range(65)], "value": [float(i) for i in range(65)]}), hide_index=True)
st.plotly_chart(go.Figure(go.Heatmap(z=[[i * j for j in range(20)] for i in range(40)])), width="stretch")
