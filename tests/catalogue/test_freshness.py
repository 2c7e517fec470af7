"""Column freshness as the inspection counts it, with the clock moved (``now`` passed in):
update periods and their defaults, due soon, overdue, empty columns, the home page, the
single-veto items, the weekly report command and the dashboard panel."""

from datetime import date, datetime, time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from django.utils.translation import gettext
from wagtail.models import Site

from govinfo_wagtail.catalogue.freshness import freshness_report
from govinfo_wagtail.catalogue.models import (
    CatalogueCollectionPage,
    CatalogueIndexPage,
    CatalogueItemPage,
)
from govinfo_wagtail.catalogue.update_periods import ColumnKind, UpdatePeriod
from govinfo_wagtail.core.models import Topic
from tests.conftest import add_live

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
D = date(2026, 3, 2)  # the newest item's 发布日期


def at(day: date) -> datetime:
    return datetime.combine(day, time(9), tzinfo=TZ)


def site():
    return Site.objects.get(is_default_site=True)


def state(report, title):
    return next(c for c in report.columns if c.title == title)


@pytest.fixture
def news(catalogue, agency):
    section = add_live(catalogue, CatalogueIndexPage(title="工作动态", slug="gzdt"))
    add_live(section, CatalogueItemPage(title="旧动态", agency=agency,
                                        published_date=D - timedelta(days=30)))
    add_live(section, CatalogueItemPage(title="新动态", agency=agency, published_date=D))
    UpdatePeriod.objects.create(page=section, kind=ColumnKind.NEWS)
    return section


@pytest.mark.parametrize("days_after,status", [(10, "ok"), (12, "due_soon"), (14, "due_soon"),
                                               (15, "overdue")])
def test_news_column_two_weeks(news, days_after, status):
    column = state(freshness_report(site(), at(D + timedelta(days=days_after))), "工作动态")
    assert column.period_days == 14  # the inspection's default for news
    assert column.last_update == D
    assert column.status == status


def test_policy_collection_six_months_and_its_veto(catalogue, agency):
    topic = Topic.objects.create(name="政策文件")
    add_live(catalogue, CatalogueItemPage(title="规范性文件", agency=agency, topic=topic,
                                          published_date=D))
    collection = CatalogueCollectionPage(title="政策文件库", slug="zcwj")
    collection.topics = [topic]
    collection = add_live(catalogue, collection)
    UpdatePeriod.objects.create(page=collection, kind=ColumnKind.POLICY)
    report = freshness_report(site(), at(D + timedelta(days=100)))
    assert state(report, "政策文件库").status == "ok"
    assert state(report, "政策文件库").period_days == 183
    report = freshness_report(site(), at(D + timedelta(days=140)))
    assert state(report, "政策文件库").status == "due_soon"
    report = freshness_report(site(), at(D + timedelta(days=184)))
    assert state(report, "政策文件库").status == "overdue"
    assert report.vetoes() == [gettext("%(n)d notice or policy columns have not been updated "
                                       "for six months.") % {"n": 1}]


def test_topic_column_of_one_agency_and_own_period(catalogue, agency):
    from govinfo_wagtail.core.models import Agency

    other = Agency.objects.create(name="海丰县财政局", short_name="县财政局",
                                  index_code="007040638")
    topic = Topic.objects.create(name="通知公告")
    add_live(catalogue, CatalogueItemPage(title="财政局通知", agency=other, topic=topic,
                                          published_date=D))
    add_live(catalogue, CatalogueItemPage(title="交通局通知", agency=agency, topic=topic,
                                          published_date=D - timedelta(days=40)))
    UpdatePeriod.objects.create(topic=topic, agency=agency, kind=ColumnKind.OTHER,
                                period_days=30)
    column = state(freshness_report(site(), at(D)), f"通知公告（{agency.short_name}）")
    # Only this agency's items count: its newest is 40 days old, past its 30-day period.
    assert column.last_update == D - timedelta(days=40)
    assert column.status == "overdue"


def test_empty_columns_counted_with_or_without_a_period_and_veto_at_five(catalogue, agency):
    for n in range(4):
        add_live(catalogue, CatalogueIndexPage(title=f"空栏目{n}", slug=f"empty-{n}"))
    add_live(catalogue, CatalogueItemPage(title="条目", agency=agency, published_date=D))
    report = freshness_report(site(), at(D))
    assert sorted(c.title for c in report.empty) == [f"空栏目{n}" for n in range(4)]
    assert not [v for v in report.vetoes() if "5" in v or "五" in v]
    fifth = add_live(catalogue, CatalogueIndexPage(title="空栏目4", slug="empty-4"))
    UpdatePeriod.objects.create(page=fifth, kind=ColumnKind.NOTICE)  # monitored and empty
    report = freshness_report(site(), at(D))
    assert len(report.empty) == 5
    assert len(report.vetoes()) == 1


def test_five_news_columns_overdue_fail(catalogue, agency):
    for n in range(5):
        section = add_live(catalogue, CatalogueIndexPage(title=f"动态{n}", slug=f"news-{n}"))
        add_live(section, CatalogueItemPage(title=f"动态条目{n}", agency=agency,
                                            published_date=D))
        UpdatePeriod.objects.create(page=section, kind=ColumnKind.NEWS)
    assert freshness_report(site(), at(D + timedelta(days=14))).vetoes() == []
    vetoes = freshness_report(site(), at(D + timedelta(days=15))).vetoes()
    assert len(vetoes) == 1 and "5" in vetoes[0]


