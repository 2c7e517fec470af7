"""Column freshness (栏目更新) as the website inspection counts it (政府网站与政务新媒体检查
指标, 单项否决): the home page not updated for two weeks; five or more news-type columns not
updated for two weeks; notice or policy columns not updated for six months; ten or more
columns that should update and did not; five or more empty columns.

A column is a catalogue section, a collection or a topic; it is monitored once it has an
``UpdatePeriod``. Empty columns are found among every live catalogue section and collection
of the site too, with or without a period. Every function takes ``now`` so that the report,
the dashboard and the tests agree on the clock.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db.models import Max, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, Site

from ..conf import govinfo_settings
from ..core.queries import live_disclosures
from .models import CatalogueCollectionPage, CatalogueIndexPage
from .update_periods import ColumnKind, UpdatePeriod

HOME_PERIOD_DAYS = 14
CATALOGUE_COLUMNS = (CatalogueIndexPage, CatalogueCollectionPage)
# Thresholds of the single-veto items.
VETO_NEWS_OVERDUE = 5
VETO_ANY_OVERDUE = 10
VETO_EMPTY = 5


@dataclass
class ColumnState:
    title: str
    kind: str
    period_days: int | None
    last_update: date | None
    status: str  # "overdue", "due_soon", "ok", "empty"
    days_since: int | None = None
    days_left: int | None = None
    admin_url: str = ""
    public_url: str = ""


@dataclass
class FreshnessReport:
    today: date
    home_title: str
    home_last_update: date | None
    home_status: str
    columns: list[ColumnState] = field(default_factory=list)
    agency: object = None  # the report of one agency's columns, or None: the whole site

    def by_status(self, status: str) -> list[ColumnState]:
        return [c for c in self.columns if c.status == status]

    @property
    def overdue(self):
        return self.by_status("overdue")

    @property
    def due_soon(self):
        return self.by_status("due_soon")

    @property
    def empty(self):
        return self.by_status("empty")

    def vetoes(self) -> list[str]:
        """The single-veto items this site would fail today, in the inspection's words."""
        failures = []
        if self.home_status == "overdue":
            failures.append(str(_("The home page has not been updated for two weeks.")))
        news = [c for c in self.overdue if c.kind == ColumnKind.NEWS]
        if len(news) >= VETO_NEWS_OVERDUE:
            failures.append(str(_("%(n)d news-type columns have not been updated for two "
                                  "weeks (five or more fail).") % {"n": len(news)}))
        slow = [c for c in self.overdue if c.kind in (ColumnKind.NOTICE, ColumnKind.POLICY)]
        if slow:
            failures.append(str(_("%(n)d notice or policy columns have not been updated for "
                                  "six months.") % {"n": len(slow)}))
        if len(self.overdue) >= VETO_ANY_OVERDUE:
            failures.append(str(_("%(n)d columns that should be updated were not (ten or "
                                  "more fail).") % {"n": len(self.overdue)}))
        if len(self.empty) >= VETO_EMPTY:
            failures.append(str(_("%(n)d columns are empty (five or more fail).")
                                % {"n": len(self.empty)}))
        return failures


def local_date(value: datetime) -> date:
    return value.astimezone(ZoneInfo(govinfo_settings.SITE_TIME_ZONE)).date()


def last_update(items) -> date | None:
    """The newest 发布日期 of the items (the release date for items without one). Two
    aggregates rather than a date truncation, which MariaDB answers NULL for without its
    time-zone tables."""
    found = items.order_by().aggregate(
        published=Max("published_date"),
        released=Max("first_published_at", filter=Q(published_date__isnull=True)),
    )
    dates = [found["published"], found["released"] and local_date(found["released"])]
    dates = [d for d in dates if d]
    return max(dates) if dates else None


