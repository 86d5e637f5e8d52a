"""The Adaptive Card rules Teams enforces, as a checker for every card the bot renders.

Teams renders schema 1.5 at most; unknown element or action types, a missing required field,
duplicate input ids or a message over the size limit make a card fail to render or post.
"""

from __future__ import annotations

import json
from typing import Any

from tests.adapters.teams.official_renderer import renderer_problems

MAX_VERSION = (1, 5)
MAX_CARD_BYTES = 28 * 1024  # Teams' message size limit (the card is most of the message)
MAX_ACTIONS = 6  # Teams' host config shows at most six actions per set

# type -> (version introduced, required fields)
ELEMENTS: dict[str, tuple[tuple[int, int], tuple[str, ...]]] = {
    "TextBlock": ((1, 0), ("text",)),
    "RichTextBlock": ((1, 2), ("inlines",)),
    "Image": ((1, 0), ("url",)),
    "ImageSet": ((1, 0), ("images",)),
    "Media": ((1, 1), ("sources",)),
    "Container": ((1, 0), ("items",)),
    "ColumnSet": ((1, 0), ()),
    "FactSet": ((1, 0), ("facts",)),
    "ActionSet": ((1, 2), ("actions",)),
    "Table": ((1, 5), ()),
    "Input.Text": ((1, 0), ("id",)),
    "Input.Number": ((1, 0), ("id",)),
    "Input.Date": ((1, 0), ("id",)),
    "Input.Time": ((1, 0), ("id",)),
    "Input.Toggle": ((1, 0), ("id", "title")),
    "Input.ChoiceSet": ((1, 0), ("id", "choices")),
}
ACTIONS: dict[str, tuple[tuple[int, int], tuple[str, ...]]] = {
    "Action.OpenUrl": ((1, 0), ("url",)),
    "Action.Submit": ((1, 0), ()),
    "Action.ShowCard": ((1, 0), ("card",)),
    "Action.ToggleVisibility": ((1, 2), ("targetElements",)),
    "Action.Execute": ((1, 4), ("verb",)),
}
CONTAINERS = {"Container": "items", "Column": "items"}


def _version(raw: object) -> tuple[int, int] | None:
    if not isinstance(raw, str):
        return None
    try:
        major, minor = raw.split(".")
        return int(major), int(minor)
    except ValueError:
        return None


def check_card(card: Any) -> list[str]:
    """Every rule the card breaks (an empty list for a good card)."""
    problems: list[str] = []
    if not isinstance(card, dict) or card.get("type") != "AdaptiveCard":
        return ["the root is not an AdaptiveCard"]
    version = _version(card.get("version"))
    if version is None:
        return [f"version {card.get('version')!r} is not major.minor"]
    if version > MAX_VERSION:
        problems.append(f"version {card['version']} is above 1.5, which Teams renders at most")
    size = len(json.dumps(card, ensure_ascii=False).encode())
    if size > MAX_CARD_BYTES:
        problems.append(f"the card is {size} bytes, over the {MAX_CARD_BYTES}-byte limit")
    ids: list[str] = []
    _elements(card.get("body", []), "body", version, problems, ids)
    _actions(card.get("actions", []), "actions", version, problems, ids)
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        problems.append(f"duplicate ids {duplicates}")
    return problems


def _elements(
    items: Any, where: str, version: tuple[int, int], problems: list[str], ids: list[str]
) -> None:
    if not isinstance(items, list):
        problems.append(f"{where} is not a list")
        return
    for index, element in enumerate(items):
        path = f"{where}[{index}]"
        kind = element.get("type") if isinstance(element, dict) else None
        if kind not in ELEMENTS:
            problems.append(f"{path}: unknown element type {kind!r}")
            continue
        since, required = ELEMENTS[kind]
        if since > version:
            problems.append(f"{path}: {kind} needs card version {since[0]}.{since[1]}")
        for name in required:
            if element.get(name) in (None, "", []):
                problems.append(f"{path}: {kind} needs {name}")
        if "id" in element:
            ids.append(str(element["id"]))
        if kind == "TextBlock" and not isinstance(element.get("text"), str):
            problems.append(f"{path}: TextBlock text must be a string")
        if kind == "FactSet":
            for fact in element.get("facts") or []:
                if not isinstance(fact.get("title"), str) or not isinstance(fact.get("value"), str):
                    problems.append(f"{path}: every fact needs a string title and value")
        if kind == "Input.ChoiceSet":
            for choice in element.get("choices") or []:
                if not isinstance(choice.get("title"), str) or not isinstance(
                    choice.get("value"), str
                ):
                    problems.append(f"{path}: every choice needs a string title and value")
        if kind == "ColumnSet":
            for c_index, column in enumerate(element.get("columns") or []):
                if not isinstance(column, dict) or column.get("type") != "Column":
                    problems.append(f"{path}.columns[{c_index}]: not a Column")
                    continue
                _elements(
                    column.get("items", []), f"{path}.columns[{c_index}]", version, problems, ids
                )
        if kind == "Container":
            _elements(element.get("items"), f"{path}.items", version, problems, ids)
        if kind == "ActionSet":
            _actions(element.get("actions"), f"{path}.actions", version, problems, ids)


def _actions(
    actions: Any, where: str, version: tuple[int, int], problems: list[str], ids: list[str]
) -> None:
    if not isinstance(actions, list):
        problems.append(f"{where} is not a list")
        return
    if len(actions) > MAX_ACTIONS:
        problems.append(f"{where}: {len(actions)} actions; Teams shows at most {MAX_ACTIONS}")
    for index, action in enumerate(actions):
        path = f"{where}[{index}]"
        kind = action.get("type") if isinstance(action, dict) else None
        if kind not in ACTIONS:
            problems.append(f"{path}: unknown action type {kind!r}")
            continue
        since, required = ACTIONS[kind]
        if since > version:
            problems.append(f"{path}: {kind} needs card version {since[0]}.{since[1]}")
        for name in required:
            if action.get(name) in (None, ""):
                problems.append(f"{path}: {kind} needs {name}")
        if not action.get("title"):
            problems.append(f"{path}: a button needs a title")
        if "data" in action and not isinstance(action["data"], dict):
            problems.append(f"{path}: data must be an object")
        if kind == "Action.ShowCard":
            problems.extend(f"{path}.card: {p}" for p in check_card(action.get("card")))


def assert_valid_card(card: Any) -> None:
    """Teams' rules above, then the official adaptivecards renderer's validation (target 1.5)."""
    problems = check_card(card)
    assert not problems, "\n".join(problems)
    official = renderer_problems(card)
    assert not official, "adaptivecards renderer: " + "\n".join(official)
