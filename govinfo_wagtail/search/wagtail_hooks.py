"""The search app's part of a disclosure page's analysed search text (core.search_text)."""

from wagtail import hooks

from ..core.search_text import SEARCH_TEXT_ENCODING_HOOK, SEARCH_TEXT_PARTS_HOOK
from .documents import attachment_texts_cached, backend_text

# The attachment texts already extracted (never extracts: this runs in Wagtail's index update).
hooks.register(SEARCH_TEXT_PARTS_HOOK, attachment_texts_cached)
# MariaDB/MySQL: short tokens encoded as the query encodes them (analysis.mysql_index_text).
hooks.register(SEARCH_TEXT_ENCODING_HOOK, backend_text)
