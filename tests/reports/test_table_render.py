"""The public tables are built from each format's cached markup with the report's values filled
in: the same HTML, cell for cell, as the renderer that the PDF and the admin editor use, for
every format, with values escaped."""

import random

import pytest

from govinfo_wagtail.reports.formats import all_formats
from govinfo_wagtail.reports.tables import (
    display_cell_renderer,
    render_display_table,
    render_table,
)

VALUES = ["0", "12", "3.5", "", None, "1,024", "<script>alert(1)</script>", "a\x00b", "十二",
          "-7", "1e3", '"quoted"']


def data_for(fmt, rng):
    data = {}
    for table in fmt.tables:
        for block in table.blocks:
            for row in block.data_rows:
                for column in block.columns:
                    data.setdefault(table.key, {}).setdefault(row.key, {})[column.key] = \
                        rng.choice(VALUES)
    return data


@pytest.mark.parametrize("fmt", all_formats(), ids=lambda f: f.key)
def test_cached_markup_gives_the_renderers_html_for_any_values(fmt):
    rng = random.Random(fmt.key)
    for data in (None, {}, data_for(fmt, rng), data_for(fmt, rng)):
        for table in fmt.tables:
            expected = str(render_table(fmt, table, display_cell_renderer(data)))
            assert str(render_display_table(fmt, table, data)) == expected
    html = str(render_display_table(fmt, fmt.tables[0], {fmt.tables[0].key: {
        row.key: {c.key: "<script>x</script>" for c in fmt.tables[0].blocks[0].columns}
        for row in fmt.tables[0].blocks[0].data_rows}}))
    assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
