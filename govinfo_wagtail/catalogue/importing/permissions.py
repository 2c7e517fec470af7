"""Who may import, and into which catalogue."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from wagtail.models import Page, Site

from .kinds import page_kinds

IMPORT_RELEASED_PERMISSION = "govinfo_catalogue.import_released"


def can_import_published(user) -> bool:
    """Moving published items over, and the import in the admin, are for administrators:
    users with the permission “Can import items released by a legacy system”
    (``govinfo_setup`` grants it to the administrators' group; a site may grant it to others
    in Wagtail's group editor)."""
    if user is None or not user.is_active:
        return False
    return user.has_perm(IMPORT_RELEASED_PERMISSION)


def check_publish(user, reason: str) -> None:
    """Raise ``ValidationError`` or ``PermissionDenied`` unless a published import may run."""
    if not (reason or "").strip():
        raise ValidationError(_(
            "Importing published items (--publish) needs a reason (--reason \"…\"); it is "
            "recorded in every imported page's history."), code="reason_required")
    if user is None:
        raise ValidationError(_(
            "Importing published items (--publish) needs the administrator who does it "
            "(--user USERNAME)."), code="user_required")
    if not can_import_published(user):
        raise PermissionDenied(_(
            "Only administrators (with the permission “Can import items released by a legacy "
            "system”) may import published items."))


def find_user(username: str):
    User = get_user_model()
    try:
        return User.objects.get(**{User.USERNAME_FIELD: username})
    except User.DoesNotExist:
        raise ValidationError(_("There is no user “%(username)s”.") % {"username": username},
                              code="user_unknown") from None


def find_parent(spec: str | int | None = None) -> Page:
    """The catalogue to import into: a page id, a URL path (``/xxgk/`` below a site root, or
    Wagtail's full ``/home/xxgk/``), or, when not given, the only catalogue of the project."""
    from ..models import CatalogueIndexPage

    if spec in (None, ""):
        catalogues = list(CatalogueIndexPage.objects.order_by("path")[:11])
        if len(catalogues) == 1:
            return catalogues[0]
        if not catalogues:
            raise ValidationError(_("There is no disclosure catalogue yet: create one first."),
                                  code="no_catalogue")
        raise ValidationError(_(
            "There are several catalogues: choose one with --catalogue (page id or path): "
            "%(choices)s") % {"choices": "、".join(f"{c.pk} {c.url_path}" for c in catalogues)},
            code="several_catalogues")
    text = str(spec).strip()
    page = None
    if text.isdigit():
        page = Page.objects.filter(pk=int(text)).first()
    else:
        path = "/" + text.strip("/") + "/" if text.strip("/") else "/"
        page = Page.objects.filter(url_path=path).first()
        if page is None:
            for site in Site.objects.select_related("root_page"):
                page = Page.objects.filter(url_path=site.root_page.url_path + path[1:]).first()
                if page is not None:
                    break
    if page is None:
        raise ValidationError(_("There is no page with the id or path “%(value)s”.")
                              % {"value": text}, code="catalogue_unknown")
    page = page.specific
    if not any(kind.get_model().can_exist_under(page) for kind in page_kinds):
        raise ValidationError(_(
            "Items cannot be created under “%(title)s”: choose a disclosure catalogue page."
        ) % {"title": page.title}, code="catalogue_wrong_type")
    return page
