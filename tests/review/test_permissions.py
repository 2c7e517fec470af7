"""Rights follow model permissions, not group names: a renamed group keeps them, a fresh group
given a permission has that right, everyone else is refused on the server (admin views and the
code paths alike); every permission shows in Wagtail's group editor."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from wagtail import hooks
from wagtail.models import GroupPagePermission

from govinfo_wagtail.catalogue.importing import can_import_published, check_publish
from govinfo_wagtail.conf import govinfo_settings
from govinfo_wagtail.review.models import EmergencyRelease, LexiconWord
from govinfo_wagtail.review.services import (
    emergency_release,
    may_release_in_emergency,
    record_retrospective_review,
)
from tests.conftest import grant_permission
from tests.review.conftest import is_live

EMERGENCY = "govinfo_review.release_in_emergency"
RETROSPECTIVE = "govinfo_review.review_emergency_release"
IMPORT = "govinfo_catalogue.import_released"
LEXICON_ADD = "/admin/snippets/govinfo_review/lexiconword/add/"
IMPORT_URL = "/admin/govinfo/catalogue/import/"


def codename(permission: str) -> str:
    return permission.split(".", 1)[1]


@pytest.fixture
def emergency_done(users, draft):
    """A page released in an emergency by someone the site allowed, awaiting its review."""
    grant_permission(users["siteadmin"], EMERGENCY)
    emergency_release(draft, users["siteadmin"], "台风预警，须立即发布")
    return EmergencyRelease.objects.get(page=draft)


def test_every_right_is_in_the_group_editor(users, client):
    registered = set()
    for fn in hooks.get_hooks("register_permissions"):
        registered |= {f"{p.content_type.app_label}.{p.codename}" for p in fn()}
    for permission in [EMERGENCY, RETROSPECTIVE, IMPORT, "govinfo_review.change_lexiconword"]:
        assert permission in registered
    client.force_login(users["superuser"])
    group = Group.objects.get(name=govinfo_settings.ADMIN_GROUP)
    html = client.get(f"/admin/groups/edit/{group.pk}/").content.decode()
    for permission in [EMERGENCY, RETROSPECTIVE, IMPORT]:
        pk = Permission.objects.get(codename=codename(permission)).pk
        assert f'value="{pk}"' in html, permission


def test_setup_grants_the_administrators_their_rights_and_nobody_emergency_release(users):
    admins = Group.objects.get(name=govinfo_settings.ADMIN_GROUP)
    granted = set(admins.permissions.values_list("codename", flat=True))
    assert {codename(RETROSPECTIVE), codename(IMPORT), "add_lexiconword",
            "change_lexiconword", "delete_lexiconword"} <= granted
    # Emergency release skips review: off until a site grants it to someone.
    assert not Permission.objects.filter(codename=codename(EMERGENCY), group__isnull=False)
    assert not may_release_in_emergency(users["siteadmin"])
    assert not may_release_in_emergency(users["superuser"])  # a blanket right is not enough


def test_a_renamed_group_keeps_its_rights(client, users, draft):
    admins = Group.objects.get(name=govinfo_settings.ADMIN_GROUP)
    grant_permission(admins, EMERGENCY)
    admins.name = "办公室"
    admins.save()
    admin = users["siteadmin"]
    assert can_import_published(admin)
    client.force_login(admin)
    assert client.get(IMPORT_URL).status_code == 200
    assert client.get(LEXICON_ADD).status_code == 200
    response = client.post(f"/admin/govinfo/review/emergency/{draft.pk}/",
                           {"reason": "台风预警，须立即发布"})
    assert response.status_code == 302 and is_live(draft)
    emergency = EmergencyRelease.objects.get(page=draft)
    assert 'data-emergencies="1"' in client.get("/admin/").content.decode()
    client.post(f"/admin/govinfo/review/retrospective/{emergency.pk}/", {"note": "已复核"})
    emergency.refresh_from_db()
    assert emergency.reviewed_by == admin


def test_a_fresh_group_given_only_the_permissions_has_the_rights(client, users, draft,
                                                                 catalogue,
                                                                 django_user_model):
    duty = Group.objects.create(name="应急值班")
    grant_permission(duty, "wagtailadmin.access_admin")
    for permission in (EMERGENCY, IMPORT, "govinfo_review.add_lexiconword"):
        grant_permission(duty, permission)
    for kind in ("add", "change"):  # to edit the page it releases
        GroupPagePermission.objects.create(group=duty, page=catalogue,
                                           permission_type=kind)
    member = django_user_model.objects.create_user("duty", "d@example.org", "pw")
    member.groups.add(duty)
    assert may_release_in_emergency(member) and can_import_published(member)
    check_publish(member, "从旧系统迁移")  # does not raise
    client.force_login(member)
    assert client.get(IMPORT_URL).status_code == 200
    assert client.get(LEXICON_ADD).status_code == 200
    client.post(f"/admin/govinfo/review/emergency/{draft.pk}/", {"reason": "台风预警，须立即发布"})
    assert is_live(draft)
    # Only what was granted: this group may not record the retrospective review.
    emergency = EmergencyRelease.objects.get(page=draft)
    with pytest.raises(PermissionDenied):
        record_retrospective_review(emergency, member, "自己复核")
    client.post(f"/admin/govinfo/review/retrospective/{emergency.pk}/", {"note": "自己复核"})
    emergency.refresh_from_db()
    assert emergency.reviewed_at is None


def test_without_the_permission_the_server_refuses(client, users, draft):
    editor = users["editor"]  # edits the page, holds none of these rights
    client.force_login(editor)
    response = client.post(f"/admin/govinfo/review/emergency/{draft.pk}/",
                           {"reason": "台风预警，须立即发布"})
    assert response.status_code in (302, 403) and not is_live(draft)
    with pytest.raises(PermissionDenied):
        emergency_release(draft, editor, "台风预警，须立即发布")
    assert not is_live(draft)
    assert client.get(IMPORT_URL).status_code in (302, 403)
    with pytest.raises(PermissionDenied):
        check_publish(editor, "从旧系统迁移")
    response = client.post(LEXICON_ADD, {"word": "敏感词乙", "severity": "blocking"})
    assert response.status_code in (302, 403)
    assert not LexiconWord.objects.filter(word="敏感词乙").exists()


def test_retrospective_review_needs_its_permission(client, users, emergency_done):
    # A reviewer may unpublish nothing and holds no permission: refused in the view and the
    # code path; the dashboard does not list the emergency for them.
    reviewer = users["wording"]
    client.force_login(reviewer)
    assert "data-emergencies" not in client.get("/admin/").content.decode()
    client.post(f"/admin/govinfo/review/retrospective/{emergency_done.pk}/", {"note": "看过"})
    with pytest.raises(PermissionDenied):
        record_retrospective_review(emergency_done, reviewer, "看过")
    emergency_done.refresh_from_db()
    assert emergency_done.reviewed_at is None


@pytest.mark.parametrize("permission", [EMERGENCY, IMPORT])
def test_the_second_factor_follows_rights_not_group_names(users, django_user_model, settings,
                                                         permission):
    from govinfo_wagtail.security.otp import otp_required_for

    settings.GOVINFO_ADMIN_OTP_REQUIRED = True
    admins = Group.objects.get(name=govinfo_settings.ADMIN_GROUP)
    admins.name = "办公室"
    admins.save()
    assert otp_required_for(users["siteadmin"])  # renamed, still an administrator
    assert otp_required_for(users["political"])  # a gate's group
    assert not otp_required_for(users["editor"])
    holder = django_user_model.objects.create_user("holder", "h@example.org", "pw")
    holder.groups.add(Group.objects.create(name="新建组"))
    assert not otp_required_for(holder)
    grant_permission(Group.objects.get(name="新建组"), permission)
    assert otp_required_for(holder)
