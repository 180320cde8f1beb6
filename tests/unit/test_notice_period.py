"""The public notice's period in Chinese working days (RULES.md §7; 000 第二十六条(七)): holidays and adjusted
working days from chinese-calendar, at least 5 days, its state on a day."""

from __future__ import annotations

from datetime import date

import pytest

from zc_review.domain.notice_period import (
    CalendarYearUnknown,
    NoticeState,
    is_working_day,
    notice_period,
    notice_state,
)


@pytest.mark.parametrize(("start", "days", "period"), [
    # an ordinary week: Monday to Friday
    (date(2025, 11, 24), 5, (date(2025, 11, 24), date(2025, 11, 28))),
    # a Saturday start moves to Monday
    (date(2025, 11, 22), 5, (date(2025, 11, 24), date(2025, 11, 28))),
    # National Day 2025: 1–8 October off, Saturday 11 October a working day
    (date(2025, 9, 29), 5, (date(2025, 9, 29), date(2025, 10, 11))),
    # a start inside the holiday moves to its first working day after
    (date(2025, 10, 3), 5, (date(2025, 10, 9), date(2025, 10, 14))),
    # Spring Festival 2026: 15–23 February off, Saturdays 14 and 28 February working days
    (date(2026, 2, 12), 7, (date(2026, 2, 12), date(2026, 2, 27))),
])
def test_notice_period_counts_chinese_working_days(start: date, days: int, period: tuple[date, date]) -> None:
    assert notice_period(start, days) == period


def test_adjusted_working_days_count_and_holidays_do_not() -> None:
    assert is_working_day(date(2025, 10, 11))  # a Saturday, 调休
    assert not is_working_day(date(2025, 10, 6))  # a Monday, 国庆
    assert not is_working_day(date(2025, 11, 22))  # an ordinary Saturday


def test_fewer_than_five_days_and_unknown_years_are_refused() -> None:
    with pytest.raises(ValueError):
        notice_period(date(2025, 11, 24), 4)
    with pytest.raises(CalendarYearUnknown) as err:
        notice_period(date(2031, 3, 3))
    assert err.value.year == 2031


def test_state_on_each_side_of_the_period() -> None:
    first, last = date(2025, 11, 24), date(2025, 11, 28)
    assert notice_state(first, last, date(2025, 11, 23)) is NoticeState.DRAFTED
    assert notice_state(first, last, first) is NoticeState.PUBLISHED
    assert notice_state(first, last, last) is NoticeState.PUBLISHED
    assert notice_state(first, last, date(2025, 11, 29)) is NoticeState.OVER
