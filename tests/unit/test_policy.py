"""Who may do what, once for every door: actor facts x action -> allowed or refused (and role)."""

from __future__ import annotations

import pytest

from bot.service.commands import Actor
from bot.service.policy import Action, Standing, decide

A = Action
EVERY = frozenset(Action)
RUN = {A.START_DROP, A.CLOSE_DROP, A.SAVE_SCHEDULE, A.PAUSE_SCHEDULE, A.REMOVE_SCHEDULE}

SLACK_ADMIN = Actor("slack", "T1", "U1", workspace_admin=True)
SLACK_MEMBER = Actor("slack", "T1", "U2")
TEAMS_OWNER = Actor("teams", "tenant", "aad-1", team_owner=True)
TEAMS_MEMBER = Actor("teams", "tenant", "aad-2")
WEB_ADMIN = Actor("slack", "T1", dashboard_role="admin")  # a dashboard grant of a workspace
WEB_MANAGER = Actor("teams", "tenant", dashboard_role="manager")
VISITOR = Actor("web", "playground", "ada", playground_visitor=True)
OPERATOR = Actor.command_line()
ADMIN_HERE = Standing(study_admin=True)
ADMIN_ELSEWHERE = Standing(study_admin_somewhere=True)

# (actor, what the core read about them, the actions allowed: every other action is refused)
TABLE: list[tuple[str, Actor, Standing, set[Action]]] = [
    ("slack workspace admin", SLACK_ADMIN, Standing(),
     RUN | {A.MANAGE_STUDY_ADMINS, A.READ_ORG_REPORT, A.ISSUE_DASHBOARD_LINK}),
    ("slack study admin here", SLACK_MEMBER, ADMIN_HERE,
     RUN | {A.READ_ORG_REPORT, A.ISSUE_DASHBOARD_LINK}),
    ("slack study admin elsewhere", SLACK_MEMBER, ADMIN_ELSEWHERE, set()),
    ("slack member", SLACK_MEMBER, Standing(), set()),
    ("teams roster owner", TEAMS_OWNER, Standing(),
     RUN | {A.MANAGE_STUDY_ADMINS, A.READ_ORG_REPORT}),
    ("teams study admin here or of the team", TEAMS_MEMBER, ADMIN_HERE,
     RUN | {A.MANAGE_STUDY_ADMINS, A.READ_ORG_REPORT}),
    ("teams study admin of some channel", TEAMS_MEMBER, ADMIN_ELSEWHERE,
     {A.READ_ORG_REPORT, A.ISSUE_DASHBOARD_LINK}),
    ("teams member", TEAMS_MEMBER, Standing(), {A.READ_ORG_REPORT}),
    ("web admin", WEB_ADMIN, Standing(),
     {A.SAVE_SCHEDULE, A.PAUSE_SCHEDULE, A.REMOVE_SCHEDULE, A.MANAGE_STUDY_ADMINS,
      A.READ_ORG_REPORT, A.READ_DASHBOARD, A.READ_CONTENT, A.READ_AUDIT}),
    ("web manager", WEB_MANAGER, Standing(), {A.READ_ORG_REPORT, A.READ_DASHBOARD}),
    ("web manager who is a study admin too", WEB_MANAGER, ADMIN_HERE,
     {A.READ_ORG_REPORT, A.READ_DASHBOARD}),
    ("playground visitor", VISITOR, Standing(), {A.START_DROP, A.CLOSE_DROP}),
    ("operator", OPERATOR, Standing(), set(EVERY)),
    ("unknown platform", Actor("irc", "net", "nick", workspace_admin=True), ADMIN_HERE, set()),
]  # fmt: skip


@pytest.mark.parametrize(("who", "actor", "standing", "allowed"), TABLE, ids=[r[0] for r in TABLE])
@pytest.mark.parametrize("action", sorted(Action))
def test_the_rule_table(
    who: str, actor: Actor, standing: Standing, allowed: set[Action], action: Action
) -> None:
    assert decide(actor, action, standing).allowed is (action in allowed)


@pytest.mark.parametrize(
    ("actor", "standing", "role"),
    [
        (SLACK_ADMIN, Standing(), "admin"),
        (SLACK_MEMBER, ADMIN_HERE, "manager"),
        (TEAMS_MEMBER, ADMIN_ELSEWHERE, "manager"),
        (TEAMS_OWNER, ADMIN_ELSEWHERE, "manager"),  # roster owners get no admin link
        (OPERATOR, Standing(), "admin"),
    ],
)
def test_the_dashboard_role_follows_the_rule(actor: Actor, standing: Standing, role: str) -> None:
    decision = decide(actor, Action.ISSUE_DASHBOARD_LINK, standing)
    assert (decision.allowed, decision.role) == (True, role)


@pytest.mark.parametrize("actor", [SLACK_ADMIN, TEAMS_OWNER, WEB_ADMIN, VISITOR])
@pytest.mark.parametrize("action", sorted(Action))
def test_nobody_acts_in_another_organisation(actor: Actor, action: Action) -> None:
    for org in [("slack", "T2"), ("teams", "other"), ("web", "elsewhere")]:
        if org != (actor.platform, actor.org_external_id):
            assert not decide(actor, action, ADMIN_HERE, org=org).allowed


def test_the_operator_may_act_in_any_organisation() -> None:
    assert decide(OPERATOR, Action.SAVE_SCHEDULE, org=("teams", "any")).allowed
