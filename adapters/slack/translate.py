"""Slack input to core commands: button values, the inputs' state and mentions, checked."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from bot.domain.answer_form import tokens_from_fields
from bot.domain.ids import parse_id
from bot.errors import InvalidInputError
from bot.ports import ChannelRef

PLATFORM = "slack"
ANSWER_VALUE = re.compile(r"^(\d{1,12}):([A-Za-z0-9_.-]{1,32})$")
DROP_VALUE = re.compile(r"^\d{1,12}$")
OPTION_VALUE = re.compile(r"[A-Za-z0-9_.-]{1,32}")  # an option id, or a yes/no word
MENTION = re.compile(r"^<@([UW][A-Z0-9]{2,20})(?:\|[^>]*)?>$")  # <@U0ABC|ada>, as Slack escapes it


class MalformedPayload(ValueError):
    """A request whose shape is not what Slack sends for studybot's own messages."""


def channel_ref(team_id: str, channel_id: str) -> ChannelRef:
    """The core's identity for a Slack channel: the workspace comes from the signed request."""
    return ChannelRef(PLATFORM, team_id, channel_id)


def answer_from_button(value: object) -> tuple[int, str]:
    """(drop id, option id) from an answer button's value."""
    match = ANSWER_VALUE.match(value) if isinstance(value, str) else None
    if match is None:
        raise MalformedPayload("answer button value is not drop:option")
    return _drop_id(match.group(1)), match.group(2)


def answer_from_checkboxes(
    submit_value: object, state: object, block_id: str, action_id: str
) -> tuple[int, tuple[str, ...]]:
    """(drop id, option ids) from the submit button's value and the message's checkbox state."""
    drop_id, block = _submitted_block(submit_value, state, block_id)
    element = block.get(action_id, {})
    if not isinstance(element, Mapping):
        raise MalformedPayload("checkbox state is not an object")
    selected = element.get("selected_options") or []
    if not isinstance(selected, list):
        raise MalformedPayload("selected_options is not a list")
    return drop_id, tuple(_chosen_value(o) for o in selected)


def answer_from_selects(
    submit_value: object, state: object, block_id: str, prefix: str
) -> tuple[int, tuple[str, ...]]:
    """(drop id, answer tokens) from the submit button's value and the message's select state
    (an order or yes/no question: one select per position or statement, see answer_form)."""
    drop_id, block = _submitted_block(submit_value, state, block_id)
    fields: dict[str, str] = {}
    for action_id, element in block.items():
        if not isinstance(action_id, str) or not action_id.startswith(prefix):
            continue
        selected = element.get("selected_option") if isinstance(element, Mapping) else None
        if selected is not None:  # one left empty: the core says what is missing
            fields[action_id[len(prefix) :]] = _chosen_value(selected)
    return drop_id, tokens_from_fields(fields)


def _submitted_block(
    submit_value: object, state: object, block_id: str
) -> tuple[int, Mapping[str, object]]:
    """The drop a submit button names, and the state of its block's inputs ({} if none)."""
    if not isinstance(submit_value, str) or not DROP_VALUE.match(submit_value):
        raise MalformedPayload("submit button value is not a drop id")
    values = state.get("values") if isinstance(state, Mapping) else None
    if values is None:
        return _drop_id(submit_value), {}
    block = values.get(block_id, {}) if isinstance(values, Mapping) else None
    if not isinstance(block, Mapping):
        raise MalformedPayload("the inputs' state is not an object")
    return _drop_id(submit_value), block


def _chosen_value(option: object) -> str:
    value = option.get("value") if isinstance(option, Mapping) else None
    if not isinstance(value, str) or not OPTION_VALUE.fullmatch(value):
        raise MalformedPayload("a selected option has no usable value")
    return value


def _drop_id(raw: str) -> int:
    try:
        return parse_id(raw)
    except InvalidInputError as exc:
        raise MalformedPayload(str(exc)) from None


def mentioned_users(words: Sequence[str]) -> tuple[str, ...] | None:
    """The user ids of /studybot text's @-mentions; None if a word is not a mention."""
    found = [MENTION.match(word) for word in words]
    return tuple(m.group(1) for m in found if m) if all(found) else None
