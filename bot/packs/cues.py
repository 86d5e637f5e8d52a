"""Bank-wide answer cues: is the key the shortest option, or the one least like the stem, or in
the same positions, more often than chance allows?

Each test is exact under the null hypothesis that the key is a random option of its question:
a question where one option is strictly the shortest (or strictly the least like the stem) puts
the key there with probability pick/n, so the number of such questions over the bank follows a
Poisson-binomial distribution, and we report its one-sided (or, for positions, two-sided) tail.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from bot.domain.exam import Question, QuestionType

ALPHA = 0.01  # a cue is reported when chance alone would produce it less than 1 time in 100
MIN_QUESTIONS = 20  # below this a bank is too small for the tests to mean anything
WORDS_RE = re.compile(r"[a-z][a-z0-9-]+")
STOP_WORDS = frozenset(
    "a an and are as at be by for from has have in is it its of on or that the this to with you "
    "your what which should do does how use can will when".split()
)


@dataclass(frozen=True)
class CueTest:
    name: str
    observed: int
    expected: float
    questions: int  # questions the test could look at
    p_value: float

    @property
    def flagged(self) -> bool:
        return self.questions >= MIN_QUESTIONS and self.p_value < ALPHA


def poisson_binomial_pmf(probabilities: Sequence[float]) -> list[float]:
    """P(exactly k successes) for independent trials with the given success probabilities."""
    pmf = [1.0]
    for p in probabilities:
        nxt = [0.0] * (len(pmf) + 1)
        for k, mass in enumerate(pmf):
            nxt[k] += mass * (1 - p)
            nxt[k + 1] += mass * p
        pmf = nxt
    return pmf


def upper_tail(probabilities: Sequence[float], observed: int) -> float:
    """P(at least `observed` successes)."""
    return min(1.0, sum(poisson_binomial_pmf(probabilities)[observed:]))


def two_sided(probabilities: Sequence[float], observed: int) -> float:
    """Twice the smaller tail at `observed`, capped at 1."""
    pmf = poisson_binomial_pmf(probabilities)
    return min(1.0, 2 * min(sum(pmf[observed:]), sum(pmf[: observed + 1])))


def content_words(text: str) -> set[str]:
    return {w for w in WORDS_RE.findall(text.lower()) if w not in STOP_WORDS and len(w) > 2}


def stem_likeness(q: Question, text: str) -> float:
    """Share of an option's content words that also occur in the stem (0 when it has none)."""
    words = content_words(text)
    return len(words & content_words(q.stem)) / len(words) if words else 0.0


def _strict_minimum_test(
    name: str, questions: Iterable[Question], measure: Callable[[Question, str], float]
) -> CueTest:
    """How often the key is the option with strictly the lowest value of `measure`."""
    chances: list[float] = []
    hits = 0
    for q in questions:
        if q.ordered:
            continue
        values = {o.id: measure(q, o.text) for o in q.options}
        low = min(values.values())
        lowest = [oid for oid, v in values.items() if v == low]
        if len(lowest) != 1:
            continue  # a tie: no option stands out, so the question says nothing either way
        chances.append(q.pick / len(q.options))
        hits += lowest[0] in q.key
    return CueTest(name, hits, sum(chances), len(chances), upper_tail(chances, hits))


def shortest_key(questions: Iterable[Question], kind: str = "") -> CueTest:
    return _strict_minimum_test(
        _named("the key is the shortest option", kind),
        questions,
        lambda _q, text: float(len(text)),
    )


def least_like_stem_key(questions: Iterable[Question], kind: str = "") -> CueTest:
    return _strict_minimum_test(
        _named("the key is the option least like the stem", kind), questions, stem_likeness
    )


def _named(name: str, kind: str) -> str:
    return f"{name} ({kind}-answer questions)" if kind else name


def multiple_key_positions(questions: Iterable[Question]) -> list[CueTest]:
    """For multiple-answer questions: how often a key sits at each authored position."""
    multi = [q for q in questions if q.type is QuestionType.MULTIPLE and not q.ordered]
    tests = []
    for pos in range(max((len(q.options) for q in multi), default=0)):
        chances = [q.pick / len(q.options) for q in multi if len(q.options) > pos]
        hits = sum(q.options[pos].id in q.key for q in multi if len(q.options) > pos)
        tests.append(
            CueTest(
                f"a multiple-answer key sits at position {pos + 1}",
                hits,
                sum(chances),
                len(chances),
                two_sided(chances, hits),
            )
        )
    return tests


def describe(test: CueTest) -> str:
    return (
        f"{test.name} in {test.observed} of {test.questions} questions where it could be "
        f"(about {test.expected:.0f} expected by chance; p = {test.p_value:.4f} < {ALPHA}): "
        "rewrite options so length and wording stop pointing at the key"
    )


def yes_share(questions: Iterable[Question]) -> CueTest:
    """For yes/no series: is Yes the answer of a statement more, or less, often than half?"""
    statements = [
        o.id in q.key for q in questions if q.type is QuestionType.YESNO for o in q.options
    ]
    chances = [0.5] * len(statements)
    return CueTest(
        "a yes/no statement's answer is Yes",
        sum(statements),
        sum(chances),
        len(statements),
        two_sided(chances, sum(statements)),
    )
