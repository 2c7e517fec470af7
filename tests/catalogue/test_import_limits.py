"""Import files built to exhaust the server are refused quickly, within bounded memory, with a
short message that names the limit (issue 12). The files are generated here; the sizes that do
not change the outcome are smaller than in benchmarks/hostile_imports.py."""

import io
import time
import tracemalloc

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from govinfo_wagtail.catalogue import importing
from govinfo_wagtail.catalogue.models import CatalogueItemPage
from govinfo_wagtail.conf import govinfo_settings
from govinfo_wagtail.core.setup import run_setup
from tests.catalogue import hostile_files

URL = "/admin/govinfo/catalogue/import/"
SECONDS, PEAK_BYTES = 5, 300 * 1024 * 1024


def refuse(path, parent):
    """Read and check ``path`` as the command does; the file-level problems, the time and the
    peak of memory allocated meanwhile."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        data = path.read_bytes()
        with pytest.raises(importing.ImportFileError) as exc:
            table = importing.read_table(data, path.name)
            validation = importing.validate(table, parent=parent)
            raise AssertionError(f"not refused: {validation.problems[:3]}")
        return exc.value.problems, time.perf_counter() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("shared", [True, False], ids=["shared-string", "inline-string"])
def test_a_huge_cell_is_refused_while_it_is_read(tmp_path, catalogue, shared):
    path = hostile_files.huge_cell_xlsx(tmp_path / "huge.xlsx", megabytes=40, shared=shared)
    problems, seconds, peak = refuse(path, catalogue)
    assert [p.code for p in problems] == ["cell_too_long"]
    message = problems[0].message
    assert "100,000" in message and "GOVINFO_IMPORT_MAX_CELL_CHARS" in message
    assert len(message) < 400 and message.count("密") == 50  # a 50-character excerpt
    assert seconds < SECONDS and peak < PEAK_BYTES


def test_a_bad_header_stops_the_reading(tmp_path, catalogue):
    # The XML is broken 200,000 rows further down: reading past the header would say so.
    path = hostile_files.many_rows_bad_header_xlsx(tmp_path / "rows.xlsx", rows=300_000,
                                                   damaged_after=200_000)
    problems, seconds, peak = refuse(path, catalogue)
    assert [p.code for p in problems] == ["unknown_column"] and "发文机关" in problems[0].message
    assert seconds < SECONDS and peak < PEAK_BYTES


def test_three_million_rows_with_a_bad_header_are_refused_at_once(tmp_path, catalogue):
    path = hostile_files.many_rows_bad_header_xlsx(tmp_path / "rows.xlsx")
    problems, seconds, peak = refuse(path, catalogue)
    assert [p.code for p in problems] == ["unknown_column"]
    assert seconds < 1 and peak < 50 * 1024 * 1024


def test_a_hundred_thousand_columns_are_refused_at_the_header(tmp_path, catalogue):
    path = hostile_files.wide_csv(tmp_path / "wide.csv")
    problems, seconds, peak = refuse(path, catalogue)
    assert [p.code for p in problems] == ["too_many_columns"]
    assert "200" in problems[0].message and "GOVINFO_IMPORT_MAX_COLUMNS" in problems[0].message
    assert len(problems[0].message) < 300
    assert seconds < SECONDS and peak < PEAK_BYTES


@override_settings(GOVINFO_IMPORT_MAX_ROWS=3)
def test_too_many_rows(tmp_path, catalogue, agency):
    path = tmp_path / "rows.csv"
    path.write_text("标题\n" + "".join(f"第{n}条\n" for n in range(5)), encoding="utf-8")
    problems, _seconds, _peak = refuse(path, catalogue)
    assert [p.code for p in problems] == ["too_many_rows"] and "3" in problems[0].message
    path.write_text("标题\n" + "".join(f"第{n}条\n" for n in range(3)), encoding="utf-8")
    table = importing.read_table(path.read_bytes(), path.name)
    assert importing.validate(table, parent=catalogue).total == 3


@override_settings(GOVINFO_IMPORT_MAX_CELLS=5)
def test_too_many_cells(tmp_path, catalogue, agency):
    path = tmp_path / "cells.csv"
    path.write_text("标题,文号\n甲,1\n乙,2\n丙,3\n", encoding="utf-8")
    problems, _seconds, _peak = refuse(path, catalogue)
    assert [p.code for p in problems] == ["too_many_cells"]


@override_settings(GOVINFO_IMPORT_MAX_CELL_CHARS=100)
def test_a_long_csv_cell_is_refused_with_its_place_and_an_excerpt(tmp_path, catalogue):
    path = tmp_path / "long.csv"
    path.write_text("标题,正文\n甲,乙\n丙," + "长" * 101 + "\n", encoding="utf-8")
    problems, _seconds, _peak = refuse(path, catalogue)
    assert [p.code for p in problems] == ["cell_too_long"]
    assert problems[0].message.count("长") == 50 and "…" in problems[0].message


def test_bad_values_are_echoed_as_short_excerpts(tmp_path, catalogue, agency):
    path = tmp_path / "bad.csv"
    path.write_text("标题,发布机构,成文日期\n甲," + "某" * 5000 + ",2021-02-03\n"
                    "乙,," + "9" * 5000 + "\n", encoding="utf-8")
    validation = importing.validate(importing.read_table(path.read_bytes(), path.name),
                                    parent=catalogue)
    lines = importing.format_report(validation.problems)
    assert len(lines) == 2 and all(len(line) < 300 for line in lines)
    assert all(len(p.value) <= 51 for p in validation.problems)


def test_the_command_refuses_a_wide_file_in_the_sites_language(tmp_path, catalogue):
    path = hostile_files.wide_csv(tmp_path / "wide.csv")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("govinfo_import", str(path), "--no-progress", stdout=out)
    assert len(out.getvalue()) < 300
    assert "列" in out.getvalue() and "GOVINFO_IMPORT_MAX_COLUMNS" in out.getvalue()


# The admin ------------------------------------------------------------------------------------


@pytest.fixture
def admin_user(django_user_model, catalogue):
    run_setup(log=lambda *_: None)
    user = django_user_model.objects.create_user("siteadmin", "s@x.org", "pw")
    user.groups.add(Group.objects.get(name=govinfo_settings.ADMIN_GROUP))
    return user


def _upload(client, catalogue, path):
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    return client.post(URL, {"file": upload, "catalogue": catalogue.pk})


@pytest.mark.parametrize("kind", ["huge_cell", "wide"])
def test_the_admin_error_page_is_small(client, admin_user, catalogue, tmp_path, kind):
    client.force_login(admin_user)
    if kind == "huge_cell":
        path = hostile_files.huge_cell_xlsx(tmp_path / "huge.xlsx", megabytes=40)
    else:
        path = hostile_files.wide_csv(tmp_path / "wide.csv")
    started = time.perf_counter()
    response = _upload(client, catalogue, path)
    assert response.status_code == 200 and time.perf_counter() - started < SECONDS
    report = response.context["report"]
    assert len(report) == 1 and len(report[0]) < 400
    assert len(response.content) < 200_000
    assert response.content.count("密".encode()) <= 50
    assert not CatalogueItemPage.objects.exists()


@override_settings(GOVINFO_IMPORT_MAX_UPLOAD_BYTES=1000)
def test_the_admin_refuses_a_larger_upload(client, admin_user, catalogue, tmp_path):
    client.force_login(admin_user)
    path = tmp_path / "big.csv"
    path.write_text("标题\n" + "甲\n" * 1000, encoding="utf-8")
    response = _upload(client, catalogue, path)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "file" in errors and "GOVINFO_IMPORT_MAX_UPLOAD_BYTES" in str(errors)
    assert not CatalogueItemPage.objects.exists()
