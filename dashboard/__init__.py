"""The Streamlit dashboard: reads published builds only; never imports pipeline code."""
