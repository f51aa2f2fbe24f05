"""Values a claim carries: durations and ages, read the many ways policies write them.

"30 days", "thirty (30) days", "(13) months", "one year", "1 week", "24 hours" all become a
number of hours, so a notice period or a retention period can be compared across wordings.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "eighteen": 18, "twenty": 20, "twenty-four": 24, "thirty": 30,
    "forty-five": 45, "sixty": 60, "ninety": 90, "hundred": 100, "several": 3, "few": 3,
}
_UNIT_HOURS = {"hour": 1, "day": 24, "business day": 24, "working day": 24, "calendar day": 24,
               "week": 168, "month": 730, "year": 8760}
_NUMBER = r"\d+(?:\.\d+)?|" + "|".join(sorted(map(re.escape, _NUMBER_WORDS), key=len, reverse=True))
DURATION = re.compile(
    rf"\(?\b(?P<n>{_NUMBER})\b\)?\s*(?:\((?P<paren>\d+)\)\s*)?"
    r"(?P<unit>(?:business |working |calendar )?(?:hour|day|week|month|year))s?\b")
_AGE = re.compile(r"\b(\d{1,2})\b")


@dataclass(frozen=True)
class Duration:
    hours: float
    amount: float
    unit: str

    @property
    def text(self) -> str:
        n = int(self.amount) if self.amount == int(self.amount) else self.amount
        return f"{n} {self.unit}{'' if n == 1 else 's'}"


def durations(text: str) -> list[tuple[int, Duration]]:
    """Every duration in `text` with its position."""
    out = []
    for m in DURATION.finditer(text):
        raw = m.group("paren") or m.group("n")
        amount = float(raw) if raw[0].isdigit() else float(_NUMBER_WORDS[raw])
        unit = m.group("unit")
        out.append((m.start(), Duration(amount * _UNIT_HOURS[unit], amount, unit)))
    return out


def first_duration(text: str) -> Duration | None:
    found = durations(text)
    return found[0][1] if found else None


def last_age(text: str) -> int | None:
    """The age a threshold names: the last one- or two-digit number in the phrase."""
    ages = [int(a) for a in _AGE.findall(text) if 5 <= int(a) <= 25]
    return ages[-1] if ages else None
