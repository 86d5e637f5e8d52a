"""Commands the doors send to the core, as plain values with platform-neutral identities."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.domain.periods import Period
from bot.ports import ChannelRef


@dataclass(frozen=True)
class Actor:
    """Who asks, and the facts their door knows about them; bot/service/policy.py decides.

    Study-admin status is not a door fact: the core reads it from the database.
    """

    platform: str
    org_external_id: str
    user_id: str = ""
    workspace_admin: bool = False  # Slack: users.info says is_admin, is_owner or is_primary_owner
    team_owner: bool = False  # Teams: the roster reports userRole "owner"
    team_channel: ChannelRef | None = None  # Teams: the team's General channel, whose study
    # admins (the installer first) administer every channel of the team
    dashboard_role: str | None = None  # web: the role of a dashboard link or session
    operator: bool = False  # may do everything: the command line, or the service itself
    playground_visitor: bool = False  # the web playground's demo members

    @classmethod
    def command_line(cls) -> Actor:
        """The operator at the server's command line (`studybot schedule`, `studybot admins`)."""
        return cls(platform="", org_external_id="", user_id="operator", operator=True)

    @classmethod
    def the_service(cls) -> Actor:
        """studybot itself, acting on a platform event (an installation, a removal)."""
        return cls(platform="", org_external_id="", user_id="studybot", operator=True)


@dataclass(frozen=True)
class RegisterTeam:
    channel: ChannelRef
    org_name: str
    team_name: str
    timezone: str = "UTC"


@dataclass(frozen=True)
class StartDrop:
    channel: ChannelRef
    window: timedelta | None = None  # default: the schedule's window, else DEFAULT_WINDOW
    focus_domain: str | None = None  # default: the schedule's focus, else none
    seed: int | None = None
    deliver_later: bool = False  # leave it pending for the delivery engine (CLI drop-now)
    actor: Actor | None = None  # None: the service's own engine; every door names its actor


@dataclass(frozen=True)
class SubmitAnswer:
    channel: ChannelRef
    drop_id: int
    user_id: str
    display_name: str
    option_ids: tuple[str, ...]


@dataclass(frozen=True)
class CloseDrop:
    drop_id: int
    channel: ChannelRef | None = None  # None only for the scheduler, which acts on every org
    actor: Actor | None = None  # None: the service's own engine; every door names its actor


@dataclass(frozen=True)
class ShowLeaderboard:
    channel: ChannelRef
    period: Period = Period.WEEK
    domain_id: str | None = None
    user_id: str | None = None  # include this member's row even when outside the top
    limit: int = 10
    on: date | None = None  # a local day inside the period to show (default: today)


@dataclass(frozen=True)
class ShowProgress:
    channel: ChannelRef
    user_id: str


@dataclass(frozen=True)
class ShowOrgReport:
    platform: str
    org_external_id: str
    period: Period = Period.ALL
    channel: ChannelRef | None = None  # where it was asked (Slack: its study admins may read it)
    actor: Actor = field(kw_only=True)


@dataclass(frozen=True)
class SaveSchedule:
    channel: ChannelRef
    values: Mapping[str, object] = field(default_factory=dict)
    actor: Actor = field(kw_only=True)
