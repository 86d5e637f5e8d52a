"""Slack input to core commands: button values, checkbox state and /studybot text, checked."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from bot.domain.answer_form import tokens_from_fields
from bot.domain.ids import parse_id
from bot.domain.periods import Period
from bot.errors import InvalidInputError
from bot.ports import ChannelRef
from bot.service.commands import ShowLeaderboard, ShowProgress

PLATFORM = "slack"
ANSWER_VALUE = re.compile(r"^(\d{1,12}):([A-Za-z0-9_.-]{1,32})$")
DROP_VALUE = re.compile(r"^\d{1,12}$")
OPTION_VALUE = re.compile(r"[A-Za-z0-9_.-]{1,32}")  # an option id, or a yes/no word
MENTION = re.compile(r"^<@([UW][A-Z0-9]{2,20})(?:\|[^>]*)?>$")
PERIOD_WORDS = {
    "week": Period.WEEK,
    "weekly": Period.WEEK,
    "month": Period.MONTH,
    "monthly": Period.MONTH,
    "all": Period.ALL,
    "alltime": Period.ALL,
    "all-time": Period.ALL,
}


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


@dataclass(frozen=True)
class Help:
    note: str | None = None


@dataclass(frozen=True)
class OpenSchedule:
    pass


@dataclass(frozen=True)
class DropNow:
    focus_domain: str | None


@dataclass(frozen=True)
class OpenDashboard:
    pass


@dataclass(frozen=True)
class ShowReport:
    """The organisation's report (a ShowOrgReport once Slack has said who asks)."""

    period: Period


@dataclass(frozen=True)
class ChangeStudyAdmin:
    user_id: str
    admin: bool


SlashCommand = (
    ShowLeaderboard
    | ShowProgress
    | ShowReport
    | OpenSchedule
    | DropNow
    | ChangeStudyAdmin
    | OpenDashboard
    | Help
)


def slash_command(
    text: str, channel: ChannelRef, user_id: str, domain_ids: Collection[str]
) -> SlashCommand:
    """The command a /studybot line asks for; anything unrecognised becomes help with a note."""
    words = text.split()
    verb = words[0].lower() if words else "help"
    args = words[1:]
    domains = {d.lower(): d for d in domain_ids}
    if verb in ("leaderboard", "lb", "top"):
        period, domain, rest = Period.WEEK, None, []
        for word in args:
            if word.lower() in PERIOD_WORDS:
                period = PERIOD_WORDS[word.lower()]
            elif word.lower() in domains:
                domain = domains[word.lower()]
            else:
                rest.append(word)
        if rest:
            return Help(
                f"I don't know {' '.join(rest)!r}: use a domain ({', '.join(sorted(domain_ids))}) "
                "and/or week, month or all."
            )
        return ShowLeaderboard(channel, period, domain, user_id=user_id)
    if verb == "me" and not args:
        return ShowProgress(channel, user_id)
    if verb == "report" and len(args) <= 1:
        chosen = PERIOD_WORDS.get(args[0].lower()) if args else Period.ALL
        if chosen is None:
            return Help("The report takes week, month or all.")
        return ShowReport(chosen)
    if verb == "schedule" and not args:
        return OpenSchedule()
    if verb == "drop" and len(args) <= 1:
        if args and args[0].lower() not in domains:
            return Help(f"Unknown domain {args[0]!r}; use one of {', '.join(sorted(domain_ids))}.")
        return DropNow(domains[args[0].lower()] if args else None)
    if verb in ("admins", "admin") and len(args) == 2 and args[0].lower() in ("add", "remove"):
        mention = MENTION.match(args[1])
        if mention is None:
            return Help("Name the person with an @-mention: /studybot admins add @name")
        return ChangeStudyAdmin(mention.group(1), args[0].lower() == "add")
    if verb == "dashboard" and not args:
        return OpenDashboard()
    if verb == "help" and not args:
        return Help()
    return Help(f"I don't know the command {text.strip()[:80]!r}.")
