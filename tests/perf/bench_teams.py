"""Benchmark: an answer burst through the Teams door as adaptiveCard/action invokes.

5,000 members answer one question at 500 invokes per second (plus 10 % repeated clicks), over
HTTP to a uvicorn server in its own process running our /api/messages route, the CloudAdapter
and the core on SQLite. The same burst then goes to a bare botbuilder bot on the same stack
(same route, same adapter) that only answers the invoke with a fixed card. Prints p50/p95/p99,
throughput, the check that exactly one answer per member was stored, and the ratios. Usage:

    .venv/bin/python tests/perf/bench_teams.py [--members 5000] [--rate 500] [--rounds 2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

TENANT = "aaaaaaaa-0000-4000-8000-00000000000a"
CHANNEL = "19:study-a@thread.tacv2"


def invoke(drop_id: int, option: str, member: int) -> dict[str, Any]:
    return {
        "type": "invoke",
        "name": "adaptiveCard/action",
        "id": f"f:{random.getrandbits(64):x}",
        "serviceUrl": "http://127.0.0.1:9/",
        "channelId": "msteams",
        "from": {"id": f"29:m{member}", "name": f"Member {member}", "aadObjectId": f"aad-{member}"},
        "conversation": {
            "conversationType": "channel",
            "tenantId": TENANT,
            "id": f"{CHANNEL};messageid=1",
        },
        "recipient": {"id": "28:bot", "name": "studybot"},
        "channelData": {"tenant": {"id": TENANT}, "channel": {"id": CHANNEL}},
        "value": {
            "action": {
                "type": "Action.Execute",
                "verb": "answer",
                "data": {"drop": drop_id, "option": option},
            },
            "trigger": "manual",
        },
    }


# --- the servers (run in a child process) ------------------------------------------------------


def serve(kind: str, data_dir: str, port_file: str) -> None:
    import logging

    import uvicorn
    from botbuilder.core import ActivityHandler, InvokeResponse  # type: ignore[import-untyped]
    from fastapi import FastAPI

    from adapters.teams.auth import build_adapter
    from adapters.teams.server import mount_teams, teams_router
    from adapters.teams.settings import TeamsSettings
    from bot.bootstrap import build_core
    from bot.settings import Settings

    logging.basicConfig(level=logging.WARNING)
    settings = TeamsSettings(enabled=True, local_dev=True)
    app = FastAPI()

    class BareBot(ActivityHandler):  # type: ignore[misc]
        async def on_invoke_activity(self, turn_context: Any) -> Any:
            card = {
                "type": "AdaptiveCard",
                "version": "1.5",
                "body": [{"type": "TextBlock", "text": "Your answer is recorded."}],
            }
            return InvokeResponse(
                status=200,
                body={
                    "statusCode": 200,
                    "type": "application/vnd.microsoft.card.adaptive",
                    "value": card,
                },
            )

    async def main() -> None:
        if kind == "bare":
            app.include_router(teams_router(build_adapter(settings), BareBot()))
        else:
            core = await build_core(
                Settings.from_env({"STUDYBOT_DATA_DIR": data_dir, "STUDYBOT_SELECTION_SEED": "1"})
            )
            mount_teams(app, core, settings)
        config = uvicorn.Config(
            app, host="127.0.0.1", port=0, log_level="warning", access_log=False
        )
        server = uvicorn.Server(config)
        task = asyncio.create_task(server.serve())
        while not server.started:  # noqa: ASYNC110 (uvicorn offers no start event)
            await asyncio.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        await asyncio.to_thread(Path(port_file).write_text, str(port))
        await task

    asyncio.run(main())


# --- the load generator ------------------------------------------------------------------------


async def prepare(data_dir: str, rounds: int) -> list[tuple[int, list[str]]]:
    from bot.bootstrap import build_core
    from bot.drop_life.start_close import start_drop
    from bot.ports import ChannelRef
    from bot.service.commands import RegisterTeam, StartDrop
    from bot.service.directory import register_team
    from bot.settings import Settings

    core = await build_core(
        Settings.from_env({"STUDYBOT_DATA_DIR": data_dir, "STUDYBOT_SELECTION_SEED": "1"})
    )
    channel = ChannelRef("teams", TENANT, CHANNEL)
    await register_team(core, RegisterTeam(channel, "Bench tenant", "Bench team"))
    drops = []
    for _ in range(rounds):
        card = await start_drop(core, StartDrop(channel, window=timedelta(days=7)))
        drops.append((card.drop_id, [o.id for o in card.options][: card.pick]))
    await core.db.dispose()
    return drops


async def stored_answers(data_dir: str, drop_id: int) -> tuple[int, int]:
    from sqlalchemy import func, select

    from bot.storage.database import Database
    from bot.storage.tables import answers

    db = Database(f"sqlite:///{Path(data_dir) / 'studybot.db'}")
    async with db.read() as conn:
        where = answers.c.drop_id == drop_id
        total = int(await conn.scalar(select(func.count()).where(where)) or 0)
        members = int(
            await conn.scalar(select(func.count(func.distinct(answers.c.member_id))).where(where))
            or 0
        )
    await db.dispose()
    return total, members


def start_server(kind: str, data_dir: str) -> tuple[subprocess.Popen[bytes], int]:
    port_file = Path(data_dir) / f"{kind}.port"
    port_file.unlink(missing_ok=True)
    child = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--serve",
            kind,
            "--data-dir",
            data_dir,
            "--port-file",
            str(port_file),
        ],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    deadline = time.monotonic() + 60
    while not port_file.exists() or not port_file.read_text():
        if child.poll() is not None or time.monotonic() > deadline:
            child.kill()
            raise SystemExit(f"the {kind} server did not start")
        time.sleep(0.05)
    return child, int(port_file.read_text())


async def burst(
    port: int, drop_id: int, options: list[str], members: int, rate: float
) -> dict[str, Any]:
    rng = random.Random(drop_id)
    work = [(m, options[0] if len(options) == 1 else ",".join(options)) for m in range(members)]
    work += rng.sample(work, members // 10)
    rng.shuffle(work)
    latencies: list[float] = []
    outcomes: dict[str, int] = {}
    connector = aiohttp.TCPConnector(limit=1024)
    url = f"http://127.0.0.1:{port}/api/messages"
    async with aiohttp.ClientSession(connector=connector) as client:

        async def one(member: int, option: str) -> None:
            payload = invoke(drop_id, option, member)
            if "," in option:
                payload["value"]["action"]["data"] = {"drop": drop_id, "options": option}
            started = time.perf_counter()
            async with client.post(url, json=payload) as response:
                body = await response.json() if response.status == 200 else {}
            latencies.append(time.perf_counter() - started)
            text = json.dumps(body.get("value"))
            if "Your answer is recorded." in text:
                key = "bare card"
            elif "already answered" in text:
                key = "already answered"
            elif "is recorded" in text:
                key = "recorded"
            else:
                key = f"http {response.status}: {text[:80]}"
            outcomes[key] = outcomes.get(key, 0) + 1

        tasks = []
        t0 = time.perf_counter()
        for index, (member, option) in enumerate(work):
            delay = t0 + index / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)  # pacing the open-loop arrival rate, not a wait
            tasks.append(asyncio.create_task(one(member, option)))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - t0
    latencies.sort()

    def q(p: float) -> float:
        return 1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))]

    return {
        "sent": len(work),
        "elapsed": elapsed,
        "rate": len(work) / elapsed,
        "p50": q(0.5),
        "p95": q(0.95),
        "p99": q(0.99),
        "outcomes": outcomes,
    }


def show(name: str, result: dict[str, Any]) -> None:
    print(
        f"{name:9} {result['sent']} invokes in {result['elapsed']:.2f} s "
        f"({result['rate']:.0f}/s)  p50 {result['p50']:.1f} ms  p95 {result['p95']:.1f} ms  "
        f"p99 {result['p99']:.1f} ms  {result['outcomes']}"
    )


async def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        drops = await prepare(data_dir, args.rounds)
        ours: list[dict[str, Any]] = []
        bare: list[dict[str, Any]] = []
        ok = True
        print(
            f"burst: {args.members} members at {args.rate:.0f}/s plus 10 % repeated clicks; "
            f"{args.rounds} round(s), bare and studybot alternating"
        )
        for drop_id, options in drops:
            for kind in ("bare", "studybot"):
                child, port = start_server(kind, data_dir)
                try:
                    result = await burst(port, drop_id, options, args.members, args.rate)
                finally:
                    child.terminate()
                    child.wait(timeout=30)
                show(kind, result)
                (ours if kind == "studybot" else bare).append(result)
            total, members = await stored_answers(data_dir, drop_id)
            good = total == members == args.members
            ok = ok and good
            print(
                f"stored answers for drop {drop_id}: {total} from {members} members; expected "
                f"{args.members} -> {'OK' if good else 'MISMATCH'}"
            )
        for label in ("p50", "p95", "p99"):
            mine = statistics.median(r[label] for r in ours)
            base = statistics.median(r[label] for r in bare)
            print(
                f"median {label}: studybot {mine:.1f} ms, bare bot {base:.1f} ms, "
                f"ratio {mine / base:.2f}x"
            )
        if not ok:
            raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--rate", type=float, default=500.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--serve", choices=["bare", "studybot"])
    parser.add_argument("--data-dir")
    parser.add_argument("--port-file")
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.data_dir, args.port_file)
    else:
        asyncio.run(run(args))


if __name__ == "__main__":
    main()
