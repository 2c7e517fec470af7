from django import template

from ..checklists import checklist_for_revision
from ..forms import GatePassForm
from ..inspection import CheckReport, check_revision

register = template.Library()


@register.simple_tag
def revision_check_report(revision) -> CheckReport | None:
    """The automated checks on exactly this revision (the one the gate reviews)."""
    if revision is None:
        return None
    return check_revision(revision)


@register.simple_tag
def gate_form_for_page(form, task_state):
    """The pass form with the checklist items that apply to this page (Wagtail builds the
    modal's form without the page); a bound form already found them from the posted data."""
    if not isinstance(form, GatePassForm) or form.is_bound or task_state is None:
        return form
    return type(form)(page_checklist=checklist_for_revision(form.task, task_state.revision))
