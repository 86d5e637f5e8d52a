"""Whether a signed, parsed body is shaped as Slack sends it, before bolt reads it.

bolt indexes Slack's payloads directly (body["view"]["type"], "id" in body["team"], …), so a
signed body of another shape made it raise, and the route answered 500. `malformed` checks
every key bolt and studybot's listeners read, for the types Slack's documented payloads carry,
and says what is wrong; the route then answers 400.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Check = Callable[[object], bool]


def _str(value: object) -> bool:
    return isinstance(value, str)


def _opt_str(value: object) -> bool:
    return value is None or isinstance(value, str)


def _bool(value: object) -> bool:
    return value is None or isinstance(value, bool)


def _id_object(value: object) -> bool:
    """A team, user or channel: an id string, or an object whose id (if any) is a string."""
    if isinstance(value, str) or value is None:
        return True
    return isinstance(value, dict) and _opt_str(value.get("id")) and _fields(value, _ID_FIELDS)


_ID_FIELDS: dict[str, Check] = {
    "team_id": _opt_str,
    "enterprise_id": _opt_str,
    "name": _opt_str,
    "username": _opt_str,
}
# Keys bolt's context extraction reads at the top of a payload and inside events and messages.
_COMMON: dict[str, Check] = {
    "type": _opt_str,
    "team": _id_object,
    "user": _id_object,
    "channel": _id_object,
    "enterprise": lambda v: v is None or (isinstance(v, dict) and _opt_str(v.get("id"))),
    "team_id": _opt_str,
    "user_id": _opt_str,
    "channel_id": _opt_str,
    "enterprise_id": _opt_str,
    "user_team": _opt_str,
    "context_team_id": _opt_str,
    "context_enterprise_id": _opt_str,
    "is_ext_shared_channel": _bool,
    "is_enterprise_install": _bool,
    "thread_ts": _opt_str,
    "subtype": _opt_str,
    "bot_id": _opt_str,
    "channel_type": _opt_str,
    "tab": _opt_str,
    "response_url": _opt_str,
    "trigger_id": _opt_str,
    "callback_id": _opt_str,
    "action_ts": _opt_str,
    "function_execution_id": _opt_str,
    "bot_access_token": _opt_str,
    "function_data": lambda v: v is None or isinstance(v, dict),
    "response_urls": lambda v: v is None or isinstance(v, list),
}
_NESTED = ("event", "message", "previous_message", "item", "assistant_thread", "container")


def malformed(body: object) -> str | None:
    """Why a signed, parsed body is not a Slack request we can read (None when it is)."""
    if not isinstance(body, dict) or not body:
        return "neither an event, an interaction nor a command"
    if "ssl_check" in body:
        return None
    if "command" in body:
        return _command(body)
    kind = body.get("type")
    if not isinstance(kind, str):
        return "payload has no type"
    problem = _common(body, "payload")
    if problem:
        return problem
    if kind == "url_verification":
        return None if _str(body.get("challenge")) else "url_verification without a challenge"
    if kind == "event_callback":
        event = body.get("event")
        if not isinstance(event, dict) or not _str(event.get("type")):
            return "event_callback without an event type"
    elif kind == "block_actions":
        return _actions(body.get("actions")) or _user(body)
    elif kind in ("view_submission", "view_closed"):
        view = body.get("view")
        if not isinstance(view, dict):
            return f"{kind} without a view"
        return _view(view) or _user(body)
    elif kind in ("shortcut", "message_action"):
        if not _str(body.get("callback_id")):
            return f"{kind} without a callback_id"
        return _user(body)
    elif kind == "block_suggestion" and not all(
        _str(body.get(k)) for k in ("action_id", "block_id", "value")
    ):
        return "block_suggestion without action_id, block_id or value"
    return None


def _command(body: Mapping[str, Any]) -> str | None:
    missing = [k for k in ("team_id", "channel_id", "user_id") if not body.get(k)]
    if missing:
        return f"slash command without {', '.join(missing)}"
    wrong = [k for k, v in body.items() if not isinstance(v, str)]
    return f"slash command field {wrong[0]} is not text" if wrong else None


def _common(part: Mapping[str, Any], where: str, depth: int = 0) -> str | None:
    for key, check in _COMMON.items():
        if key in part and not check(part[key]):
            return f"{where}.{key} is not shaped as Slack sends it"
    if "authorizations" in part:
        auths = part["authorizations"]
        if not isinstance(auths, list) or not all(
            isinstance(a, dict) and _fields(a, _ID_FIELDS | {"is_enterprise_install": _bool})
            for a in auths
        ):
            return f"{where}.authorizations is not a list of objects"
    if "view" in part and depth == 0 and isinstance(part["view"], dict):
        problem = _view(part["view"])
        if problem:
            return problem
    for key in _NESTED:
        if key not in part:
            continue
        inner = part[key]
        if not isinstance(inner, dict):
            return f"{where}.{key} is not an object"
        if depth < 3:
            problem = _common(inner, f"{where}.{key}", depth + 1)
            if problem:
                return problem
    if "view" in part and not isinstance(part["view"], dict):
        return f"{where}.view is not an object"
    if "state" in part and not isinstance(part["state"], dict):
        return f"{where}.state is not an object"
    return None


def _view(view: Mapping[str, Any]) -> str | None:
    if not all(_str(view.get(k)) for k in ("id", "type", "callback_id")):
        return "view without its id, type or callback_id"
    fields: dict[str, Check] = {
        "team_id": _opt_str,
        "app_installed_team_id": _opt_str,
        "private_metadata": _opt_str,
        "hash": _opt_str,
        "state": lambda v: v is None or (isinstance(v, dict) and _values(v.get("values"))),
    }
    return None if _fields(view, fields) else "view fields are not shaped as Slack sends them"


def _values(values: object) -> bool:
    """A view's or message's state.values: block id → action id → element state object."""
    if values is None:
        return True
    if not isinstance(values, dict):
        return False
    return all(
        isinstance(block, dict) and all(isinstance(e, dict) for e in block.values())
        for block in values.values()
    )


def _actions(actions: object) -> str | None:
    if not isinstance(actions, list) or not actions:
        return "block_actions without actions"
    for action in actions:
        if not isinstance(action, dict) or not _str(action.get("action_id")):
            return "an action without an action_id"
        if not _fields(action, {"block_id": _opt_str, "type": _opt_str, "value": _opt_str}):
            return "an action's fields are not shaped as Slack sends them"
    return None


def _user(body: Mapping[str, Any]) -> str | None:
    user = body.get("user")
    if not isinstance(user, dict) or not _str(user.get("id")):
        return "interaction without its user's id"
    return None


def _fields(part: Mapping[str, Any], checks: Mapping[str, Check]) -> bool:
    return all(check(part[key]) for key, check in checks.items() if key in part)
