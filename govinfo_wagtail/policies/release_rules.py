"""The 三同步 release rules: a release check of the kernel's release sequence.

Registered with the ``govinfo_release_check`` hook, so that they run whenever the release
service makes a policy or an interpretation live, whatever reason it records and whichever
entry point is called (``release()``, ``release_many()``):

- an interpretation goes live only if every policy it interprets is live or goes live in the
  same release;
- a policy that requires interpretation goes live for the first time only with at least one
  interpretation live or going live in the same release, unless the site allows separate
  release (``GOVINFO_POLICY_SEPARATE_RELEASE``) or a legacy import recorded why it has none.

The check runs after the other release checks (``order``), where the rules ran when they
were a ``save()`` override inside ``revision.publish()``: a page with blocking findings is
refused as blocked (an import reports the row) before it is refused for 三同步.
"""

from __future__ import annotations

from django.utils.translation import gettext
from wagtail import hooks
from wagtail.models import Page

from ..conf import govinfo_settings
from ..core.release import (
    DEPENDS_ON_OTHER_PAGES,
    RELEASE_CHECK_HOOK,
    ReleaseDeferred,
    ReleaseRefused,
    is_being_released,
    is_due_now,
)
from .models import (
    InterpretationPage,
    InterpretedPolicy,
    PolicyDocumentPage,
    draft_links,
    policy_page_models,
)

# After the checks registered with the default order (0): the review app's among them.
RELEASE_RULES_ORDER = 100


class PolicyReleaseRefused(ReleaseRefused):
    """A release that would break 三同步. ``code`` says which rule."""


@hooks.register(RELEASE_CHECK_HOOK, order=RELEASE_RULES_ORDER)
def release_together(*, revision, page, content=None, **kwargs) -> None:
    """The release check: the rules, on the version being released. A revision approved for
    a later time (``go_live_at``) is checked when it is approved, as if it went live then,
    and again when Wagtail's scheduler makes it live (it depends on other pages: a policy
    may have been taken down in between)."""
    if not isinstance(page, policy_page_models()):
        return
    check_release_rules(content if content is not None else revision.as_object())


setattr(release_together, DEPENDS_ON_OTHER_PAGES, True)


def check_release_rules(page: PolicyDocumentPage | InterpretationPage) -> None:
    """Raise :class:`PolicyReleaseRefused` if ``page`` (the version being released) may not
    go live now."""
    if isinstance(page, InterpretationPage):
        waiting = [p for p in page.get_policies() if not (p.live or is_being_released(p.pk))]
        if waiting and all(is_due_now(p.pk) for p in waiting):
            # At its time, with its policy due in the same run: after the policy.
            raise ReleaseDeferred(page, gettext(
                "“%(title)s” waits for “%(policy)s”, due at the same time.")
                % {"title": page.title, "policy": waiting[0].title})
        if waiting:
            raise PolicyReleaseRefused(page, gettext(
                "“%(title)s” cannot go live before the policy it interprets: “%(policy)s” is "
                "not live. Release them together.")
                % {"title": page.title, "policy": waiting[0].title},
                code="policy_not_live")
    elif isinstance(page, PolicyDocumentPage):
        was_live = Page.objects.filter(pk=page.pk, live=True).exists()
        if was_live or not must_wait_for_interpretation(page):
            return
        if not _interpretations_live_or_releasing(page.pk):
            raise PolicyReleaseRefused(page, gettext(
                "“%(title)s” requires interpretation and cannot go live alone: release it "
                "together with an interpretation that passed review.") % {"title": page.title},
                code="interpretation_required")


def must_wait_for_interpretation(policy: PolicyDocumentPage) -> bool:
    return (policy.requires_interpretation and not policy.interpretation_exemption
            and not govinfo_settings.POLICY_SEPARATE_RELEASE)


def _interpretations_live_or_releasing(policy_id: int) -> bool:
    linked = set(InterpretedPolicy.objects.filter(policy_id=policy_id)
                 .values_list("interpretation_id", flat=True))
    if InterpretationPage.objects.filter(pk__in=linked, live=True).exists():
        return True
    # Links added in a draft are only in the revision that is being released.
    links = draft_links()
    return any((is_being_released(pk) or is_due_now(pk))
               and _other_policies_ready(links.get(pk), pk, policy_id)
               for pk in linked | {i for i, policies in links.items() if policy_id in policies})


def _other_policies_ready(draft_policies: set[int] | None, interpretation_id: int,
                          policy_id: int) -> bool:
    """Whether the interpretation going live with ``policy_id`` will pass its own rule: every
    other policy it interprets is live or goes live in the same release (or run). One level
    only: those policies' own rules are checked when they go live."""
    if draft_policies is None:
        draft_policies = set(InterpretedPolicy.objects.filter(
            interpretation_id=interpretation_id).values_list("policy_id", flat=True))
    others = draft_policies - {policy_id}
    live = set(Page.objects.filter(pk__in=others, live=True).values_list("pk", flat=True))
    return all(pk in live or is_being_released(pk) or is_due_now(pk) for pk in others)
