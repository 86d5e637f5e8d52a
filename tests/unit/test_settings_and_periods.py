"""Settings are validated with errors naming the variable; periods follow the team's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.domain.periods import Period, local_date, period_start, period_starts
from bot.errors import SettingsError
from bot.settings import Settings, SettingsErrors
from bot.storage.database import normalize_url


def test_defaults_use_an_embedded_sqlite_database(tmp_path: object) -> None:
    s = Settings.from_env({"STUDYBOT_DATA_DIR": "/tmp/sb-data"})
    assert s.database_url == "sqlite+aiosqlite:////tmp/sb-data/studybot.db"
    assert (s.host, s.port, s.speed_bonus, s.selection_seed) == ("127.0.0.1", 8000, 0, None)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"STUDYBOT_PORT": "eighty"},
            "STUDYBOT_PORT must be a whole number from 1 to 65535, got 'eighty'",
        ),
        (
            {"STUDYBOT_PORT": "70000"},
            "STUDYBOT_PORT must be a whole number from 1 to 65535, got 70000",
        ),
        ({"STUDYBOT_LOG_LEVEL": "LOUD"}, "STUDYBOT_LOG_LEVEL must be one of"),
        ({"STUDYBOT_DATABASE_URL": "mysql://x/y"}, "STUDYBOT_DATABASE_URL uses 'mysql'"),
        ({"STUDYBOT_DATABASE_URL": "not a url"}, "STUDYBOT_DATABASE_URL is not a database URL"),
        ({"STUDYBOT_CONTENT_DIR": "/nowhere"}, "STUDYBOT_CONTENT_DIR: no pack.yaml in /nowhere"),
    ],
)
def test_bad_settings_name_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env(env)
    assert message in str(raised.value)


def test_plain_urls_get_async_drivers() -> None:
    assert normalize_url("postgresql://u:p@h:5432/d") == "postgresql+asyncpg://u:p@h:5432/d"
    assert normalize_url("postgres://h/d") == "postgresql+asyncpg://h/d"
    assert normalize_url("sqlite:///x.db") == "sqlite+aiosqlite:///x.db"


def test_weeks_start_on_monday_in_the_team_time_zone() -> None:
    sunday_night_utc = datetime(2026, 3, 8, 23, 30, tzinfo=UTC)  # already Monday in Berlin
    assert local_date(sunday_night_utc, "UTC") == date(2026, 3, 8)
    assert period_start(Period.WEEK, local_date(sunday_night_utc, "UTC")) == date(2026, 3, 2)
    assert period_start(Period.WEEK, local_date(sunday_night_utc, "Europe/Berlin")) == date(
        2026, 3, 9
    )


def test_month_and_all_time_starts() -> None:
    assert period_starts(date(2026, 3, 18)) == {
        Period.WEEK: date(2026, 3, 16),
        Period.MONTH: date(2026, 3, 1),
        Period.ALL: date(1970, 1, 1),
    }


def test_every_bad_setting_is_named_at_once() -> None:
    env = {
        "STUDYBOT_PORT": "eighty",
        "STUDYBOT_LOG_LEVEL": "LOUD",
        "STUDYBOT_SPEED_BONUS": "-1",
        "STUDYBOT_SCHEDULER": "sometimes",
        "STUDYBOT_DATABASE_URL": "mysql://x/y",
        "STUDYBOT_CONTENT_DIR": "/nowhere",
    }
    with pytest.raises(SettingsErrors) as raised:
        Settings.from_env(env)
    named = [p.split()[0].rstrip(":") for p in raised.value.problems]
    assert sorted(named) == sorted(env)
    assert str(raised.value).startswith("6 settings need fixing:")
    for problem in raised.value.problems:
        assert problem in str(raised.value)


def test_one_bad_setting_reads_as_one_line() -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({"STUDYBOT_TICK_SECONDS": "0"})
    assert not isinstance(raised.value, SettingsErrors)
    assert str(raised.value) == "STUDYBOT_TICK_SECONDS must be a whole number from 1 to 300, got 0"
