"""Settings from environment variables, read once at start and validated with clear errors."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from bot.errors import SettingsError
from bot.secret_files import with_secret_files
from bot.shipped import shipped

DEFAULT_CONTENT = shipped(Path(__file__).resolve().parent, "bundled/content/az400", "content/az400")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
LOG_FORMATS = ("text", "json")
MIN_METRICS_TOKEN = 16  # characters; a short token could be guessed by whoever reaches /metrics
T = TypeVar("T")


class SettingsErrors(SettingsError):
    """Several bad settings at once; the message lists every one, `problems` holds them."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__(f"{len(problems)} settings need fixing:\n  " + "\n  ".join(self.problems))


class SettingsProblems:
    """Reads settings one by one and keeps going past a bad one, so a start names them all."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def read(self, load: Callable[[], T], fallback: T) -> T:
        """`load()`, or `fallback` after noting the SettingsError it raised."""
        try:
            return load()
        except SettingsErrors as exc:
            self.problems.extend(exc.problems)
        except SettingsError as exc:
            self.problems.append(str(exc))
        return fallback

    def raise_if_any(self) -> None:
        if len(self.problems) == 1:
            raise SettingsError(self.problems[0])
        if self.problems:
            raise SettingsErrors(self.problems)


@dataclass(frozen=True)
class Settings:
    database_url: str
    data_dir: Path
    content_dir: Path
    host: str
    port: int
    log_level: str
    speed_bonus: int
    selection_seed: int | None
    playground: bool
    scheduler: bool = True
    tick_seconds: int = 5
    grace_minutes: int = 120
    lease_seconds: int = 300
    max_attempts: int = 6
    org_posts_per_second: int = 10
    replica_name: str = ""
    log_format: str = "text"
    metrics_token: str | None = None  # serves /metrics to this bearer token (None: 404)
    metrics_port: int | None = None  # serves the metrics on a port of their own as well
    audit_days: int = 365  # how long the audit trail keeps an entry

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        from bot.storage.database import normalize_url  # SQLAlchemy loads only when needed

        env = with_secret_files(os.environ if env is None else env)

        def get(name: str) -> str | None:
            value = env.get(name)
            return value.strip() if value and value.strip() else None

        problems = SettingsProblems()
        check = problems.read

        def whole(name: str, default: str, low: int, high: int) -> int:
            return check(lambda: _int(get(name) or default, name, low, high), low)

        def switch(name: str) -> bool:
            return check(lambda: parse_switch(get(name) or "on", name), True)

        data_dir = Path(get("STUDYBOT_DATA_DIR") or "data")
        raw_url = get("STUDYBOT_DATABASE_URL") or f"sqlite:///{data_dir / 'studybot.db'}"
        content_dir = Path(get("STUDYBOT_CONTENT_DIR") or DEFAULT_CONTENT)
        if not (content_dir / "pack.yaml").is_file():
            problems.problems.append(
                f"STUDYBOT_CONTENT_DIR: no pack.yaml in {content_dir}; point it at an exam pack "
                "folder such as content/az400"
            )
        log_level = (get("STUDYBOT_LOG_LEVEL") or "INFO").upper()
        if log_level not in LOG_LEVELS:
            problems.problems.append(
                f"STUDYBOT_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {log_level!r}"
            )
        log_format = (get("STUDYBOT_LOG_FORMAT") or "text").lower()
        if log_format not in LOG_FORMATS:
            problems.problems.append(
                f"STUDYBOT_LOG_FORMAT must be text or json, got {log_format!r}"
            )
        metrics_token = get("STUDYBOT_METRICS_TOKEN")
        if metrics_token is not None and len(metrics_token) < MIN_METRICS_TOKEN:
            problems.problems.append(
                f"STUDYBOT_METRICS_TOKEN must be at least {MIN_METRICS_TOKEN} characters (it "
                "guards /metrics); generate one with: python3 -c 'import secrets; "
                "print(secrets.token_urlsafe(32))'"
            )
        metrics_port = get("STUDYBOT_METRICS_PORT")
        seed = get("STUDYBOT_SELECTION_SEED")
        settings = cls(
            database_url=check(lambda: normalize_url(raw_url), raw_url),
            data_dir=data_dir,
            content_dir=content_dir,
            host=get("STUDYBOT_HOST") or "127.0.0.1",
            port=whole("STUDYBOT_PORT", "8000", 1, 65535),
            log_level=log_level,
            speed_bonus=whole("STUDYBOT_SPEED_BONUS", "0", 0, 100),
            selection_seed=whole("STUDYBOT_SELECTION_SEED", "0", 0, 2**62) if seed else None,
            playground=switch("STUDYBOT_PLAYGROUND"),
            scheduler=switch("STUDYBOT_SCHEDULER"),
            tick_seconds=whole("STUDYBOT_TICK_SECONDS", "5", 1, 300),
            grace_minutes=whole("STUDYBOT_GRACE_MINUTES", "120", 0, 24 * 60),
            lease_seconds=whole("STUDYBOT_LEASE_SECONDS", "300", 5, 3600),
            max_attempts=whole("STUDYBOT_MAX_ATTEMPTS", "6", 1, 50),
            org_posts_per_second=whole("STUDYBOT_ORG_POSTS_PER_SECOND", "10", 1, 1000),
            replica_name=get("STUDYBOT_REPLICA_NAME") or f"{socket.gethostname()}:{os.getpid()}",
            log_format=log_format,
            metrics_token=metrics_token,
            metrics_port=whole("STUDYBOT_METRICS_PORT", "0", 1, 65535) if metrics_port else None,
            audit_days=whole("STUDYBOT_AUDIT_DAYS", "365", 1, 3650),
        )
        problems.raise_if_any()
        return settings


def served_url(host: str, port: int) -> str:
    """The address the service is reached at on this machine (a wildcard host means loopback)."""
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def _int(raw: str, name: str, low: int, high: int) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(
            f"{name} must be a whole number from {low} to {high}, got {raw!r}"
        ) from None
    if not low <= value <= high:
        raise SettingsError(f"{name} must be a whole number from {low} to {high}, got {value}")
    return value


def parse_switch(raw: str, name: str) -> bool:
    """An on/off setting; SettingsError naming the variable for anything else."""
    value = raw.lower()
    if value in ("on", "true", "1", "yes"):
        return True
    if value in ("off", "false", "0", "no"):
        return False
    raise SettingsError(f"{name} must be on or off, got {raw!r}")
