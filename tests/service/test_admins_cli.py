"""`studybot admins add|list|remove`, and the study-admin service functions behind it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.bootstrap import build_core
from bot.cli import main
from bot.cli_admins import parse_channel
from bot.errors import InvalidInputError
from bot.ports import ChannelRef
from bot.service.admins import is_study_admin, list_study_admins, set_study_admin
from bot.service.commands import RegisterTeam
from bot.service.context import Core
from bot.service.directory import register_team
from bot.settings import Settings
from tests.conftest import MINIPACK
from tests.support.actors import OPERATOR

TENANT = "aaaaaaaa-0000-4000-8000-00000000000a"
TEAMS_CHANNEL = "19:0f4a5bd7c8e94a1e8f7d3c2b1a098765@thread.tacv2"
TEAMS = f"teams:{TENANT}:{TEAMS_CHANNEL}"


def test_the_channel_is_split_on_the_first_two_colons_only() -> None:
    assert parse_channel(TEAMS) == ChannelRef("teams", TENANT, TEAMS_CHANNEL)
    assert parse_channel("slack:T1:C1") == ChannelRef("slack", "T1", "C1")
    personal = parse_channel(f"teams:{TENANT}:a:1xYz-personal")
    assert personal.channel_id == "a:1xYz-personal"
    for bad in ("slack:T1", "slack::C1", ":T1:C1", "teams"):
        with pytest.raises(InvalidInputError, match="PLATFORM:WORKSPACE:CHANNEL"):
            parse_channel(bad)


def test_an_operator_appoints_lists_and_removes_study_admins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STUDYBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("STUDYBOT_CONTENT_DIR", str(MINIPACK))
    channel = ChannelRef("teams", TENANT, TEAMS_CHANNEL)

    async def setup() -> None:
        core = await build_core(Settings.from_env())
        try:
            await register_team(core, RegisterTeam(channel, "Contoso", "Study › AZ-400"))
            await set_study_admin(
                core, channel, "aad-ada", "Ada Lovelace", admin=False, actor=OPERATOR
            )
        finally:
            await core.db.dispose()

    asyncio.run(setup())
    assert main(["admins", "list", "--channel", TEAMS]) == 0
    assert "has no study admins" in capsys.readouterr().out
    assert main(["admins", "add", "--channel", TEAMS, "--user", "aad-ada"]) == 0
    assert "aad-ada is now a study admin" in capsys.readouterr().out
    assert main(["admins", "list", "--channel", TEAMS]) == 0
    assert capsys.readouterr().out.strip() == "aad-ada\tAda Lovelace"  # the known name is kept
    assert main(["admins", "remove", "--channel", TEAMS, "--user", "aad-ada"]) == 0
    assert main(["admins", "remove", "--channel", TEAMS, "--user", "aad-ada"]) == 2
    assert "is not a study admin" in capsys.readouterr().err
    unknown = f"teams:{TENANT}:19:nope@thread.tacv2"
    assert main(["admins", "add", "--channel", unknown, "--user", "aad-ada"]) == 2
    assert "not a studybot study channel" in capsys.readouterr().err
    assert main(["admins", "add", "--channel", "teams:19:x", "--user", "u"]) == 2


async def test_admins_are_listed_per_channel_and_names_are_kept(core: Core) -> None:
    study = ChannelRef("slack", "T1", "C1")
    other = ChannelRef("slack", "T2", "C1")
    await register_team(core, RegisterTeam(study, "Org", "study"))
    await register_team(core, RegisterTeam(other, "Other", "study"))
    await set_study_admin(core, study, "U1", "Una", admin=True, actor=OPERATOR)
    await set_study_admin(
        core, study, "U1", "", admin=True, actor=OPERATOR
    )  # no name given: Una stays
    await set_study_admin(core, other, "U2", "Ugo", admin=True, actor=OPERATOR)
    assert [
        (a.user_id, a.display_name) for a in await list_study_admins(core, study, actor=OPERATOR)
    ] == [("U1", "Una")]
    assert not await is_study_admin(core, other, "U1")
