"""Run with the previous version's code: a site as it stood then (schema, settings, content)."""

import io

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from wagtail.models import Site  # noqa: E402

import govinfo_wagtail  # noqa: E402

print("package:", govinfo_wagtail.__file__)
call_command("migrate", verbosity=0)
call_command("govinfo_setup", stdout=io.StringIO())
call_command("govinfo_demo", stdout=io.StringIO())

from govinfo_wagtail.catalogue.models import PublicSiteSettings  # noqa: E402
from govinfo_wagtail.core.models import DisclosureSettings  # noqa: E402

site = Site.objects.get(is_default_site=True)
public = PublicSiteSettings.for_site(site)
public.portal_name = "海丰县人民政府信息公开（升级测试）"
public.save()
disclosure = DisclosureSettings.for_site(site)
disclosure.index_number_pattern = "{agency_code}-{year}-{serial:04d}"
disclosure.save()
# A section, a collection and a search page published the way Wagtail publishes: the only way
# there was for these page types then (the demo's catalogue pages went through the release
# service already and have their records).
from govinfo_wagtail.catalogue.models import (  # noqa: E402
    CatalogueCollectionPage,
    CatalogueIndexPage,
)
from govinfo_wagtail.search.models import DisclosureSearchPage  # noqa: E402

catalogue = CatalogueIndexPage.objects.get(slug="xxgk")
for parent, page in ((catalogue, CatalogueIndexPage(title="升级前的栏目", slug="upgrade-section",
                                                    intro="<p>升级前发布的栏目说明。</p>")),
                     (catalogue, CatalogueCollectionPage(title="升级前的集合",
                                                         slug="upgrade-collection",
                                                         intro="<p>升级前发布的集合说明。</p>")),
                     (site.root_page, DisclosureSearchPage(title="升级前的搜索页",
                                                           slug="upgrade-search",
                                                           intro="<p>输入关键词。</p>"))):
    parent.add_child(instance=page)
    page.save_revision().publish()
# The group the previous version's GOVINFO_EMERGENCY_RELEASE_GROUP named, with a member.
emergency = Group.objects.create(name="应急发布")
get_user_model().objects.create_user("duty", "duty@example.org", "pw").groups.add(emergency)
print("built")
