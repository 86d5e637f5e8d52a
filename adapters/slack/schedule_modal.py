"""The schedule modal: built from the channel's current schedule, read back into core fields."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from adapters.slack.mrkdwn import option
from bot.domain.exam import Domain
from bot.domain.schedule import WEEKDAYS, RevealMode, Schedule, format_duration

CALLBACK_ID = "studybot_schedule"
FIELDS = (
    "days",
    "time",
    "timezone",
    "window",
    "closes_at",
    "reveal_mode",
    "focus_domain",
    "active",
    "start_date",
    "end_date",
    "skip_dates",
)
CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{1,30}$")
DAY_LABELS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
REVEAL_LABELS = {
    RevealMode.AT_CLOSE: "Reveal to everyone when the question closes",
    RevealMode.AT_CLOSE_WITH_FEEDBACK: "Also tell each member privately if they were right",
}
ANY_DOMAIN = "any"

Block = dict[str, Any]


def schedule_modal(
    channel_id: str,
    current: Schedule | None,
    domains: Sequence[Domain],
    default_timezone: str,
) -> dict[str, Any]:
    """The views.open view for a channel; fields start from the current schedule, if any."""
    days = sorted(current.days) if current else [0, 1, 2, 3, 4]
    reveal = current.reveal_mode if current else RevealMode.AT_CLOSE
    day_options = [option(DAY_LABELS[d], WEEKDAYS[d]) for d in range(7)]
    domain_options = [option("Any domain (weighted by the exam)", ANY_DOMAIN)] + [
        option(f"{d.id} {d.name}"[:75], d.id) for d in domains
    ]
    focus = current.focus_domain if current and current.focus_domain else ANY_DOMAIN
    window = ""
    if current and current.window is not None and current.closes_at is None:
        window = format_duration(current.window)
    reveal_options = [option(REVEAL_LABELS[m], m.value) for m in RevealMode]
    active_option = option("Post questions on this schedule", "on")
    blocks: list[Block] = [
        _input(
            "days",
            "Days",
            {
                "type": "checkboxes",
                "options": day_options,
                "initial_options": [day_options[d] for d in days],
            },
        ),
        _input(
            "time",
            "Time",
            _timepicker(current.local_time.strftime("%H:%M") if current else "09:00"),
        ),
        _input(
            "timezone",
            "Time zone (IANA, e.g. Europe/Berlin)",
            _text(current.timezone if current else default_timezone),
        ),
        _input(
            "window",
            "Answer window (e.g. 8h, 90m, 1d)",
            _text(window, placeholder="8h"),
            hint="Leave empty to use a closing time, or for the default of 8 hours.",
        ),
        _input(
            "closes_at",
            "…or a closing time",
            _timepicker(
                current.closes_at.strftime("%H:%M") if current and current.closes_at else None
            ),
        ),
        _input(
            "reveal_mode",
            "Answers",
            {
                "type": "radio_buttons",
                "options": reveal_options,
                "initial_option": reveal_options[list(RevealMode).index(reveal)],
            },
        ),
        _input(
            "focus_domain",
            "Focus",
            {
                "type": "static_select",
                "options": domain_options,
                "initial_option": next(o for o in domain_options if o["value"] == focus),
            },
        ),
        _input(
            "active",
            "Status",
            {"type": "checkboxes", "options": [active_option]}
            | ({"initial_options": [active_option]} if current is None or current.active else {}),
        ),
        _input(
            "start_date",
            "First day (optional)",
            _datepicker(current.start_date if current else None),
        ),
        _input(
            "end_date", "Last day (optional)", _datepicker(current.end_date if current else None)
        ),
        _input(
            "skip_dates",
            "Days to skip (YYYY-MM-DD, comma separated)",
            _text(
                ", ".join(sorted(d.isoformat() for d in current.skip_dates)) if current else "",
                placeholder="2026-12-24, 2026-12-31",
            ),
        ),
    ]
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "private_metadata": json.dumps({"channel_id": channel_id}),
        "title": {"type": "plain_text", "text": "Study schedule"},
        "submit": {"type": "plain_text", "text": "Save"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
    }


def channel_of(view: Mapping[str, Any]) -> str:
    """The channel id the modal was opened for (ValueError if the metadata is not ours)."""
    data = json.loads(str(view.get("private_metadata") or ""))
    channel_id = data.get("channel_id") if isinstance(data, dict) else None
    if not isinstance(channel_id, str) or not CHANNEL_ID.match(channel_id):
        raise ValueError("the modal does not name a channel")
    return channel_id


def submitted_values(view: Mapping[str, Any]) -> dict[str, object]:
    """The modal's state as the loosely typed fields the core's schedule validation takes."""
    state = (view.get("state") or {}).get("values") or {}  # Slack may send "state": null
    values: dict[str, object] = {}
    for name in FIELDS:
        element = next(iter((state.get(name) or {}).values()), None)
        if not isinstance(element, Mapping):
            continue
        kind = element.get("type")
        if kind == "checkboxes":
            picked = [o.get("value") for o in element.get("selected_options") or []]
            values[name] = ("on" in picked) if name == "active" else picked
        elif kind == "timepicker":
            values[name] = element.get("selected_time")
        elif kind == "datepicker":
            values[name] = element.get("selected_date")
        elif kind in ("radio_buttons", "static_select"):
            option = element.get("selected_option") or {}
            values[name] = option.get("value")
        else:
            values[name] = element.get("value")
    if values.get("focus_domain") == ANY_DOMAIN:
        values["focus_domain"] = None
    if values.get("days") == []:
        values["days"] = None  # the core then says "is required"
    return values


def field_errors(errors: Mapping[str, str]) -> dict[str, str]:
    """The core's field errors keyed by the modal's block ids (every field has its own block)."""
    return {name if name in FIELDS else "days": message for name, message in errors.items()}


def _input(block_id: str, label: str, element: dict[str, Any], hint: str | None = None) -> Block:
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "optional": True,  # the core validates, so every door gives the same messages
        "label": {"type": "plain_text", "text": label},
        "element": {"action_id": "value", **element},
    }
    if hint:
        block["hint"] = {"type": "plain_text", "text": hint}
    return block


def _text(initial: str, placeholder: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "max_length": 500}
    if initial:
        element["initial_value"] = initial
    if placeholder:
        element["placeholder"] = {"type": "plain_text", "text": placeholder}
    return element


def _timepicker(initial: str | None) -> dict[str, Any]:
    return {"type": "timepicker"} | ({"initial_time": initial} if initial else {})


def _datepicker(initial: object) -> dict[str, Any]:
    return {"type": "datepicker"} | ({"initial_date": str(initial)} if initial else {})
