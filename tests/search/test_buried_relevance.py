"""The relevance set buried among thousands of newer items that mention its query words in
passing (tests/search/relevance/buried.py): strong matches must still come first.

CI size: BURIED_ITEMS newer items (GOVINFO_TEST_BURIED_ITEMS to change it) with the ranking
window scaled down alike (500 at 20,000 items -> 75 at 3,000), so that, as at 20,000 and
100,000 items (``make bench``), nearly every query has far more body matches than the window.
"""

import os

from django.test import override_settings

from govinfo_wagtail.search import services
from govinfo_wagtail.search.services import SearchQuery
from govinfo_wagtail.text import analysis
from tests.search.relevance.buried import bury, passing_words, quality
from tests.search.relevance.corpus import QUERIES
from tests.search.test_relevance import load

BURIED_ITEMS = int(os.environ.get("GOVINFO_TEST_BURIED_ITEMS", 3000))
WINDOW = max(20, 500 * BURIED_ITEMS // 20_000)
RECALL_TARGET, MRR_TARGET = 0.95, 0.9


def test_buried_set_recall_and_mrr(catalogue):
    pages = load(catalogue)
    bury(catalogue, BURIED_ITEMS)
    with override_settings(GOVINFO_SEARCH_RANK_WINDOW=WINDOW):
        # The burial is real: most query words match more newer items than the window holds.
        words = passing_words()
        crowded = [w for w in words if services.count(analysis.query_terms(w)) > WINDOW]
        assert len(crowded) >= 0.8 * len(words), crowded

        def top10(q: str) -> list[int]:
            return [hit.page.pk for hit in services.search(SearchQuery(q=q, page_size=10)).hits]

        result = quality(pages, top10)
    assert len(QUERIES) >= 30
    assert result.recall_at_10 >= RECALL_TARGET and result.mrr >= MRR_TARGET, (
        f"recall@10 {result.recall_at_10:.3f}, MRR {result.mrr:.3f}; " + "; ".join(result.misses))
