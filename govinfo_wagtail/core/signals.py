"""Signals of the disclosure kernel.

``disclosure_pages_changed(sender, page_ids)`` is sent after the commit of a write that
changed many disclosure pages without saving each through the ORM (a bulk release, an import
batch): apps that keep something per page (the search index) bring it up to date for those
pages, as they do on ``post_save`` for a single page.
"""

from django.dispatch import Signal

disclosure_pages_changed = Signal()
