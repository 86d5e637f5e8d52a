"""The words of a chat command (leaderboard, me, report, schedule, drop, admin, dashboard, help).

Slack's /studybot line and a Teams @mention read the same way: each door hands over the text
and how its people call the bot (for the examples in a note), and gets back what is asked for.
Who may do it, and in which channel, the doors and the core's policy decide afterwards.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from bot.domain.periods import Period

PERIOD_WORDS = {
    "week": Period.WEEK,
    "weekly": Period.WEEK,
    "month": Period.MONTH,
    "monthly": Period.MONTH,
    "all": Period.ALL,
    "alltime": Period.ALL,
    "all-time": Period.ALL,
}
LEADERBOARD_VERBS = ("leaderboard", "lb", "top")
ADMIN_VERBS = ("admin", "admins")


@dataclass(frozen=True)
class AskLeaderboard:
    period: Period = Period.WEEK
    domain_id: str | None = None


@dataclass(frozen=True)
class AskProgress:
    pass


@dataclass(frozen=True)
class AskReport:
    period: Period = Period.ALL


@dataclass(frozen=True)
class OpenSchedule:
    pass


@dataclass(frozen=True)
class DropNow:
    focus_domain: str | None = None


@dataclass(frozen=True)
class ChangeStudyAdmins:
    """`admin add|remove` and the words naming the people (each door reads its mentions)."""

    admin: bool
    people: tuple[str, ...]


@dataclass(frozen=True)
class OpenDashboard:
    pass


@dataclass(frozen=True)
class Help:
    note: str | None = None  # why the line was not understood, with what to write instead


ChatCommand = (
    AskLeaderboard
    | AskProgress
    | AskReport
    | OpenSchedule
    | DropNow
    | ChangeStudyAdmins
    | OpenDashboard
    | Help
)


def read_command(text: str, domain_ids: Collection[str], invoke: str) -> ChatCommand:
    """What a command line asks for; anything not understood is help with a note saying why.

    `invoke` is how the door's people address the bot ("/studybot", "@studybot").
    """
    words = text.split()
    verb = words[0].lower() if words else "help"
    args = words[1:]
    domains = {d.lower(): d for d in domain_ids}
    listed = ", ".join(sorted(domain_ids))
    if verb in LEADERBOARD_VERBS:
        board = AskLeaderboard()
        rest = []
        for word in args:
            if word.lower() in PERIOD_WORDS:
                board = AskLeaderboard(PERIOD_WORDS[word.lower()], board.domain_id)
            elif word.lower() in domains:
                board = AskLeaderboard(board.period, domains[word.lower()])
            else:
                rest.append(word)
        if rest:
            return Help(
                f"I don't know {' '.join(rest)!r}: use a domain ({listed}) "
                "and/or week, month or all."
            )
        return board
    if verb == "me" and not args:
        return AskProgress()
    if verb == "report" and len(args) <= 1:
        chosen = PERIOD_WORDS.get(args[0].lower()) if args else Period.ALL
        return Help("The report takes week, month or all.") if chosen is None else AskReport(chosen)
    if verb == "schedule" and not args:
        return OpenSchedule()
    if verb == "drop" and len(args) <= 1:
        if args and args[0].lower() not in domains:
            return Help(f"Unknown domain {args[0]!r}; use one of {listed}.")
        return DropNow(domains[args[0].lower()] if args else None)
    if verb in ADMIN_VERBS and args and args[0].lower() in ("add", "remove"):
        if len(args) < 2:
            return Help(f"Name the person with an @-mention: {invoke} admin add @name")
        return ChangeStudyAdmins(args[0].lower() == "add", tuple(args[1:]))
    if verb == "dashboard" and not args:
        return OpenDashboard()
    if verb == "help" and not args:
        return Help()
    return Help(f"I don't know the command {text.strip()[:80]!r}.")
