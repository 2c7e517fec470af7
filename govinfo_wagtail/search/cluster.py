"""The public search served by an Elasticsearch or OpenSearch cluster (``GOVINFO_SEARCH_CLUSTER``).

The database table ``SearchDocument`` stays the source of truth: the cluster holds one
document per row (``document()``), written or deleted whenever the row is
(``sync_page()``, called from ``indexing.update_page_index``), so the live/public/restriction
rules are the database's. Searches go to the cluster; the pages shown are then loaded from the
database, and a hit whose row is gone (unpublished while the cluster missed the delete) is
dropped, so a page that is not live and public is never shown.

The ``text`` field holds the package's analysed tokens (``analysis.index_text``) and is
indexed and searched with the built-in ``whitespace`` analyser: no Chinese plugin (IK,
smartcn) is needed, and the cluster finds exactly what the database backends find.

Every client or server error becomes ``ClusterError``; the search raises
``query.SearchUnavailable`` for it (the views answer 503) and the index updates record an
``IndexFailure`` under ``CLUSTER_INDEX`` that ``govinfo_search_retry`` re-runs.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable, Iterator

from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from ..conf import govinfo_settings
from ..text import analysis
from .records import SearchDocument

CLUSTER_INDEX = "govinfo_cluster"  # IndexFailure.backend of the cluster's public index
DEFAULT_INDEX = "govinfo_public"
DEFAULT_MAX_RESULT_WINDOW = 10_000  # Elasticsearch's and OpenSearch's own default
DEFAULT_TIMEOUT = 5  # seconds per request, unless OPTIONS sets the client's own timeout
FACET_BUCKETS = 1_000  # facet values returned per facet (the database returns them all)
# The ranking of services (docs/search.md, "Ranking") as constant-score boosts, each level
# above the most the levels below it can add (<= 32 terms, analysis.MAX_QUERY_TERMS), so the
# sum orders documents as the database's ORDER BY does; BM25 of ``text`` (< 1,000 for 32
# terms) orders the rest, then in force, then date. (tests/search/test_cluster.py checks
# that each level outweighs everything below it.)
EXACT_DOCUMENT_NUMBER_BOOST = 1_000_000_000  # 1. own 文号 / 索引号 (also "IDENTIFIER")
ALL_STRONG_BOOST = 100_000_000  # 2. every word in the strong fields
STRONG_TERM_BOOST = 3_000_000  # 3. per word in the strong fields (32 x: 96 M)
PHRASE_BOOST = 1_500_000  # 4. the typed parts verbatim in the title
TITLE_TERM_BOOST = 40_000  # 5. per word in the title itself (32 x: 1.28 M)
BODY_TERM_BOOST = 1_000  # 5a. per word found outside attachment text (32 x: 32,000)
BM25_BOUND = 1_000  # BM25 of ``text`` stays below this for 32 terms
BULK_CHUNK = 500
_WORD = re.compile(r"[^\W_]+")  # what every analysed token is (analysis module)


class ClusterError(Exception):
    """The cluster could not be reached or refused the request."""


# --- configuration and client -----------------------------------------------------------------


def config() -> dict | None:
    value = govinfo_settings.SEARCH_CLUSTER
    return dict(value) if value else None


def enabled() -> bool:
    return config() is not None


def _index_name(conf: dict) -> str:
    return conf.get("INDEX") or DEFAULT_INDEX


def _max_result_window(conf: dict) -> int:
    return int(conf.get("MAX_RESULT_WINDOW") or DEFAULT_MAX_RESULT_WINDOW)


def _import(module: str, extra: str):
    from importlib import import_module

    try:
        return import_module(module)
    except ImportError as exc:
        raise ImproperlyConfigured(
            f"GOVINFO_SEARCH_CLUSTER needs the {module} client: "
            f"pip install 'govinfo-wagtail[{extra}]'"
        ) from exc


class ClusterClient:
    """One small adapter over the ``elasticsearch`` (8.x/9.x) and ``opensearch-py`` clients.

    Both take ``body=`` on the calls used here; they differ in their exception classes, the
    name of the timeout option and the bulk helper.
    """

    def __init__(self, conf: dict):
        kind = (conf.get("CLIENT") or "elasticsearch").lower()
        urls = conf.get("URLS") or ["http://localhost:9200"]
        options = dict(conf.get("OPTIONS") or {})
        if kind == "elasticsearch":
            elasticsearch = _import("elasticsearch", "elasticsearch")
            import elastic_transport
            from elasticsearch import helpers

            options.setdefault("request_timeout", DEFAULT_TIMEOUT)
            self.client = elasticsearch.Elasticsearch(hosts=list(urls), **options)
            self.errors = (elastic_transport.TransportError, elasticsearch.ApiError,
                           elasticsearch.SerializationError)
            self.not_found = elasticsearch.NotFoundError
        elif kind == "opensearch":
            opensearchpy = _import("opensearchpy", "opensearch")
            from opensearchpy import helpers

            options.setdefault("timeout", DEFAULT_TIMEOUT)
            self.client = opensearchpy.OpenSearch(hosts=list(urls), **options)
            self.errors = (opensearchpy.OpenSearchException,)
            self.not_found = opensearchpy.NotFoundError
        else:
            raise ImproperlyConfigured(f"GOVINFO_SEARCH_CLUSTER['CLIENT'] must be "
                                       f"'elasticsearch' or 'opensearch', not {kind!r}")
        self.helpers = helpers
        self.index = _index_name(conf)
        self.max_result_window = _max_result_window(conf)
        self.index_settings = conf.get("INDEX_SETTINGS") or {}
        self._index_ready = False

    def _call(self, method, /, **kwargs) -> dict:
        try:
            response = method(**kwargs)
        except self.errors as exc:
            raise ClusterError(f"{type(exc).__name__}: {exc}") from exc
        return getattr(response, "body", response)  # elasticsearch's ObjectApiResponse

    # index management

    def ensure_index(self) -> None:
        """Create the index (behind its alias) once, before the first write of a process;
        otherwise the server would create it on the first document with a guessed mapping."""
        if self._index_ready:
            return
        if not self._call(self.client.indices.exists, index=self.index):
            try:
                self.create_index(f"{self.index}_initial", alias=True)
            except ClusterError as exc:
                if "already_exists" not in str(exc):  # else a concurrent process made it
                    raise
        self._index_ready = True

    def create_index(self, name: str, *, alias: bool = False) -> None:
        body = {"settings": index_settings(self.max_result_window, self.index_settings),
                "mappings": mapping()}
        if alias:
            body["aliases"] = {self.index: {"is_write_index": True}}
        self._call(self.client.indices.create, index=name, body=body)

    def indices_behind_alias(self) -> list[str]:
        try:
            return list(self._call(self.client.indices.get_alias, name=self.index))
        except ClusterError as exc:
            if isinstance(exc.__cause__, self.not_found):
                return []
            raise

    def switch_alias(self, new: str) -> list[str]:
        """Point the alias at ``new`` (one atomic step) and delete the indices it left."""
        old = self.indices_behind_alias()
        if not old and self._call(self.client.indices.exists, index=self.index):
            # An index (not an alias) of that name, e.g. auto-created: it has to go first.
            self._call(self.client.indices.delete, index=self.index)
        actions = [{"remove": {"index": name, "alias": self.index}} for name in old]
        actions.append({"add": {"index": new, "alias": self.index, "is_write_index": True}})
        self._call(self.client.indices.update_aliases, body={"actions": actions})
        for name in old:
            if name != new:
                self._call(self.client.indices.delete, index=name)
        self._index_ready = True
        return old

    def delete_index(self, name: str) -> None:
        self._call(self.client.indices.delete, index=name)

    def refresh(self, name: str | None = None) -> None:
        self._call(self.client.indices.refresh, index=name or self.index)

    # documents

    def put(self, page_id: int, doc: dict) -> None:
        self.ensure_index()
        try:
            # require_alias: never let the server create a plain index with a guessed mapping
            # (if the index was deleted behind our back, the next attempt re-creates it).
            self._call(self.client.index, index=self.index, id=str(page_id), body=doc,
                       require_alias=True)
        except ClusterError:
            self._index_ready = False
            raise

    def remove(self, page_id: int) -> None:
        try:
            self._call(self.client.delete, index=self.index, id=str(page_id))
        except ClusterError as exc:
            if not isinstance(exc.__cause__, self.not_found):  # already gone: done
                raise

    def bulk_put(self, name: str, docs: Iterable[tuple[int, dict]]) -> int:
        actions = ({"_op_type": "index", "_index": name, "_id": str(pk), "_source": doc}
                   for pk, doc in docs)
        try:
            indexed, _errors = self.helpers.bulk(self.client, actions, chunk_size=BULK_CHUNK)
        except self.errors + (self.helpers.BulkIndexError,) as exc:
            raise ClusterError(f"{type(exc).__name__}: {exc}") from exc
        return indexed

    # queries

    def search(self, body: dict) -> dict:
        return self._call(self.client.search, index=self.index, body=body)

    def count(self, body: dict) -> int:
        return int(self._call(self.client.count, index=self.index, body=body)["count"])


_clients: dict[str, ClusterClient] = {}


def client(conf: dict | None = None) -> ClusterClient:
    """The client for the current setting (one per distinct setting and process: clients
    keep connection pools). Built from the setting itself: OPTIONS may hold tuples or an
    SSLContext, which the cache key only names."""
    conf = conf or config()
    if conf is None:
        raise ClusterError("GOVINFO_SEARCH_CLUSTER is not set")
    key = json.dumps(conf, sort_keys=True, default=repr)
    if key not in _clients:
        if len(_clients) >= 8:  # settings changed (tests): drop the old clients
            _clients.clear()
        _clients[key] = ClusterClient(conf)
    return _clients[key]


# --- index definition -----------------------------------------------------------------------


def mapping() -> dict:
    """The index mapping: analysed tokens in ``text``; facet, sort and key fields exact."""
    return {
        "dynamic": "strict",
        "properties": {
            "page_id": {"type": "long"},
            # Tokens are already segmented and normalised: split on spaces, keep as they are.
            "text": {"type": "text", "analyzer": "whitespace", "search_analyzer": "whitespace"},
            "agency": {"type": "integer"},
            "topic": {"type": "integer"},
            "year": {"type": "integer"},
            "kind": {"type": "integer"},
            "validity": {"type": "keyword"},
            "published_date": {"type": "date", "format": "strict_date"},
            "document_number_key": {"type": "keyword"},
            # The strong fields (documents.strong_texts) and the title for adjacency.
            "title_text": {"type": "text", "analyzer": "whitespace",
                           "search_analyzer": "whitespace"},
            "meta_text": {"type": "text", "analyzer": "whitespace",
                          "search_analyzer": "whitespace"},
            "title_key": {"type": "keyword", "ignore_above": 255},
            # Tokens found only in attachment text: such a word ranks below one in the body.
            "attach_only": {"type": "text", "analyzer": "whitespace",
                            "search_analyzer": "whitespace"},
            "in_force": {"type": "boolean"},
        },
    }


def index_settings(max_result_window: int = DEFAULT_MAX_RESULT_WINDOW,
                   overrides: dict | None = None) -> dict:
    """Index settings; ``INDEX_SETTINGS`` of the setting (shards, replicas, ...) win."""
    settings = {"number_of_shards": 1, "max_result_window": max_result_window}
    settings.update(overrides or {})
    return {"index": settings}


def cluster_terms(terms: Iterable[str]) -> list[str]:
    """Query terms as the cluster holds them. On MariaDB/MySQL the row holds InnoDB-encoded
    tokens (q_交通) that ``document()`` decodes; the terms go through the same encode/decode,
    so both sides agree even where the encoding is lossy (hex of very long tokens is cut)."""
    if connection.vendor != "mysql":
        return list(terms)
    return [analysis.decode_token(analysis.encode_token(t)) for t in terms]


def document(row) -> dict:
    """The cluster document of one ``SearchDocument`` row."""
    def decoded(text: str) -> str:
        if connection.vendor == "mysql":
            return " ".join(analysis.decode_token(t) for t in text.split())
        return text

    return {
        "page_id": row.page_id,
        "text": decoded(row.text),
        "title_text": decoded(row.title_text),
        "meta_text": decoded(row.meta_text),
        "title_key": row.title_key,
        "attach_only": decoded(row.attach_only or ""),
        "in_force": row.validity == "valid",
        "agency": row.agency_id,
        "topic": row.topic_id,
        "year": row.year,
        "kind": row.kind_id,
        "validity": row.validity,
        "published_date": row.published_date.isoformat() if row.published_date else None,
        "document_number_key": row.document_number_key,
    }


# --- keeping it in step with SearchDocument -----------------------------------------------------


def sync_page(page_id: int) -> None:
    """Index the page's row, or delete its document when the row is gone."""
    row = SearchDocument.objects.filter(page_id=page_id).first()
    if row is None:
        client().remove(page_id)
    else:
        client().put(page_id, document(row))


