"""Who may do what: the one decision every door's command goes through (docs/architecture.md)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.errors import NotAllowedError, NotFoundError
from bot.ports import ChannelRef
from bot.service import admins  # the module: admins.py asks this policy too
from bot.service.commands import Actor
from bot.service.context import Core
from bot.service.memberships import member_channels

SLACK, TEAMS = "slack", "teams"
ADMIN, MANAGER = "admin", "manager"  # the dashboard's roles


class Action(StrEnum):
    START_DROP = "start a drop"
    CLOSE_DROP = "close a drop"
    SAVE_SCHEDULE = "save a schedule"  # also: open its form
    PAUSE_SCHEDULE = "pause or resume a schedule"
    REMOVE_SCHEDULE = "remove a schedule"
    MANAGE_STUDY_ADMINS = "appoint or remove study admins"  # also: their list on the admin page
    ISSUE_DASHBOARD_LINK = "get a dashboard link"
    READ_ORG_REPORT = "read the organisation's report"
    READ_DASHBOARD = "read the dashboard and API data"
    READ_CONTENT = "read the content pack's health page"
    READ_AUDIT = "read the audit trail"


DROPS = frozenset({Action.START_DROP, Action.CLOSE_DROP})
RUN_CHANNEL = DROPS | {Action.SAVE_SCHEDULE, Action.PAUSE_SCHEDULE, Action.REMOVE_SCHEDULE}
IN_CHANNEL = RUN_CHANNEL | {Action.MANAGE_STUDY_ADMINS}


@dataclass(frozen=True)
class Standing:
    """What the core read from the database about the actor (never a door's claim)."""

    study_admin: bool = False  # of the channel acted on (Teams: or of its team)
    study_admin_somewhere: bool = False  # of any channel of the actor's organisation


@dataclass(frozen=True)
class Decision:
    allowed: bool
    role: str | None = None  # for ISSUE_DASHBOARD_LINK: the dashboard role to grant


ALLOW, REFUSE = Decision(True), Decision(False)


def decide(
    actor: Actor,
    action: Action,
    standing: Standing = Standing(),
    *,
    org: tuple[str, str] | None = None,
) -> Decision:
    """The rule table: the actor's facts and standing, the action -> allowed (and which role).

    `org` is the (platform, organisation) the target belongs to; an actor of another
    organisation is always refused (the operator excepted).
    """
    if actor.operator:
        return Decision(True, ADMIN)
    if org is not None and org != _own(actor):
        return REFUSE
    if _web_door(actor):  # a dashboard grant may be for a Slack workspace or a Teams tenant
        return _web(actor, action)
    if actor.platform == SLACK:
        return _slack(actor, action, standing)
    if actor.platform == TEAMS:
        return _teams(actor, action, standing)
    return REFUSE


def _web_door(actor: Actor) -> bool:
    return actor.dashboard_role is not None or actor.playground_visitor


def _slack(actor: Actor, action: Action, standing: Standing) -> Decision:
    """Workspace admins and owners anywhere; study admins in their own channel."""
    if action is Action.ISSUE_DASHBOARD_LINK:
        if actor.workspace_admin:
            return Decision(True, ADMIN)
        return Decision(True, MANAGER) if standing.study_admin else REFUSE
    if action is Action.MANAGE_STUDY_ADMINS:
        return Decision(actor.workspace_admin)
    if action in RUN_CHANNEL or action is Action.READ_ORG_REPORT:
        return Decision(actor.workspace_admin or standing.study_admin)
    return REFUSE


def _teams(actor: Actor, action: Action, standing: Standing) -> Decision:
    """Study admins of the channel or its team (the installer first) and roster owners."""
    if action is Action.READ_ORG_REPORT:
        return ALLOW  # any member of the tenant
    if action is Action.ISSUE_DASHBOARD_LINK:
        return Decision(True, MANAGER) if standing.study_admin_somewhere else REFUSE
    if action in RUN_CHANNEL or action is Action.MANAGE_STUDY_ADMINS:
        return Decision(standing.study_admin or actor.team_owner)
    return REFUSE


def _web(actor: Actor, action: Action) -> Decision:
    """Dashboard grants: managers read, admins also change; playground visitors run its drops."""
    if actor.playground_visitor:
        return Decision(action in (Action.START_DROP, Action.CLOSE_DROP))
    if actor.dashboard_role == ADMIN:
        return Decision(action is not Action.ISSUE_DASHBOARD_LINK and action not in DROPS)
    if actor.dashboard_role == MANAGER:
        return Decision(action in (Action.READ_DASHBOARD, Action.READ_ORG_REPORT))
    return REFUSE


async def authorize(
    core: Core,
    actor: Actor,
    action: Action,
    channel: ChannelRef | None = None,
    *,
    org: tuple[str, str] | None = None,
) -> Decision:
    """The decision for `actor` doing `action` on `channel` (or in organisation `org`), reading
    study-admin status from the database only when the actor's own facts do not settle it;
    NotAllowedError when refused."""
    where = (channel.platform, channel.org_external_id) if channel else None
    target = org or where
    decision = decide(actor, action, org=target)
    if where is not None and where != target:  # a channel of another organisation than asked
        decision = REFUSE
    elif target is None and action in IN_CHANNEL and not actor.operator:
        decision = REFUSE  # a person's command always names the channel it acts on
    elif not decision.allowed and target in (None, _own(actor)):
        standing = await _standing(core, actor, action, channel)
        if standing != Standing():  # the database said more than the door's facts
            decision = decide(actor, action, standing, org=target)
    if not decision.allowed:
        raise NotAllowedError(action.value)
    return decision


def _own(actor: Actor) -> tuple[str, str]:
    return (actor.platform, actor.org_external_id)


async def _standing(
    core: Core, actor: Actor, action: Action, channel: ChannelRef | None
) -> Standing:
    if not actor.user_id or _web_door(actor):  # the web door's facts settle everything
        return Standing()
    if action is Action.ISSUE_DASHBOARD_LINK and actor.platform == TEAMS:
        mine = await member_channels(
            core, actor.platform, actor.org_external_id, actor.user_id, admin_only=True
        )
        return Standing(study_admin_somewhere=bool(mine))
    if channel is None:
        return Standing()
    here = await _admin_of(core, channel, actor.user_id)
    team = actor.team_channel if actor.platform == TEAMS else None
    if team is not None and (team.platform, team.org_external_id) != _own(actor):
        team = None  # a team of another organisation counts for nothing
    if not here and team is not None and team != channel:
        here = await _admin_of(core, team, actor.user_id)
    return Standing(study_admin=here)


async def _admin_of(core: Core, channel: ChannelRef, user_id: str) -> bool:
    try:
        return await admins.is_study_admin(core, channel, user_id)
    except NotFoundError:  # not a study channel (yet)
        return False
