"""Calendar days as packs write them: MM-DD (every year) or YYYY-MM-DD."""
from __future__ import annotations

import datetime as dt
import re

MONTH_DAY = re.compile(r"^(\d{4}-)?(\d{2})-(\d{2})$")


def parse_day(text: str) -> tuple[int | None, int, int]:
    """(year or None, month, day) of 'MM-DD' or 'YYYY-MM-DD'."""
    m = MONTH_DAY.match(str(text))
    if not m:
        raise ValueError(f"{text!r} is not a date: write MM-DD (every year) or YYYY-MM-DD")
    year = int(m.group(1)[:4]) if m.group(1) else None
    month, day = int(m.group(2)), int(m.group(3))
    try:
        dt.date(year or 2024, month, day)
    except ValueError:
        raise ValueError(f"{text!r} is not a date of the calendar") from None
    return year, month, day
