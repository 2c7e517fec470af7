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

# The field weights of Wagtail's backends (docs/search.md, "Admin search"): the own numbers and
# the title above the keywords, summary and agency, above the rest of the text (no boost).
# PostgreSQL maps the project's distinct boosts to its weights A-D (Wagtail's own: images and
# documents 10, page titles 2), so these two get A and B and the text D.
SEARCH_TITLE_BOOST = 10
SEARCH_META_BOOST = 5
# Elasticsearch/OpenSearch: the analysed fields hold pre-analysed tokens.
WHITESPACE = {"analyzer": "whitespace", "search_analyzer": "whitespace"}

SEARCH_TEXT_PARTS_HOOK = "govinfo_search_text_parts"
SEARCH_TEXT_ENCODING_HOOK = "govinfo_search_text_encoding"


def contributed_parts(page) -> tuple[str, ...]:
    """The texts the ``govinfo_search_text_parts`` hooks add for ``page``."""
    return tuple(part for fn in hooks.get_hooks(SEARCH_TEXT_PARTS_HOOK) for part in fn(page))


def analysed_text(parts: tuple[str, ...]) -> str:
    """``parts`` analysed, then passed through every ``govinfo_search_text_encoding`` hook."""
    return encoded(analysis.index_text(*parts))


def encoded(text: str) -> str:
    """Analysed ``text`` passed through every ``govinfo_search_text_encoding`` hook."""
    for fn in hooks.get_hooks(SEARCH_TEXT_ENCODING_HOOK):
        text = fn(text)
    return text
