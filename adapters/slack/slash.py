"""/studybot: leaderboard, me, report, schedule, drop, admins, dashboard and help."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.admins import REFUSAL, IdentityUnavailable, look_up, slack_actor
from adapters.slack.delivery_errors import error_code
from adapters.slack.deps import SlackDeps
from adapters.slack.render_question import error_message
from adapters.slack.render_reports import (
    help_message,
    leaderboard_message,
    progress_message,
    report_message,
    text_message,
)
from adapters.slack.schedule_modal import (
    CALLBACK_ID,
    channel_of,
    field_errors,
    schedule_modal,
    submitted_values,
)
from adapters.slack.translate import channel_ref, mentioned_users
from bot.domain.chat_commands import (
    AskLeaderboard,
    AskProgress,
    AskReport,
    ChangeStudyAdmins,
    ChatCommand,
    DropNow,
    Help,
    OpenDashboard,
    OpenSchedule,
    read_command,
)
from bot.domain.schedule import parse_schedule
from bot.domain.schedule_form import DEFAULT_TIMEZONE
from bot.drop_life import by_hand
from bot.errors import FieldErrors, NotAllowedError, StudybotError
from bot.ports import ChannelRef
from bot.service import policy
from bot.service.admins import set_study_admins
from bot.service.commands import (
    SaveSchedule,
    ShowLeaderboard,
    ShowOrgReport,
    ShowProgress,
    StartDrop,
)
from bot.service.dashboard_links import issue_dashboard_link
from bot.service.directory import find_team
from bot.service.leaderboards import show_leaderboard, show_org_report, show_progress
from bot.service.schedules import get_schedule, save_schedule_for

log = logging.getLogger("studybot.slack")
COMMAND = "/studybot"


def register_slash_command(app: AsyncApp, deps: SlackDeps) -> None:
    core = deps.core

    @app.command(COMMAND)
    async def on_command(
        ack: AsyncAck,
        command: dict[str, Any],
        context: AsyncBoltContext,
        respond: AsyncRespond,
        client: AsyncWebClient,
    ) -> None:
        if not context.team_id:
            await ack(**error_message("studybot works inside a workspace's channels."))
            return
        channel = channel_ref(context.team_id, str(command.get("channel_id", "")))
        user_id = str(command.get("user_id", ""))
        parsed = read_command(
            str(command.get("text") or ""), [d.id for d in core.pack.domains], COMMAND
        )
        if isinstance(parsed, ChangeStudyAdmins) and mentioned_users(parsed.people) is None:
            parsed = Help(f"Name the person with an @-mention: {COMMAND} admins add @name")
        if isinstance(parsed, AskLeaderboard | AskProgress | Help):
            # read-only: answered in the ack
            await ack(**await _quick_reply(deps, parsed, channel, user_id))
            return
        await ack()  # the rest asks Slack who the person is first: answered via response_url

        async def privileged() -> None:
            try:
                message = await _privileged(deps, parsed, channel, user_id, command, client)
            except Exception as exc:
                message = _failure(exc)
            if message is not None:
                await respond(response_type="ephemeral", **message)

        deps.background.spawn(privileged(), "/studybot")

    @app.view(CALLBACK_ID)
    async def on_schedule_saved(
        ack: AsyncAck,
        body: dict[str, Any],
        view: dict[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
    ) -> None:
        try:
            channel = channel_ref(str(context.team_id or ""), channel_of(view))
        except ValueError:
            await ack(response_action="errors", errors={"days": "This form has expired."})
            return
        try:  # the fields first: their errors are shown whoever sent them
            parse_schedule(submitted_values(view), [d.id for d in core.pack.domains])
        except FieldErrors as exc:
            await ack(response_action="errors", errors=field_errors(exc.errors))
            return
        user_id = str(body.get("user", {}).get("id", ""))
        user = deps.people.get(channel.org_external_id, user_id)
        if user is not None:  # looked up when the modal was opened: refresh after the ack
            deps.background.spawn(
                _refresh(deps, client, channel.org_external_id, user_id), "admin facts"
            )
        else:
            try:
                async with asyncio.timeout(deps.ack_budget):
                    user = await deps.people.look_up(client, channel.org_external_id, user_id)
            except IdentityUnavailable as exc:
                await ack(response_action="errors", errors={"days": str(exc)})
                return
            except TimeoutError:
                unavailable = IdentityUnavailable("Slack is slow to answer")
                await ack(response_action="errors", errors={"days": str(unavailable)})
                return
        if not context.team_id:
            await ack(response_action="errors", errors={"days": REFUSAL})
            return
        actor = slack_actor(channel.org_external_id, user)
        try:
            submitted = await save_schedule_for(
                core, SaveSchedule(channel, submitted_values(view), actor=actor)
            )
        except NotAllowedError:
            await ack(response_action="errors", errors={"days": REFUSAL})
            return
        except StudybotError as exc:
            await ack(response_action="errors", errors={"days": str(exc)})
            return
        if submitted.saved is None:
            await ack(response_action="errors", errors=field_errors(submitted.errors))
            return
        schedule = submitted.saved
        await ack()
        state = "" if schedule.active else " (paused)"
        text = (
            f"Schedule saved{state}: {', '.join(schedule.day_names())} at "
            f"{schedule.local_time:%H:%M} {schedule.timezone}, "
            f"answers open {schedule.window_text()}."
        )
        deps.background.spawn(
            client.chat_postEphemeral(
                channel=channel.channel_id, user=user.id, **text_message(text)
            ),
            "schedule confirmation",
        )


REFUSALS = {
    policy.Action.READ_ORG_REPORT.value: "The report is for workspace admins and study admins.",
    policy.Action.MANAGE_STUDY_ADMINS.value: (
        "Only workspace admins and owners can name study admins."
    ),
    policy.Action.ISSUE_DASHBOARD_LINK.value: (
        "The dashboard is for workspace admins and study admins; ask one of them for a link."
    ),
}  # what Slack people are told when the policy refuses; anything else: REFUSAL


async def _privileged(
    deps: SlackDeps,
    parsed: ChatCommand,
    channel: ChannelRef,
    user_id: str,
    command: dict[str, Any],
    client: AsyncWebClient,
) -> dict[str, Any] | None:
    user = await deps.people.look_up(client, channel.org_external_id, user_id)
    actor = slack_actor(channel.org_external_id, user)
    core = deps.core
    if isinstance(parsed, AskReport):
        report = ShowOrgReport(
            channel.platform, channel.org_external_id, parsed.period, channel, actor=actor
        )
        return report_message(await show_org_report(core, report))
    if isinstance(parsed, ChangeStudyAdmins):
        # asked before the people are looked up, so a refusal costs no users.info call
        await policy.authorize(core, actor, policy.Action.MANAGE_STUDY_ADMINS, channel)
        found = [  # everyone is looked up before anyone is changed
            await look_up(client, target_id, who="that person is")
            for target_id in mentioned_users(parsed.people) or ()
        ]
        people = [(p.id, p.name) for p in found]
        said = await set_study_admins(
            core, channel, people, parsed.admin, actor=actor, where="of this channel"
        )
        return text_message(said)
    if isinstance(parsed, OpenDashboard):
        return text_message((await issue_dashboard_link(core, actor, channel)).message)
    if isinstance(parsed, DropNow):
        card = await by_hand.drop_now(
            core, StartDrop(channel, focus_domain=parsed.focus_domain, actor=actor)
        )
        return text_message(f"Question #{card.seq} ({card.domain_name}) is posted.")
    if isinstance(parsed, OpenSchedule):
        await policy.authorize(core, actor, policy.Action.SAVE_SCHEDULE, channel)
        async with core.db.read() as conn:
            await find_team(conn, channel)  # a clear error for a channel studybot is not in
        view = schedule_modal(
            channel.channel_id,
            await get_schedule(core, channel),
            core.pack.domains,
            user.timezone or DEFAULT_TIMEZONE,
        )
        await client.views_open(trigger_id=str(command.get("trigger_id", "")), view=view)
        return None
    return help_message()


async def _refresh(deps: SlackDeps, client: AsyncWebClient, team_id: str, user_id: str) -> None:
    with contextlib.suppress(IdentityUnavailable):  # logged; the facts expire on their own
        await deps.people.look_up(client, team_id, user_id)


async def _quick_reply(
    deps: SlackDeps, parsed: AskLeaderboard | AskProgress | Help, channel: ChannelRef, user_id: str
) -> dict[str, Any]:
    try:
        if isinstance(parsed, AskLeaderboard):
            asked = ShowLeaderboard(channel, parsed.period, parsed.domain_id, user_id=user_id)
            return leaderboard_message(await show_leaderboard(deps.core, asked))
        if isinstance(parsed, AskProgress):
            return progress_message(await show_progress(deps.core, ShowProgress(channel, user_id)))
        return help_message(parsed.note)
    except Exception as exc:
        return _failure(exc)


def _failure(exc: Exception) -> dict[str, Any]:
    """What the person is told when a command failed; nothing was changed."""
    if isinstance(exc, NotAllowedError):
        return error_message(REFUSALS.get(exc.action, REFUSAL))
    if isinstance(exc, StudybotError | IdentityUnavailable):
        return error_message(str(exc))
    if isinstance(exc, SlackApiError):
        return error_message(
            f"Slack refused the request ({error_code(exc)}). Try again in a minute."
        )
    log.error("/studybot failed", exc_info=exc)
    return error_message("Something went wrong; nothing was changed.")
