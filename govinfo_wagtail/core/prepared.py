"""Queries compiled to SQL once, as a prepared statement, for the lookups and lists that every
public request makes.

Django compiles a queryset to SQL each time it is evaluated. For the public pages' queries
(the release and view-restriction rules are subqueries, the rows join their agency) that took
about 1 ms per query on the development machine, as long as a plain Wagtail page's routing
queries take to compile and run together. A :class:`PreparedQuery` compiles its query once per
database alias, with placeholders where a request's values go (a page's id, a tree path), and
runs the same SQL with the request's values as its parameters.

What keeps it exact:

- Only integers and strings go into placeholders: values whose SQL Django compiles the same
  whatever they are. A string inside a parameter (a tree path in a ``LIKE`` pattern or a
  range) only when it is letters and digits, which need no escaping; another value is
  compiled as usual.
- Each placeholder must be found among the compiled parameters, and never in the SQL text
  (where Django writes a slice's numbers); otherwise, or where the query cannot be built with
  the placeholders, the query is compiled as usual each time.
- It returns a list of rows, never a queryset: nothing can be chained onto the prepared query,
  so a further filter or a count always compiles its own SQL.

The query is built once, with the placeholders, so it must not read anything that changes
(the clock, the settings of a request); like a queryset a Django view keeps, it is read
from the database at each call.
"""

from __future__ import annotations

import copy
import re
import threading
from collections.abc import Callable
from typing import Any

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections
from django.db.models import QuerySet

# Placeholders: integers near the top of 32 bits (Django drops a comparison with a value out
# of a field's range from the SQL: a negative depth, say) and strings in lower case (Wagtail's
# tree paths are digits and capitals). They are only compiled, never run.
_INT_PLACEHOLDER = 2_147_000_000
_STR_PLACEHOLDER = "govinfoslot{}x"
_PLAIN_TEXT = re.compile(r"[0-9A-Za-z]+\Z")  # what a LIKE pattern or a range takes as is


class PreparedQuery:
    """``build(**values)`` -> a queryset, compiled once per database with placeholders for its
    values (each ``int`` or ``str`` as given in ``slots``) and run with the values of each
    call: ``PreparedQuery(lambda pk: Page.objects.filter(pk=pk), pk=int).rows(pk=3)``."""

    def __init__(self, build: Callable[..., QuerySet], **slots: type):
        if any(kind not in (int, str) for kind in slots.values()):
            raise TypeError("A prepared query's values are integers or strings.")
        self.build = build
        self.slots = slots
        self.placeholders = {
            name: (_INT_PLACEHOLDER + number if kind is int
                   else _STR_PLACEHOLDER.format(number))
            for number, (name, kind) in enumerate(slots.items())
        }
        self._template: QuerySet | None | bool = None  # False: not to be built so
        self._compiled: dict[str, _Compiled | None] = {}
        self._lock = threading.Lock()

    def rows(self, **values: Any) -> list:
        if values.keys() != self.slots.keys() or not all(
                _fits(values[name], kind) for name, kind in self.slots.items()):
            return list(self.build(**values))
        template = self._template
        if template is None:
            try:
                template = self.build(**self.placeholders)
            except (ValueError, TypeError):  # a slice of a negative count, say
                template = False
            self._template = template
        if template is False:
            return list(self.build(**values))
        queryset = template.all()
        compiled = self._compiled_for(queryset.db, template)
        params = compiled.params_for(values) if compiled is not None else None
        if params is None:
            return list(self.build(**values))
        # The copy's query is never handed out: it answers this one evaluation.
        queryset.query.get_compiler = lambda using=None, connection=None, elide_empty=True: (
            compiled.compiler(using, params) if using == compiled.using and connection is None
            else self.build(**values).query.get_compiler(using, connection, elide_empty))
        return list(queryset)

    def _compiled_for(self, using: str, template: QuerySet) -> _Compiled | None:
        try:
            return self._compiled[using]
        except KeyError:
            pass
        with self._lock:
            if using not in self._compiled:
                self._compiled[using] = _Compiled.prepare(using, template, self.placeholders)
            return self._compiled[using]


def _fits(value: Any, kind: type) -> bool:
    if kind is int:
        return type(value) is int and -(2**31) < value < 2**31
    return type(value) is str


class _Compiled:
    """A compiler after its work (its columns and joins read by the row iterator) and its
    SQL, with where in its parameters each placeholder's value goes."""

    def __init__(self, using, compiler, sql, params, slots):
        self.using, self._compiler, self.sql, self._params, self._slots = (
            using, compiler, sql, params, slots)

    @classmethod
    def prepare(cls, using: str, template: QuerySet, placeholders: dict) -> _Compiled | None:
        compiler = template.query.get_compiler(using=using)
        try:
            sql, params = compiler.as_sql()
        except (EmptyResultSet, FullResultSet):
            return None
        params = tuple(params)
        slots = []  # (position, name, None for the whole parameter or the text it holds)
        for name, placeholder in placeholders.items():
            if str(placeholder) in sql:
                return None
            found = [(i, name, None if p == placeholder else placeholder)
                     for i, p in enumerate(params)
                     if p == placeholder or (isinstance(placeholder, str)
                                             and isinstance(p, str) and placeholder in p)]
            if not found:
                return None
            slots.extend(found)
        return cls(using, compiler, sql, params, slots)

    def params_for(self, values: dict) -> tuple | None:
        """The parameters with the values in; None where a string would need escaping."""
        params = list(self._params)
        for position, name, text in self._slots:
            if text is None:
                params[position] = values[name]
            elif _PLAIN_TEXT.match(values[name]):
                params[position] = params[position].replace(text, values[name])
            else:
                return None
        return tuple(params)

    def compiler(self, using: str, params: tuple):
        compiler = copy.copy(self._compiler)
        compiler.connection = connections[using]  # this thread's connection
        sql = self.sql
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        return compiler
