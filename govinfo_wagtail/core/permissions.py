"""Rights that the package decides by model permission, never by a group's name.

A site grants them in Wagtail's group editor (Settings → Groups), where every app registers
its own with the ``register_permissions`` hook; ``govinfo_setup`` grants them to the
package's default groups.
"""

from django.contrib.auth.models import Permission
from django.db.models import Q


def explicitly_granted(user, permission: str) -> bool:
    """Whether ``permission`` ("app_label.codename") is given to the active ``user`` or to
    one of their groups. A superuser's blanket rights do not count: for the rights that
    bypass a safeguard (emergency release) a site must say who has them."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    app_label, codename = permission.split(".", 1)
    return Permission.objects.filter(
        Q(user=user) | Q(group__user=user),
        content_type__app_label=app_label, codename=codename,
    ).exists()


def explicitly_granted_any(user, permissions) -> bool:
    """Whether any of ``permissions`` is given to the active ``user`` or their groups, in one
    query (superusers' blanket rights do not count, as for :func:`explicitly_granted`)."""
    if user is None or not user.is_authenticated or not user.is_active or not permissions:
        return False
    return Permission.objects.filter(Q(user=user) | Q(group__user=user)).filter(
        _named(permissions)).exists()


def _named(permissions) -> Q:
    query = Q(pk__in=[])
    for permission in permissions:
        app_label, codename = permission.split(".", 1)
        query |= Q(content_type__app_label=app_label, codename=codename)
    return query


def permissions_named(*permissions: str):
    """The :class:`Permission` rows of ``"app_label.codename"`` names (for the group editor)."""
    return Permission.objects.filter(_named(permissions))
