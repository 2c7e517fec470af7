"""The footer identifiers of the public site settings: on every public page, each only when
set, escaped, the filing numbers linked to where a visitor can verify them."""

import io

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from django.utils import translation
from django.utils.translation import gettext, pgettext
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Site

from govinfo_wagtail.catalogue.models import CatalogueItemPage
from govinfo_wagtail.core.site_settings import PublicSiteSettings
from tests.conftest import add_live

pytestmark = pytest.mark.django_db


def footer(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content.decode(), "html.parser").select_one("footer")


def image():
    buffer = io.BytesIO()
    PILImage.new("RGB", (120, 120), "red").save(buffer, "PNG")
    return get_image_model().objects.create(title="标识", file=ImageFile(buffer, name="m.png"))


@pytest.fixture
def config(catalogue):
    config = PublicSiteSettings.for_site(Site.objects.get(is_default_site=True))
    config.sponsor = "海丰县人民政府办公室"
    config.organiser = "<b>海丰县</b>政务服务数据管理局"
    config.site_code = "4415210001"
    config.icp_number = "粤ICP备05012345号"
    config.police_number = "粤公网安备 44152102000001号"
    config.contact_phone = "0660-6612345"
    config.contact_email = "hfxzf@example.gov.cn"
    config.contact_address = "海丰县海城镇人民路1号"
    config.save()
    return config


def test_every_identifier_in_the_footer_of_catalogue_and_item(client, config, catalogue, agency):
    item = add_live(catalogue, CatalogueItemPage(title="机构职能", agency=agency))
    for url in (catalogue.url, item.url):
        foot = footer(client, url)
        text = foot.get_text(" ", strip=True)
        colon = pgettext("label separator", ":")
        assert f"{gettext('Sponsor')}{colon} 海丰县人民政府办公室" in text
        assert f"{gettext('Website identification code')}{colon} 4415210001" in text
        icp = foot.select_one(".govinfo-footer__icp a")
        assert icp.get_text() == "粤ICP备05012345号"
        assert icp["href"] == "https://beian.miit.gov.cn/"
        police = foot.select_one(".govinfo-footer__police a")
        assert police["href"].endswith("code=44152102000001")
        assert police["href"].startswith("https://beian.mps.gov.cn/")
        assert foot.select_one(".govinfo-footer__phone a")["href"] == "tel:06606612345"
        assert foot.select_one(".govinfo-footer__email a")["href"] == "mailto:hfxzf@example.gov.cn"
        # Escaped: the markup typed into a setting is shown as text.
        organiser = foot.select_one(".govinfo-footer__organiser")
        assert organiser.b is None and "<b>海丰县</b>" in organiser.get_text()


def test_unset_identifiers_are_left_out(client, catalogue):
    PublicSiteSettings.objects.create(site=Site.objects.get(is_default_site=True),
                                      sponsor="海丰县人民政府办公室")
    foot = footer(client, catalogue.url)
    assert foot.select(".govinfo-footer__ids li") == foot.select(".govinfo-footer__sponsor")
    assert foot.select_one(".govinfo-footer__contacts") is None
    assert foot.select_one(".govinfo-footer__conac") is None
    # Only the 找错 link, which every page carries.
    assert [li["class"] for li in foot.select(".govinfo-footer__links li")] == [
        ["govinfo-footer__report_error"]]


def test_no_settings_row_footer_shows_the_portal_name(client, catalogue):
    foot = footer(client, catalogue.url)
    assert foot.select_one(".govinfo-footer__name").get_text(strip=True)
    assert foot.select_one(".govinfo-footer__ids") is None
    assert not PublicSiteSettings.objects.exists()  # a GET never creates the row


def test_mark_bottom_centre_linked_and_help_pages_only_when_live(client, config, catalogue,
                                                                  agency):
    from tests.conftest import add_draft

    config.conac_mark = image()
    config.conac_url = "https://bszs.conac.cn/sitename?method=show&id=1"
    config.accessibility_page = add_live(catalogue, CatalogueItemPage(title="无障碍声明",
                                                                     agency=agency))
    config.sitemap_page = add_draft(catalogue, CatalogueItemPage(title="网站地图", agency=agency))
    config.save()
    foot = footer(client, catalogue.url)
    mark = foot.select_one(".govinfo-footer__conac a img")
    assert mark["alt"] == gettext("Party and government website mark")
    # conac.cn is outside .gov.cn: the link asks first, like every link that leaves the site.
    href = foot.select_one(".govinfo-footer__conac a")["href"]
    assert href.startswith("/govinfo/leave/?url=https%3A%2F%2Fbszs.conac.cn%2F"), href
    links = [a.get_text() for a in foot.select(
        ".govinfo-footer__links li:not(.govinfo-footer__report_error) a")]
    # The site map is a draft: left out until it is live.
    assert links == [gettext("Accessibility statement")]


@pytest.mark.parametrize("field,value", [("site_code", "44152"), ("police_number", "粤公网安备")])
def test_malformed_numbers_are_refused_in_chinese(config, field, value):
    setattr(config, field, value)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        config.full_clean()
    message = " ".join(error.value.message_dict[field])
    # The validator's own message (Chinese once the catalogue has it), not a generic one.
    assert ("10" if field == "site_code" else "14") in message, message


def test_an_agencys_pages_show_its_own_footer_identifiers_where_set(client, config, catalogue,
                                                                    agency):
    """A county portal hosts many agencies: an agency's pages carry its sponsor, organiser
    and contacts where the agency has them, the site's otherwise; the site's filing numbers
    and code stay (one website)."""
    from govinfo_wagtail.core.agencies import Agency

    agency.footer_sponsor = "海丰县交通运输局"
    agency.phone = "0660-6699999"
    agency.save()
    plain = Agency.objects.create(name="海丰县财政局", index_code="007000002")
    own = add_live(catalogue, CatalogueItemPage(title="交通局的页面", agency=agency))
    other = add_live(catalogue, CatalogueItemPage(title="财政局的页面", agency=plain))
    foot = footer(client, own.url)
    assert foot.select_one(".govinfo-footer__sponsor").get_text(strip=True).endswith(
        "海丰县交通运输局")
    assert foot.select_one(".govinfo-footer__phone a")["href"] == "tel:06606699999"
    # Not set on the agency: the site's.
    assert "<b>海丰县</b>" in foot.select_one(".govinfo-footer__organiser").get_text()
    assert foot.select_one(".govinfo-footer__email a")["href"] == "mailto:hfxzf@example.gov.cn"
    assert "4415210001" in foot.select_one(".govinfo-footer__site_code").get_text()
    assert foot.select_one(".govinfo-footer__icp a") is not None
    for url in (other.url, catalogue.url):  # no override, or no agency: the site's
        foot = footer(client, url)
        assert foot.select_one(".govinfo-footer__sponsor").get_text(strip=True).endswith(
            "海丰县人民政府办公室")
        assert foot.select_one(".govinfo-footer__phone a")["href"] == "tel:06606612345"
