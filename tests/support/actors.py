"""The actor tests name when the test, not a person, is the one asking: the operator."""

from __future__ import annotations

from bot.service.commands import Actor

OPERATOR = Actor.command_line()
