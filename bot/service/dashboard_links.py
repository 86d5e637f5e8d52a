"""Handing a person a dashboard link: the policy picks the role, the web door signs the link."""

from __future__ import annotations

from dataclasses import dataclass

from bot.errors import NotFoundError, StudybotError
from bot.ports import ChannelRef
from bot.service import audit, policy
from bot.service.audit import AuditAction
from bot.service.commands import Actor
from bot.service.context import Core
from bot.service.org_teams import find_org_id

DASHBOARD_OFF = (
    "The dashboard is off on this studybot service; its operator turns it on by setting "
    "STUDYBOT_WEB_SECRET."
)


class DashboardOff(StudybotError):
    """No dashboard key is configured, so no link can be made."""

    def __init__(self) -> None:
        super().__init__(DASHBOARD_OFF)


LINK_HOURS = 24  # how long a link a chat door hands out stays valid (bot/bootstrap.py)


@dataclass(frozen=True)
class DashboardLink:
    role: str  # "admin" or "manager"
    url: str

    @property
    def message(self) -> str:
        """What every chat door answers with (only ever in a reply the asker alone sees)."""
        return (
            f"Your {self.role} link to the studybot dashboard (just for you, valid for "
            f"{LINK_HOURS} hours): {self.url}"
        )


async def issue_dashboard_link(
    core: Core, actor: Actor, channel: ChannelRef | None = None
) -> DashboardLink:
    """A day-long link for the actor's organisation, with the role the policy grants them.

    `channel` is where they asked (Slack: a study admin of it gets a manager link); DashboardOff
    when the dashboard is off, NotAllowedError when they may not have one.
    """
    if core.dashboard_links is None:
        raise DashboardOff()
    decision = await policy.authorize(core, actor, policy.Action.ISSUE_DASHBOARD_LINK, channel)
    role = decision.role or policy.MANAGER
    url = core.dashboard_links(platform=actor.platform, workspace=actor.org_external_id, role=role)
    async with core.db.write() as conn:  # the trail keeps who got which role, never the link
        try:
            org_id, org_name = await find_org_id(conn, actor.platform, actor.org_external_id)
        except NotFoundError:
            org_id = None
        if org_id is not None:
            await audit.record(
                conn, org_id, actor, AuditAction.LINK_ISSUED, org_name, core.clock.now(),
                after={"role": role, "valid for": f"{LINK_HOURS} hours"},
            )  # fmt: skip
    return DashboardLink(role, url)
