"""The search app's models: the index tables (``records``) and the search page (``pages``).

Split so that the page, which serves the search, and the search, which reads the index, do
not import each other.
"""

from .pages import DisclosureSearchPage
from .records import AttachmentText, IndexFailure, SearchDocument

__all__ = ["AttachmentText", "DisclosureSearchPage", "IndexFailure", "SearchDocument"]
