"""Commands the doors send to the core, as plain values with platform-neutral identities."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.domain.periods import Period
from bot.ports import ChannelRef


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


@dataclass(frozen=True)
class SaveSchedule:
    channel: ChannelRef
    values: Mapping[str, object] = field(default_factory=dict)
