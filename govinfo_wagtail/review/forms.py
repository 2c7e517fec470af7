"""The forms of a gate's actions: pass (checklist, opinion, overrides) and return (opinion).

They give the reviewer field errors in the modal; ``gates.act_on_gate`` checks the same data
again on the server, since the page editor posts it to Wagtail without this form.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .checklists import checklist_for_revision
from .gates import MAX_OPINION, MAX_REASON
from .inspection import check_revision
from .outcomes import ADMIN_MARKER
from .records import ReviewGateTaskState

OVERRIDE_PREFIX = "override-"
# The gate action modal posts the task state it shows, so the form can check the gate's rules
# and keep the dialog open with the reason (the server checks everything again on the action).
TASK_STATE_FIELD = "govinfo_task_state"


class GateActionForm(forms.Form):
    opinion = forms.CharField(
        label=_("Opinion"), required=False, max_length=MAX_OPINION,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        data = self.data or {}
        self._overrides = {
            key[len(OVERRIDE_PREFIX):]: str(data.get(key, ""))[:MAX_REASON]
            for key in data if key.startswith(OVERRIDE_PREFIX)
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        cleaned[ADMIN_MARKER] = True
        return cleaned


class GatePassForm(GateActionForm):
    checklist_items: list[str] = []

    def __init__(self, *args: Any, page_checklist: list[str] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The items that apply to the page under review: given by the modal's template tag
        # (Wagtail builds the form without the page), or found from the posted task state.
        if page_checklist is None:
            task_state = self._posted_task_state()
            if task_state is not None:
                page_checklist = checklist_for_revision(self.task, task_state.revision)
        if page_checklist is not None:
            self.checklist_items = page_checklist
        items = self.checklist_items
        self.fields = {
            "checklist": forms.MultipleChoiceField(
                label=_("Checklist"), choices=[(i, i) for i in items], required=bool(items),
                widget=forms.CheckboxSelectMultiple,
                help_text=_("Tick every item to pass this gate."),
            ),
            **self.fields,
        }

    def clean_checklist(self) -> list[str]:
        ticked = self.cleaned_data.get("checklist") or []
        missing = [i for i in self.checklist_items if i not in ticked]
        if missing:
            raise forms.ValidationError(
                _("Tick every item of the checklist: %(items)s"),
                code="checklist_incomplete", params={"items": "、".join(missing)},
            )
        return ticked

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        cleaned["overrides"] = {k: v for k, v in self._overrides.items() if v.strip()}
        self._check_gate(cleaned["overrides"])
        return cleaned

    def _posted_task_state(self):
        if not hasattr(self, "_task_state"):
            self._task_state = None
            try:
                pk = int((self.data or {}).get(TASK_STATE_FIELD, ""))
            except (TypeError, ValueError):
                return None
            self._task_state = ReviewGateTaskState.objects.filter(
                pk=pk, task_id=getattr(getattr(self, "task", None), "pk", None)
            ).select_related("revision").first()
        return self._task_state

    def _check_gate(self, overrides: dict[str, str]) -> None:
        """The rules that need the page: blocking findings each need a recorded reason."""
        task_state = self._posted_task_state()
        if task_state is None:
            return
        if task_state.status != ReviewGateTaskState.STATUS_IN_PROGRESS:
            raise forms.ValidationError(_("This gate is not awaiting a decision."),
                                        code="not_in_progress")
        report = check_revision(task_state.revision)
        missing = [f for f in report.unresolved if not overrides.get(f.fingerprint, "").strip()]
        if missing:
            raise forms.ValidationError(
                _("%(count)d blocking finding(s) must be fixed, or overridden with a reason: "
                  "%(findings)s"),
                code="unresolved_findings",
                params={"count": len(missing),
                        "findings": "、".join(f"{f.matched}（{report.location_label(f.location)}）"
                                          for f in missing)})


class GateReturnForm(GateActionForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["opinion"].required = True
        self.fields["opinion"].help_text = _("Say what must change; the editor receives it.")


def gate_form_class(task, action: str) -> type[forms.Form]:
    if action == "approve":
        return type("GatePassForm", (GatePassForm,),
                    {"checklist_items": task.checklist_items, "task": task})
    return GateReturnForm
