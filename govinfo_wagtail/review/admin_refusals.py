"""Refusals that say why, where the user acted.

Nobody publishes a disclosure page directly (``ReleaseOnlyPermissionTester``) and nobody
makes an alias of one (the save guard). Wagtail's admin, though, reports those refusals
badly or not at all: a publish posted from the edit or create view is quietly saved as a
draft with "page updated", bulk publish reports "0 pages have been published", and the copy
view's "publish copies" and "alias" options and the convert-alias view end on Wagtail's
generic no-permission page. The hooks here turn each of these into the reason, in the
user's language, on the page where they acted:

- edit / create with ``action-publish``: the content is saved as a draft (as Wagtail does
  when publishing is not allowed) and the "updated" message is replaced by an error that
  says the page was not published and why;
- bulk publish: the confirmation lists disclosure pages apart, with the reason, and after
  the action each refused page (and any disclosure subpages left out) is named in an error;
- copy with "publish copies" of a live disclosure page, or with "alias" over disclosure
  pages: the copy form is shown again, as entered, with the reason on the option;
- convert alias of a disclosure page: a page with the reason and a way back.
"""

from __future__ import annotations

from django.contrib import messages as django_messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.views.pages.bulk_actions.publish import PublishBulkAction
from wagtail.models import Page

from ..core.models import ReleasedPageMixin
from ..core.released import released_page_models

# Marks a request whose publish was turned into a draft save (read by the after_* hooks).
_PUBLISH_REFUSED = "_govinfo_publish_refused"


def released_models() -> list[type]:
    """Disclosure page types and the other page types that go live only by release."""
    return released_page_models()


def is_disclosure(page_or_class) -> bool:
    """A page (or page type) that goes live only through review: a disclosure page, or
    another released type such as the disclosure guide."""
    cls = page_or_class if isinstance(page_or_class, type) else page_or_class.specific_class
    return cls is not None and issubclass(cls, ReleasedPageMixin)


def review_only_reason() -> str:
    return _("Disclosure pages go live only through review (three gates), not by publishing.")


def alias_reason() -> str:
    # The same words as the save guard's refusal (core.release.AliasRefused).
    return _("Disclosure pages cannot have aliases: an alias would show a page's content at a "
             "second address without its own index number and review. Link to the page, or "
             "copy it (a copy is reviewed and numbered on its own).")


def _title(page) -> str:
    return page.get_admin_display_title()


def _expects_html(request) -> bool:
    return request.accepts("text/html")


# --- Edit and create views: a publish posted anyway ---------------------------------------------


def _turn_publish_into_save(request) -> None:
    post = request.POST.copy()
    post.pop("action-publish", None)
    request.POST = post
    setattr(request, _PUBLISH_REFUSED, True)


@hooks.register("before_edit_page", order=-100)
def refuse_publish_on_edit(request, page):
    if request.method == "POST" and request.POST.get("action-publish") and is_disclosure(page):
        _turn_publish_into_save(request)


@hooks.register("before_create_page", order=-100)
def refuse_publish_on_create(request, parent_page, page_class):
    if (request.method == "POST" and request.POST.get("action-publish")
            and is_disclosure(page_class)):
        _turn_publish_into_save(request)


def _replace_confirmation(request, page, message: str) -> None:
    """Replace Wagtail's green "saved" message about ``page`` with ``message`` (an error):
    "updated" alone would read as if the publish had worked."""
    title = _title(page)
    storage = django_messages.get_messages(request)
    kept = [m for m in storage if not (m.level == django_messages.SUCCESS and title in
                                       str(m.message))]
    for m in kept:  # reading the storage emptied it
        django_messages.add_message(request, m.level, m.message, extra_tags=m.extra_tags)
    messages.error(request, message)


@hooks.register("after_edit_page", order=-100)
def report_refused_publish_on_edit(request, page):
    if getattr(request, _PUBLISH_REFUSED, False) and _expects_html(request):
        _replace_confirmation(request, page, _(
            "“%(title)s” was not published: disclosure pages go live only through review "
            "(three gates). Your changes were saved as a draft; submit it for review.")
            % {"title": _title(page)})


@hooks.register("after_create_page", order=-100)
def report_refused_publish_on_create(request, page):
    if getattr(request, _PUBLISH_REFUSED, False) and _expects_html(request):
        _replace_confirmation(request, page, _(
            "“%(title)s” was created as a draft, not published: disclosure pages go live only "
            "through review (three gates). Submit it for review.") % {"title": _title(page)})


# --- Bulk publish -------------------------------------------------------------------------------