def due_soon_days(period: int) -> int:
    """Warn within a quarter of the period (3 days of a fortnight, 45 of six months)."""
    return max(2, period // 4)


def column_status(last: date | None, period: int | None, today: date) -> tuple[str, int | None,
                                                                                int | None]:
    if last is None:
        return "empty", None, None
    since = (today - last).days
    if period is None:
        return "ok", since, None
    left = period - since
    if left < 0:
        return "overdue", since, left
    return ("due_soon" if left <= due_soon_days(period) else "ok"), since, left


def freshness_report(site: Site, now: datetime, agency=None) -> FreshnessReport:
    """The site's columns; with ``agency``, only that agency's: the update periods given to
    it and the collections that list its items (a site-wide column is the site's)."""
    today = local_date(now)
    root = site.root_page
    home_released = (Page.objects.live().descendant_of(root, inclusive=True)
                     .aggregate(last=Max("last_published_at"))["last"])
    home_last = local_date(home_released) if home_released else None
    home_status, *_rest = column_status(home_last, HOME_PERIOD_DAYS, today)
    report = FreshnessReport(today=today, home_title=root.title, home_last_update=home_last,
                             home_status=home_status, agency=agency)

    periods = UpdatePeriod.objects.select_related("page", "topic", "agency")
    if agency is not None:
        periods = periods.filter(agency=agency)
    periods = list(periods)
    for period in periods:
        if period.page_id:
            period.page = period.page.specific
    covered = set()
    for period in periods:
        if period.page_id and not (period.page.live and period.page.path.startswith(root.path)):
            continue  # another site's column, or one taken down
        covered.add(period.page_id)
        report.columns.append(_state(period.column_title(), period.kind, period.days,
                                     period.items(site), today, period.page))
    # Every live section and collection of the site, monitored or not, counts when empty.
    for model in CATALOGUE_COLUMNS:
        pages = model.objects.live().descendant_of(root, inclusive=True)
        if agency is not None:
            if model is not CatalogueCollectionPage:
                continue
            pages = pages.filter(agencies=agency)
        for page in pages:
            if page.pk in covered:
                continue
            items = (page.get_items(site=site) if isinstance(page, CatalogueCollectionPage)
                     else live_disclosures(root=page))
            if not items.exists():
                report.columns.append(_state(page.title, "", None, items, today, page))
    order = {"overdue": 0, "empty": 1, "due_soon": 2, "ok": 3}
    report.columns.sort(key=lambda c: (order[c.status], -(c.days_since or 0), c.title))
    return report


def _state(title, kind, period, items, today, page=None) -> ColumnState:
    last = last_update(items)
    status, since, left = column_status(last, period, today)
    state = ColumnState(title=title, kind=kind, period_days=period, last_update=last,
                        status=status, days_since=since, days_left=left)
    if page is not None:
        state.admin_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
        state.public_url = page.url or ""
    return state


STATUS_LABELS = {
    "overdue": _("Overdue"), "due_soon": _("Due soon"), "empty": _("Empty"), "ok": _("Up to date"),
}


def render_text(site: Site, report: FreshnessReport) -> str:
    """The report as plain text, for the command's output and its email."""
    lines = [str(_("Column freshness of %(site)s on %(date)s")
                 % {"site": site.site_name or site.hostname, "date": report.today.isoformat()})]
    if report.agency is not None:
        lines.append(str(_("Columns of %(agency)s") % {"agency": report.agency.name}))
    home = report.home_last_update.isoformat() if report.home_last_update else "—"
    lines.append(str(_("Home page (%(title)s): last updated %(date)s, %(status)s")
                     % {"title": report.home_title, "date": home,
                        "status": STATUS_LABELS[report.home_status]}))
    vetoes = report.vetoes()
    if vetoes:
        lines.append(str(_("The inspection would fail this site:")))
        lines.extend(f"  ! {text}" for text in vetoes)
    for status in ("overdue", "due_soon", "empty"):
        columns = report.by_status(status)
        lines.append(f"{STATUS_LABELS[status]} ({len(columns)})")
        for column in columns:
            last = column.last_update.isoformat() if column.last_update else "—"
            period = (str(_("every %(n)d days") % {"n": column.period_days})
                      if column.period_days else "")
            lines.append(f"  - {column.title}  {last}  {period}".rstrip())
    return "\n".join(lines)
