"""bilim-monitor pipelines: catalogue, returns, marts and the Dagster definitions."""
