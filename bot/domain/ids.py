"""Ids that arrive from outside (buttons, forms, card data): ASCII digits inside the database's
integer range, so a forged or garbled id is refused as bad input before it reaches a write."""

from __future__ import annotations

from bot.errors import InvalidInputError

# PostgreSQL's integer, the type of every id column; SQLite's are wider, so this holds for both.
MAX_ID = 2**31 - 1
_ASCII_DIGITS = frozenset("0123456789")


def valid_id(value: int) -> bool:
    """Whether `value` can be the id of a stored row."""
    return 1 <= value <= MAX_ID


def parse_id(raw: object, what: str = "question drop") -> int:
    """The id that `raw` (an int, or a string of ASCII digits) names; InvalidInputError if none.

    Python's int() also reads full-width and other Unicode digits, signs, spaces and
    underscores; ids never contain those, so they are refused here instead.
    """
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    elif isinstance(raw, str) and 0 < len(raw) <= 10 and set(raw) <= _ASCII_DIGITS:
        value = int(raw)
    else:
        value = 0
    if not valid_id(value):
        shown = repr(raw)[:40]
        raise InvalidInputError(
            f"{shown} is not a {what} id: ids are whole numbers from 1 to {MAX_ID}, written "
            "with the digits 0-9. Use the buttons or links studybot sent."
        )
    return value
