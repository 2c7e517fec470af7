"""The public search page (/govinfo/search/ and DisclosureSearchPage) and the JSON API."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from wagtail.models import Page, Site

from ..conf import govinfo_settings
from ..core import public
from ..core.frontcache import mark_public
from ..core.language import public_language
from ..core.models import Agency, Topic, Validity
from ..core.released import shown_to_public
from ..text import analysis
from . import services
from .services import MAX_PAGE_SIZE, SearchQuery, SearchUnavailable

# The query parameters a filter or option may take, with the name users read in messages.
PARAMETERS = {
    "agency": _l("publishing agency"), "topic": _l("topic"), "year": _l("year"),
    "kind": _l("type"), "validity": _l("validity"), "sort": _l("sort order"),
    "page": _l("page"), "page_size": _l("page size"),
}


def _int(value, *, default=None, low=None, high=None):
    try:
        n = int(str(value).strip()[:12])
    except (TypeError, ValueError):
        return default
    if low is not None and n < low:
        return default
    return min(n, high) if high is not None else n


def kinds() -> dict[str, tuple[int, str]]:
    """Stable name → (content type id, label) of every disclosure page type.

    The name is the model's ``search_kind`` (``item``, ``policy``, ``interpretation``,
    ``report``), else its model name: the same on every installation, unlike the content type
    ids, which the search index stores."""
    from django.apps import apps

    from ..core.models import DisclosurePage

    found = {}
    for model in apps.get_models():
        if not issubclass(model, DisclosurePage) or model is DisclosurePage:
            continue
        name = getattr(model, "search_kind", None) or model._meta.model_name
        content_type = ContentType.objects.get_for_model(model)  # cached by Django
        found[name] = (content_type.pk, str(model._meta.verbose_name))
    return found


class InvalidParameters(ValueError):
    def __init__(self, errors: dict[str, str]):
        super().__init__(" ".join(errors.values()))
        self.errors = errors


def _not_a_number(name: str, value: str) -> str:
    return _("%(parameter)s (%(name)s): “%(value)s” is not a whole number of 1 or more.") % {
        "parameter": PARAMETERS[name], "name": name, "value": value[:40]}


def _not_allowed(name: str, value: str, allowed) -> str:
    return _("%(parameter)s (%(name)s): “%(value)s” is not a known value; use one of: "
             "%(allowed)s.") % {"parameter": PARAMETERS[name], "name": name,
                                "value": value[:40], "allowed": ", ".join(allowed)}


def _unknown_id(name: str, value: str) -> str:
    return _("%(parameter)s (%(name)s): there is none with the id %(value)s.") % {
        "parameter": PARAMETERS[name], "name": name, "value": value[:40]}


def parse_query(request: HttpRequest, *, page_size: int | None = None,
                strict: bool = False) -> SearchQuery:
    """The search a request asks for. The page drops values it cannot use; with ``strict``
    (the API) they raise InvalidParameters, one message per parameter."""
    get = request.GET
    page_size = page_size or govinfo_settings.SEARCH_PAGE_SIZE
    errors: dict[str, str] = {}
    q = (get.get("q") or "")[: analysis.QUERY_LIMIT * 10]

    def number(name, *, default=None, high=None, model=None):
        raw = (get.get(name) or "").strip()
        if not raw:
            return default
        n = _int(raw, low=1, high=high)
        if n is None:
            errors[name] = _not_a_number(name, raw)
            return default
        if strict and model is not None and not model.objects.filter(pk=n).exists():
            errors[name] = _unknown_id(name, raw)
            return default
        return n

    def choice(name, allowed, *, default=None):
        raw = (get.get(name) or "").strip()
        if not raw:
            return default
        if raw not in allowed:
            errors[name] = _not_allowed(name, raw, allowed)
            return default
        return raw

    known_kinds = kinds()
    kind_name = choice("kind", list(known_kinds))
    query = SearchQuery(
        q=q.replace("\x00", ""),
        agency=number("agency", model=Agency),
        topic=number("topic", model=Topic),
        year=number("year", high=9999),
        kind=known_kinds[kind_name][0] if kind_name else None,
        validity=choice("validity", list(Validity.values)),
        sort=choice("sort", list(services.SORTS), default="relevance"),
        page=number("page", default=1, high=10**6) or 1,
        page_size=number("page_size", default=page_size, high=MAX_PAGE_SIZE) or page_size,
    )
    if strict and errors:
        raise InvalidParameters(errors)
    return query


def _kind_name(content_type_id, known=None) -> str | None:
    for name, (pk, _label) in (known or kinds()).items():
        if pk == content_type_id:
            return name
    return None


def public_filters(query: SearchQuery) -> dict:
    """The query's filters as they appear in URLs (``kind`` by its stable name)."""
    active = query.filters()
    if "kind" in active:
        name = _kind_name(active["kind"])
        if name is None:
            active.pop("kind")
        else:
            active["kind"] = name
    return active


