from django import template

from ..inspection import CheckReport, check_revision

register = template.Library()


@register.simple_tag
def revision_check_report(revision) -> CheckReport | None:
    """The automated checks on exactly this revision (the one the gate reviews)."""
    if revision is None:
        return None
    return check_revision(revision)
