"""Safe Slack text: mrkdwn escaping, clipping to Block Kit limits, dates in each reader's zone,
the two text blocks every message is made of, and the option object of checkboxes and selects."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.domain.periods import local_time_text

SECTION_TEXT_MAX = 3000  # Block Kit's limit for a section's text and a context element's
Block = dict[str, Any]


def section_block(text: str) -> Block:
    """A mrkdwn section block, clipped to Block Kit's limit."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, SECTION_TEXT_MAX)}}


def option(text: str, value: str) -> dict[str, Any]:
    """An option of a checkbox group, radio group or select."""
    return {"text": {"type": "plain_text", "text": text}, "value": value}


def context_block(text: str) -> Block:
    """A mrkdwn context block (small grey text), clipped to Block Kit's limit."""
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": clip(text, SECTION_TEXT_MAX)}],
    }


def escape(text: str) -> str:
    """Escape the three characters Slack treats as control sequences."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """Shorten to at most `limit` characters, ending with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def local_date(instant: datetime, fallback_timezone: str = "UTC") -> str:
    """A date token each reader sees in their own time zone (fallback text for old clients)."""
    fallback = escape(local_time_text(instant, fallback_timezone))
    return f"<!date^{int(instant.timestamp())}^{{date_short_pretty}} at {{time}}|{fallback}>"


def percent(share: float | None) -> str:
    return "–" if share is None else f"{round(share * 100)}%"


def packed(lines: list[str], limit: int = SECTION_TEXT_MAX) -> list[str]:
    """Whole lines joined into as few texts of at most `limit` characters as possible (a line
    longer than that on its own is clipped)."""
    texts: list[str] = []
    for line in lines or [""]:
        line = clip(line, limit)
        if texts and len(texts[-1]) + 1 + len(line) <= limit:
            texts[-1] += "\n" + line
        else:
            texts.append(line)
    return texts