def _query_string(query: SearchQuery, filters: dict) -> str:
    params = {"q": query.q} if query.q else {}
    params.update({name: filters[name] for name in services.FACETS if name in filters})
    if query.sort != "relevance":
        params["sort"] = query.sort
    return urlencode(params)


def _facet_labels(results) -> dict[str, list[dict]]:
    """Facet rows with display labels, as (value, label, count); ``kind`` values are the
    types' stable names. Years newest first, the other facets by count."""
    known = kinds()
    names_of_kinds = {pk: (name, label) for name, (pk, label) in known.items()}
    labels: dict[str, dict] = {
        "agency": dict(Agency.objects.filter(
            pk__in=[v for v, _ in results.facets.get("agency", [])]).values_list("pk", "name")),
        "topic": {t.pk: t.name for t in Topic.objects.filter(
            pk__in=[v for v, _ in results.facets.get("topic", [])])},
        "validity": {v: str(label) for v, label in Validity.choices},
    }
    out = {}
    for name, rows in results.facets.items():
        shown = []
        for value, n in rows:
            if name == "kind":
                if value not in names_of_kinds:
                    continue
                value, label = names_of_kinds[value]
            else:
                label = labels.get(name, {}).get(value, value)
            shown.append({"value": value, "label": str(label), "count": n})
        if name == "year":
            shown.sort(key=lambda row: -row["value"])
        out[name] = shown
    return out


FACET_HEADINGS = {
    "kind": _l("Type"), "agency": _l("Publishing agency"), "topic": _l("Topic"),
    "year": _l("Year"), "validity": _l("Validity"),
}
FACET_ORDER = ("kind", "agency", "topic", "year", "validity")


def _value_label(name: str, value) -> str:
    """The label of a selected value that has no row among the facets (no matches)."""
    if name == "agency":
        return Agency.objects.filter(pk=value).values_list("name", flat=True).first() or str(value)
    if name == "topic":
        topic = Topic.objects.filter(pk=value).first()
        return topic.name if topic else str(value)
    if name == "kind":
        return kinds().get(value, (None, value))[1]
    if name == "validity":
        return str(dict(Validity.choices).get(value, value))
    return str(value)


def facet_links(query: SearchQuery, facets: dict[str, list[dict]]) -> tuple[list, list]:
    """The facets as the page shows them, and the active filters as removable chips.

    Every link sets exactly one value of its facet (replacing any other) or, on the selected
    value, removes it; the page number is never carried over. A facet's own selection does
    not narrow its other values (services.search counts each active facet without it)."""
    active = public_filters(query)
    groups, chips = [], []
    for name in FACET_ORDER:
        rows = facets.get(name) or []
        selected = active.get(name)
        shown = []
        for row in rows[:20] if selected is None else rows:
            is_selected = selected is not None and str(row["value"]) == str(selected)
            if not is_selected and selected is not None and len(shown) >= 20:
                continue
            changed = dict(active)
            if is_selected:
                changed.pop(name)
            else:
                changed[name] = row["value"]
            shown.append({**row, "selected": is_selected,
                          "href": "?" + _query_string(query, changed)})
        if selected is not None and not any(r["selected"] for r in shown):
            rest = {k: v for k, v in active.items() if k != name}
            shown.insert(0, {"value": selected, "label": _value_label(name, selected),
                             "count": 0, "selected": True,
                             "href": "?" + _query_string(query, rest)})
        if selected is not None:
            label = next(r["label"] for r in shown if r["selected"])
            rest = {k: v for k, v in active.items() if k != name}
            chips.append({"name": name, "heading": FACET_HEADINGS[name], "label": label,
                          "href": "?" + _query_string(query, rest)})
        if shown:
            groups.append({"name": name, "heading": FACET_HEADINGS[name], "rows": shown,
                           "selected": selected is not None})
    return groups, chips


