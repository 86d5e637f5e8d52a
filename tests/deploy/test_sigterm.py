"""Stopping a replica safely: two `studybot serve` processes share one database behind a loopback
Slack; SIGTERM reaches the one posting a fan-out while an answer burst is arriving at it.

It must exit 0 within 10 s; every answer it acknowledged is stored; members it no longer takes
are answered by the other replica (as a load balancer would retry them); no answer is stored
twice; it holds no drop once it has exited; and the other replica posts the rest of the fan-out
long before the stopped replica's lease (120 s) would have let it, each channel exactly once.
Waits are polls with a deadline, never fixed sleeps.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import func, select, update

from adapters.slack.translate import channel_ref
from bot.bootstrap import build_core
from bot.drop_life.start_close import start_drop
from bot.service.commands import RegisterTeam, SaveSchedule, StartDrop
from bot.service.directory import register_team
from bot.service.schedules import save_schedule
from bot.settings import Settings
from bot.storage.database import Database
from bot.storage.tables import answers, drops, schedules
from tests.adapters.slack.conftest import block_actions
from tests.adapters.slack.fake_slack import FakeSlack
from tests.conftest import MINIPACK, _skip_or_fail, postgres_url
from tests.deploy.installed import free_port
from tests.support.actors import OPERATOR
from tests.support.waiting import until

ROOT = Path(__file__).resolve().parents[2]
TEAM, SECRET = "TSTOP", "sigterm-signing-secret"
CHANNELS, MEMBERS = 24, 240
LEASE_SECONDS = 120
ANSWER_CHANNEL = "CANSWERS"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A database of its own: `studybot serve` takes a plain URL, so no per-test schema option.

    On PostgreSQL, a login role with a schema of the same name, which the server's default
    search_path ("$user") puts first: made and dropped in milliseconds, where a database of its
    own costs a checkpoint to drop. A server that refuses the role gets a database instead."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'shared.db'}"
        return
    url = postgres_url()
    if not url:
        _skip_or_fail("STUDYBOT_TEST_POSTGRES_URL is not set")
    assert url is not None
    name = f"stop_{uuid.uuid4().hex[:12]}"
    try:
        admin = await asyncpg.connect(url)
    except Exception as exc:
        _skip_or_fail(f"cannot reach {url}: {exc}")
    try:
        own = await _role_with_schema(admin, url, name)
        if own is not None:
            try:
                yield own
            finally:
                await admin.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
                await admin.execute(f'DROP ROLE IF EXISTS "{name}"')
            return
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def _role_with_schema(admin: asyncpg.Connection, url: str, name: str) -> str | None:
    """The URL of role `name` whose own schema `name` comes first on its search_path; None when
    the server will not have it (no CREATEROLE, or the role cannot log in without a password)."""
    try:
        await admin.execute(f'CREATE ROLE "{name}" LOGIN')
        await admin.execute(f'CREATE SCHEMA "{name}" AUTHORIZATION "{name}"')
        parts = urlsplit(url)
        host = parts.hostname or "127.0.0.1"
        own = urlunsplit(parts._replace(netloc=f"{name}@{host}:{parts.port or 5432}"))
        probe = await asyncpg.connect(own)
        try:
            if await probe.fetchval("SELECT current_schema()") == name:
                return own
        finally:
            await probe.close()
    except (asyncpg.PostgresError, OSError):
        pass
    await admin.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
    await admin.execute(f'DROP ROLE IF EXISTS "{name}"')
    return None


async def prepare(url: str, data: Path) -> tuple[int, list[str]]:
    """CHANNELS study channels all due now, and one open drop for the answer burst."""
    settings = Settings.from_env(
        {"STUDYBOT_CONTENT_DIR": str(MINIPACK), "STUDYBOT_DATA_DIR": str(data)}
    )
    core = await build_core(settings, database=Database(url))
    try:
        now = datetime.now(UTC)
        for i in range(CHANNELS):
            channel = channel_ref(TEAM, f"C{i:03d}")
            await register_team(core, RegisterTeam(channel, "Stop org", f"Team {i}"))
            await save_schedule(
                core,
                SaveSchedule(
                    channel,
                    {"days": "daily", "time": f"{now:%H:%M}", "timezone": "UTC"},
                    actor=OPERATOR,
                ),
            )
        async with core.db.write() as conn:  # as if saved an hour ago: today's drop is due
            await conn.execute(update(schedules).values(updated_at=now - timedelta(hours=1)))
        answer_channel = channel_ref(TEAM, ANSWER_CHANNEL)
        await register_team(core, RegisterTeam(answer_channel, "Stop org", "Answers"))
        while True:
            card = await start_drop(core, StartDrop(answer_channel, window=timedelta(days=1)))
            if not card.multiple:  # one click answers it
                return card.drop_id, [o.id for o in card.options]
    finally:
        await core.db.dispose()


class Replica:
    def __init__(self, name: str, url: str, api_url: str, data: Path) -> None:
        self.name, self.port = name, free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("STUDYBOT_")},
            "STUDYBOT_DATABASE_URL": url,
            "STUDYBOT_CONTENT_DIR": str(MINIPACK),
            "STUDYBOT_DATA_DIR": str(data),
            "STUDYBOT_PORT": str(self.port),
            "STUDYBOT_PLAYGROUND": "off",
            "STUDYBOT_REPLICA_NAME": name,
            "STUDYBOT_TICK_SECONDS": "1",
            "STUDYBOT_LEASE_SECONDS": str(LEASE_SECONDS),
            "STUDYBOT_ORG_POSTS_PER_SECOND": "4",  # the fan-out takes about 6 s
            "STUDYBOT_SLACK_MODE": "single",
            "STUDYBOT_SLACK_SIGNING_SECRET": SECRET,
            "STUDYBOT_SLACK_BOT_TOKEN": f"xoxb-{TEAM}-token",
            "STUDYBOT_SLACK_API_URL": api_url,
        }
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            *("-m", "bot.cli", "serve"),
            env=self.env,
            cwd=ROOT,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )

    async def output(self) -> str:
        assert self.process is not None
        assert self.process.stdout is not None
        return (await self.process.stdout.read()).decode()


def click(drop_id: int, option: str, user: str, reply_to: str) -> tuple[str, dict[str, str]]:
    action = {
        "action_id": "studybot_answer_A",
        "block_id": "studybot_options",
        "type": "button",
        "value": f"{drop_id}:{option}",
        "action_ts": "1.2",
    }
    payload = block_actions(TEAM, ANSWER_CHANNEL, user, action, reply_to)
    body = urlencode({"payload": json.dumps(payload)})
    ts = str(int(time.time()))
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body)
    assert signature is not None
    return body, {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature,
    }


async def test_sigterm_mid_fan_out_and_answer_burst_loses_and_doubles_nothing(
    database_url: str, tmp_path: Path
) -> None:
    drop_id, options = await prepare(database_url, tmp_path)
    fake = FakeSlack()
    fake.validate = False
    await fake.start()
    fake.add_workspace(TEAM)
    db = Database(database_url)
    replicas = [Replica(n, database_url, fake.api_url, tmp_path) for n in ("r1", "r2")]
    try:
        await asyncio.gather(*(r.start() for r in replicas))
        async with httpx.AsyncClient(timeout=10) as http:

            async def both_healthy() -> bool:
                for r in replicas:
                    try:
                        if (await http.get(f"{r.base}/healthz")).status_code != 200:
                            return False
                    except httpx.TransportError:
                        return False
                return True

            await until(both_healthy, 180, "both replicas to start")

            def posts() -> list[str]:
                return [str(c.params["channel"]) for c in fake.of("chat.postMessage")]

            holdings: dict[str, int] = {}

            async def one_holds_a_fan_out() -> bool:
                async with db.read() as conn:
                    rows = await conn.execute(
                        select(drops.c.lease_owner, func.count())
                        .where(drops.c.lease_owner.is_not(None), drops.c.status == "pending")
                        .group_by(drops.c.lease_owner)
                    )
                    holdings.clear()
                    holdings.update({str(owner): int(n) for owner, n in rows})
                return len(posts()) >= 2 and max(holdings.values(), default=0) >= 6

            await until(one_holds_a_fan_out, 180, "a replica posting the fan-out")
            holder_lease = max(holdings, key=lambda n: holdings[n])  # "<replica name>:<token>"
            holder = next(r for r in replicas if holder_lease.startswith(f"{r.name}:"))
            other = next(r for r in replicas if r is not holder)
            assert holder.process is not None

            acked_by: dict[str, str] = {}
            gate = asyncio.Semaphore(16)
            signalled = asyncio.Event()
            stopped_at: list[float] = []

            async def answer(n: int) -> None:
                user = f"U{n:05d}"
                async with gate:
                    for target in (holder, other):  # the load balancer tries the next one
                        option = options[n % len(options)]
                        body, headers = click(drop_id, option, user, fake.response_url(user))
                        try:
                            response = await http.post(
                                f"{target.base}/slack/events", content=body, headers=headers
                            )
                        except httpx.TransportError:
                            continue
                        if response.status_code == 200:
                            acked_by[user] = target.name
                            break
                        assert response.status_code >= 500, response.text
                    if len(acked_by) == MEMBERS // 4 and not signalled.is_set():
                        signalled.set()
                        assert holder.process is not None
                        holder.process.send_signal(signal.SIGTERM)
                        stopped_at.append(time.monotonic())

            burst = asyncio.gather(*(answer(n) for n in range(MEMBERS)))
            await signalled.wait()
            posted_before_stop = len(posts())
            code = await asyncio.wait_for(holder.process.wait(), 10)
            assert time.monotonic() - stopped_at[0] < 10
            output = await holder.output()
            assert code == 0, output
            async with db.read() as conn:
                still_held = await conn.scalar(
                    select(func.count()).where(drops.c.lease_owner == holder_lease)
                )
            assert still_held == 0, "a stopped replica must hand its drops back"
            await burst

            async def fan_out_done() -> bool:
                async with db.read() as conn:
                    states = Counter(
                        await conn.scalars(
                            select(drops.c.status).where(drops.c.schedule_id.is_not(None))
                        )
                    )
                return states == {"open": CHANNELS}

            # a ceiling, not a timing claim: about 6 s on a quiet machine, but a replica on a
            # machine whose two cores are busy took over 40 s in a loaded run
            await until(fan_out_done, 180, "the other replica to post the rest of the fan-out")
    finally:
        for r in replicas:
            if r.process is not None and r.process.returncode is None:
                r.process.terminate()
                await r.process.wait()
        await fake.stop()

    try:
        assert posted_before_stop < CHANNELS, "the stop came after the fan-out had finished"
        per_channel = Counter(posts())
        assert set(per_channel) == {f"C{i:03d}" for i in range(CHANNELS)}
        assert max(per_channel.values()) == 1, f"posted twice: {per_channel.most_common(3)}"
        assert len(acked_by) == MEMBERS
        told = Counter(name for name, _ in fake.responses)
        assert set(told) == set(acked_by), "every member who was acknowledged is told privately"
        assert set(acked_by.values()) == {holder.name, other.name}
        async with db.read() as conn:
            stored = Counter(
                await conn.scalars(select(answers.c.member_id).where(answers.c.drop_id == drop_id))
            )
        assert len(stored) == MEMBERS, "an acknowledged answer was lost"
        assert max(stored.values()) == 1
    finally:
        await db.dispose()
