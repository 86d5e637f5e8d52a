"""Validates rendered Block Kit with slack_sdk's own block models, limits included."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.metadata import Metadata
from slack_sdk.models.views import View

MESSAGE_BLOCKS_MAX = 50


def assert_valid_message(message: dict[str, Any]) -> None:
    """Top-level text set; every block parses, survives a round trip and keeps its limits."""
    assert isinstance(message.get("text"), str), "top-level text"
    assert message["text"].strip(), "top-level text"
    assert len(message["text"]) <= 4000
    blocks = message.get("blocks") or []
    assert 0 < len(blocks) <= MESSAGE_BLOCKS_MAX
    for raw in blocks:
        assert_valid_block(raw)
    if "metadata" in message:
        assert Metadata(**message["metadata"]).to_dict() == message["metadata"]


def assert_valid_block(raw: dict[str, Any]) -> None:
    parsed = Block.parse(raw)
    assert parsed is not None, f"unknown block type {raw.get('type')!r}"
    # to_dict() runs every validator (text lengths, element counts, value lengths) recursively;
    # comparing with the input catches fields the model does not know (typos Slack would reject).
    assert parsed.to_dict() == raw


def assert_valid_view(view: dict[str, Any]) -> None:
    assert View(**view).to_dict() == view  # 100 blocks at most, title ≤ 24 characters …
    for raw in view["blocks"]:
        assert_valid_block(raw)
