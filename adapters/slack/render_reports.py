"""Block Kit for the /studybot replies (leaderboard, my progress, the team report, help, welcome)
and for the channel's daily result and weekly digest."""

from __future__ import annotations

from typing import Any

from adapters import plain_text
from adapters.slack.mrkdwn import (
    SECTION_TEXT_MAX,
    Block,
    clip,
    context_block,
    escape,
    packed,
    percent,
    section_block,
)
from bot.domain.periods import Period
from bot.service.views import (
    DailyResult,
    LeaderboardRow,
    LeaderboardView,
    MemberProgressView,
    OrgReportView,
    WeeklyDigest,
)

MESSAGE_BLOCKS_MAX = 50
HEADER_TEXT_MAX = 150  # Block Kit's limit for a header block's text
ROWS_PER_SECTION = 10  # with names clipped to NAME_MAX, ten rows stay far below 3,000 characters
NAME_MAX = 80
PERIOD_NAMES = {Period.WEEK: "This week", Period.MONTH: "This month", Period.ALL: "All time"}

HELP_TEXT = (
    "*studybot* posts an AZ-400 scenario question to this channel on its schedule. "
    "Answer with the buttons; only your first answer counts.\n"
    "• `/studybot leaderboard [domain] [week|month|all]` — the team's leaderboard\n"
    "• `/studybot me` — your accuracy per domain, streak and rank\n"
    "• `/studybot report [week|month|all]` — participation and accuracy per domain "
    "(workspace admins and study admins)\n"
    "• `/studybot schedule` — create or edit this channel's schedule (admins)\n"
    "• `/studybot drop [domain]` — post a question now (admins)\n"
    "• `/studybot admins add|remove @person` — make someone a study admin of this channel "
    "(workspace admins and owners)\n"
    "• `/studybot dashboard` — your private link to the team dashboard (admins)\n"
    "• `/studybot help` — this text"
)


def leaderboard_message(view: LeaderboardView) -> dict[str, Any]:
    title = f"{PERIOD_NAMES[view.period]} · {view.domain_name} · {view.team_name}"
    blocks: list[Block] = [section_block(f"*Leaderboard* · {escape(title)}")]
    for start in range(0, len(view.rows), ROWS_PER_SECTION):
        blocks.append(
            section_block("\n".join(_row(r) for r in view.rows[start : start + ROWS_PER_SECTION]))
        )
    if not view.rows:
        blocks.append(
            section_block(
                "No answers in this period yet. Answer the next question to get on the board!"
            )
        )
    if view.you is not None and all(r.member_id != view.you.member_id for r in view.rows):
        blocks.append(section_block("…\n" + _row(view.you)))
    blocks.append(
        context_block(f"{view.total_members} ranked · since {view.period_start:%Y-%m-%d}")
    )
    return {"text": clip(f"Leaderboard: {title}", 300), "blocks": blocks}


def progress_message(view: MemberProgressView) -> dict[str, Any]:
    return {
        "text": clip(f"Your progress in {view.team_name}", 300),
        "blocks": progress_blocks(view),
    }


def progress_blocks(view: MemberProgressView) -> list[Block]:
    lines = [
        f"• *{escape(d.domain_name)}*: {d.correct}/{d.answered} right ({percent(d.accuracy)}), "
        f"{d.points} points"
        for d in view.domains
    ]
    rank = (
        f"rank {view.rank} of {view.ranked_members}" if view.rank is not None else "not ranked yet"
    )
    weakest = view.weakest_domain
    summary = f"Streak {view.streak} (best {view.best_streak}) · {rank} (all time)"
    if weakest is not None:
        summary += f" · weakest domain so far: {escape(weakest.domain_name)}"
    return [
        section_block(f"*{escape(view.display_name)}* in *{escape(view.team_name)}*"),
        section_block("\n".join(lines)),
        context_block(summary),
    ]


