"""Settings for `make messages`: one catalogue for all the package's apps, kept in the core
app's locale folder (Django loads each app's own locale folder at run time)."""

from .settings import *  # noqa: F403
from .settings import BASE_DIR

LOCALE_PATHS = [BASE_DIR.parent / "govinfo_wagtail" / "core" / "locale"]
