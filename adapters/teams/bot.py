"""The Teams activity handler: installation, @mention commands and Action.Execute clicks."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from botbuilder.core import (  # type: ignore[import-untyped]
    ActivityHandler,
    InvokeResponse,
    TurnContext,
)

from adapters.teams import render
from adapters.teams.audience import INVOKE_WAIT, AudienceCache, roster_conversation
from adapters.teams.commands import run_command
from adapters.teams.conversations import forget_team, save_reference
from adapters.teams.names import place_names, renamed
from adapters.teams.question_cache import QuestionCache
from adapters.teams.removal import pause_removed_team, team_channels, tell_admins
from adapters.teams.replies import (
    card_activity,
    card_response,
    error_response,
    message_response,
)
from adapters.teams.roles import REFUSAL, Roster, team_channel, teams_actor, teams_roster
from adapters.teams.translate import (
    PLATFORM,
    MalformedActionError,
    MalformedActivityError,
    TurnIdentity,
    answer_choice,
    execute_action,
    identify,
    refreshed_drop,
)
from bot.domain.schedule_form import schedule_form, submitted_fields
from bot.drop_life.card_state import card_state
from bot.drop_life.live_count import LiveCount
from bot.errors import NotAllowedError, StudybotError
from bot.service import policy
from bot.service.answers import submit_answer
from bot.service.commands import RegisterTeam, SaveSchedule, SubmitAnswer
from bot.service.context import Core
from bot.service.directory import stored_names
from bot.service.events import first_delivery
from bot.service.lifecycle import record_removal, team_installed
from bot.service.schedules import save_schedule_for
from bot.service.views import AnswerStatus

log = logging.getLogger("studybot.teams")


UNHANDLED = "studybot has no dialogs or message extensions; send **@studybot help**."


def quiet_invoke_body(name: Any) -> dict[str, Any] | None:
    """A valid answer to an invoke studybot does not handle (Teams shows no error for it)."""
    if isinstance(name, str) and name.startswith("task/"):
        return {"task": {"type": "message", "value": UNHANDLED}}
    if isinstance(name, str) and name.startswith("composeExtension/"):
        return {"composeExtension": {"type": "message", "text": UNHANDLED}}
    return None


class StudybotTeamsBot(ActivityHandler):  # type: ignore[misc]
    """Turns Teams activities into core commands and renders the core's answers as cards."""

    def __init__(
        self,
        core: Core,
        roster: Roster = teams_roster,
        questions: QuestionCache | None = None,
        *,
        audiences: AudienceCache | None = None,
        live_count: LiveCount | None = None,
    ) -> None:
        super().__init__()
        self.core = core
        self.roster = roster
        self.questions = questions or QuestionCache()
        self.audiences = audiences or AudienceCache()
        self.live_count = live_count  # None: the shared card's count is not kept live

    async def _once(self, who: TurnIdentity, activity: Any) -> bool:
        """False for a redelivery of an activity already handled."""
        if not activity.id:
            return True
        return await first_delivery(self.core, PLATFORM, f"{who.tenant_id}:{activity.id}")

    async def _remember(self, turn_context: Any, who: TurnIdentity) -> None:
        reference = TurnContext.get_conversation_reference(turn_context.activity)
        reference.conversation.id = who.conversation_id  # post new threads, not replies
        reference.activity_id = None
        await save_reference(self.core, who, reference.serialize())

    async def on_conversation_update_activity(self, turn_context: Any) -> None:
        activity = turn_context.activity
        who = identify(activity)
        bot_id = activity.recipient.id if activity.recipient else None
        added = any(m.id == bot_id for m in activity.members_added or [])
        removed = any(m.id == bot_id for m in activity.members_removed or [])
        if removed:
            await self._removed(who)
            return
        data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
        event = data.get("eventType")
        if event in ("teamRenamed", "channelRenamed"):
            await renamed(self.core, who, str(event), await team_channels(self.core, who))
            return
        if not added or not await self._once(who, activity):
            return
        await self._remember(turn_context, who)
        installer = await self._install(turn_context, who) if who.kind == "channel" else None
        await turn_context.send_activity(card_activity(render.welcome_card(installer), "Welcome"))

    async def _removed(self, who: TurnIdentity) -> None:
        """The app left a team: pause its schedules, tell the admins, forget the references."""
        admins = await pause_removed_team(self.core, who)
        where = who.team_name or who.place_name
        await record_removal(self.core, who.channel.platform, who.tenant_id, where)
        await forget_team(self.core, who.tenant_id, who.team_id, who.conversation_id)
        await tell_admins(self.core, who, admins, who.team_name or who.place_name)

    async def on_installation_update_remove(self, turn_context: Any) -> None:
        who = identify(turn_context.activity)
        if who.kind == "channel":
            await self._removed(who)

    async def _install(self, turn_context: Any, who: TurnIdentity) -> str:
        """The installer becomes a study admin of the team (its General channel); their name."""
        names = await place_names(self.core, turn_context, who)
        team, home = team_channel(who), None
        if team is not None and team != who.channel:
            _, known = await stored_names(self.core, team)
            general = f"{who.team_name} › General" if who.team_name else names.team
            home = RegisterTeam(team, names.org, known or general)
        place = RegisterTeam(who.channel, names.org, names.team)
        where = who.team_name or names.team
        await team_installed(self.core, place, who.user_id, who.display_name, home, where)
        return who.display_name

    async def on_installation_update_add(self, turn_context: Any) -> None:
        """Teams also reports the install as installationUpdate: make sure its `from` is admin."""
        who = identify(turn_context.activity)
        if who.kind != "channel" or not await self._once(who, turn_context.activity):
            return
        await self._remember(turn_context, who)
        await self._install(turn_context, who)

    async def on_message_activity(self, turn_context: Any) -> None:
        who = identify(turn_context.activity)
        if not await self._once(who, turn_context.activity):
            return
        await self._remember(turn_context, who)
        reply = await run_command(self.core, turn_context, who, self.roster)
        if reply is not None:
            await turn_context.send_activity(reply)

    async def on_invoke_activity(self, turn_context: Any) -> Any:
        name = turn_context.activity.name
        if name == "adaptiveCard/action":
            return InvokeResponse(status=int(HTTPStatus.OK), body=await self._execute(turn_context))
        return InvokeResponse(status=int(HTTPStatus.OK), body=quiet_invoke_body(name))

    async def _execute(self, turn_context: Any) -> dict[str, Any]:
        """The answer to an Action.Execute click (a refreshed card, a message or an error)."""
        try:
            who = identify(turn_context.activity)
            verb, data = execute_action(turn_context.activity.value)
            if verb == render.ANSWER_VERB:
                return await self._answer(turn_context, who, data)
            if verb == render.REFRESH_VERB:
                return await self._own_view(turn_context, who, data)
            if verb == render.SCHEDULE_VERB:
                return await self._save_schedule(turn_context, who, data)
        except (MalformedActivityError, MalformedActionError) as exc:
            return error_response(HTTPStatus.BAD_REQUEST, "BadRequest", str(exc))
        except StudybotError as exc:
            return message_response(str(exc))
        except Exception:  # a bug or an outage: log it, tell Teams the action failed
            log.exception("Teams card action failed")
            return error_response(
                HTTPStatus.INTERNAL_SERVER_ERROR,
                "InternalError",
                "Something went wrong; try again.",
            )
        return error_response(HTTPStatus.BAD_REQUEST, "NotSupported", f"Unknown verb {verb!r}.")

    async def _refresh(self, turn_context: Any, who: TurnIdentity, drop_id: int) -> render.Card:
        """The same `refresh` the shared card carries (see audience.py)."""
        place = roster_conversation(who.conversation_id, who.team_id)
        user_ids = await self.audiences.audience(turn_context, who.tenant_id, place, INVOKE_WAIT)
        return render.refresh_for(drop_id, user_ids)

    async def _answer(self, turn_context: Any, who: TurnIdentity, data: Any) -> dict[str, Any]:
        drop_id, option_ids = answer_choice(data)
        await self.questions.check_place(self.core, drop_id, who.channel)
        feedback = await submit_answer(
            self.core,
            SubmitAnswer(who.channel, drop_id, who.user_id, who.display_name, option_ids),
        )
        if feedback.status is AnswerStatus.RECORDED and self.live_count is not None:
            self.live_count.answered(who.channel, drop_id)
        question = await self.questions.card(self.core, drop_id, who.channel)
        refresh = await self._refresh(turn_context, who, drop_id)
        return card_response(render.feedback_card(question, feedback, refresh=refresh))

    async def _own_view(self, turn_context: Any, who: TurnIdentity, data: Any) -> dict[str, Any]:
        """A refresh (Teams' automatic one, or the member's Refresh): the card as it stands,
        as this member sees it (their answer, the live count, or the reveal once it has run)."""
        drop_id = refreshed_drop(data)
        state = await card_state(self.core, drop_id, who.channel, who.user_id)
        refresh = await self._refresh(turn_context, who, drop_id)
        return card_response(render.member_card(state, refresh=refresh))

    async def _save_schedule(
        self, turn_context: Any, who: TurnIdentity, data: Any
    ) -> dict[str, Any]:
        if who.kind != "channel":
            return message_response(REFUSAL)
        actor = await teams_actor(turn_context, who, self.roster)
        try:  # refused before the fields are read, as the form's first answer
            await policy.authorize(self.core, actor, policy.Action.SAVE_SCHEDULE, who.channel)
        except NotAllowedError:
            return message_response(REFUSAL)
        values = submitted_fields(data)

        async def place() -> RegisterTeam:  # once the fields are valid: where the form came from
            await self._remember(turn_context, who)
            names = await place_names(self.core, turn_context, who)
            return RegisterTeam(who.channel, names.org, names.team)

        cmd = SaveSchedule(who.channel, values, actor=actor)
        submitted = await save_schedule_for(self.core, cmd, place)
        if submitted.saved is None:
            form = schedule_form(
                submitted.current,
                self.core.pack.domains,
                values=submitted.values,
                errors=submitted.errors,
            )
            return card_response(render.schedule_card(form))
        return card_response(render.schedule_saved_card(submitted.saved))
