"""Demo content for the example site (``govinfo_demo``). Safe to run again.

Everything goes live through the release service with the reason "demo content", like any
other release.
"""

import secrets
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from wagtail.models import Page, Site

from ..conf import govinfo_settings
from .demo_site_settings import fill_demo_site_settings
from .index_numbers import pattern_for, register_legacy_index_number, release_year
from .models import Agency, DisclosureSettings, IndexNumber, Topic
from .release import ReleaseReason, release

AGENCIES = [
    # name, short name, kind, credit code (check characters valid), index code
    ("海丰县人民政府", "县政府", Agency.Kind.GOVERNMENT, "114415210070400139", "007040013"),
    ("海丰县交通运输局", "县交通运输局", Agency.Kind.DEPARTMENT, "1144152100704046XU",
     "00704046X"),
    ("海丰县财政局", "县财政局", Agency.Kind.DEPARTMENT, "114415210070406383", "007040638"),
]

DEMO_USERS = [
    # username, first name, groups, superuser
    ("editor", "信息员", [govinfo_settings.EDITOR_GROUP], False),
    ("reviewer_political", "政治审核员", [govinfo_settings.REVIEWER_GROUPS[0]], False),
    ("reviewer_policy", "政策审核员", [govinfo_settings.REVIEWER_GROUPS[1]], False),
    ("reviewer_wording", "文字审核员", [govinfo_settings.REVIEWER_GROUPS[2]], False),
    ("admin", "管理员", [govinfo_settings.ADMIN_GROUP], True),
]


@dataclass
class DemoContext:
    """What each app's demo part builds on (``AppConfig.govinfo_demo(context, log)``, called
    in INSTALLED_APPS order). The catalogue's part sets ``catalogue``, which the policies'
    and reports' parts fill."""

    site: Site
    home: Page
    agencies: dict[str, Agency]
    topics: dict[str, Topic]
    admin: object
    catalogue: Page | None = None

    def release_new(self, parent: Page, page: Page) -> Page:
        return _release_new(parent, page, self.admin)

    def require_catalogue(self) -> Page:
        if self.catalogue is None:
            raise RuntimeError("The demo catalogue is missing: list govinfo_wagtail.catalogue "
                               "before the other govinfo apps in INSTALLED_APPS.")
        return self.catalogue


def _demo_users() -> list[tuple[str, str]]:
    User = get_user_model()
    accounts = []
    for username, first_name, group_names, superuser in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=username)
        password = secrets.token_urlsafe(9)
        user.set_password(password)
        user.first_name = first_name
        user.email = f"{username}@example.org"
        user.is_staff = user.is_superuser = superuser
        user.save()
        user.groups.set(Group.objects.filter(name__in=group_names))
        accounts.append((username, password))
    return accounts


def _release_new(parent: Page, page: Page, admin) -> Page:
    page.live = False
    legacy = _legacy_index_number(page, parent)
    if legacy:
        page.index_number = legacy  # release() assigns a number only to a page that has none
    parent.add_child(instance=page)
    if legacy:
        register_legacy_index_number(page, legacy)
    revision = page.save_revision(user=admin)
    return release(revision, reason=ReleaseReason.DEMO, user=admin)[0]


def _legacy_index_number(page: Page, parent: Page) -> str | None:
    """Demo items of earlier years stand for content moved over from a legacy system: they
    keep a number of their own year (as imported items keep theirs), outside the gap-free
    serials, rather than a number of the year the demo happens to be loaded."""
    published, agency = getattr(page, "published_date", None), getattr(page, "agency", None)
    if published is None or agency is None or published.year >= release_year():
        return None
    pattern = pattern_for(agency, parent.get_site())
    serial = 1
    while True:  # the next unused serial of this agency and year
        value = pattern.format(agency_code=agency.index_code, year=published.year, serial=serial)
        if not IndexNumber.objects.filter(value=value).exists():
            return value
        serial += 1


def load_demo(log=print) -> list[tuple[str, str]]:
    """Agencies, the site's settings and the demo accounts, then each app's demo part, then
    each app's setup step again (permissions and the workflow on the new catalogue)."""
    from .setup import run_setup_steps

    with transaction.atomic():
        agencies = {}
        for name, short, kind, credit, code in AGENCIES:
            agencies[name], _ = Agency.objects.update_or_create(
                name=name,
                defaults={"short_name": short, "kind": kind, "credit_code": credit,
                          "index_code": code},
            )
        topics = {t.name: t for t in Topic.objects.filter(parent=None)}
        site = Site.objects.get(is_default_site=True)
        if not site.site_name:
            site.site_name = "海丰县人民政府"
            site.save()
        settings = DisclosureSettings.for_site(site)
        if settings.default_agency_id is None:
            settings.default_agency = agencies["海丰县人民政府"]
            settings.save()
        fill_demo_site_settings(site, log)

        accounts = _demo_users()
        admin = get_user_model().objects.get(username="admin")
        context = DemoContext(site=site, home=site.root_page.specific, agencies=agencies,
                              topics=topics, admin=admin)
        for config in apps.get_app_configs():
            part = getattr(config, "govinfo_demo", None)
            if callable(part):
                part(context, log)
        run_setup_steps(log)
    return accounts
