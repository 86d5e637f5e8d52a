"""Builds the activities and invoke responses the Teams door sends back."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from botbuilder.core import CardFactory, MessageFactory  # type: ignore[import-untyped]

from adapters.teams.render import CARD_CONTENT_TYPE, Card

MESSAGE_TYPE = "application/vnd.microsoft.activity.message"
ERROR_TYPE = "application/vnd.microsoft.error"


def card_activity(adaptive_card: Card, summary: str) -> Any:
    """A message with one Adaptive Card; `summary` is the notification and screen-reader text."""
    activity: Any = MessageFactory.attachment(CardFactory.adaptive_card(adaptive_card))
    activity.summary = summary[:200]
    return activity


def text_activity(text: str) -> Any:
    return MessageFactory.text(text)


def card_response(adaptive_card: Card) -> dict[str, Any]:
    """Action.Execute answer: replace the card the member clicked with this one."""
    return {"statusCode": int(HTTPStatus.OK), "type": CARD_CONTENT_TYPE, "value": adaptive_card}


def message_response(text: str) -> dict[str, Any]:
    """Action.Execute answer: leave the card alone and show the member a short message."""
    return {"statusCode": int(HTTPStatus.OK), "type": MESSAGE_TYPE, "value": text}


def error_response(status: HTTPStatus, code: str, message: str) -> dict[str, Any]:
    return {
        "statusCode": int(status),
        "type": ERROR_TYPE,
        "value": {"code": code, "message": message},
    }


def update_activity(message_id: str, adaptive_card: Card, summary: str) -> Any:
    activity: Any = card_activity(adaptive_card, summary)
    activity.id = message_id
    return activity
