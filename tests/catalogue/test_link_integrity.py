"""Link integrity (as Plone does it), built on Wagtail's reference index: deleting or
unpublishing a page that other disclosure pages point to shows what would break first."""

from datetime import date

import pytest
from wagtail.models import ReferenceIndex

from govinfo_wagtail.catalogue.models import CatalogueItemPage
from govinfo_wagtail.core.models import Validity
from tests.conftest import add_live


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("admin", "a@x.org", "pw"))
    return client


@pytest.fixture
def target_and_referrers(catalogue, agency):
    target = add_live(catalogue, CatalogueItemPage(title="新规定", agency=agency))
    by_validity = add_live(catalogue, CatalogueItemPage(
        title="旧规定", agency=agency, validity=Validity.REPEALED,
        validity_changed_on=date(2021, 1, 1), validity_changed_by=target))
    by_link = add_live(catalogue, CatalogueItemPage(
        title="引用说明", agency=agency,
        body=f'<p>详见<a linktype="page" id="{target.pk}">新规定</a>。</p>'))
    return target, by_validity, by_link


def test_references_are_indexed(target_and_referrers):
    target, by_validity, by_link = target_and_referrers
    referrers = {ref.object_id for ref in ReferenceIndex.get_references_to(target)}
    assert {str(by_validity.pk), str(by_link.pk)} <= referrers


@pytest.mark.parametrize("action", ["delete", "unpublish"])
def test_confirmation_pages_show_what_would_break(admin_client, target_and_referrers, action):
    target, _, _ = target_and_referrers
    html = admin_client.get(f"/admin/pages/{target.pk}/{action}/").content.decode()
    usage_url = f"/admin/pages/{target.pk}/usage/"
    assert usage_url in html
    usage = admin_client.get(usage_url).content.decode()
    assert "旧规定" in usage and "引用说明" in usage


def test_unpublishing_after_confirmation_is_not_blocked(admin_client, target_and_referrers):
    target, by_validity, _ = target_and_referrers
    admin_client.post(f"/admin/pages/{target.pk}/unpublish/")
    target.refresh_from_db()
    assert not target.live
