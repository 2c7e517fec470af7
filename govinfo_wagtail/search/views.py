"""The public search page (/govinfo/search/ and DisclosureSearchPage) and the JSON API."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from ..conf import govinfo_settings
from ..core.language import public_language
from ..core.models import Agency, Topic, Validity
from ..text import analysis
from . import services
from .services import MAX_PAGE_SIZE, SearchQuery, SearchUnavailable


def _int(value, *, default=None, low=None, high=None):
    try:
        n = int(str(value).strip()[:12])
    except (TypeError, ValueError):
        return default
    if low is not None and n < low:
        return default
    return min(n, high) if high is not None else n


def parse_query(request: HttpRequest, *, page_size: int | None = None) -> SearchQuery:
    get = request.GET
    page_size = page_size or govinfo_settings.SEARCH_PAGE_SIZE
    q = (get.get("q") or "")[: analysis.QUERY_LIMIT * 10]
    validity = get.get("validity") or None
    return SearchQuery(
        q=q.replace("\x00", ""),
        agency=_int(get.get("agency"), low=1),
        topic=_int(get.get("topic"), low=1),
        year=_int(get.get("year"), low=1, high=9999),
        kind=_int(get.get("kind"), low=1),
        validity=validity if validity in Validity.values else None,
        sort=get.get("sort") if get.get("sort") in services.SORTS else "relevance",
        page=_int(get.get("page"), default=1, low=1, high=10**6),
        page_size=_int(get.get("page_size"), default=page_size, low=1, high=MAX_PAGE_SIZE),
    )


def _facet_labels(results) -> dict[str, list[dict]]:
    """Facet rows with display labels, as (value, label, count)."""
    labels: dict[str, dict] = {
        "agency": dict(Agency.objects.filter(
            pk__in=[v for v, _ in results.facets.get("agency", [])]).values_list("pk", "name")),
        "topic": {t.pk: t.name for t in Topic.objects.filter(
            pk__in=[v for v, _ in results.facets.get("topic", [])])},
        "kind": {ct.pk: str(ct.model_class()._meta.verbose_name) for ct in
                 ContentType.objects.filter(pk__in=[v for v, _ in results.facets.get("kind", [])])
                 if ct.model_class() is not None},
        "validity": {v: str(label) for v, label in Validity.choices},
    }
    out = {}
    for name, rows in results.facets.items():
        names = labels.get(name, {})
        out[name] = [
            {"value": value, "label": str(names.get(value, value)), "count": n}
            for value, n in rows
        ]
    return out


def _redirect_target(query: SearchQuery):
    if query.q and analysis.looks_like_index_number(query.q):
        page = services.lookup_index_number(query.q)
        if page is not None:
            return page
    return None


def render_search(request: HttpRequest, page=None) -> HttpResponse:
    query = parse_query(request)
    target = _redirect_target(query)
    if target is not None:
        return redirect(target.get_url(request))
    context = {"page": page, "query": query, "search_page": page}
    try:
        results = services.search(query)
    except SearchUnavailable:
        context["unavailable"] = True
        return TemplateResponse(request, "govinfo_search/search_page.html", context, status=503)
    params = request.GET.copy()
    params.pop("page", None)
    context.update(
        results=results,
        facets=_facet_labels(results),
        active=query.filters(),
        base_query=params.urlencode(),
        title=_("Search"),
    )
    return TemplateResponse(request, "govinfo_search/search_page.html", context)


@public_language
def search_view(request: HttpRequest) -> HttpResponse:
    return render_search(request)


@public_language
def api_search_view(request: HttpRequest) -> JsonResponse:
    """GET /govinfo/api/search/?q=&page=&page_size=&agency=&topic=&year=&kind=&validity="""
    query = parse_query(request)
    try:
        results = services.search(query)
    except SearchUnavailable:
        return JsonResponse(
            {"error": "search_unavailable",
             "detail": _("Search is temporarily unavailable. Please try again later.")},
            status=503,
        )
    facets = _facet_labels(results)
    kinds = {f["value"]: f["label"] for f in facets.get("kind", [])}
    return JsonResponse({
        "count": results.count,
        # True when count and facet counts are estimates (a very common word; docs/search.md)
        "approximate": results.approximate,
        "page": results.page,
        "num_pages": results.num_pages,
        "page_size": max(1, min(query.page_size, MAX_PAGE_SIZE)),
        "results": [
            {
                "id": hit.page.pk,
                "title": hit.page.title,
                "url": hit.page.get_full_url(request),
                "index_number": hit.page.index_number,
                "document_number": hit.page.document_number,
                "agency": hit.page.agency.name if hit.page.agency_id else None,
                "published_date": (hit.page.published_date.isoformat()
                                   if hit.page.published_date else None),
                "kind": kinds.get(hit.kind, ""),
                "snippet": str(hit.snippet),
            }
            for hit in results.hits
        ],
        "facets": facets,
        "suggestions": [{"q": q, "count": n} for q, n in results.suggestions],
    }, json_dumps_params={"ensure_ascii": False})
