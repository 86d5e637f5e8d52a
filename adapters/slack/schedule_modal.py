"""The schedule modal: the core's schedule form as Block Kit, read back into core fields."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from adapters.slack.mrkdwn import option
from bot.domain.exam import Domain
from bot.domain.schedule import Schedule
from bot.domain.schedule_form import (
    FIELD_NAMES,
    FieldKind,
    FormField,
    schedule_form,
    submitted_fields,
)

CALLBACK_ID = "studybot_schedule"
CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{1,30}$")
OPTION_TEXT_MAX, OPTIONS_MAX, RADIO_MAX = 75, 100, 3  # radio groups for a few short choices

PICKED = {"timepicker": "selected_time", "datepicker": "selected_date"}  # else "value"

Block = dict[str, Any]


def schedule_modal(
    channel_id: str,
    current: Schedule | None,
    domains: Sequence[Domain],
    default_timezone: str,
) -> dict[str, Any]:
    """The views.open view for a channel; fields start from the current schedule, if any."""
    form = schedule_form(current, domains, default_timezone)
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "private_metadata": json.dumps({"channel_id": channel_id}),
        "title": {"type": "plain_text", "text": form.title},
        "submit": {"type": "plain_text", "text": form.submit},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [_input(f) for f in form.fields],
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
    for name in FIELD_NAMES:
        element = next(iter((state.get(name) or {}).values()), None)
        if isinstance(element, Mapping):
            values[name] = _picked(element)
    return submitted_fields(values)


def field_errors(errors: Mapping[str, str]) -> dict[str, str]:
    """The core's field errors keyed by the modal's block ids (every field has its own block)."""
    return {name if name in FIELD_NAMES else "days": message for name, message in errors.items()}


def _picked(element: Mapping[str, Any]) -> object:
    kind = str(element.get("type"))
    if kind == "checkboxes":
        return [o.get("value") for o in element.get("selected_options") or []]
    if kind in ("radio_buttons", "static_select"):
        return (element.get("selected_option") or {}).get("value")
    return element.get(PICKED.get(kind, "value"))


def _input(field: FormField) -> Block:
    block: Block = {
        "type": "input",
        "block_id": field.name,
        "optional": True,  # the core validates, so every door gives the same messages
        "label": {"type": "plain_text", "text": field.label},
        "element": {"action_id": "value", **ELEMENTS[field.kind](field)},
    }
    if field.hint:
        block["hint"] = {"type": "plain_text", "text": field.hint}
    return block


def _options(field: FormField) -> tuple[list[Block], list[Block]]:
    """The field's choices as options (within Slack's limits) and those its value picks."""
    options = [option(c.label[:OPTION_TEXT_MAX], c.value) for c in field.choices[:OPTIONS_MAX]]
    return options, [o for o in options if o["value"] in field.selected]


def _checkboxes(field: FormField) -> Block:
    options, picked = _options(field)
    return {"type": "checkboxes", "options": options} | (
        {"initial_options": picked} if picked else {}
    )


def _choice(field: FormField) -> Block:
    options, picked = _options(field)
    kind = "radio_buttons" if len(options) <= RADIO_MAX else "static_select"
    return {"type": kind, "options": options} | ({"initial_option": picked[0]} if picked else {})


def _text(field: FormField) -> Block:
    element: Block = {"type": "plain_text_input", "max_length": 500}
    return element | ({"initial_value": field.value} if field.value else {})


def _time(field: FormField) -> Block:
    return {"type": "timepicker"} | ({"initial_time": field.value} if field.value else {})


def _date(field: FormField) -> Block:
    return {"type": "datepicker"} | ({"initial_date": field.value} if field.value else {})


ELEMENTS: dict[FieldKind, Callable[[FormField], Block]] = {
    FieldKind.TEXT: _text,
    FieldKind.TIME: _time,
    FieldKind.DATE: _date,
    FieldKind.DAYS: _checkboxes,
    FieldKind.CHOICE: _choice,
    FieldKind.SWITCH: _checkboxes,
}
