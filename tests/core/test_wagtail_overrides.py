"""The package's translations of Wagtail's own admin strings reach the compiled catalogue and
win over Wagtail's (the govinfo apps come first in INSTALLED_APPS; a system check says so)."""

import re
from pathlib import Path

from django.utils import translation

import govinfo_wagtail
from govinfo_wagtail.core.checks import check_translations_come_first, wagtail_apps_before_ours

OVERRIDES = (Path(govinfo_wagtail.__file__).parent / "core" / "locale" / "zh_Hans"
             / "wagtail_overrides.po")


def _string(block: str, key: str) -> str | None:
    match = re.search(rf'^{re.escape(key)} ((?:".*"\n?)+)', block, re.M)
    if not match:
        return None
    parts = re.findall(r'"(.*)"', match.group(1))
    return "".join(parts).replace('\\"', '"').replace("\\n", "\n")


def override_entries():
    for block in OVERRIDES.read_text().split("\n\n"):
        msgid = _string(block, "msgid")
        if not msgid:
            continue
        yield (_string(block, "msgctxt"), msgid, _string(block, "msgid_plural"),
               _string(block, "msgstr") or _string(block, "msgstr[0]"))


def test_every_override_is_translated_in_the_running_catalogue():
    entries = list(override_entries())
    assert len(entries) > 40
    wrong = []
    with translation.override("zh-hans"):
        for context, msgid, plural, expected in entries:
            if plural:
                got = (translation.npgettext(context, msgid, plural, 2) if context
                       else translation.ngettext(msgid, plural, 2))
            else:
                got = translation.pgettext(context, msgid) if context else translation.gettext(
                    msgid)
            if got != expected:
                wrong.append((msgid, got, expected))
    assert not wrong, wrong


def test_the_sidebars_pages_is_pages_not_pagination():
    with translation.override("zh-hans"):
        assert translation.gettext("Pages") == "页面"
        assert translation.gettext("Search all pages…") == "搜索所有页面…"


def test_the_package_apps_come_first_in_the_test_settings():
    assert check_translations_come_first() == []


def test_the_system_check_names_the_wagtail_apps_listed_first():
    names = ["wagtail.admin", "govinfo_wagtail.core", "wagtail", "django.contrib.auth"]
    assert wagtail_apps_before_ours(names) == ["wagtail.admin"]
    assert wagtail_apps_before_ours(["govinfo_wagtail.core", *names[:1]]) == []
