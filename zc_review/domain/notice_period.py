"""The public notice's period (公示期) in Chinese working days, and its state on a given day.

Working days follow the State Council's yearly schedule of public holidays and adjusted working days
(调休), as kept by the ``chinese-calendar`` library (pure data, no I/O): a Saturday made a working day
counts, a weekday of the Spring Festival does not.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

#: The shortest notice: "公示期不少于 5 个工作日". Source: RULES.md §7; 000 第二十六条(七).
MIN_WORKING_DAYS = 5


class NoticeState(StrEnum):
    """Where a notice stands on a day: drafted (before its first day), published (in its period), over."""

    DRAFTED = "drafted"
    PUBLISHED = "published"
    OVER = "over"


class CalendarYearUnknown(ValueError):
    """The calendar library holds no holiday schedule for ``year`` (a newer version of it is needed)."""

    def __init__(self, year: int) -> None:
        super().__init__(year)
        self.year = year


def is_working_day(day: date) -> bool:
    """True when ``day`` is a working day in mainland China (adjusted working days included).

    Raises: CalendarYearUnknown for a year the calendar library does not cover.
    """
    import chinese_calendar

    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        raise CalendarYearUnknown(day.year) from None


def notice_period(start: date, working_days: int = MIN_WORKING_DAYS) -> tuple[date, date]:
    """(first day, last day) of a notice of ``working_days`` working days starting on or after ``start``.

    The first day is the first working day on or after ``start``; the last is the ``working_days``-th
    working day counting the first. Example: start 2025-09-29 (Monday), 5 days → (2025-09-29, 2025-10-11):
    the National Day holiday (1–8 October) does not count, Saturday 11 October is an adjusted working day.
    Raises: ValueError for fewer than :data:`MIN_WORKING_DAYS`; CalendarYearUnknown.
    Source: RULES.md §7; 000 第二十六条(七).
    """
    if working_days < MIN_WORKING_DAYS:
        raise ValueError(working_days)
    day = start
    while not is_working_day(day):
        day += timedelta(days=1)
    first, counted = day, 1
    while counted < working_days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return first, day


def notice_state(first_day: date, last_day: date, today: date) -> NoticeState:
    """The notice's state on ``today``: drafted before ``first_day``, published through ``last_day``, then
    over (the day after the last day is the first on which the results may be filed). Source: 000 第二十六条(八)."""
    if today < first_day:
        return NoticeState.DRAFTED
    if today <= last_day:
        return NoticeState.PUBLISHED
    return NoticeState.OVER
