"""Contracts shared by the pipeline and the dashboard: Pandera models of every table and the published layout.

This package imports only the standard library, pandera and polars, so both sides can depend on it.
"""