class ReviewAwarePublishBulkAction(PublishBulkAction):
    """Wagtail's bulk publish, saying which disclosure pages it leaves out and why."""

    template_name = "govinfo_review/confirm_bulk_publish.html"

    @staticmethod
    def split_refused(items_with_no_access):
        """(disclosure pages, the rest); items are pages, or {"item": page, ...} in the
        template context."""
        def page(item):
            return item["item"] if isinstance(item, dict) else item

        refused = [i for i in items_with_no_access if is_disclosure(page(i))]
        others = [i for i in items_with_no_access if not is_disclosure(page(i))]
        return [page(i) for i in refused], others

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        refused, others = self.split_refused(context.get("items_with_no_access", []))
        context["items_with_no_access"] = others
        context["items_refused_for_review"] = refused
        context["review_only_reason"] = review_only_reason()
        return context

    def get_success_message(self, num_parent_objects, num_child_objects):
        if not num_parent_objects and not num_child_objects:
            return None  # not "0 pages have been published": the refusals said what happened
        return super().get_success_message(num_parent_objects, num_child_objects)

    def form_valid(self, form):
        objects, context = self.get_actionable_objects()
        refused, _others = self.split_refused(context["items_with_no_access"])
        for page in refused:
            messages.error(self.request, _("“%(title)s” was not published: %(reason)s") % {
                "title": _title(page), "reason": review_only_reason()})
        if form.cleaned_data.get("include_descendants"):
            # A catalogue or section is refused itself (a released type): what it holds is
            # said as well.
            for page in [*objects, *refused]:
                count = (page.get_descendants().not_live().type(*released_models()).count())
                if count:
                    messages.error(self.request, ngettext(
                        "%(count)d disclosure page under “%(title)s” was not published: "
                        "%(reason)s",
                        "%(count)d disclosure pages under “%(title)s” were not published: "
                        "%(reason)s", count) % {
                        "count": count, "title": _title(page), "reason": review_only_reason()})
        if not objects:
            if self.next_url == self.request.path and refused:
                # No listing to go back to (the action's own URL needs its ids).
                return redirect("wagtailadmin_explore", refused[0].get_parent().pk)
            return redirect(self.next_url)
        return super().form_valid(form)


# After Wagtail's own registration of the publish action (order 0), so it takes its place.
hooks.register("register_bulk_action", ReviewAwarePublishBulkAction, order=100)


# --- Copy: "publish copies" and "alias" ---------------------------------------------------------


def _copied_pages(request, page):
    if request.POST.get("copy_subpages"):
        return page.get_descendants(inclusive=True)
    return Page.objects.filter(pk=page.pk)


@hooks.register("before_copy_page", order=-100)
def refuse_publishing_or_aliasing_copies(request, page):
    if request.method != "POST":
        return None
    copied = _copied_pages(request, page).type(*released_models())
    errors = {}
    if request.POST.get("alias") and copied.exists():
        titles = [_title(p) for p in copied.specific(defer=True)[:3]]
        errors["alias"] = _("%(reason)s Disclosure pages concerned: %(pages)s") % {
            "reason": alias_reason(),
            "pages": "、".join(titles) + ("…" if copied.count() > 3 else "")}
    elif request.POST.get("publish_copies") and copied.live().exists():
        errors["publish_copies"] = _(
            "Copies of disclosure pages are not published with the copy: each copy goes live "
            "only through its own review (three gates) and gets its own index number. Untick "
            "this option to copy as a draft.")
    if not errors:
        return None
    from wagtail.admin.forms.pages import CopyForm

    form_class = getattr(page.specific_class, "copy_form_class", CopyForm)
    form = form_class(request.POST, user=request.user, page=page)
    form.is_valid()
    for field, message in errors.items():
        messages.error(request, message)
        if field in form.fields:
            form.add_error(field, message)
    from wagtail.admin.utils import get_valid_next_url_from_request

    return TemplateResponse(request, "wagtailadmin/pages/copy.html", {
        "page": page, "form": form, "next": get_valid_next_url_from_request(request)})


# --- Convert alias ------------------------------------------------------------------------------


@hooks.register("before_convert_alias_page", order=-100)
def refuse_converting_a_disclosure_alias(request, page):
    if not is_disclosure(page):
        return None
    from wagtail.admin.utils import get_valid_next_url_from_request

    back = get_valid_next_url_from_request(request) or reverse(
        "wagtailadmin_pages:edit", args=(page.pk,))
    reason = _(
        "“%(title)s” is an alias of a disclosure page and cannot be converted into an "
        "ordinary page: it would keep the original's index number and go live without its "
        "own review. Copy the original instead (the copy is reviewed and gets its own index "
        "number), then delete this alias.") % {"title": _title(page)}
    return TemplateResponse(request, "govinfo_review/refused.html", {
        "page": page, "title": _("Convert alias"), "reason": reason,
        "back_url": back}, status=403)
