"""Dagster definitions by layer."""
