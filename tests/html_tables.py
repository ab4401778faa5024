"""Reading an HTML table the way a reader (or a screen reader) meets it: the header cells, then each row's cells as
text, parsed with the standard library's HTML parser (entities decoded, ``<style>`` skipped)."""

from __future__ import annotations

from html.parser import HTMLParser


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self.cell: list[str] | None = None
        self.row: list[tuple[str, dict, str]] | None = None
        self.attrs: dict = {}
        self.tag = ""
        self.in_style = self.in_caption = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "style":
            self.in_style = True
        elif tag == "table":
            self.tables.append({"attrs": a, "caption": "", "rows": []})
        elif tag == "caption":
            self.in_caption = True
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self.cell, self.attrs, self.tag = [], a, tag

    def handle_endtag(self, tag):
        if tag == "style":
            self.in_style = False
        elif tag == "caption":
            self.in_caption = False
        elif tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append((self.tag, self.attrs, "".join(self.cell).strip()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.tables[-1]["rows"].append(self.row)
            self.row = None

    def handle_data(self, data):
        if self.in_style:
            return
        if self.in_caption:
            self.tables[-1]["caption"] += data
        elif self.cell is not None:
            self.cell.append(data)


def read_tables(markup: str) -> list[dict]:
    """Every ``<table>`` in ``markup``: its attributes, caption, the header row's texts (``columns``) and cells
    (``head``), the body rows as dicts (header -> text) and the raw cells ``(tag, attributes, text)`` of every row."""
    parser = _Tables()
    parser.feed(markup)
    parser.close()
    out = []
    for table in parser.tables:
        head, *body = table["rows"] or [[]]
        columns = [text for _, _, text in head]
        out.append({**table, "columns": columns, "head": head, "cells": body,
                    "records": [dict(zip(columns, (text for _, _, text in row), strict=False)) for row in body]})
    return out
