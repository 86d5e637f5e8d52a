"""The Slack door's settings, read once from the environment and validated with clear errors."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from bot.errors import SettingsError
from bot.secret_files import with_secret_files
from bot.settings import SettingsProblems

DEFAULT_API_URL = "https://slack.com/api/"


class SlackMode(StrEnum):
    OFF = "off"
    SINGLE = "single"  # one workspace: bot token + signing secret, HTTP
    OAUTH = "oauth"  # distributed: OAuth install, tokens encrypted in our database, HTTP
    SOCKET = "socket"  # local use without a public URL: bot token + app token


@dataclass(frozen=True)
class SlackSettings:
    mode: SlackMode
    signing_secret: str | None = None
    bot_token: str | None = None
    app_token: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    token_keys: tuple[str, ...] = ()
    redirect_uri: str | None = None
    api_url: str = DEFAULT_API_URL

    def __repr__(self) -> str:  # never print secrets
        return f"SlackSettings(mode={self.mode.value!r}, api_url={self.api_url!r})"

    @property
    def enabled(self) -> bool:
        return self.mode is not SlackMode.OFF

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SlackSettings:
        env = with_secret_files(os.environ if env is None else env)

        def get(name: str) -> str | None:
            value = env.get(name)
            return value.strip() if value and value.strip() else None

        raw_mode = (get("STUDYBOT_SLACK_MODE") or "off").lower()
        try:
            mode = SlackMode(raw_mode)
        except ValueError:
            raise SettingsError(
                f"STUDYBOT_SLACK_MODE must be one of off, single, oauth or socket, got {raw_mode!r}"
            ) from None
        problems = SettingsProblems()  # every missing or malformed variable, not only the first
        api_url = get("STUDYBOT_SLACK_API_URL") or DEFAULT_API_URL
        if not api_url.startswith(("https://", "http://")):
            problems.problems.append(
                f"STUDYBOT_SLACK_API_URL must be an http(s) URL, got {api_url!r}"
            )
        if not api_url.endswith("/"):
            api_url += "/"

        def need(name: str, prefix: str = "") -> str:
            value = get(name)
            if value is None:
                problems.problems.append(
                    f"{name} is required when STUDYBOT_SLACK_MODE={mode.value}"
                )
                return ""
            if prefix and not value.startswith(prefix):
                problems.problems.append(f"{name} must start with {prefix!r} (check the value)")
            return value

        def checked(settings: SlackSettings) -> SlackSettings:
            problems.raise_if_any()
            return settings

        if mode is SlackMode.OFF:
            return checked(cls(mode))
        if mode is SlackMode.SINGLE:
            return checked(
                cls(
                    mode,
                    signing_secret=need("STUDYBOT_SLACK_SIGNING_SECRET"),
                    bot_token=need("STUDYBOT_SLACK_BOT_TOKEN", "xoxb-"),
                    api_url=api_url,
                )
            )
        if mode is SlackMode.SOCKET:
            return checked(
                cls(
                    mode,
                    bot_token=need("STUDYBOT_SLACK_BOT_TOKEN", "xoxb-"),
                    app_token=need("STUDYBOT_SLACK_APP_TOKEN", "xapp-"),
                    api_url=api_url,
                )
            )
        raw_keys = need("STUDYBOT_SLACK_TOKEN_KEY")
        keys = tuple(k.strip() for k in raw_keys.split(",") if k.strip())
        if raw_keys:
            problems.read(lambda: _check_keys(keys), None)
        return checked(
            cls(
                mode,
                signing_secret=need("STUDYBOT_SLACK_SIGNING_SECRET"),
                client_id=need("STUDYBOT_SLACK_CLIENT_ID"),
                client_secret=need("STUDYBOT_SLACK_CLIENT_SECRET"),
                token_keys=keys,
                redirect_uri=get("STUDYBOT_SLACK_REDIRECT_URI"),
                api_url=api_url,
            )
        )


def _check_keys(keys: tuple[str, ...]) -> None:
    from cryptography.fernet import Fernet

    if not keys:
        raise SettingsError("STUDYBOT_SLACK_TOKEN_KEY is required when STUDYBOT_SLACK_MODE=oauth")
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode())
        except ValueError:
            raise SettingsError(
                f"STUDYBOT_SLACK_TOKEN_KEY: key {position} is not a Fernet key (32 url-safe "
                "base64-encoded bytes); make one with: python -c 'from cryptography.fernet "
                "import Fernet; print(Fernet.generate_key().decode())'"
            ) from None