def remove_page(page_id: int) -> None:
    client().remove(page_id)


def _documents(since=None) -> Iterator[tuple[int, dict]]:
    rows = SearchDocument.objects.order_by("page_id")
    if since is not None:
        rows = rows.filter(updated_at__gte=since)
    for row in rows.iterator(chunk_size=BULK_CHUNK):
        yield row.page_id, document(row)


def rebuild() -> tuple[str, int]:
    """Build a fresh index from every ``SearchDocument`` row, then switch the alias to it
    (searches keep using the old index until then) and delete the old index."""
    from datetime import timedelta

    from django.utils import timezone

    cluster = client()
    name = f"{cluster.index}_{time.strftime('%Y%m%d%H%M%S')}_{time.time_ns() % 1000:03d}"
    started = timezone.now() - timedelta(minutes=1)  # margin for clocks and open transactions
    cluster.create_index(name)
    try:
        indexed = cluster.bulk_put(name, _documents())
        cluster.refresh(name)
        cluster.switch_alias(name)
    except BaseException:
        try:
            cluster.delete_index(name)
        except ClusterError:
            pass
        raise
    # Updates that ran meanwhile went to the old index: copy their rows again. (A page deleted
    # meanwhile may linger in the new index until the next rebuild; the search never shows it,
    # as every hit is checked against the database.)
    cluster.bulk_put(cluster.index, _documents(since=started))
    return name, indexed
