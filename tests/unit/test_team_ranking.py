"""Teams rank by points, then right answers, then fewer answers, then name; in a domain or all."""

from __future__ import annotations

from bot.domain.periods import Period
from bot.service.views import DomainProgress, OrgReportView, TeamReport


def team(name: str, d1: tuple[int, int, int], d2: tuple[int, int, int]) -> TeamReport:
    domains = (DomainProgress("D1", "One", *d1), DomainProgress("D2", "Two", *d2))
    return TeamReport(0, name, 5, 3, d1[0] + d2[0], domains)


REPORT = OrgReportView(
    "Org",
    Period.ALL,
    (
        team("beta", (4, 2, 40), (2, 1, 10)),  # 50 points, 3 right, 6 answers
        team("Alpha", (4, 3, 50), (0, 0, 0)),  # 50 points, 3 right, 4 answers
        team("gamma", (2, 2, 20), (6, 6, 90)),  # 110 points
        team("delta", (4, 3, 50), (0, 0, 0)),  # a full tie with Alpha: by name
    ),
    (),
)


def test_ties_break_by_right_answers_then_fewer_answers_then_name() -> None:
    ranked = REPORT.ranking()
    assert [(t.rank, t.team_name) for t in ranked] == [
        (1, "gamma"), (2, "Alpha"), (3, "delta"), (4, "beta"),
    ]  # fmt: skip
    assert (ranked[3].answered, ranked[3].correct, ranked[3].points) == (6, 3, 50)
    assert ranked[3].accuracy == 0.5


def test_one_domain_counts_only_its_answers() -> None:
    ranked = REPORT.ranking("D1")
    assert [t.team_name for t in ranked] == ["Alpha", "delta", "beta", "gamma"]
    assert ranked[-1].points == 20
    empty = OrgReportView("Org", Period.ALL, (team("idle", (0, 0, 0), (0, 0, 0)),), ())
    assert empty.ranking()[0].accuracy is None
