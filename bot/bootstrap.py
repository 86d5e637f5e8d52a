"""The composition root: builds the running service from settings (the only bot/ module that
imports adapters)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from bot.domain.scoring import ScoringPolicy
from bot.observability import tracing
from bot.packs.loader import load_pack
from bot.ports import ChatPlatform, Clock, SystemClock
from bot.service.catalog import sync_pack
from bot.service.context import Core
from bot.service.dashboard_links import LINK_HOURS
from bot.settings import Settings, SettingsProblems, served_url
from bot.storage.database import Database, describe_url
from bot.storage.migrate import upgrade

if TYPE_CHECKING:  # the doors (FastAPI, Slack, Teams) load only for the commands that serve
    from fastapi import FastAPI

    from adapters.slack.settings import SlackSettings
    from adapters.teams.settings import TeamsSettings
    from adapters.web.dashboard_settings import DashboardSettings

log = logging.getLogger("studybot")


async def build_core(
    settings: Settings,
    *,
    clock: Clock | None = None,
    platforms: dict[str, ChatPlatform] | None = None,
    database: Database | None = None,
) -> Core:
    """Load the pack (refusing a broken one), open and migrate the database, sync the questions."""
    clock = clock or SystemClock()
    pack = load_pack(settings.content_dir)
    db = database or Database(settings.database_url)
    try:
        await db.check()
        await upgrade(db)
        questions = await sync_pack(db, pack, clock.now())
    except BaseException:
        await db.dispose()
        raise
    log.info(
        "database %s ready; exam pack %s loaded with %d questions",
        describe_url(settings.database_url),
        pack.exam.code,
        len(pack.questions),
    )
    return Core(
        db=db,
        pack=pack,
        questions=questions,
        clock=clock,
        scoring=ScoringPolicy(speed_bonus=settings.speed_bonus),
        seed=settings.selection_seed,
        platforms=dict(platforms or {}),
    )


async def build_service(
    settings: Settings,
    *,
    clock: Clock | None = None,
    database: Database | None = None,
    env: Mapping[str, str] | None = None,
) -> tuple[Core, FastAPI]:
    """The core and the HTTP app with every door that the settings switch on.

    The doors read their own settings from the same environment, before anything starts, so a
    bad value stops the start with one line naming it.
    """
    from adapters.web.app import create_web_app
    from adapters.web.playground import PlaygroundPlatform, register_playground

    # dashboard None: no key, so no dashboard, admin or API; links default to where this listens
    slack, teams, dashboard = door_settings(env, served=served_url(settings.host, settings.port))
    platforms: dict[str, ChatPlatform] = {}
    if settings.playground:
        platforms["web"] = PlaygroundPlatform()
    core = await build_core(settings, clock=clock, platforms=platforms, database=database)
    if settings.playground:
        await register_playground(core)
    if dashboard is not None:
        core.dashboard_links = partial(_dashboard_link, dashboard, core)
    app = create_web_app(
        core,
        playground=settings.playground,
        dashboard=dashboard,
        content_dir=settings.content_dir,
        metrics_token=settings.metrics_token,
    )
    app.state.slack = None
    app.state.socket = None
    app.state.teams = None
    if slack.enabled:  # each chat door's SDK loads only when that door is configured
        from adapters.slack.http import mount_slack

        app.state.slack = mount_slack(app, core, slack)
    if teams.enabled:
        from adapters.teams.server import mount_teams

        # POST /api/messages, and core.platforms["teams"]
        app.state.teams = mount_teams(app, core, teams)
    if tracing.enabled(os.environ if env is None else env):
        tracing.instrument(app, core.db, tracing.otlp_provider())
        log.info("tracing: spans go to the OTLP endpoint that OTEL_EXPORTER_OTLP_ENDPOINT names")
    return core, app


def door_settings(
    env: Mapping[str, str] | None, *, served: str | None = None
) -> tuple[SlackSettings, TeamsSettings, DashboardSettings | None]:
    """Every door's settings, naming all the bad ones at once (SettingsErrors for several)."""
    from adapters.slack.settings import SlackMode, SlackSettings
    from adapters.teams.settings import TeamsSettings
    from adapters.web.dashboard_settings import DashboardSettings

    problems = SettingsProblems()
    slack = problems.read(lambda: SlackSettings.from_env(env), SlackSettings(SlackMode.OFF))
    teams = problems.read(lambda: TeamsSettings.from_env(env), TeamsSettings(enabled=False))
    dashboard = problems.read(lambda: DashboardSettings.from_env(env, served=served), None)
    problems.raise_if_any()
    return slack, teams, dashboard


async def start_doors(app: FastAPI) -> None:
    """Open what a door keeps open beside the HTTP server (Slack's Socket Mode connection)."""
    door = app.state.slack
    if door is None:
        return
    from adapters.slack.settings import SlackMode
    from adapters.slack.socket_mode import SocketModeConnection

    if door.settings.mode is SlackMode.SOCKET:
        app.state.socket = SocketModeConnection(door)
        await app.state.socket.start()  # a refused app token stops the start with SettingsError
        log.info("Slack connected over Socket Mode")


FOLLOW_UP_GRACE = 1.0  # seconds for private replies to answers already stored, at a stop


async def stop_doors(app: FastAPI) -> None:
    """Close the doors; Slack's private replies to answers already stored get a moment first,
    and the answer-count updates still waiting are cancelled."""
    if app.state.socket is not None:
        await app.state.socket.close()
    if app.state.slack is not None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(FOLLOW_UP_GRACE):
                await app.state.slack.deps.background.settle()
        await app.state.slack.aclose()
    if app.state.teams is not None and app.state.teams.live_count is not None:
        await app.state.teams.live_count.aclose()  # before the database closes


def _dashboard_link(
    dashboard: DashboardSettings, core: Core, *, platform: str, workspace: str, role: str
) -> str:
    """What a chat door hands a manager or admin who asks for the dashboard: valid for a day."""
    from adapters.web.access import dashboard_link

    return dashboard_link(
        dashboard,
        platform=platform,
        workspace=workspace,
        role=role,
        hours=LINK_HOURS,
        now=core.clock.now(),
    )


def dashboard_link_from_env(
    env: Mapping[str, str], *, platform: str, workspace: str, role: str, hours: float
) -> str:
    """A signed, expiring dashboard link for `studybot dashboard-link`."""
    from datetime import UTC, datetime

    from adapters.web.access import link_from_env

    return link_from_env(
        env, platform=platform, workspace=workspace, role=role, hours=hours, now=datetime.now(UTC)
    )


def build_teams_package(out_dir: Path) -> Path:
    """The Teams app zip for `studybot teams package` (app id and website from the env)."""
    from adapters.teams.package import build_package

    return build_package(out_dir)
