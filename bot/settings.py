"""Settings from environment variables, read once at start and validated with clear errors."""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.errors import SettingsError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONTENT = PROJECT_ROOT / "content" / "az400"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


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

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        from bot.storage.database import normalize_url  # SQLAlchemy loads only when needed

        env = os.environ if env is None else env

        def get(name: str) -> str | None:
            value = env.get(name)
            return value.strip() if value and value.strip() else None

        data_dir = Path(get("STUDYBOT_DATA_DIR") or "data")
        raw_url = get("STUDYBOT_DATABASE_URL") or f"sqlite:///{data_dir / 'studybot.db'}"
        content_dir = Path(get("STUDYBOT_CONTENT_DIR") or DEFAULT_CONTENT)
        if not (content_dir / "pack.yaml").is_file():
            raise SettingsError(
                f"STUDYBOT_CONTENT_DIR: no pack.yaml in {content_dir}; point it at an exam pack "
                "folder such as content/az400"
            )
        log_level = (get("STUDYBOT_LOG_LEVEL") or "INFO").upper()
        if log_level not in LOG_LEVELS:
            raise SettingsError(
                f"STUDYBOT_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {log_level!r}"
            )
        seed = get("STUDYBOT_SELECTION_SEED")
        return cls(
            database_url=normalize_url(raw_url),
            data_dir=data_dir,
            content_dir=content_dir,
            host=get("STUDYBOT_HOST") or "127.0.0.1",
            port=_int(get("STUDYBOT_PORT") or "8000", "STUDYBOT_PORT", 1, 65535),
            log_level=log_level,
            speed_bonus=_int(get("STUDYBOT_SPEED_BONUS") or "0", "STUDYBOT_SPEED_BONUS", 0, 100),
            selection_seed=_int(seed, "STUDYBOT_SELECTION_SEED", 0, 2**62) if seed else None,
            playground=parse_switch(get("STUDYBOT_PLAYGROUND") or "on", "STUDYBOT_PLAYGROUND"),
            scheduler=parse_switch(get("STUDYBOT_SCHEDULER") or "on", "STUDYBOT_SCHEDULER"),
            tick_seconds=_int(get("STUDYBOT_TICK_SECONDS") or "5", "STUDYBOT_TICK_SECONDS", 1, 300),
            grace_minutes=_int(
                get("STUDYBOT_GRACE_MINUTES") or "120", "STUDYBOT_GRACE_MINUTES", 0, 24 * 60
            ),
            lease_seconds=_int(
                get("STUDYBOT_LEASE_SECONDS") or "300", "STUDYBOT_LEASE_SECONDS", 5, 3600
            ),
            max_attempts=_int(get("STUDYBOT_MAX_ATTEMPTS") or "6", "STUDYBOT_MAX_ATTEMPTS", 1, 50),
            org_posts_per_second=_int(
                get("STUDYBOT_ORG_POSTS_PER_SECOND") or "10",
                "STUDYBOT_ORG_POSTS_PER_SECOND",
                1,
                1000,
            ),
            replica_name=get("STUDYBOT_REPLICA_NAME") or f"{socket.gethostname()}:{os.getpid()}",
        )


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
