"""Working-day arithmetic on the Chinese holiday calendar, including 调休 make-up days.

Calendar facts are those of the State Council's notices (国务院办公厅关于2025年部分节假日安排的
通知, 国办发明电〔2024〕12号; 关于2026年部分节假日安排的通知, 国办发明电〔2025〕7号) and of the
``chinese-calendar`` package's data, which agree.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from govinfo_wagtail.policies.workdays import WorkdayCalendar, today_in


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


@pytest.fixture
def cal() -> WorkdayCalendar:
    return WorkdayCalendar()


# 2025 春节: 1月28日（周二）至2月4日（周二）放假调休，1月26日（周日）、2月8日（周六）上班.
SPRING_2025 = days(date(2025, 1, 28), date(2025, 2, 4))
# 2025 国庆节、中秋节: 10月1日（周三）至8日（周三）放假调休，9月28日（周日）、10月11日（周六）上班.
NATIONAL_2025 = days(date(2025, 10, 1), date(2025, 10, 8))
# 2026 春节: 2月15日（周日）至23日（周一）放假调休，2月14日（周六）、2月28日（周六）上班.
SPRING_2026 = days(date(2026, 2, 15), date(2026, 2, 23))
# 2026 中秋节 9月25日（周五）至27日（周日）放假; 国庆节 10月1日（周四）至7日（周三）放假调休，
# 9月20日（周日）、10月10日（周六）上班.
MID_AUTUMN_2026 = days(date(2026, 9, 25), date(2026, 9, 27))
NATIONAL_2026 = days(date(2026, 10, 1), date(2026, 10, 7))

MAKE_UP_WORKDAYS = [
    date(2025, 1, 26),  # Sunday
    date(2025, 2, 8),  # Saturday
    date(2025, 9, 28),  # Sunday
    date(2025, 10, 11),  # Saturday
    date(2026, 2, 14),  # Saturday
    date(2026, 2, 28),  # Saturday
    date(2026, 9, 20),  # Sunday
    date(2026, 10, 10),  # Saturday
]


# The calendar facts ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "holiday", SPRING_2025 + NATIONAL_2025 + SPRING_2026 + MID_AUTUMN_2026 + NATIONAL_2026
)
def test_statutory_holidays_are_not_workdays(cal, holiday):
    assert cal.is_workday(holiday) is False


@pytest.mark.parametrize("make_up_day", MAKE_UP_WORKDAYS)
def test_make_up_weekend_days_are_workdays(cal, make_up_day):
    assert make_up_day.weekday() >= 5
    assert cal.is_workday(make_up_day) is True


@pytest.mark.parametrize(
    "day",
    [
        date(2025, 1, 27),  # Monday before 春节 2025
        date(2025, 2, 5),  # first day back after 春节 2025
        date(2025, 10, 9),  # first day back after 国庆 2025
        date(2026, 2, 13),  # Friday before 春节 2026
        date(2026, 2, 24),  # first day back after 春节 2026
        date(2026, 9, 24),  # Thursday before 中秋 2026
        date(2026, 10, 8),  # first day back after 国庆 2026
    ],
)
def test_days_around_the_holidays_are_workdays(cal, day):
    assert cal.is_workday(day) is True


def test_ordinary_weekends_are_not_workdays(cal):
    assert cal.is_workday(date(2025, 2, 9)) is False  # Sunday after the 调休 Saturday
    assert cal.is_workday(date(2026, 3, 1)) is False  # Sunday after the 调休 Saturday


def test_agrees_with_chinese_calendar_on_every_covered_day(cal):
    for d in days(WorkdayCalendar.covered_from(), WorkdayCalendar.covered_until()):
        assert cal.is_workday(d) is chinese_calendar.is_workday(d), d
    assert not cal.uncovered_dates_used


# add_workdays across the holidays ------------------------------------------------------------


@pytest.mark.parametrize(
    "start, n, expected",
    [
        # 春节 2025
        (date(2025, 1, 24), 1, date(2025, 1, 26)),  # Friday -> the 调休 Sunday
        (date(2025, 1, 24), 3, date(2025, 2, 5)),
        (date(2025, 1, 27), 1, date(2025, 2, 5)),
        (date(2025, 2, 7), 1, date(2025, 2, 8)),  # Friday -> the 调休 Saturday
        (date(2025, 2, 5), 2, date(2025, 2, 7)),
        (date(2025, 2, 5), 3, date(2025, 2, 8)),  # 3-day rule ends on the 调休 Saturday
        (date(2025, 1, 20), 20, date(2025, 2, 21)),  # a 20-working-day request deadline
        # 国庆 2025
        (date(2025, 9, 26), 1, date(2025, 9, 28)),  # Friday -> the 调休 Sunday
        (date(2025, 9, 26), 3, date(2025, 9, 30)),
        (date(2025, 9, 30), 1, date(2025, 10, 9)),
        (date(2025, 9, 30), 3, date(2025, 10, 11)),  # 3-day rule ends on the 调休 Saturday
        (date(2025, 9, 30), 20, date(2025, 11, 4)),
        # 春节 2026
        (date(2026, 2, 12), 1, date(2026, 2, 13)),
        (date(2026, 2, 12), 2, date(2026, 2, 14)),  # the 调休 Saturday
        (date(2026, 2, 12), 3, date(2026, 2, 24)),
        (date(2026, 2, 14), 1, date(2026, 2, 24)),
        (date(2026, 2, 26), 2, date(2026, 2, 28)),  # the 调休 Saturday
        # 中秋 and 国庆 2026
        (date(2026, 9, 18), 1, date(2026, 9, 20)),  # Friday -> the 调休 Sunday
        (date(2026, 9, 24), 1, date(2026, 9, 28)),
        (date(2026, 9, 29), 2, date(2026, 10, 8)),
        (date(2026, 9, 29), 3, date(2026, 10, 9)),
        (date(2026, 9, 29), 4, date(2026, 10, 10)),  # the 调休 Saturday
        # The start day is never counted, even on a holiday.
        (date(2025, 10, 3), 1, date(2025, 10, 9)),
        (date(2025, 10, 3), 0, date(2025, 10, 3)),
    ],
)
def test_add_workdays(cal, start, n, expected):
    assert cal.add_workdays(start, n) == expected
    assert cal.workdays_between(start, expected) == n
    assert not cal.uncovered_dates_used


@pytest.mark.parametrize(
    "start, n, expected",
    [
        (date(2025, 2, 5), -1, date(2025, 1, 27)),
        (date(2025, 2, 10), -1, date(2025, 2, 8)),  # Monday -> the 调休 Saturday
        (date(2026, 10, 8), -2, date(2026, 9, 29)),
    ],
)
def test_add_workdays_backwards(cal, start, n, expected):
    assert cal.add_workdays(start, n) == expected
    assert cal.workdays_between(start, expected) == n


# workdays_between over the holidays ----------------------------------------------------------


@pytest.mark.parametrize(
    "start, end, expected",
    [
        (date(2025, 1, 27), date(2025, 2, 4), 0),  # the whole 春节 2025 break
        (date(2025, 1, 27), date(2025, 2, 5), 1),
        (date(2025, 1, 24), date(2025, 2, 9), 6),  # 1/26, 1/27, 2/5, 2/6, 2/7, 2/8
        (date(2025, 9, 26), date(2025, 10, 12), 6),  # 9/28, 9/29, 9/30, 10/9, 10/10, 10/11
        (date(2026, 2, 13), date(2026, 3, 1), 6),  # 2/14, 2/24, 2/25, 2/26, 2/27, 2/28
        (date(2026, 9, 30), date(2026, 10, 11), 3),  # 10/8, 10/9, 10/10
        (date(2026, 9, 18), date(2026, 10, 11), 11),
        (date(2025, 2, 7), date(2025, 2, 7), 0),
        (date(2025, 2, 7), date(2025, 2, 8), 1),  # the 调休 Saturday counts
        (date(2025, 2, 8), date(2025, 2, 7), -1),
        (date(2024, 12, 31), date(2025, 12, 31), 248),  # 2025 has 248 working days
        (date(2025, 12, 31), date(2026, 12, 31), 248),  # 2026 has 248 working days
    ],
)
def test_workdays_between(cal, start, end, expected):
    assert cal.workdays_between(start, end) == expected


def test_workdays_between_matches_a_day_by_day_count(cal):
    start = date(2024, 12, 20)
    for end in days(start - timedelta(days=40), date(2026, 12, 31)):
        if end >= start:
            expected = sum(cal.is_workday(d) for d in days(start + timedelta(days=1), end))
        else:
            expected = -sum(cal.is_workday(d) for d in days(end, start - timedelta(days=1)))
        assert cal.workdays_between(start, end) == expected, end


def test_interpretation_due_three_workdays_after_a_release_before_national_day(cal):
    released = date(2025, 9, 30)
    assert cal.add_workdays(released, 3) == date(2025, 10, 11)
    assert cal.workdays_between(released, date(2025, 10, 8)) == 0
    assert cal.workdays_between(released, date(2025, 10, 11)) == 3
    assert cal.workdays_between(released, date(2025, 10, 13)) == 4  # overdue


# Coverage and the fallback -------------------------------------------------------------------


def test_coverage_includes_2025_and_2026(cal):
    assert cal.covered_until() >= date(2026, 12, 31)
    assert (cal.covered_until().month, cal.covered_until().day) == (12, 31)
    assert cal.is_covered(date(2025, 1, 1))
    assert cal.is_covered(date(2026, 12, 31))
    assert not cal.is_covered(cal.covered_until() + timedelta(days=1))
    assert not cal.is_covered(date(2003, 12, 31))
    assert cal.coverage_warning() is None


@pytest.mark.skipif(
    WorkdayCalendar.is_covered(date(2027, 1, 1)),
    reason="chinese-calendar now covers 2027; test_far_future_is_weekends_only still runs",
)
def test_2027_counts_weekends_only_and_is_flagged(cal):
    # 2027-01-01 is a Friday. It will be 元旦, but the package does not know 2027 yet.
    assert cal.add_workdays(date(2026, 12, 30), 1) == date(2026, 12, 31)
    assert not cal.uncovered_dates_used
    assert cal.add_workdays(date(2026, 12, 31), 1) == date(2027, 1, 1)
    assert cal.uncovered_dates_used
    assert cal.uncovered_years == {2027}
    assert cal.workdays_between(date(2026, 12, 25), date(2027, 1, 8)) == 10
    warning = str(cal.coverage_warning())
    assert "2027" in warning
    assert cal.covered_until().isoformat() in warning


def test_is_workday_beyond_coverage_is_flagged(cal):
    year = cal.covered_until().year + 1
    first_saturday = next(d for d in days(date(year, 1, 1), date(year, 1, 7)) if d.weekday() == 5)
    assert cal.is_workday(first_saturday) is False
    assert cal.is_workday(first_saturday + timedelta(days=2)) is True  # Monday
    assert cal.uncovered_years == {year}


def test_far_future_is_weekends_only(cal):
    # 2098-12-31 is a Wednesday; 2099-01-01 Thursday, 01-02 Friday, 01-05 Monday.
    assert cal.add_workdays(date(2098, 12, 31), 3) == date(2099, 1, 5)
    assert cal.uncovered_years == {2098, 2099}
    assert cal.workdays_between(date(2099, 1, 1), date(2099, 1, 31)) == 21


def test_before_coverage_is_flagged(cal):
    assert cal.is_workday(date(2003, 5, 1)) is True  # a Thursday; really 劳动节, but no data
    assert cal.uncovered_years == {2003}


# Extra holidays and working days from the admin ---------------------------------------------


def test_extra_holidays_fill_an_uncovered_year():
    cal = WorkdayCalendar(extra_holidays=[date(2099, 1, 1), date(2099, 1, 2)])
    assert cal.is_workday(date(2099, 1, 1)) is False
    assert cal.add_workdays(date(2098, 12, 31), 1) == date(2099, 1, 5)
    assert cal.workdays_between(date(2098, 12, 31), date(2099, 1, 9)) == 5
    assert cal.uncovered_dates_used  # still warned: the admin's data may be incomplete


def test_extra_workday_on_a_weekend_beyond_coverage():
    cal = WorkdayCalendar(extra_workdays=[date(2099, 1, 3)])  # a Saturday
    assert cal.add_workdays(date(2099, 1, 2), 1) == date(2099, 1, 3)
    assert cal.workdays_between(date(2099, 1, 1), date(2099, 1, 5)) == 3


def test_extra_holiday_inside_covered_years_overrides_package():
    # A local holiday on Monday 2025-03-03.
    cal = WorkdayCalendar(extra_holidays=[date(2025, 3, 3)])
    assert cal.add_workdays(date(2025, 2, 28), 1) == date(2025, 3, 4)
    assert cal.workdays_between(date(2025, 2, 28), date(2025, 3, 7)) == 4
    assert WorkdayCalendar().workdays_between(date(2025, 2, 28), date(2025, 3, 7)) == 5
    assert not cal.uncovered_dates_used


def test_extra_workday_overrides_a_package_holiday():
    cal = WorkdayCalendar(extra_workdays=[date(2025, 10, 8)])
    assert cal.add_workdays(date(2025, 9, 30), 1) == date(2025, 10, 8)


def test_a_date_cannot_be_both_extra_holiday_and_workday():
    with pytest.raises(ValueError, match="2099-01-01"):
        WorkdayCalendar(extra_holidays=[date(2099, 1, 1)], extra_workdays=[date(2099, 1, 1)])


# Types ---------------------------------------------------------------------------------------


def test_datetimes_are_refused(cal):
    with pytest.raises(TypeError):
        cal.is_workday(datetime(2025, 10, 1, 12, 0))
    with pytest.raises(TypeError):
        cal.workdays_between(date(2025, 10, 1), datetime(2025, 10, 9))
    with pytest.raises(TypeError):
        WorkdayCalendar(extra_holidays=[datetime(2099, 1, 1)])


def test_today_is_counted_in_the_given_time_zone():
    shanghai, honolulu = today_in("Asia/Shanghai"), today_in("Pacific/Honolulu")
    assert type(shanghai) is date
    assert (shanghai - honolulu).days in (0, 1)  # 18 hours apart
    assert shanghai == datetime.now(ZoneInfo("Asia/Shanghai")).date()