def test_home_page_last_update_is_the_newest_release(catalogue, agency):
    add_live(catalogue, CatalogueItemPage(title="条目", agency=agency))
    released = timezone.localtime(timezone.now(), TZ).date()
    report = freshness_report(site(), timezone.now() + timedelta(days=13))
    assert report.home_last_update == released
    assert report.home_status == "due_soon"
    report = freshness_report(site(), timezone.now() + timedelta(days=15))
    assert report.home_status == "overdue"
    assert len(report.vetoes()) == 1  # the home page's item alone


def test_item_without_published_date_counts_from_its_release(catalogue, agency):
    section = add_live(catalogue, CatalogueIndexPage(title="公告", slug="gg"))
    add_live(section, CatalogueItemPage(title="未填发布日期", agency=agency))
    UpdatePeriod.objects.create(page=section, kind=ColumnKind.NOTICE)
    column = state(freshness_report(site(), timezone.now()), "公告")
    assert column.last_update == timezone.localtime(timezone.now(), TZ).date()
    assert column.status == "ok"


def test_period_validation(catalogue, agency):
    item = add_live(catalogue, CatalogueItemPage(title="条目", agency=agency))
    with pytest.raises(ValidationError) as error:
        UpdatePeriod(page=item, kind=ColumnKind.NEWS).full_clean()
    assert "page" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        UpdatePeriod(page=catalogue, kind=ColumnKind.OTHER).full_clean()
    assert "period_days" in error.value.message_dict
    with pytest.raises(ValidationError):
        UpdatePeriod(kind=ColumnKind.NEWS).full_clean()


def test_weekly_report_command_prints_and_emails(news):
    out = StringIO()
    call_command("govinfo_freshness_report", "--now", (D + timedelta(days=20)).isoformat()
                 + "T09:00+08:00", "--email", "office@example.gov.cn", stdout=out)
    text = out.getvalue()
    assert "工作动态" in text and D.isoformat() in text
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["office@example.gov.cn"]
    assert "工作动态" in mail.outbox[0].body


def test_report_command_refuses_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("govinfo_freshness_report", "--now", "下周一", stdout=StringIO())


def test_setup_grants_the_administrators_the_periods(setup_done):
    from django.contrib.auth.models import Group

    from govinfo_wagtail.conf import govinfo_settings

    group = Group.objects.get(name=govinfo_settings.ADMIN_GROUP)
    assert group.permissions.filter(codename="view_updateperiod").exists()


def test_dashboard_panel_for_those_who_manage_periods(client, django_user_model, news):
    admin = django_user_model.objects.create_superuser("admin", "a@example.org", "pw")
    # The news item is from 2026-03-02; on the real clock the column is overdue by now.
    client.force_login(admin)
    html = client.get("/admin/").content.decode()
    assert 'data-freshness="overdue"' in html and "工作动态" in html
    assert client.get("/admin/govinfo_update_periods/").status_code == 200
    assert "工作动态" in client.get("/admin/govinfo_update_periods/").content.decode()
    editor = django_user_model.objects.create_user("editor", "e@example.org", "pw",
                                                   is_staff=True)
    from django.contrib.auth.models import Permission

    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    assert "govinfo-freshness" not in client.get("/admin/").content.decode()


def test_report_of_one_agency(catalogue, agency):
    """A county portal hosts many agencies: an agency's report has the columns given to it
    (a topic of its items, a collection of its items), not the other agencies' nor the
    site-wide ones."""
    from govinfo_wagtail.core.agencies import Agency

    other = Agency.objects.create(name="海丰县财政局", index_code="007000002")
    news_topic = Topic.objects.create(name="部门动态")
    add_live(catalogue, CatalogueItemPage(title="交通动态", agency=agency, topic=news_topic,
                                          published_date=D))
    UpdatePeriod.objects.create(topic=news_topic, agency=agency, kind=ColumnKind.NEWS)
    UpdatePeriod.objects.create(topic=news_topic, agency=other, kind=ColumnKind.NEWS)
    notices = Topic.objects.create(name="通知公告")
    mine = CatalogueCollectionPage(title="交通局通知", slug="jtj-tz")
    mine.agencies, mine.topics = [agency], [notices]
    add_live(catalogue, mine)  # empty: the agency has no notice
    theirs = CatalogueCollectionPage(title="财政局通知", slug="czj-tz")
    theirs.agencies, theirs.topics = [other], [notices]
    add_live(catalogue, theirs)
    report = freshness_report(site(), at(D + timedelta(days=20)), agency=agency)
    titles = {c.title: c.status for c in report.columns}
    assert titles == {"部门动态（县交通运输局）": "overdue", "交通局通知": "empty"}
    assert report.agency == agency
    whole = {c.title for c in freshness_report(site(), at(D + timedelta(days=20))).columns}
    assert {"部门动态（县交通运输局）", "部门动态（海丰县财政局）", "交通局通知",
            "财政局通知"} <= whole
    out = StringIO()
    call_command("govinfo_freshness_report", "--agency", agency.name,
                 "--now", at(D + timedelta(days=20)).isoformat(), stdout=out)
    assert "交通局通知" in out.getvalue() and "财政局通知" not in out.getvalue()
    assert agency.name in out.getvalue()
    with pytest.raises(Exception, match="没有|No agency"):
        call_command("govinfo_freshness_report", "--agency", "不存在的机构", stdout=StringIO())
