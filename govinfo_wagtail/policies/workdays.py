"""Working-day arithmetic on the Chinese public-holiday calendar (工作日计算).

Deadlines in government information disclosure are counted in working days (工作日):
the interpretation (政策解读) of a policy document is due within 3 working days of the
document's release, and a disclosure request (依申请公开) is answered within 20 working
days of its receipt (《政府信息公开条例》第三十三条), extendable by at most 20 more.

A working day is a day on which government offices work: Monday to Friday, except the
statutory holidays announced each year by the State Council (国务院办公厅关于某年部分节假日
安排的通知), plus the make-up working days (调休) that notice moves onto a Saturday or Sunday.

Holiday data comes from the maintained PyPI package ``chinese-calendar`` (import name
``chinese_calendar``), which is released each year after the State Council publishes the next
year's notice (usually in November or December). It covers whole calendar years, from 2004
through the last year announced. Outside that range this module counts weekends only, plus the
extra holidays and working days an administrator has entered, and records that it did so
(:attr:`WorkdayCalendar.uncovered_years`) so the caller can warn administrators. See
docs/reference/working-days.md.

All dates are :class:`datetime.date` values of the site's calendar: callers convert aware
datetimes to the site's time zone first (:func:`today_in` gives today's date in a zone; the
policies services use ``GOVINFO_SITE_TIME_ZONE``, Asia/Shanghai by default).
Passing a :class:`datetime.datetime` raises :class:`TypeError`, so a UTC timestamp cannot be
silently truncated to the wrong day.
"""

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
from django.utils.translation import gettext_lazy as _

# The package's own tables: statutory holidays (including the weekend days inside a holiday
# period) and make-up working days on weekends (调休上班). Both are public names of the package.
_PACKAGE_HOLIDAYS: frozenset[date] = frozenset(chinese_calendar.holidays)
_PACKAGE_WORKDAYS: frozenset[date] = frozenset(chinese_calendar.workdays)
# The package covers whole years and raises NotImplementedError outside them; this is the same
# range it checks (chinese_calendar.utils._validate_date).
_FIRST_YEAR = min(_PACKAGE_HOLIDAYS).year
_LAST_YEAR = max(_PACKAGE_HOLIDAYS).year


def today_in(time_zone: str) -> date:
    """Today's date in ``time_zone`` (e.g. "Asia/Shanghai"), whatever the server's zone."""
    return datetime.now(ZoneInfo(time_zone)).date()


def _check_date(d: object, name: str = "date") -> date:
    if isinstance(d, datetime) or not isinstance(d, date):
        raise TypeError(
            f"{name} must be a datetime.date of the site's calendar, "
            f"not {type(d).__name__}"
        )
    return d


def _weekdays_in(first: date, last: date) -> int:
    """Number of Mondays to Fridays in ``first..last`` inclusive (0 if ``last < first``)."""
    days = (last - first).days + 1
    if days <= 0:
        return 0
    full_weeks, rest = divmod(days, 7)
    start = first.weekday()
    return full_weeks * 5 + sum(1 for i in range(rest) if (start + i) % 7 < 5)


