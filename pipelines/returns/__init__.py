"""Regional returns: the Excel template, reading, validation, and the ingest that loses nothing."""
