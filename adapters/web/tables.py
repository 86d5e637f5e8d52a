"""Tables as plain rows, rendered both as HTML and as CSV downloads, with CSV-injection guard."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

Cell = str | int | float | None
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Table:
    name: str  # the CSV file name without .csv
    title: str
    headers: tuple[str, ...]
    rows: Sequence[tuple[Cell, ...]]
    shown_limit: int | None = None  # the page shows this many rows; the CSV has them all

    @property
    def shown_rows(self) -> Sequence[tuple[Cell, ...]]:
        return self.rows if self.shown_limit is None else self.rows[: self.shown_limit]


def _safe(cell: Cell) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas: prefix such text with '."""
    if cell is None:
        return ""
    if isinstance(cell, float):
        return f"{round(cell, 3):g}"
    text = str(cell)
    if isinstance(cell, str) and text.startswith(FORMULA_START):
        return "'" + text
    return text


def to_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([_safe(c) for c in row])
    return out.getvalue()


def percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f} %"
