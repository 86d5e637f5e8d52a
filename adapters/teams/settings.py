"""The Teams door's settings, read once from the environment and validated with clear errors."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from bot.secret_files import with_secret_files
from bot.settings import SettingsProblems, parse_switch

GUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)


class AppType(StrEnum):
    SINGLE_TENANT = "SingleTenant"
    MULTI_TENANT = "MultiTenant"
    USER_ASSIGNED_MSI = "UserAssignedMSI"


@dataclass(frozen=True)
class TeamsSettings:
    enabled: bool
    app_id: str = ""
    app_password: str = field(default="", repr=False)
    app_type: AppType = AppType.SINGLE_TENANT
    tenant_id: str = ""
    local_dev: bool = False

    def __repr__(self) -> str:  # never print the secret
        return (
            f"TeamsSettings(enabled={self.enabled}, app_id={self.app_id!r}, "
            f"app_type={self.app_type.value!r}, tenant_id={self.tenant_id!r}, "
            f"local_dev={self.local_dev})"
        )

    @property
    def authentication(self) -> bool:
        """True when inbound requests must carry a valid Bot Framework token."""
        return bool(self.app_id)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> TeamsSettings:
        env = with_secret_files(os.environ if env is None else env)

        def get(name: str) -> str:
            return (env.get(name) or "").strip()

        problems = SettingsProblems()  # every bad variable of the door, not only the first
        enabled = problems.read(
            lambda: parse_switch(get("STUDYBOT_TEAMS") or "off", "STUDYBOT_TEAMS"), False
        )
        local_dev = problems.read(
            lambda: parse_switch(
                get("STUDYBOT_TEAMS_LOCAL_DEV") or "off", "STUDYBOT_TEAMS_LOCAL_DEV"
            ),
            False,
        )
        if not enabled:  # off, or a bad switch: the other variables do not apply yet
            problems.raise_if_any()
            return cls(enabled=False, local_dev=local_dev)
        app_id = get("STUDYBOT_TEAMS_APP_ID")
        password = get("STUDYBOT_TEAMS_APP_PASSWORD")
        tenant_id = get("STUDYBOT_TEAMS_TENANT_ID")
        raw_type = get("STUDYBOT_TEAMS_APP_TYPE") or AppType.SINGLE_TENANT.value
        app_type = next((t for t in AppType if t.value.lower() == raw_type.lower()), None)
        note = problems.problems.append
        if app_type is None:
            note(
                "STUDYBOT_TEAMS_APP_TYPE must be one of "
                f"{', '.join(t.value for t in AppType)}, got {raw_type!r}"
            )
        if tenant_id and not GUID_RE.match(tenant_id) and (app_id or not local_dev):
            note(
                f"STUDYBOT_TEAMS_TENANT_ID must be a directory (tenant) id GUID, got {tenant_id!r}"
            )
        if not app_id:
            if not local_dev:
                note(
                    "STUDYBOT_TEAMS_APP_ID is required when STUDYBOT_TEAMS=on; for local testing "
                    "without credentials set STUDYBOT_TEAMS_LOCAL_DEV=on (never on a server)"
                )
            elif password:
                note("STUDYBOT_TEAMS_APP_PASSWORD is set but STUDYBOT_TEAMS_APP_ID is empty")
            problems.raise_if_any()
            return cls(enabled=True, app_type=app_type or AppType.SINGLE_TENANT, local_dev=True)
        if not GUID_RE.match(app_id):
            note(f"STUDYBOT_TEAMS_APP_ID must be the Microsoft App ID (a GUID), got {app_id!r}")
        if app_type is AppType.USER_ASSIGNED_MSI:
            if password:
                note(
                    "STUDYBOT_TEAMS_APP_PASSWORD must be empty for UserAssignedMSI (the managed "
                    "identity has no secret)"
                )
        elif app_type is not None and not password:
            note(f"STUDYBOT_TEAMS_APP_PASSWORD is required for STUDYBOT_TEAMS_APP_TYPE={app_type}")
        if app_type not in (None, AppType.MULTI_TENANT) and not tenant_id:
            note(f"STUDYBOT_TEAMS_TENANT_ID is required for STUDYBOT_TEAMS_APP_TYPE={app_type}")
        problems.raise_if_any()
        assert app_type is not None  # an unknown type was noted above
        return cls(
            enabled=True,
            app_id=app_id,
            app_password=password,
            app_type=app_type,
            tenant_id=tenant_id,
            local_dev=local_dev,
        )
