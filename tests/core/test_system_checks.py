"""The project settings the package needs are Django system checks (``manage.py check``):
each fires when its setting is wrong and is silent when it is right."""

import io

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError


def fired(check_id: str) -> list:
    return [m for m in run_checks() if m.id == check_id]


@pytest.mark.parametrize("check_id, setting, wrong", [
    ("govinfo_review.W003", "WAGTAIL_FINISH_WORKFLOW_ACTION", None),
    ("govinfo_review.W003", "WAGTAIL_FINISH_WORKFLOW_ACTION",
     "wagtail.workflows.publish_workflow_state"),
    ("govinfo_review.W004", "WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT", None),
    ("govinfo_review.W004", "WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT", False),
    ("govinfo_review.W005", "WAGTAIL_WORKFLOW_ENABLED", False),
    ("govinfo_review.W006", "GOVINFO_EMERGENCY_RELEASE_GROUP", "应急发布"),
    ("govinfo_search.W002", "WAGTAILSEARCH_BACKENDS",
     {"default": {"BACKEND": "wagtail.search.backends.database"}}),
    ("govinfo_search.W002", "WAGTAILSEARCH_BACKENDS", None),
    ("govinfo_search.E001", "GOVINFO_SEARCH_CLUSTER", {"CLIENT": "solr"}),
    ("govinfo_search.E001", "GOVINFO_SEARCH_CLUSTER", ["http://localhost:9200"]),
])
def test_check_fires_when_the_setting_is_wrong_and_not_otherwise(settings, check_id, setting,
                                                                wrong):
    assert fired(check_id) == []  # the test settings are right
    if wrong is None:
        delattr(settings, setting)
    else:
        setattr(settings, setting, wrong)
    messages = fired(check_id)
    assert len(messages) == 1
    # The message names the setting (or the hint says what to write), in the site's language.
    assert setting in messages[0].msg + (messages[0].hint or "")


def test_a_missing_cluster_client_is_an_error_naming_the_extra(settings, monkeypatch):
    import govinfo_wagtail.search.checks as search_checks

    settings.GOVINFO_SEARCH_CLUSTER = {"CLIENT": "opensearch", "URLS": ["http://127.0.0.1:1"]}
    # Whether opensearch-py is installed here or not, the check asks the import system.
    monkeypatch.setattr(search_checks, "find_spec", lambda name: None)
    (message,) = fired("govinfo_search.E002")
    assert "opensearchpy" in message.msg and "govinfo-wagtail[opensearch]" in message.hint
    monkeypatch.setattr(search_checks, "find_spec", lambda name: object())
    assert fired("govinfo_search.E002") == []


def test_manage_py_check_stops_on_the_errors_and_lists_the_warnings(settings):
    del settings.WAGTAIL_FINISH_WORKFLOW_ACTION
    out = io.StringIO()
    call_command("check", stdout=out, stderr=out)
    assert "govinfo_review.W003" in out.getvalue()
    settings.GOVINFO_SEARCH_CLUSTER = {"CLIENT": "solr"}
    with pytest.raises(SystemCheckError, match="govinfo_search.E001"):
        call_command("check", stdout=io.StringIO(), stderr=io.StringIO())
