"""The @mention commands: translate each into a core command and reply with its rendering."""

from __future__ import annotations

from typing import Any

from adapters.teams import render
from adapters.teams.conversations import tenant_channels
from adapters.teams.replies import card_activity, text_activity
from adapters.teams.roles import REFUSAL, Roster, teams_actor
from adapters.teams.translate import PLATFORM, TurnIdentity, command_text, mentioned_people
from bot.domain.chat_commands import (
    AskLeaderboard,
    AskProgress,
    AskReport,
    ChangeStudyAdmins,
    DropNow,
    Help,
    OpenSchedule,
    read_command,
)
from bot.domain.schedule_form import schedule_form
from bot.drop_life import by_hand
from bot.errors import NotAllowedError, NotFoundError, StudybotError
from bot.ports import ChannelRef
from bot.service import policy
from bot.service.admins import set_study_admins
from bot.service.commands import Actor, ShowLeaderboard, ShowOrgReport, ShowProgress, StartDrop
from bot.service.context import Core
from bot.service.dashboard_links import issue_dashboard_link
from bot.service.leaderboards import show_leaderboard, show_org_report, show_progress
from bot.service.schedules import get_schedule, the_study_channel

INVOKE = "@studybot"
NOT_STUDY_CHANNEL = (
    "This channel is not a study channel yet. A team owner or study admin starts it here with "
    "**@studybot schedule**."
)
CHANNEL_ONLY = "Run this in the team channel you study in (bots cannot manage chats)."
REFUSALS = {
    policy.Action.MANAGE_STUDY_ADMINS.value: (
        "Only team owners and study admins can choose study admins; nothing was changed."
    ),
    policy.Action.ISSUE_DASHBOARD_LINK.value: (
        "The dashboard is for study admins. A team owner makes you one with "
        "**@studybot admin add @you** in the study channel."
    ),
}  # what Teams people are told when the policy refuses; anything else: REFUSAL


async def run_command(core: Core, turn_context: Any, who: TurnIdentity, roster: Roster) -> Any:
    """The reply activity to a message addressed to the bot."""
    text = command_text(turn_context.activity)
    asked = read_command(text, [d.id for d in core.pack.domains], INVOKE)
    try:
        if isinstance(asked, Help):
            if asked.note:
                return text_activity(f"{asked.note} Send **{INVOKE} help** for the list.")
            return card_activity(render.help_card(), "studybot commands")
        if isinstance(asked, AskLeaderboard):
            return await _leaderboard(core, who, asked)
        if isinstance(asked, AskProgress):
            return await _me(core, who)
        if isinstance(asked, AskReport):
            report = ShowOrgReport(PLATFORM, who.tenant_id, asked.period, actor=_member(who))
            view = await show_org_report(core, report)
            return card_activity(render.report_card(view), "Study report")
        if isinstance(asked, OpenSchedule):
            return await _schedule(core, turn_context, who, roster)
        if isinstance(asked, DropNow):
            return await _drop(core, turn_context, who, roster, asked.focus_domain)
        if isinstance(asked, ChangeStudyAdmins):
            return await _admin(core, turn_context, who, roster, asked.admin)
        return await _dashboard(core, who)
    except NotAllowedError as exc:
        return text_activity(REFUSALS.get(exc.action, REFUSAL))
    except StudybotError as exc:  # not found, invalid input: the core's message says what to do
        return text_activity(str(exc))


def _member(who: TurnIdentity) -> Actor:
    """The asker with no roster facts (for what every member of the tenant may do)."""
    return Actor(PLATFORM, who.tenant_id, who.user_id)


async def _study_channel(core: Core, who: TurnIdentity) -> ChannelRef | None:
    """The channel a personal or group chat command is about: the tenant's only study channel."""
    if who.kind == "channel":
        return who.channel
    known = await tenant_channels(core, who.tenant_id)
    return await the_study_channel(
        core, [ChannelRef(PLATFORM, who.tenant_id, c.channel_key) for c in known]
    )


async def _leaderboard(core: Core, who: TurnIdentity, asked: AskLeaderboard) -> Any:
    channel = await _study_channel(core, who)
    if channel is None:
        return text_activity("Ask me in your study channel: **@studybot leaderboard**.")
    view = await show_leaderboard(
        core, ShowLeaderboard(channel, asked.period, asked.domain_id, user_id=who.user_id)
    )
    return card_activity(render.leaderboard_card(view), f"Leaderboard · {view.team_name}")


async def _me(core: Core, who: TurnIdentity) -> Any:
    channel = await _study_channel(core, who)
    if channel is None:
        return text_activity("Ask me in your study channel: **@studybot me**.")
    view = await show_progress(core, ShowProgress(channel, who.user_id))
    return card_activity(render.progress_card(view), f"Your progress · {view.team_name}")


async def _schedule(core: Core, turn_context: Any, who: TurnIdentity, roster: Roster) -> Any:
    if who.kind != "channel":
        return text_activity(CHANNEL_ONLY)
    actor = await teams_actor(turn_context, who, roster)
    await policy.authorize(core, actor, policy.Action.SAVE_SCHEDULE, who.channel)
    try:
        current = await get_schedule(core, who.channel)
    except NotFoundError:
        current = None
    form = schedule_form(current, core.pack.domains)
    return card_activity(render.schedule_card(form), form.title)


async def _drop(
    core: Core, turn_context: Any, who: TurnIdentity, roster: Roster, domain: str | None
) -> Any:
    if who.kind != "channel":
        return text_activity(CHANNEL_ONLY)
    actor = await teams_actor(turn_context, who, roster)
    await policy.authorize(core, actor, policy.Action.START_DROP, who.channel)
    try:
        await get_schedule(core, who.channel)
    except NotFoundError:
        return text_activity(NOT_STUDY_CHANNEL)
    await by_hand.drop_now(core, StartDrop(who.channel, focus_domain=domain, actor=actor))
    return None  # the question card itself is the answer (DropPostFailed: the core's words)


async def _dashboard(core: Core, who: TurnIdentity) -> Any:
    """A manager link to the dashboard, only in the private chat, only for study admins."""
    if who.kind != "personal":
        return text_activity(
            "Dashboard links are personal: send **dashboard** to me in a private chat."
        )
    return text_activity((await issue_dashboard_link(core, _member(who))).message)


async def _admin(
    core: Core, turn_context: Any, who: TurnIdentity, roster: Roster, add: bool
) -> Any:
    if who.kind != "channel":
        return text_activity(CHANNEL_ONLY)
    people = mentioned_people(turn_context.activity)
    if not people:
        return text_activity("Use **@studybot admin add @person** or **admin remove @person**.")
    actor = await teams_actor(turn_context, who, roster)
    await policy.authorize(core, actor, policy.Action.MANAGE_STUDY_ADMINS, who.channel)
    try:
        await get_schedule(core, who.channel)
    except NotFoundError:
        return text_activity(NOT_STUDY_CHANNEL)
    found = []  # everyone is looked up before anyone is changed
    for user_key, name in people:
        member = await roster(turn_context, user_key)
        if member is None or not member.aad_object_id:
            return text_activity(f"{name} is not a member of this team; nothing was changed.")
        found.append((member.aad_object_id, member.name))
    return text_activity(await set_study_admins(core, who.channel, found, add, actor=actor))
