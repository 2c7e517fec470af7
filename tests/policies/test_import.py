"""Policies and interpretations through the catalogue import (类型 政策文件 / 政策解读)."""

import pytest

from govinfo_wagtail.catalogue.importing import import_rows, read_table, validate
from govinfo_wagtail.policies.models import InterpretationPage, PolicyDocumentPage
from govinfo_wagtail.policies.services import policies_without_interpretation

CSV = (
    "标题,发布机构,文号,成文日期,发布日期,有效性,类型,解读对象\n"
    "关于规范农村公路养护的办法,海丰县交通运输局,海交规〔2019〕1号,2019-03-01,2019-03-05,有效,"
    "政策文件,\n"
    "《办法》解读,海丰县交通运输局,,2019-03-01,2019-03-05,有效,政策解读,海交规〔2019〕1号\n"
    "没有对象的解读,海丰县交通运输局,,2019-03-01,2019-03-05,有效,政策解读,海交规〔2030〕9号\n"
)


def _validate(catalogue, text, publish=False):
    return validate(read_table(text.encode("utf-8"), "policies.csv"), parent=catalogue,
                    publish=publish)


def test_unknown_interpreted_policy_is_reported_by_row(catalogue, agency):
    result = _validate(catalogue, CSV)
    assert [(p.row, p.code) for p in result.problems] == [(4, "interprets_unknown")]


def test_import_links_interpretation_to_policy_in_an_earlier_row(catalogue, agency):
    text = "\n".join(CSV.splitlines()[:3]) + "\n"
    result = _validate(catalogue, text)
    assert result.ok, [str(p) for p in result.problems]
    import_rows(result.rows, parent=catalogue)
    policy = PolicyDocumentPage.objects.get(document_number="海交规〔2019〕1号")
    interpretation = InterpretationPage.objects.get(title="《办法》解读")
    assert [p.pk for p in interpretation.get_policies()] == [policy.pk]
    assert not policy.live and not interpretation.live  # drafts go through review


def test_legacy_policy_published_alone_records_the_reason(catalogue, agency, admin_user):
    text = "\n".join(CSV.splitlines()[:2]) + "\n"
    result = _validate(catalogue, text, publish=True)
    assert result.ok, [str(p) for p in result.problems]
    import_rows(result.rows, parent=catalogue, user=admin_user, publish=True,
                reason="2019年旧网站迁移")
    policy = PolicyDocumentPage.objects.get(document_number="海交规〔2019〕1号")
    assert policy.live and "2019年旧网站迁移" in policy.interpretation_exemption
    entries = policies_without_interpretation()
    assert [e.policy.pk for e in entries] == [policy.pk]
    assert "2019年旧网站迁移" in entries[0].exemption


@pytest.mark.parametrize("publish", [False, True])
def test_policy_with_its_interpretation_in_one_file(catalogue, agency, admin_user, publish):
    text = "\n".join(CSV.splitlines()[:3]) + "\n"
    result = _validate(catalogue, text, publish=publish)
    import_rows(result.rows, parent=catalogue, user=admin_user, publish=publish,
                reason="迁移" if publish else "")
    interpretation = InterpretationPage.objects.get(title="《办法》解读")
    assert interpretation.live is publish
    assert policies_without_interpretation() == []
