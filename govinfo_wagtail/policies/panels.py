"""A read-only editor panel: the pages released together with this one, and their status.

It reads them from the page (``ReleaseGroupMember`` in :mod:`.models`, whose page types
declare this panel), so that this module imports nothing of the app.
"""

from wagtail.admin.panels import Panel


class ReleaseGroupPanel(Panel):
    class BoundPanel(Panel.BoundPanel):
        template_name = "govinfo_policies/panels/release_group.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            members = []
            if self.instance.pk:
                for member in self.instance.specific.get_release_group():
                    members.append((member, member.get_release_status(),
                                    member.get_release_status_display()))
            context["members"] = members
            return context
