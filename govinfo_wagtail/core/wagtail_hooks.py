from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Agency, Topic
from .release import RELEASE_LOG_ACTION


class AgencyViewSet(SnippetViewSet):
    model = Agency
    icon = "group"
    menu_label = _("Agencies")
    list_display = ["name", "short_name", "kind", "credit_code", "index_code"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "credit_code"]
    ordering = ["name"]


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    menu_label = _("Topics")
    list_display = ["__str__", "sort_order"]
    search_fields = ["name"]
    ordering = ["parent__sort_order", "sort_order", "name"]


class DisclosureViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Disclosure")
    menu_icon = "doc-full-inverse"
    menu_name = "govinfo"
    items = (AgencyViewSet, TopicViewSet)


register_snippet(DisclosureViewSetGroup)


@hooks.register("register_log_actions")
def register_release_log_action(actions):
    @actions.register_action(RELEASE_LOG_ACTION)
    class ReleaseAction(LogFormatter):
        label = _("Released")

        def format_message(self, log_entry):
            from .release import ReleaseReason

            data = log_entry.data
            reason = ReleaseReason(data.get("reason")).label
            note = data.get("note")
            if note:
                return _("Released: %(reason)s (%(note)s)") % {"reason": reason, "note": note}
            return _("Released: %(reason)s") % {"reason": reason}
