"""What the words typed into the gallery's search box mean.

Every word must match (AND). A word is looked for in the prompts, models, node title and file
name, except:

- a whole number (``123456``) also matches that seed — artists copy seeds around;
- ``seed:123456`` matches only that seed;
- a date, ``2026-12-03`` (or ``2026/12/03``), matches pictures made that day, ``2026-12`` that
  month (local time).

The library turns the terms into SQL; the server history filters its rows in Python with
:func:`term_matches`, so both sources read the search box the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

_SEED = re.compile(r"seed[:=](\d{1,20})", re.IGNORECASE)
_NUMBER = re.compile(r"\d{1,20}")
_DAY = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})")
_MONTH = re.compile(r"(\d{4})[-/](\d{1,2})")


@dataclass(frozen=True, slots=True)
class Term:
    text: str  # the word as typed (matched as text unless ``exact_seed``)
    seed: int | None = None  # a seed this word stands for
    exact_seed: bool = False  # ``seed:N``: the seed only, not the text
    since: float | None = None  # a date: created >= since ...
    until: float | None = None  # ... and < until (epoch seconds)

    @property
    def is_date(self) -> bool:
        return self.since is not None


def _day_range(year: int, month: int, day: int | None) -> tuple[float, float] | None:
    try:
        if day is None:
            start = datetime(year, month, 1)
            end = datetime(year + (month == 12), month % 12 + 1, 1)
        else:
            start = datetime(year, month, day)
            end = datetime.fromordinal(start.toordinal() + 1)
    except ValueError:
        return None  # 2026-13-45 is not a date: look for the text instead
    return start.timestamp(), end.timestamp()  # naive datetimes are local time


def parse_term(word: str) -> Term:
    if match := _SEED.fullmatch(word):
        return Term(word, seed=int(match.group(1)), exact_seed=True)
    if _NUMBER.fullmatch(word):
        return Term(word, seed=int(word))
    day = _DAY.fullmatch(word)
    month = None if day else _MONTH.fullmatch(word)
    if day or month:
        parts = [int(g) for g in (day or month).groups()]  # type: ignore[union-attr]
        span = _day_range(parts[0], parts[1], parts[2] if day else None)
        if span is not None:
            return Term(word, since=span[0], until=span[1])
    return Term(word)


def parse_terms(text: str) -> list[Term]:
    return [parse_term(word) for word in text.split()]


def term_matches(term: Term, *, haystack: str, seed: int | None, created: float | None) -> bool:
    """Whether one picture matches one term (``haystack``: its searchable text)."""
    if term.is_date:
        return created is not None and term.since <= created < term.until  # type: ignore[operator]
    if term.seed is not None and seed == term.seed:
        return True
    return not term.exact_seed and term.text.casefold() in haystack.casefold()
