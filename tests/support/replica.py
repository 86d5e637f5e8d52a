"""One replica of the service's drop engine, for the multi-replica test: the service's own
composition (build_core and start_engine) with the loopback chat platform instead of Slack."""

from __future__ import annotations

import asyncio
import os

from bot.bootstrap import build_core
from bot.serve import start_engine
from bot.settings import Settings
from bot.storage.database import Database
from tests.support.http_platform import HttpChatPlatform


async def main() -> None:
    settings = Settings.from_env()
    db = Database(settings.database_url, schema=os.environ.get("STUDYBOT_TEST_SCHEMA"))
    platform = HttpChatPlatform(os.environ["CHAT_URL"], replica=settings.replica_name)
    core = await build_core(settings, platforms={"loop": platform}, database=db)
    start_engine(core, settings)
    print("ready", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
