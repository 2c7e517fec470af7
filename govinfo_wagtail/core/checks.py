"""System checks of the disclosure kernel's data (run with ``manage.py check --database``)."""

from django.core import checks
from django.db import DatabaseError
from django.utils.translation import gettext as _


@checks.register(checks.Tags.database)
def check_agency_index_codes(app_configs=None, databases=None, **kwargs):
    """Two agencies with one code in index numbers would be issued the same numbers."""
    if not databases:
        return []
    from .models import Agency, duplicate_index_codes

    try:
        duplicates = duplicate_index_codes(Agency.objects.all())
    except DatabaseError:
        return []  # not migrated yet
    return [
        checks.Error(
            _("Agencies %(names)s share the code in index numbers “%(code)s”: their index "
              "numbers would collide. Give each agency its own code.")
            % {"code": code, "names": "、".join(names)},
            id="govinfo_core.E001",
        )
        for code, names in duplicates.items()
    ]
