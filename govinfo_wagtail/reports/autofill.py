"""Figures of table 二 (第二十条第（一）项) computed from the catalogue's policy documents.

Which live disclosure pages count as 规章 and as 规范性文件 is pluggable
(``GOVINFO_REPORT_POLICY_SOURCE``, a ``{"BACKEND": …, "OPTIONS": …}`` dict). The default,
:class:`CatalogueTopicPolicySource`, reads the ``category`` of policy documents where the
policies app provides one (regulation → 规章, normative → 规范性文件) and the topic of every
other disclosure page (topic names in OPTIONS; by default 规章 → 规章, 规范性文件 and 政策文件 →
规范性文件). Only live, public pages of the report's agency count.

Dates: issued/made = 成文日期 (written_date, else the publication date) in the year;
published = 发布日期 in the year; repealed = repealed or expired with the change in the year;
in force at year end = issued by 31 December and not repealed or expired by then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils.module_loading import import_string

from ..conf import govinfo_settings
from ..core.models import Agency, DisclosurePage, Validity

RULES = "rules"
NORMATIVE = "normative_documents"
ENDED = (Validity.REPEALED, Validity.EXPIRED)


@dataclass(frozen=True)
class PolicyFigures:
    issued: int  # 本年制发件数 / 本年新制作数量
    published: int  # 本年新公开数量
    repealed: int  # 本年废止件数
    in_force: int  # 现行有效件数
    public_in_force: int  # 对外公开总数量: published by year end and in force then


class PolicySource:
    """Selects the live pages of each kind (``RULES``, ``NORMATIVE``) of an agency."""

    def __init__(self, **options: Any):
        self.options = options

    def documents(self, agency: Agency, kind: str) -> QuerySet[DisclosurePage]:
        raise NotImplementedError

    def describe(self) -> str:
        return type(self).__name__


class CatalogueTopicPolicySource(PolicySource):
    DEFAULT_TOPICS = {RULES: ["规章"], NORMATIVE: ["规范性文件", "政策文件"]}
    CATEGORIES = {RULES: "regulation", NORMATIVE: "normative"}

    def documents(self, agency: Agency, kind: str) -> QuerySet[DisclosurePage]:
        topics = self.options.get("topics", self.DEFAULT_TOPICS).get(kind, [])
        selection = Q(topic__name__in=topics)
        policy_model = _policy_model()
        if policy_model is not None:
            # A policy document's own category wins over its topic.
            selection = (
                Q(pk__in=policy_model.objects.filter(category=self.CATEGORIES[kind]).values("pk"))
                | (Q(topic__name__in=topics)
                   & ~Q(pk__in=policy_model.objects.values("pk")))
            )
        return (DisclosurePage.objects.released().public()
                .filter(agency=agency).filter(selection))

    def describe(self) -> str:
        return "catalogue topics / policy categories"


def _policy_model():
    try:
        model = apps.get_model("govinfo_policies", "PolicyDocumentPage")
    except LookupError:
        return None
    return model if any(f.name == "category" for f in model._meta.fields) else None


def policy_source() -> PolicySource:
    config = govinfo_settings.REPORT_POLICY_SOURCE
    return import_string(config["BACKEND"])(**config.get("OPTIONS", {}))


def figures(qs: QuerySet[DisclosurePage], year: int) -> PolicyFigures:
    start, end = date(year, 1, 1), date(year, 12, 31)
    dated = Q(written_date__isnull=False)
    issued_in_year = (dated & Q(written_date__range=(start, end))) | (
        ~dated & Q(published_date__range=(start, end)))
    issued_by_end = (dated & Q(written_date__lte=end)) | (~dated & Q(published_date__lte=end))
    ended_by_end = Q(validity__in=ENDED, validity_changed_on__lte=end)
    return PolicyFigures(
        issued=qs.filter(issued_in_year).count(),
        published=qs.filter(published_date__range=(start, end)).count(),
        repealed=qs.filter(validity__in=ENDED, validity_changed_on__range=(start, end)).count(),
        in_force=qs.filter(issued_by_end).exclude(ended_by_end).count(),
        public_in_force=qs.filter(published_date__lte=end).exclude(ended_by_end).count(),
    )


# Format column → PolicyFigures attribute (2019: made/published/total_public; 2021 on:
# issued/repealed/in_force). A format whose columns are not here is not auto-filled.
COLUMN_FIGURES = {
    "made": "issued",
    "published": "published",
    "total_public": "public_in_force",
    "issued": "issued",
    "repealed": "repealed",
    "in_force": "in_force",
}
