"""The `studybot` command line: serve, migrate, content, schedule, dashboard-link, teams."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.errors import SettingsError, StudybotError
from bot.packs.issues import PackError, Severity
from bot.settings import DEFAULT_CONTENT, Settings, SettingsProblems

log = logging.getLogger("studybot")


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; Ctrl+C at any point (loading, migrating, serving) ends it quietly."""
    try:
        return _main(argv)
    except KeyboardInterrupt:
        return 130


def _main(argv: Sequence[str] | None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    from bot.storage.database import DatabaseUnavailableError  # after --help, which needs none

    try:
        return int(args.run(args))
    except (SettingsError, DatabaseUnavailableError) as exc:
        print(f"studybot: {exc}", file=sys.stderr)
        return 2
    except StudybotError as exc:
        print(f"studybot: {exc}", file=sys.stderr)
        return 2
    except PackError as exc:
        print(f"studybot: {exc}\nFix the content file(s) above and start again.", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="studybot", description="AZ-400 study bot service")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = sub.add_parser(
        "serve", help="migrate the database, load the pack and start the service"
    )
    serve.set_defaults(run=_serve)

    migrate = sub.add_parser("migrate", help="bring the database to the newest schema")
    migrate.set_defaults(run=_migrate)

    content = sub.add_parser("content", help="check and describe an exam pack")
    csub = content.add_subparsers(required=True, metavar="ACTION")
    lint = csub.add_parser("lint", help="check the questions against the quality rules")
    lint.add_argument("pack", nargs="?", type=Path, default=DEFAULT_CONTENT)
    lint.add_argument("--quiet", action="store_true", help="print errors only, and a summary")
    lint.add_argument("--strict", action="store_true", help="fail on warnings too")
    lint.set_defaults(run=_lint)
    stats = csub.add_parser("stats", help="questions per domain against the exam weights")
    stats.add_argument("pack", nargs="?", type=Path, default=DEFAULT_CONTENT)
    stats.set_defaults(run=_stats)

    from bot.cli_schedule import add_schedule_commands

    add_schedule_commands(sub)

    from bot.cli_admins import add_admins_commands

    add_admins_commands(sub)

    link = sub.add_parser("dashboard-link", help="print a signed, expiring dashboard link")
    link.add_argument("--platform", required=True, choices=["slack", "teams", "web"])
    link.add_argument("--workspace", required=True, help="Slack team id (T…) or Teams tenant id")
    link.add_argument("--role", default="manager", choices=["manager", "admin"])
    link.add_argument("--hours", type=float, default=24, help="how long it works (at most 720)")
    link.set_defaults(run=_dashboard_link)

    teams = sub.add_parser("teams", help="the Microsoft Teams app")
    tsub = teams.add_subparsers(required=True, metavar="ACTION")
    package = tsub.add_parser("package", help="build the Teams app package (zip) to upload")
    package.add_argument("--out", type=Path, default=Path("dist"), help="folder for the zip")
    package.set_defaults(run=_teams_package)
    return parser


def _serve(_: argparse.Namespace) -> int:
    from bot.bootstrap import door_settings
    from bot.observability.logs import configure as configure_logs
    from bot.observability.redaction import secrets_in
    from bot.serve import serve

    problems = SettingsProblems()  # the core's and the doors' bad settings, all in one message
    read = problems.read(Settings.from_env, None)
    problems.read(lambda: door_settings(None), None)
    problems.raise_if_any()
    assert read is not None
    settings = read
    configure_logs(settings.log_level, settings.log_format, secrets_in(os.environ))
    asyncio.run(serve(settings))
    return 0


def _migrate(_: argparse.Namespace) -> int:
    from bot.storage.database import Database, describe_url
    from bot.storage.migrate import current_revision, upgrade

    settings = Settings.from_env()

    async def run() -> str | None:
        db = Database(settings.database_url)
        try:
            await db.check()
            await upgrade(db)
            return await current_revision(db)
        finally:
            await db.dispose()

    revision = asyncio.run(run())
    print(f"{describe_url(settings.database_url)} is at schema revision {revision}")
    return 0


def _lint(args: argparse.Namespace) -> int:
    from bot.packs.lint import lint_pack

    issues = lint_pack(args.pack)
    errors = [i for i in issues if i.severity is Severity.ERROR]
    warnings = [i for i in issues if i.severity is Severity.WARNING]
    for issue in errors if args.quiet else issues:
        print(issue)
    print(f"{args.pack}: {len(errors)} error(s), {len(warnings)} warning(s)")
    return 1 if errors or (args.strict and warnings) else 0


def _stats(args: argparse.Namespace) -> int:
    from bot.packs.loader import load_pack
    from bot.packs.stats import format_stats, pack_stats

    pack = load_pack(args.pack)
    print(format_stats(pack, pack_stats(pack)))
    return 0


def _dashboard_link(args: argparse.Namespace) -> int:
    import os

    from bot.bootstrap import dashboard_link_from_env

    try:
        link = dashboard_link_from_env(
            os.environ,
            platform=args.platform,
            workspace=args.workspace,
            role=args.role,
            hours=args.hours,
        )
    except ValueError as exc:
        print(f"studybot: {exc}", file=sys.stderr)
        return 2
    print(link)
    return 0


def _teams_package(args: argparse.Namespace) -> int:
    from bot.bootstrap import build_teams_package

    path = build_teams_package(args.out)
    print(f"Teams app package: {path} (upload it in Teams: Apps, Manage your apps, Upload)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
