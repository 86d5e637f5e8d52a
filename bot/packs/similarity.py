"""Finds questions that look alike: similar stems, or the same keyed answer to a similar stem."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

from bot.domain.exam import Question

STOP = frozenset(
    "a an the of to in on for and or with your you is are be by that this it its as at from which "
    "what should use must each only not".split()
)
WORD = re.compile(r"[a-z0-9@.${}()-]+")


@dataclass(frozen=True)
class SimilarPair:
    first: str
    second: str
    stem: float  # Jaccard similarity of the stems' content words
    key: float  # Jaccard similarity of the keyed options' content words

    @property
    def score(self) -> float:
        return (self.stem + self.key) / 2


def _words(text: str) -> frozenset[str]:
    return frozenset(w for w in WORD.findall(text.lower()) if w not in STOP and len(w) > 2)


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def similar_pairs(questions: Sequence[Question], threshold: float) -> list[SimilarPair]:
    """Pairs whose stem similarity, or the mean of stem and key similarity, reaches threshold."""
    words = [
        (q.id, _words(q.stem), _words(" ".join(q.option(k).text for k in sorted(q.key))))
        for q in questions
    ]
    pairs = []
    for (a, stem_a, key_a), (b, stem_b, key_b) in combinations(words, 2):
        pair = SimilarPair(a, b, _jaccard(stem_a, stem_b), _jaccard(key_a, key_b))
        if pair.stem >= threshold or pair.score >= threshold:
            pairs.append(pair)
    return sorted(pairs, key=lambda p: -p.score)


def describe(pairs: Iterable[SimilarPair]) -> list[str]:
    return [
        f"{p.first} and {p.second} look alike (stems {p.stem:.2f}, keys {p.key:.2f}): "
        "make sure they test different facts"
        for p in pairs
    ]