class WorkdayCalendar:
    """The Chinese working-day calendar, with an administrator's additions.

    ``extra_holidays`` and ``extra_workdays`` are dates entered in the admin. They take
    precedence over the package data, so they can both fill in a year the package does not
    cover yet and correct it; a date may not be in both.

    Beyond the package's coverage (:meth:`covered_until`), a day is a working day if it is
    Monday to Friday and not an extra holiday, or if it is an extra working day. Each such year
    consulted is added to :attr:`uncovered_years`; :meth:`coverage_warning` turns that into a
    message for administrators. The record accumulates over the instance's life, so create one
    calendar per request or report.
    """

    def __init__(
        self, extra_holidays: Iterable[date] = (), extra_workdays: Iterable[date] = ()
    ) -> None:
        self.extra_holidays = frozenset(_check_date(d, "extra holiday") for d in extra_holidays)
        self.extra_workdays = frozenset(_check_date(d, "extra workday") for d in extra_workdays)
        both = self.extra_holidays & self.extra_workdays
        if both:
            listed = ", ".join(d.isoformat() for d in sorted(both))
            raise ValueError(f"Dates cannot be both extra holidays and extra workdays: {listed}")
        # Every date whose status may differ from the plain Monday-to-Friday rule, sorted, so
        # that counting over a long span is a weekday count plus a few corrections.
        self._special_dates = sorted(
            _PACKAGE_HOLIDAYS | _PACKAGE_WORKDAYS | self.extra_holidays | self.extra_workdays
        )
        self.uncovered_years: set[int] = set()

    # Coverage ------------------------------------------------------------------------------

    @staticmethod
    def covered_from() -> date:
        """The first date the package's holiday data covers (1 January of its first year)."""
        return date(_FIRST_YEAR, 1, 1)

    @staticmethod
    def covered_until() -> date:
        """The last date the package's holiday data covers (31 December of its last year)."""
        return date(_LAST_YEAR, 12, 31)

    @staticmethod
    def is_covered(d: date) -> bool:
        """Whether the package has the State Council's holiday data for ``d``'s year."""
        return _FIRST_YEAR <= _check_date(d).year <= _LAST_YEAR

    @property
    def uncovered_dates_used(self) -> bool:
        """True once any calculation on this calendar relied on an uncovered year."""
        return bool(self.uncovered_years)

    def coverage_warning(self):
        """A message for administrators if an uncovered year was used, else ``None``."""
        if not self.uncovered_years:
            return None
        years = "、".join(str(y) for y in sorted(self.uncovered_years))
        return _(
            "The holiday calendar covers %(first)s to %(last)s. Working days in %(years)s "
            "were counted with weekends only and the holidays added in the admin: add that "
            "year's holidays and make-up working days, or upgrade chinese-calendar."
        ) % {
            "first": self.covered_from().isoformat(),
            "last": self.covered_until().isoformat(),
            "years": years,
        }

    def _note_uncovered(self, first: date, last: date) -> None:
        """Record the uncovered years that ``first..last`` (inclusive) touches."""
        for year in range(first.year, last.year + 1):
            if not _FIRST_YEAR <= year <= _LAST_YEAR:
                self.uncovered_years.add(year)

    # Single days -----------------------------------------------------------------------------

    def _status(self, d: date) -> bool:
        if d in self.extra_workdays:
            return True
        if d in self.extra_holidays:
            return False
        if d in _PACKAGE_WORKDAYS:
            return True
        if d in _PACKAGE_HOLIDAYS:
            return False
        return d.weekday() < 5

    def is_workday(self, d: date) -> bool:
        """Whether government offices work on ``d``: a weekday that is not a holiday, or a
        make-up working day (调休) on a Saturday or Sunday."""
        _check_date(d)
        self._note_uncovered(d, d)
        return self._status(d)

    # Spans -----------------------------------------------------------------------------------

    def add_workdays(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start``; ``start`` itself is not counted.

        This is the deadline of an "within n working days of start" rule: the day of the event
        is not counted (《民法典》第二百零一条: 开始的当日不计入), so a request received on
        ``start`` must be answered by the end of ``add_workdays(start, 20)``, and a policy
        released on ``start`` should have its interpretation live by the end of
        ``add_workdays(start, 3)``; it is overdue once today is later than that date.
        ``start`` need not be a working day. ``n == 0`` returns ``start``; a negative ``n``
        counts backwards (the ``|n|``-th working day before ``start``).
        """
        _check_date(start, "start")
        if not isinstance(n, int):
            raise TypeError(f"n must be an int, not {type(n).__name__}")
        step = timedelta(days=1 if n >= 0 else -1)
        d = start
        remaining = abs(n)
        while remaining:
            d += step
            if self._status(d):
                remaining -= 1
        self._note_uncovered(min(start, d), max(start, d))
        return d

    def workdays_between(self, start: date, end: date) -> int:
        """The number of working days after ``start`` up to and including ``end``.

        With ``start`` the release date of a policy and ``end`` today, this is the number of
        working days elapsed since release, counted as the law counts periods (the day of the
        event is not counted): a policy released on a Friday has 1 working day elapsed on the
        following Monday. Its interpretation is overdue when today is later than
        ``add_workdays(release, 3)``; on a working day that is the same as this count exceeding
        3 (on a weekend after the deadline the count is still 3). It is 0 when
        ``end == start``, and the inverse of
        :meth:`add_workdays`: ``workdays_between(s, add_workdays(s, n)) == n`` for every ``n``.
        If ``end`` is before ``start`` the result is negative: minus the number of working days
        from ``end`` (included) up to ``start`` (excluded).
        """
        _check_date(start, "start")
        _check_date(end, "end")
        if end < start:
            return -self._count(end, start - timedelta(days=1))
        return self._count(start + timedelta(days=1), end)

    def _count(self, first: date, last: date) -> int:
        """Working days in ``first..last`` inclusive."""
        if last < first:
            return 0
        self._note_uncovered(first, last)
        count = _weekdays_in(first, last)
        lo = bisect_left(self._special_dates, first)
        hi = bisect_right(self._special_dates, last)
        for d in self._special_dates[lo:hi]:
            count += int(self._status(d)) - int(d.weekday() < 5)
        return count
