from wagtail import hooks

from govinfo_wagtail.core.release import RELEASE_CHECK_HOOK, ReleaseRefused

from .models import NoticePage


@hooks.register(RELEASE_CHECK_HOOK)
def notice_names_its_issuer(*, revision, page, content=None, **kwargs):
    """Release check: a notice goes live only with its issuer named. Runs for every release,
    whatever its reason (review, emergency, import); raising refuses the release, and the
    message is what the user reads."""
    if not isinstance(page, NoticePage):
        return None
    notice = content if content is not None else revision.as_object()
    if not notice.issuer.strip():
        raise ReleaseRefused(page, f"“{page.title}”未注明发布单位，不能发布。",
                             code="notice_without_issuer")
    return None
