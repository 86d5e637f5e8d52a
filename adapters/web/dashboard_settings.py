"""Settings of the dashboard door: the link-signing key and the address links point to."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.secret_files import with_secret_files
from bot.settings import SettingsProblems, served_url

MIN_SECRET_LENGTH = 32
MAX_LINK_HOURS = 24 * 30


@dataclass(frozen=True)
class DashboardSettings:
    """`secret` signs links, sessions and CSRF tokens; `public_url` is where people open them."""

    secret: str
    public_url: str = "http://127.0.0.1:8000"

    def __post_init__(self) -> None:
        problems = SettingsProblems()  # a short key and a bad address are both named at once
        if len(self.secret) < MIN_SECRET_LENGTH:
            problems.problems.append(
                f"STUDYBOT_WEB_SECRET must be at least {MIN_SECRET_LENGTH} characters "
                "(for example: python -c 'import secrets; print(secrets.token_urlsafe(32))')"
            )
        parts = urlsplit(self.public_url)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
            problems.problems.append(
                "STUDYBOT_PUBLIC_URL must be an http(s) address such as https://studybot.example.com"
            )
        problems.raise_if_any()

    @property
    def key(self) -> bytes:
        return self.secret.encode()

    @property
    def secure_cookies(self) -> bool:
        """Cookies are marked Secure whenever the public address is https."""
        return self.public_url.startswith("https://")

    def __repr__(self) -> str:
        return f"DashboardSettings(secret=<hidden>, public_url={self.public_url!r})"

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, *, served: str | None = None
    ) -> DashboardSettings | None:
        """None when STUDYBOT_WEB_SECRET is unset: the dashboard, admin pages and API are off.

        Without STUDYBOT_PUBLIC_URL, links point where the service listens: `served`, or else
        STUDYBOT_HOST and STUDYBOT_PORT (127.0.0.1 and 8000 by default)."""
        env = with_secret_files(os.environ if env is None else env)
        secret = env.get("STUDYBOT_WEB_SECRET", "")
        if not secret:
            return None
        url = env.get("STUDYBOT_PUBLIC_URL", "").strip() or served or _served_from(env)
        return cls(secret=secret, public_url=url.rstrip("/"))


def _served_from(env: Mapping[str, str]) -> str:
    port = env.get("STUDYBOT_PORT", "").strip()
    return served_url(
        env.get("STUDYBOT_HOST", "").strip() or "127.0.0.1", int(port) if port.isdigit() else 8000
    )
