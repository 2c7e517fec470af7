"""Wagtail's admin JavaScript strings that Wagtail's zh_Hans catalogue lacks are translated by
the package's djangojs catalogue, loaded on every admin page after Wagtail's own."""

import json
import re
from pathlib import Path

import pytest
from wagtail.users.models import UserProfile

import govinfo_wagtail
from tests.core.test_wagtail_overrides import _string

OVERRIDES = (Path(govinfo_wagtail.__file__).parent / "core" / "locale" / "zh_Hans"
             / "wagtail_overrides_djangojs.po")
CATALOG_URL = "/govinfo/admin/jsi18n/"


def override_entries():
    for block in OVERRIDES.read_text().split("\n\n"):
        msgid = _string(block, "msgid")
        if msgid:
            yield msgid, _string(block, "msgstr") or _string(block, "msgstr[0]")


def served_catalogue(client) -> dict:
    response = client.get(CATALOG_URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    match = re.search(r"const newcatalog = (\{.*?\});\n", response.content.decode(), re.S)
    return json.loads(match.group(1)) if match else {}


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.org", "pw")


@pytest.mark.django_db
def test_every_js_override_is_served_translated(client, admin_user):
    entries = list(override_entries())
    assert len(entries) >= 15
    client.force_login(admin_user)
    catalogue = served_catalogue(client)
    wrong = []
    for msgid, expected in entries:
        got = catalogue.get(msgid)
        got = got[0] if isinstance(got, list) else got
        if got != expected:
            wrong.append((msgid, got, expected))
    assert not wrong, wrong
    placeholder = catalogue["Write something or type ‘/’ to insert a block"]
    assert placeholder == "输入内容，或键入“/”插入区块"


@pytest.mark.django_db
def test_a_user_working_in_another_language_gets_an_empty_catalogue(client, admin_user):
    """Else Django fills it from the site's language (zh-hans) and resets the plural rule,
    hiding Wagtail's own translations in that language."""
    profile = UserProfile.get_for_user(admin_user)
    client.force_login(admin_user)
    for language in ("en", "fr"):
        profile.preferred_language = language
        profile.save()
        assert client.get(CATALOG_URL).content == b""


@pytest.mark.django_db
def test_the_catalogue_is_loaded_after_wagtails_on_admin_pages(client, admin_user):
    client.force_login(admin_user)
    html = client.get("/admin/").content.decode()
    wagtails = html.index('src="/admin/jsi18n/"')
    ours = html.index(f'src="{CATALOG_URL}?lang=zh-hans"')
    assert wagtails < ours
    # The login page too, for anonymous visitors (the catalogue is public, like Wagtail's).
    client.logout()
    assert CATALOG_URL in client.get("/admin/login/").content.decode()
    assert served_catalogue(client)["Insert a block"] == "插入区块"
