"""The chat command grammar both doors read: every command, its arguments and the notes."""

from __future__ import annotations

import pytest

from bot.domain.chat_commands import (
    AskLeaderboard,
    AskProgress,
    AskReport,
    ChangeStudyAdmins,
    DropNow,
    Help,
    OpenDashboard,
    OpenSchedule,
    read_command,
)
from bot.domain.periods import Period

DOMAINS = ["D1", "D2"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("leaderboard", AskLeaderboard(Period.WEEK, None)),
        ("leaderboard d2 all", AskLeaderboard(Period.ALL, "D2")),
        ("LEADERBOARD month D1", AskLeaderboard(Period.MONTH, "D1")),
        ("lb weekly", AskLeaderboard(Period.WEEK, None)),
        ("top all-time d1", AskLeaderboard(Period.ALL, "D1")),
        ("me", AskProgress()),
        ("report", AskReport(Period.ALL)),
        ("report week", AskReport(Period.WEEK)),
        ("report Monthly", AskReport(Period.MONTH)),
        ("schedule", OpenSchedule()),
        ("drop", DropNow(None)),
        ("drop d1", DropNow("D1")),
        ("admins add <@U0ABC|ada>", ChangeStudyAdmins(True, ("<@U0ABC|ada>",))),
        ("admin remove Ada Lovelace", ChangeStudyAdmins(False, ("Ada", "Lovelace"))),
        ("ADMIN Add x", ChangeStudyAdmins(True, ("x",))),
        ("dashboard", OpenDashboard()),
        ("help", Help()),
        ("", Help()),
        ("   ", Help()),
    ],
)
def test_commands_read(text: str, expected: object) -> None:
    assert read_command(text, DOMAINS, "/studybot") == expected


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("dance", "I don't know the command 'dance'."),
        ("leaderboard D7", "I don't know 'D7': use a domain (D1, D2) and/or week, month or all."),
        ("leaderboard week soon", "I don't know 'soon'"),
        ("report yearly", "The report takes week, month or all."),
        ("report week month", "I don't know the command 'report week month'."),
        ("drop D9", "Unknown domain 'D9'; use one of D1, D2."),
        ("drop d1 d2", "I don't know the command"),
        ("admin add", "Name the person with an @-mention: @studybot admin add @name"),
        ("admin promote @ada", "I don't know the command 'admin promote @ada'."),
        ("me too", "I don't know the command 'me too'."),
        ("schedule now", "I don't know the command"),
        ("dashboard please", "I don't know the command"),
        ("help me", "I don't know the command"),
    ],
)
def test_anything_else_is_help_with_a_note_saying_why(text: str, note: str) -> None:
    asked = read_command(text, DOMAINS, "@studybot")
    assert isinstance(asked, Help)
    assert asked.note is not None
    assert note in asked.note


def test_a_long_unknown_line_is_cut_in_the_note() -> None:
    asked = read_command("x" * 500, DOMAINS, "/studybot")
    assert isinstance(asked, Help)
    assert asked.note is not None
    assert len(asked.note) < 120