def _settings_page_url(request, field: str) -> str:
    """The URL of a page chosen in the public site settings that the public may see (live,
    public, released if of a released type), or ""."""
    config = public.site_settings(request)
    page_id = getattr(config, f"{field}_id", None)
    if page_id:
        target = shown_to_public(Page.objects.filter(pk=page_id)).first()
        if target is not None:
            return target.get_url(request) or ""
    return ""


def _on_request_url(request) -> str:
    """Where the no-results page sends visitors to apply for information (依申请公开)."""
    if govinfo_settings.ON_REQUEST_URL:
        return govinfo_settings.ON_REQUEST_URL
    return _settings_page_url(request, "on_request_page")


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
    site = Site.find_for_request(request)
    context = {"page": page, "query": query, "search_page": page,
               "home": site.root_page if site else None}
    try:
        results = services.search(query)
    except SearchUnavailable:
        context["unavailable"] = True
        return TemplateResponse(request, "govinfo_search/search_page.html", context, status=503)
    facets = _facet_labels(results)
    groups, chips = facet_links(query, facets)
    active = public_filters(query)
    context.update(
        results=results,
        facets=facets,
        facet_groups=groups,
        chips=chips,
        active=active,
        base_query=_query_string(query, active),
        clear_href="?" + _query_string(query, {}),
        on_request_url=_on_request_url(request) if not results.hits else "",
        catalogue_url=_settings_page_url(request, "catalogue_page") if not results.hits else "",
        title=_("Search"),
    )
    return TemplateResponse(request, "govinfo_search/search_page.html", context)


@public_language
def search_view(request: HttpRequest) -> HttpResponse:
    return mark_public(request, render_search(request),
                       max_age=govinfo_settings.CACHE_SEARCH_MAX_AGE)


@public_language
def api_search_view(request: HttpRequest) -> JsonResponse:
    """GET /govinfo/api/search/?q=&page=&page_size=&agency=&topic=&year=&kind=&validity=&sort=

    UTF-8 JSON (Chinese as it is, not \\u escapes); result URLs absolute on the host that
    served the request; ``kind`` by stable name; a value the API cannot use answers 400 with
    a message per parameter. The schema is in docs/api.md."""
    try:
        query = parse_query(request, strict=True)
    except InvalidParameters as exc:
        return _json({"error": "invalid_parameter", "detail": str(exc),
                      "parameters": exc.errors}, status=400)
    try:
        results = services.search(query)
    except SearchUnavailable:
        return _json(
            {"error": "search_unavailable",
             "detail": _("Search is temporarily unavailable. Please try again later.")},
            status=503,
        )
    facets = _facet_labels(results)
    known = kinds()
    active = public_filters(query)
    for name, rows in facets.items():
        for row in rows:
            row["selected"] = name in active and str(row["value"]) == str(active[name])
    response = _json({
        "count": results.count,
        # True when count and facet counts are estimates (a very common word; docs/search.md)
        "approximate": results.approximate,
        "page": results.page,
        "num_pages": results.num_pages,
        "page_size": max(1, min(query.page_size, MAX_PAGE_SIZE)),
        "results": [_result(request, hit, known) for hit in results.hits],
        "facets": facets,
        "suggestions": [{"q": q, "count": n} for q, n in results.suggestions],
    })
    return mark_public(request, response, max_age=govinfo_settings.CACHE_SEARCH_MAX_AGE)


def _result(request: HttpRequest, hit, known) -> dict:
    page = hit.page
    name = _kind_name(hit.kind, known)
    return {
        "id": page.pk,
        "title": page.title,
        # The host that served this request (a page of another Wagtail site keeps its own).
        "url": request.build_absolute_uri(page.get_url(request)),
        "index_number": page.index_number,
        "document_number": page.document_number,
        "agency": page.agency.name if page.agency_id else None,
        "published_date": page.published_date.isoformat() if page.published_date else None,
        "kind": name,
        "kind_label": known[name][1] if name else "",
        "snippet": str(hit.snippet),
    }


def _json(data: dict, *, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/json; charset=utf-8"
    return response
