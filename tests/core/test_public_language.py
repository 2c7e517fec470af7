"""Public pages read in the site's language (LANGUAGE_CODE) whatever the browser asks for;
the admin keeps each user's language."""

from django.test import override_settings

from tests.search.factories import item

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def test_english_browser_gets_chinese_public_pages(client, catalogue, agency):
    page = item(catalogue, "机构职能", agency=agency)
    for url in (catalogue.url, page.url, "/govinfo/search/?q=机构"):
        response = client.get(url, **ENGLISH)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert '<html lang="zh-hans"' in html, url
        assert "大字版" in html and "Large text" not in html, url
        assert response["Content-Language"] == "zh-hans", url
    html = client.get(catalogue.url, **ENGLISH).content.decode()
    assert "筛选" in html and ">Filter<" not in html


def test_leave_page_in_chinese_for_an_english_browser(client, root_page):
    response = client.get("/govinfo/leave/?url=https://example.org/&sig=bad", **ENGLISH)
    assert response.status_code == 400
    assert '<html lang="zh-hans"' in response.content.decode()


@override_settings(GOVINFO_PUBLIC_BROWSER_LANGUAGE=True)
def test_setting_turns_on_browser_negotiation(client, catalogue):
    html = client.get(catalogue.url, **ENGLISH).content.decode()
    assert '<html lang="en"' in html and "Large text" in html
    html = client.get(catalogue.url, HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "大字版" in html


def test_admin_keeps_the_users_language(client, catalogue, django_user_model):
    from wagtail.users.models import UserProfile

    user = django_user_model.objects.create_superuser("en_admin", "a@example.org", "pw")
    UserProfile.get_for_user(user)
    UserProfile.objects.filter(user=user).update(preferred_language="en")
    client.force_login(user)
    # The public page first: activating the site's language must not stick to the admin.
    client.get(catalogue.url, **ENGLISH)
    html = client.get("/admin/", **ENGLISH).content.decode()
    assert '<html lang="en"' in html and "Dashboard" in html
    UserProfile.objects.filter(user=user).update(preferred_language="zh-hans")
    html = client.get("/admin/", **ENGLISH).content.decode()
    assert '<html lang="zh-hans"' in html
