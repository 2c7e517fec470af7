"""The forms of a gate's actions: pass (checklist, opinion, overrides) and return (opinion).

They give the reviewer field errors in the modal; ``gates.act_on_gate`` checks the same data
again on the server, since the page editor posts it to Wagtail without this form.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .gates import MAX_OPINION, MAX_REASON

OVERRIDE_PREFIX = "override-"


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


class GatePassForm(GateActionForm):
    checklist_items: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
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
        return cleaned


class GateReturnForm(GateActionForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["opinion"].required = True
        self.fields["opinion"].help_text = _("Say what must change; the editor receives it.")


def gate_form_class(task, action: str) -> type[forms.Form]:
    if action == "approve":
        return type("GatePassForm", (GatePassForm,), {"checklist_items": task.checklist_items})
    return GateReturnForm
