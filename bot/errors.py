"""Errors the core raises for people: each says what was wrong and what to do."""

from __future__ import annotations


class StudybotError(Exception):
    """Base for errors whose message is safe and useful to show to a user."""


class NotFoundError(StudybotError):
    """An id named in a command does not exist (or belongs to another organisation)."""


class InvalidInputError(StudybotError):
    """A command carried values the core cannot accept."""


class FieldErrors(InvalidInputError):
    """Several fields are wrong at once; `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{name}: {message}" for name, message in errors.items()))


class NotAllowedError(StudybotError):
    """The policy refused: the person asking may not do this (`action` names what was refused).

    Doors render it in their own words; nothing was changed.
    """

    def __init__(
        self, action: str, message: str = "You may not do that; nothing was changed."
    ) -> None:
        self.action = action
        super().__init__(message)


class NoQuestionsError(StudybotError):
    """The team's eligible question pool is empty (e.g. a focus domain with no questions)."""


class DropPostFailed(StudybotError):
    """The post of a drop started by hand failed. `queued`: the platform was busy, and the
    delivery engine posts it later (so nobody should start another); else it failed for good."""

    def __init__(self, message: str, *, queued: bool) -> None:
        self.queued = queued
        super().__init__(message)


class SettingsError(Exception):
    """A setting is missing or malformed; the message names the environment variable."""
