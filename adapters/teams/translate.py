"""Reads identities and commands out of Teams activities (tenant, channel, member, command)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from bot.domain.answer_form import STATEMENT_FIELD, STEP_FIELD, tokens_from_fields
from bot.domain.ids import parse_id
from bot.errors import InvalidInputError
from bot.ports import ChannelRef

PLATFORM = "teams"
MAX_KEY = 64
TAG_RE = re.compile(r"<[^>]+>")


class MalformedActivityError(ValueError):
    """The activity lacks what every Teams activity carries (tenant, conversation, sender)."""


def channel_key(conversation_id: str) -> str:
    """The id the core knows a conversation by: itself when short enough, else a stable hash."""
    if len(conversation_id) <= MAX_KEY:
        return conversation_id
    return "h:" + hashlib.sha256(conversation_id.encode()).hexdigest()[:40]


def _get(obj: Any, *path: str) -> Any:
    for name in path:
        if obj is None:
            return None
        obj = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
    return obj


@dataclass(frozen=True)
class TurnIdentity:
    """Who is acting where, taken from the authenticated activity (never from card data)."""

    tenant_id: str
    conversation_id: str  # the bare conversation: a channel id, a group or personal chat id
    kind: str  # channel | groupChat | personal
    team_id: str | None
    team_name: str | None
    channel_name: str | None
    user_id: str  # the member's Entra object id (stable across apps); the core's user id
    user_key: str  # the member's Teams id (29:…), for the roster API
    display_name: str

    @property
    def channel(self) -> ChannelRef:
        return ChannelRef(PLATFORM, self.tenant_id, channel_key(self.conversation_id))

    @property
    def place_name(self) -> str:
        if self.team_name and self.channel_name:
            return f"{self.team_name} › {self.channel_name}"
        return self.team_name or self.channel_name or f"Teams {self.kind}"


def identify(activity: Any) -> TurnIdentity:
    """The identity of an activity's sender and place; MalformedActivityError when incomplete."""
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = _get(data, "tenant", "id") or _get(activity, "conversation", "tenant_id")
    conversation = _get(activity, "conversation", "id")
    sender = _get(activity, "from_property", "id")
    if not tenant or not conversation or not sender:
        raise MalformedActivityError("activity without tenant, conversation or sender")
    kind = _get(activity, "conversation", "conversation_type") or "personal"
    channel_id = _get(data, "channel", "id")
    if kind == "channel" and channel_id:
        conversation = channel_id
    conversation = str(conversation).split(";", 1)[0]
    user_id = _get(activity, "from_property", "aad_object_id") or str(sender)
    return TurnIdentity(
        tenant_id=str(tenant)[:64],
        conversation_id=conversation,
        kind=str(kind),
        team_id=_get(data, "team", "id"),
        team_name=_get(data, "team", "name"),
        channel_name=_get(data, "channel", "name"),
        user_id=channel_key(str(user_id)),
        user_key=str(sender),
        display_name=str(_get(activity, "from_property", "name") or user_id)[:200],
    )


def command_text(activity: Any) -> str:
    """The message text without the bot's @mention and markup."""
    raw = str(activity.text or "")
    recipient = _get(activity, "recipient", "id")
    for entity in activity.entities or []:
        props = entity.additional_properties if hasattr(entity, "additional_properties") else {}
        mentioned = _get(entity, "mentioned") or props.get("mentioned")
        mention_text = _get(entity, "text") or props.get("text")
        if entity.type == "mention" and _get(mentioned, "id") == recipient and mention_text:
            raw = raw.replace(str(mention_text), " ")
    return " ".join(TAG_RE.sub(" ", raw).replace("&nbsp;", " ").split())


def mentioned_people(activity: Any) -> list[tuple[str, str]]:
    """(Teams id, name) of everyone @mentioned in the message except the bot."""
    recipient = _get(activity, "recipient", "id")
    people = []
    for entity in activity.entities or []:
        if entity.type != "mention":
            continue
        props = entity.additional_properties if hasattr(entity, "additional_properties") else {}
        mentioned = _get(entity, "mentioned") or props.get("mentioned")
        person_id = _get(mentioned, "id")
        if person_id and person_id != recipient:
            people.append((str(person_id), str(_get(mentioned, "name") or person_id)))
    return people


class MalformedActionError(ValueError):
    """Card data that no card of ours produces (a missing or non-numeric drop id …)."""


OPTION_RE = re.compile(r"[A-Za-z0-9_-]{1,32}")
MAX_OPTIONS = 16


def _drop_id(raw: Any) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise MalformedActionError("the action names no question drop")
    try:
        return parse_id(raw)
    except InvalidInputError as exc:
        raise MalformedActionError(str(exc)) from None


def _option_ids(values: list[str]) -> tuple[str, ...]:
    if len(values) > MAX_OPTIONS or not all(OPTION_RE.fullmatch(v) for v in values):
        raise MalformedActionError("the chosen options are not option ids")
    return tuple(values)


def answer_choice(data: Any) -> tuple[int, tuple[str, ...]]:
    """The drop id and the answer tokens (answer_form) from an answer action's data."""
    if not isinstance(data, dict):
        raise MalformedActionError("the action carries no data")
    drop_id = _drop_id(data.get("drop"))
    if "option" in data:
        option = data["option"]
        if not isinstance(option, str) or not OPTION_RE.fullmatch(option):
            raise MalformedActionError("the chosen option is not an option id")
        return drop_id, (option,)
    fields = {k: v for k, v in data.items() if k.startswith((STEP_FIELD, STATEMENT_FIELD))}
    if fields:  # an order or yes/no card: one input per position or statement
        if len(fields) > MAX_OPTIONS or not all(
            isinstance(v, str) and (v == "" or OPTION_RE.fullmatch(v)) for v in fields.values()
        ):
            raise MalformedActionError("the answer's inputs are not step or Yes/No choices")
        return drop_id, tokens_from_fields(fields)
    options = data.get("options", "")
    if not isinstance(options, str) or len(options) > 1024:
        raise MalformedActionError("the chosen options are not option ids")
    return drop_id, _option_ids([o.strip() for o in options.split(",") if o.strip()])


def refreshed_drop(data: Any) -> int:
    """The drop id a refresh action names."""
    if not isinstance(data, dict):
        raise MalformedActionError("the action carries no data")
    return _drop_id(data.get("drop"))


def execute_action(value: Any) -> tuple[str, dict[str, Any]]:
    """The verb and data of an adaptiveCard/action invoke's value."""
    action = value.get("action") if isinstance(value, dict) else None
    if not isinstance(action, dict) or action.get("type") != "Action.Execute":
        raise MalformedActionError("the invoke carries no Action.Execute")
    verb = action.get("verb")
    data = action.get("data", {})
    if not isinstance(verb, str) or not isinstance(data, dict):
        raise MalformedActionError("the action has no verb or its data is not an object")
    return verb, data
