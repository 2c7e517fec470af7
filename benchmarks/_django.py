"""Django set-up shared by the benchmarks: the test settings on a given database."""

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def setup_django(database_url: str, *, migrate: bool = True) -> None:
    """Configure Django with tests.settings on ``database_url`` and migrate it."""
    sys.path.insert(0, str(REPO))
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    os.environ["DATABASE_URL"] = database_url
    os.environ.pop("GOVINFO_TEST_DATABASE_NAME", None)
    import django
    from django.core.management import call_command

    django.setup()
    if migrate:
        call_command("migrate", verbosity=0)
