"""A read-only editor panel: the pages released together with this one, and their status."""

from wagtail.admin.panels import Panel


class ReleaseGroupPanel(Panel):
    class BoundPanel(Panel.BoundPanel):
        template_name = "govinfo_policies/panels/release_group.html"

        def get_context_data(self, parent_context=None):
            from .services import ReleaseStatus, release_group, release_status

            context = super().get_context_data(parent_context)
            members = []
            if self.instance.pk:
                for member in release_group(self.instance.specific):
                    status = release_status(member)
                    members.append((member, status, ReleaseStatus.LABELS[status]))
            context["members"] = members
            return context