def report_message(view: OrgReportView) -> dict[str, Any]:
    blocks: list[Block] = [
        section_block(f"*Study report* · {escape(view.org_name)} · {PERIOD_NAMES[view.period]}")
    ]
    for team in view.teams[:20]:
        tried = [d for d in team.domains if d.answered]
        weakest = min(tried, key=lambda d: (d.accuracy or 0.0, d.domain_id)) if tried else None
        per_domain = "\n".join(
            f"  {escape(d.domain_name)}: {d.answered} answers, {percent(d.accuracy)} right"
            for d in team.domains
        )
        blocks.append(
            section_block(
                f"*{escape(team.team_name)}* — {team.active_members} of {team.members} members "
                f"answered ({percent(team.participation)}), {team.answers} answers\n{per_domain}\n"
                + (
                    f"  Weakest domain: *{escape(weakest.domain_name)}*"
                    if weakest
                    else "  No answers yet."
                )
            )
        )
    if len(view.teams) > 20:
        blocks.append(context_block(f"Showing 20 of {len(view.teams)} study channels."))
    tried = [d for d in view.domains if d.answered]
    if tried:
        weakest = min(tried, key=lambda d: (d.accuracy or 0.0, d.domain_id))
        blocks.append(
            context_block(
                f"Whole workspace: weakest domain is {escape(weakest.domain_name)} "
                f"({percent(weakest.accuracy)} right)"
            )
        )
    return {"text": clip(f"Study report for {view.org_name}", 300), "blocks": blocks}


def help_message(note: str | None = None) -> dict[str, Any]:
    blocks: list[Block] = []
    if note:
        blocks.append(section_block(f":warning: {escape(note)}"))
    blocks.append(section_block(HELP_TEXT))
    return {"text": note or "How to use studybot", "blocks": blocks}


def text_message(text: str) -> dict[str, Any]:
    """Plain text as sections of whole lines (a section holds 3,000 characters at most)."""
    chunks = packed(escape(text).splitlines())
    blocks = [section_block(chunk or " ") for chunk in chunks[:MESSAGE_BLOCKS_MAX]]
    return {"text": clip(text, SECTION_TEXT_MAX), "blocks": blocks}


def daily_result_message(result: DailyResult) -> dict[str, Any]:
    """The result after a reveal: the plain sentence, with the question and the key in bold."""
    bold = plain_text.daily_result_text(result, lambda part: f"*{escape(part)}*")
    return {
        "text": clip(plain_text.daily_result_text(result), SECTION_TEXT_MAX),
        "blocks": [section_block(bold)],
    }


def weekly_digest_message(digest: WeeklyDigest) -> dict[str, Any]:
    """Last week's leaderboards: a header, then one section per board (or the "nobody" line)."""
    header = {
        "type": "header",
        "text": {
            "type": "plain_text",
            "text": clip(plain_text.digest_title(digest), HEADER_TEXT_MAX),
        },
    }
    blocks: list[Block] = [header]
    boards = plain_text.digest_lines(digest)
    if not boards:
        blocks.append(section_block(plain_text.NOBODY_ANSWERED))
    for name, top in boards[: MESSAGE_BLOCKS_MAX - 1]:
        blocks.append(section_block(f"*{escape(name)}:* {escape(top)}"))
    return {"text": clip(plain_text.weekly_digest_text(digest), SECTION_TEXT_MAX), "blocks": blocks}


def welcome_message() -> dict[str, Any]:
    text = (
        "Hello! I'm studybot. I post one AZ-400 exam question to this channel on a schedule, "
        "reveal the answer when it closes, and keep a leaderboard per exam domain.\n"
        "An admin sets the days and time with `/studybot schedule`, or posts one now with "
        "`/studybot drop`. Type `/studybot help` for everything else."
    )
    return {"text": "studybot joined this channel", "blocks": [section_block(text)]}


def _row(r: LeaderboardRow) -> str:
    return (
        f"{r.rank}. {escape(clip(r.display_name, NAME_MAX))} — *{r.points}* points "
        f"({r.correct}/{r.answered} right)"
    )
