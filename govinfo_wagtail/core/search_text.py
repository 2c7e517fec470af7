"""The analysed search text of a disclosure page, and the hooks through which apps add to it.

``DisclosurePage.search_text`` is the one field Wagtail's search backends index (admin
search, choosers, Elasticsearch/OpenSearch). The kernel analyses the page's own texts
(``search_parts``) with the package's Chinese analysis; two Wagtail hooks let apps extend it
without the kernel knowing them:

``govinfo_search_text_parts``
    ``fn(page) -> Iterable[str]``: more texts analysed with the page's own (the search app:
    the attachment texts it has extracted and stored). Must not extract anything itself: it
    runs inside Wagtail's index update.
``govinfo_search_text_encoding``
    ``fn(analysed: str) -> str``: rewrites the analysed text for the index that stores it (the
    search app: InnoDB's encoding of short tokens on MariaDB/MySQL), applied in hook order.
"""

from __future__ import annotations

from wagtail import hooks

from ..text import analysis

SEARCH_TEXT_PARTS_HOOK = "govinfo_search_text_parts"
SEARCH_TEXT_ENCODING_HOOK = "govinfo_search_text_encoding"


def contributed_parts(page) -> tuple[str, ...]:
    """The texts the ``govinfo_search_text_parts`` hooks add for ``page``."""
    return tuple(part for fn in hooks.get_hooks(SEARCH_TEXT_PARTS_HOOK) for part in fn(page))


def analysed_text(parts: tuple[str, ...]) -> str:
    """``parts`` analysed, then passed through every ``govinfo_search_text_encoding`` hook."""
    text = analysis.index_text(*parts)
    for fn in hooks.get_hooks(SEARCH_TEXT_ENCODING_HOOK):
        text = fn(text)
    return text
