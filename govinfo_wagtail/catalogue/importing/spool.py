"""The rows a validation passed, kept on disk for the write that follows in the same process.

Validating a file parses every row; writing it used to read and parse the file a second time
(about 2 s of a 31 s released import of 10,000 rows on PostgreSQL). :func:`.jobs.check_file`
has :func:`.validation.validate` write the typed values of each row it parsed without problems
to a :class:`RowSpool`, one JSON line a row, and :func:`.jobs.run_job` reads them back instead
of the file when the spool was made from the same file (sha256, name, encoding) for the same
catalogue and mode; the writer builds each page from them again (cheaper than parsing and
cleaning it). Memory does not grow with the file: the spool is on disk (about 1.6 KB a row),
read a line at a time.

JSON, not pickle: nothing read back can run code. The spool lives in a directory of its own,
created for this process (mode 0700, the file 0600, since unreleased content is in it), and is
removed when the run ends, fails, or the spool is garbage collected (a dry run).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from django.db import models

from .kinds import page_kinds
from .validation import DATE_COLUMNS, ImportRow

_PLAIN = (str, int, float, bool, type(None), list)


class RowSpool:
    def __init__(self, *, sha256: str, filename: str, encoding: str | None, parent,
                 publish: bool):
        self.key = (sha256, filename, encoding, parent.pk, bool(publish))
        self._dir = tempfile.TemporaryDirectory(prefix="govinfo-import-")
        self.path = os.path.join(self._dir.name, "rows.jsonl")
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._out = os.fdopen(fd, "w", encoding="utf-8")
        # The agencies and topics the rows name, by (column, pk): the parser's own objects,
        # a handful whatever the file's size.
        self._objects: dict[tuple[str, Any], models.Model] = {}

    def add(self, row: ImportRow) -> None:
        plain: dict[str, Any] = {}
        dates: dict[str, str] = {}
        objects: dict[str, Any] = {}
        for key, value in row.values.items():
            if isinstance(value, models.Model):
                self._objects[(key, value.pk)] = value
                objects[key] = value.pk
            elif key in DATE_COLUMNS and isinstance(value, date):
                dates[key] = value.isoformat()
            elif isinstance(value, _PLAIN):
                plain[key] = value
            else:
                raise TypeError(f"Cannot spool the value of {key!r}: {type(value).__name__}")
        self._out.write(json.dumps([row.row, row.kind.code, plain, dates, objects],
                                   ensure_ascii=False, separators=(",", ":")))
        self._out.write("\n")

    def finish(self) -> None:
        self._out.close()

    def matches(self, sha256: str, filename: str, encoding: str | None, context) -> bool:
        return self.key == (sha256, filename, encoding, context.parent.pk,
                            bool(context.publish))

    def rows(self) -> Iterator[ImportRow]:
        """The spooled rows in file order, as :func:`.validation.parsed_rows` gives them
        (without the page: the writer builds it from the values)."""
        self.finish()
        with open(self.path, encoding="utf-8") as fh:
            for line in fh:
                number, code, values, dates, objects = json.loads(line)
                for key, text in dates.items():
                    values[key] = (datetime.fromisoformat(text) if "T" in text
                                   else date.fromisoformat(text))
                for key, pk in objects.items():
                    values[key] = self._objects[(key, pk)]
                yield ImportRow(row=number, kind=page_kinds[code], values=values)

    def close(self) -> None:
        """Remove the spool (again is harmless)."""
        if not self._out.closed:
            self._out.close()
        self._dir.cleanup()
