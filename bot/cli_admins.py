"""`studybot admins add|list|remove`: an operator appoints or removes a channel's study admins."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable

from bot.bootstrap import build_core
from bot.errors import InvalidInputError
from bot.ports import ChannelRef
from bot.service.admins import admin_change_text, list_study_admins, set_study_admin
from bot.service.commands import Actor
from bot.service.context import Core
from bot.settings import Settings

CHANNEL_HELP = (
    "the study channel as PLATFORM:WORKSPACE:CHANNEL, e.g. slack:T0123:C0456 or "
    "teams:<tenant id>:19:…@thread.tacv2 (the channel id may contain colons)"
)
OPERATOR = Actor.command_line()  # the policy lets the operator do everything
USER_HELP = "the member's id: Slack U…, Teams the Entra object id, web the playground name"


def add_admins_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    admins = sub.add_parser("admins", help="appoint, list or remove a channel's study admins")
    asub = admins.add_subparsers(required=True, metavar="ACTION")
    add = asub.add_parser("add", help="make a member a study admin of the channel")
    add.add_argument("--channel", required=True, help=CHANNEL_HELP)
    add.add_argument("--user", required=True, help=USER_HELP)
    add.add_argument("--name", default="", help="their display name if studybot has none yet")
    add.set_defaults(run=_run(_add))
    listing = asub.add_parser("list", help="show the channel's study admins")
    listing.add_argument("--channel", required=True, help=CHANNEL_HELP)
    listing.set_defaults(run=_run(_list))
    remove = asub.add_parser("remove", help="stop a member being a study admin of the channel")
    remove.add_argument("--channel", required=True, help=CHANNEL_HELP)
    remove.add_argument("--user", required=True, help=USER_HELP)
    remove.set_defaults(run=_run(_remove))


def parse_channel(text: str) -> ChannelRef:
    """PLATFORM:WORKSPACE:CHANNEL, split on the first two colons only (Teams ids have colons)."""
    parts = text.split(":", 2)
    if len(parts) != 3 or not all(p.strip() for p in parts):
        raise InvalidInputError(
            f"--channel {text!r} is not PLATFORM:WORKSPACE:CHANNEL (e.g. slack:T0123:C0456); "
            "`studybot schedule list` prints every study channel in this form"
        )
    platform, workspace, channel = (p.strip() for p in parts)
    return ChannelRef(platform, workspace, _platform_key(platform, channel))


def _platform_key(platform: str, value: str) -> str:
    """The id the core stores for a platform's channel or user (long Teams ids are hashed)."""
    if platform == "teams":
        from adapters.teams.translate import channel_key

        return channel_key(value)
    return value


def _user(channel: ChannelRef, text: str) -> str:
    user = text.strip()
    if not user:
        raise InvalidInputError("--user is empty: give the member's id")
    return _platform_key(channel.platform, user)


def _run(action: Callable[[Core, argparse.Namespace], Awaitable[str]]) -> Callable[..., int]:
    def run(args: argparse.Namespace) -> int:
        async def main() -> str:
            core = await build_core(Settings.from_env())
            try:
                return await action(core, args)
            finally:
                await core.db.dispose()

        print(asyncio.run(main()))
        return 0

    return run


async def _add(core: Core, args: argparse.Namespace) -> str:
    channel = parse_channel(args.channel)
    user = _user(channel, args.user)
    await set_study_admin(core, channel, user, args.name.strip(), True, actor=OPERATOR)
    return admin_change_text([user], True, f"of {args.channel}")


async def _remove(core: Core, args: argparse.Namespace) -> str:
    channel = parse_channel(args.channel)
    user = _user(channel, args.user)
    if user not in {a.user_id for a in await list_study_admins(core, channel, actor=OPERATOR)}:
        raise InvalidInputError(f"{user} is not a study admin of {args.channel}; nothing changed")
    await set_study_admin(core, channel, user, "", False, actor=OPERATOR)
    return admin_change_text([user], False, f"of {args.channel}")


async def _list(core: Core, args: argparse.Namespace) -> str:
    channel = parse_channel(args.channel)
    admins = await list_study_admins(core, channel, actor=OPERATOR)
    if not admins:
        return f"{args.channel} has no study admins; appoint one with `studybot admins add`."
    return "\n".join(f"{a.user_id}\t{a.display_name}" for a in admins)
