"""Marts: business nouns built in DuckDB from the staged returns and the catalogue. SQL lives beside this
package (one ``.sql`` file per mart, named as the mart); ``build.py`` runs them in dependency order."""
