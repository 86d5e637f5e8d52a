"""`studybot schedule …`: add, list, pause, resume and remove schedules, and queue a drop now."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from bot.errors import InvalidInputError
from bot.ports import ChannelRef

if TYPE_CHECKING:  # the service modules load only when a command runs, so --help stays quick
    from bot.domain.schedule import Schedule
    from bot.service.commands import Actor
    from bot.service.context import Core

CHANNEL_HELP = (
    "the study channel as PLATFORM:WORKSPACE:CHANNEL, e.g. web:playground:study-room or "
    "teams:TENANT:19:…@thread.tacv2 (the channel part may contain colons)"
)


def add_schedule_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    schedule = sub.add_parser("schedule", help="manage the drop schedules of study channels")
    ssub = schedule.add_subparsers(required=True, metavar="ACTION")

    add = ssub.add_parser("add", help="create a channel's schedule (--replace to change one)")
    add.add_argument("--channel", required=True, help=CHANNEL_HELP)
    add.add_argument("--days", required=True, help="e.g. mon,wed,fri or weekdays or daily")
    add.add_argument("--time", required=True, help="local drop time, 24-hour HH:MM")
    add.add_argument("--timezone", required=True, help="IANA time zone, e.g. Europe/Berlin")
    add.add_argument("--window", help="answer window with its unit, e.g. 45m, 8h, 1d (default 8h)")
    add.add_argument("--closes-at", help="a local closing time instead of a window")
    add.add_argument("--reveal", help="at_close (default) or at_close_with_feedback")
    add.add_argument("--focus", help="only questions of this domain, e.g. D3")
    add.add_argument("--start", help="first day, YYYY-MM-DD")
    add.add_argument("--end", help="last day, YYYY-MM-DD")
    add.add_argument("--skip", help="days without a drop, e.g. 2026-12-24,2026-12-25")
    add.add_argument("--digest", help="weekly digest day (mon … sun) or off; default mon")
    add.add_argument(
        "--replace", action="store_true", help="replace the channel's existing schedule"
    )
    add.set_defaults(run=_run(_add))

    listing = ssub.add_parser("list", help="show schedules, their next drops and any error")
    listing.add_argument("--channel", help=CHANNEL_HELP)
    listing.set_defaults(run=_run(_list))

    for name, action, text in (
        ("pause", _pause, "stop a channel's drops until resumed"),
        ("resume", _resume, "start a paused channel's drops again"),
        ("remove", _remove, "delete a channel's schedule"),
        ("drop-now", _drop_now, "queue one question for the channel; the service posts it"),
    ):
        command = ssub.add_parser(name, help=text)
        command.add_argument("--channel", required=True, help=CHANNEL_HELP)
        if name == "drop-now":
            command.add_argument("--focus", help="only questions of this domain, e.g. D3")
        command.set_defaults(run=_run(action))


def parse_channel(text: str) -> ChannelRef:
    """PLATFORM:WORKSPACE:CHANNEL split at the first two colons only: Teams channel ids such as
    19:abc@thread.tacv2 or a:1xyz contain colons themselves."""
    parts = text.strip().split(":", 2)
    if len(parts) != 3 or not all(parts):
        raise InvalidInputError(
            f"--channel {text!r} is not PLATFORM:WORKSPACE:CHANNEL (e.g. web:playground:study-room)"
        )
    return ChannelRef(*parts)


def _operator() -> Actor:
    """The operator at the command line: the policy lets them do everything."""
    from bot.service.commands import Actor

    return Actor.command_line()


def _run(action: Callable[[Core, argparse.Namespace], Awaitable[None]]) -> Callable[..., int]:
    def run(args: argparse.Namespace) -> int:
        from bot.bootstrap import build_core
        from bot.settings import Settings

        async def main() -> None:
            core = await build_core(Settings.from_env())
            try:
                await action(core, args)
            finally:
                await core.db.dispose()

        asyncio.run(main())
        return 0

    return run


async def _add(core: Core, args: argparse.Namespace) -> None:
    from bot.domain.occurrences import next_occurrences
    from bot.domain.periods import local_time_text
    from bot.service import schedules as schedule_service
    from bot.service.commands import SaveSchedule

    values = {
        "days": args.days,
        "time": args.time,
        "timezone": args.timezone,
        "window": args.window,
        "closes_at": args.closes_at,
        "reveal_mode": args.reveal,
        "focus_domain": args.focus,
        "start_date": args.start,
        "end_date": args.end,
        "skip_dates": args.skip,
        "digest": args.digest,
    }
    channel = parse_channel(args.channel)
    old = await schedule_service.get_schedule(core, channel)
    if old is not None and not args.replace:
        raise InvalidInputError(
            f"{args.channel} already has a schedule ({_summary(old)}); "
            "add --replace to replace it, or change it with pause, resume or remove"
        )
    saved = await schedule_service.save_schedule(
        core, SaveSchedule(channel, values, actor=_operator())
    )
    if old is None:
        print(f"Saved the schedule of {args.channel}.")
    else:
        print(f"Replaced the schedule of {args.channel} (was: {_summary(old)}).")
    for occurrence in next_occurrences(saved, core.clock.now(), 3):
        print(f"  next drop: {local_time_text(occurrence.due_at, saved.timezone)}")


def _summary(s: Schedule) -> str:
    days = ",".join(s.day_names())
    return f"{days} at {s.local_time:%H:%M} {s.timezone}, window {s.window_text()}"


async def _list(core: Core, args: argparse.Namespace) -> None:
    from bot.domain.occurrences import next_occurrences
    from bot.domain.periods import local_time_text
    from bot.service import schedules as schedule_service

    channel = parse_channel(args.channel) if args.channel else None
    records = await (
        schedule_service.channel_schedules(core, channel)
        if channel is not None
        else schedule_service.schedules_of_every_org_for_operator(core)
    )
    if not records:
        print("No schedules yet. Add one with: studybot schedule add --channel … --days … --time …")
    for r in records:
        s = r.schedule
        ref = f"{r.channel.platform}:{r.channel.org_external_id}:{r.channel.channel_id}"
        state = "active" if s.active else "paused"
        print(
            f"{ref} ({r.team_name}): {','.join(s.day_names())} at {s.local_time:%H:%M} "
            f"{s.timezone}, window {s.window_text()}, reveal {s.reveal_mode.value}, "
            f"focus {s.focus_domain or 'none'}, {state}"
        )
        upcoming = next_occurrences(s, core.clock.now(), 1)
        if upcoming:
            print(f"  next drop: {local_time_text(upcoming[0].due_at, s.timezone)}")
        if r.last_error:
            assert r.last_error_at is not None
            print(f"  last error ({local_time_text(r.last_error_at, s.timezone)}): {r.last_error}")
        for m in r.missed:
            print(f"  {m.status} ({local_time_text(m.due_at, s.timezone)}): {m.reason}")


async def _pause(core: Core, args: argparse.Namespace) -> None:
    from bot.service import schedules as schedule_service

    channel = parse_channel(args.channel)
    await schedule_service.set_schedule_active(core, channel, False, actor=_operator())
    print(f"Paused {args.channel}: no drops until you resume it.")


async def _resume(core: Core, args: argparse.Namespace) -> None:
    from bot.domain.occurrences import next_occurrences
    from bot.domain.periods import local_time_text
    from bot.service import schedules as schedule_service

    channel = parse_channel(args.channel)
    saved = await schedule_service.set_schedule_active(core, channel, True, actor=_operator())
    upcoming = next_occurrences(saved, core.clock.now(), 1)
    when = local_time_text(upcoming[0].due_at, saved.timezone) if upcoming else "none scheduled"
    print(f"Resumed {args.channel}; next drop: {when}.")


async def _remove(core: Core, args: argparse.Namespace) -> None:
    from bot.service import schedules as schedule_service

    await schedule_service.remove_schedule(core, parse_channel(args.channel), actor=_operator())
    print(f"Removed the schedule of {args.channel}.")


async def _drop_now(core: Core, args: argparse.Namespace) -> None:
    from bot.drop_life.start_close import start_drop
    from bot.service.commands import StartDrop

    channel = parse_channel(args.channel)
    card = await start_drop(
        core,
        StartDrop(channel, focus_domain=args.focus, deliver_later=True, actor=_operator()),
    )
    print(
        f"Queued question #{card.seq} ({card.domain_id} {card.objective_id}) for {args.channel}; "
        "the running service posts it within seconds."
    )
