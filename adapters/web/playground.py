"""The local playground: a study channel in the browser, on the same core as Slack and Teams."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from adapters.plain_text import daily_result_text, weekly_digest_text
from bot.domain.answer_form import tokens_from_fields
from bot.domain.ids import parse_id
from bot.domain.periods import Period, local_time_text
from bot.drop_life import by_hand
from bot.drop_life.history import channel_page
from bot.errors import StudybotError
from bot.ports import ChannelRef
from bot.service.answers import submit_answer
from bot.service.commands import (
    Actor,
    CloseDrop,
    RegisterTeam,
    ShowLeaderboard,
    ShowProgress,
    StartDrop,
    SubmitAnswer,
)
from bot.service.context import Core
from bot.service.directory import register_team
from bot.service.leaderboards import show_leaderboard, show_progress
from bot.service.views import DailyResult, QuestionCard, RevealCard, WeeklyDigest

CHANNEL = ChannelRef("web", "playground", "study-room")
MEMBERS = {"ada": "Ada", "grace": "Grace", "linus": "Linus", "margaret": "Margaret"}
FormStr = Annotated[str, Form()]
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


@dataclass
class PlaygroundPlatform:
    """The playground's side of the chat-platform port: the page reads drops from the core.

    The page does not show channel messages; they are kept, in plain text, in `messages`, and
    private messages to a person (delivery alerts) in `directs`.
    """

    platform: str = "web"
    messages: list[str] = field(default_factory=list)
    directs: list[tuple[str, str]] = field(default_factory=list)  # (user id, text)

    async def post_question(self, channel: ChannelRef, card: QuestionCard) -> str:
        return f"web-{card.drop_id}"

    async def update_question(self, channel: ChannelRef, message_id: str, card: RevealCard) -> None:
        return None

    async def post_text(self, channel: ChannelRef, text: str) -> str:
        self.messages.append(text)
        return f"web-text-{len(self.messages)}"

    async def post_daily_result(self, channel: ChannelRef, result: DailyResult) -> str:
        return await self.post_text(channel, daily_result_text(result))

    async def post_weekly_digest(self, channel: ChannelRef, digest: WeeklyDigest) -> str:
        return await self.post_text(channel, weekly_digest_text(digest))

    async def post_direct(self, channel: ChannelRef, user_id: str, text: str) -> str:
        self.directs.append((user_id, text))
        return f"web-direct-{len(self.directs)}"


async def register_playground(core: Core) -> None:
    await register_team(core, RegisterTeam(CHANNEL, "Playground", "Study room", "UTC"))


PER_PAGE = 6  # questions per page, newest first; older ones on the next pages
MAX_PAGE = 500


def playground_router(core: Core) -> APIRouter:
    router = APIRouter()

    @router.get("/", response_class=HTMLResponse)
    async def page(
        request: Request,
        member: str = "ada",
        period: str = "week",
        domain: str = "",
        note: str = "",
        error: str = "",
        page: str = "1",
    ) -> Response:
        member = member if member in MEMBERS else "ada"
        number = int(page) if page.isdigit() else 1  # a bad page number shows the newest
        number = min(max(1, number), MAX_PAGE)
        chosen_period = Period(period) if period in Period._value2member_map_ else Period.WEEK
        domain_id = domain if domain in {d.id for d in core.pack.domains} else None
        shown = await channel_page(core, CHANNEL, number, PER_PAGE)
        board = await show_leaderboard(
            core, ShowLeaderboard(CHANNEL, chosen_period, domain_id, user_id=member)
        )
        try:
            progress = await show_progress(core, ShowProgress(CHANNEL, member))
        except StudybotError:
            progress = None
        return templates.TemplateResponse(
            request,
            "playground.html",
            {
                "pack": core.pack,
                "members": MEMBERS,
                "member": member,
                "period": chosen_period.value,
                "domain": domain_id or "",
                "open_cards": shown.open_cards,
                "reveals": shown.reveals,
                "picks": shown.picks,
                "board": board,
                "progress": progress,
                "note": note[:300],
                "error": error[:300],
                "page": number,
                "has_older": shown.has_older,
                "when": _when,
            },
        )

    @router.post("/playground/drop")
    async def drop(member: FormStr = "ada", focus: FormStr = "") -> Response:
        try:
            await by_hand.drop_now(
                core, StartDrop(CHANNEL, focus_domain=focus or None, actor=_visitor(member))
            )
        except StudybotError as exc:
            return _back(member, error=str(exc))
        return _back(member, note="A new question was posted.")

    @router.post("/playground/answer")
    async def answer(
        request: Request,
        drop_id: FormStr,
        member: FormStr = "ada",
        option: Annotated[list[str] | None, Form()] = None,
    ) -> Response:
        if member not in MEMBERS:
            return _back("ada", error=f"Unknown demo member {member!r}.")
        # an order or yes/no question names its inputs step1 … or yn_<id> (answer_form)
        fields = tokens_from_fields(dict((await request.form()).items()))
        try:
            cmd = SubmitAnswer(
                CHANNEL, parse_id(drop_id), member, MEMBERS[member], fields or tuple(option or ())
            )
            feedback = await submit_answer(core, cmd)
        except StudybotError as exc:
            return _back(member, error=str(exc))
        return _back(member, note=f"{MEMBERS[member]}: {feedback.message}")

    @router.post("/playground/close")
    async def close(drop_id: FormStr, member: FormStr = "ada") -> Response:
        try:
            cmd = CloseDrop(parse_id(drop_id), CHANNEL, actor=_visitor(member))
            await by_hand.close_and_reveal(core, cmd)
        except StudybotError as exc:
            return _back(member, error=str(exc))
        return _back(member, note="The question is closed; the answer is revealed below.")

    return router


def _visitor(member: str) -> Actor:
    """A demo member: the policy lets them run the playground's own drops, nothing else."""
    return Actor(CHANNEL.platform, CHANNEL.org_external_id, member, playground_visitor=True)


def _when(instant: datetime) -> Markup:
    """A time as UTC text inside <time>; the page's script shows it in the browser's zone."""
    iso = instant.astimezone(UTC).isoformat(timespec="seconds")
    return Markup('<time datetime="{}">{}</time>').format(iso, local_time_text(instant, "UTC"))


def _back(member: str, **params: str) -> RedirectResponse:
    query = urlencode({"member": member if member in MEMBERS else "ada", **params})
    return RedirectResponse(f"/?{query}", status_code=303)
