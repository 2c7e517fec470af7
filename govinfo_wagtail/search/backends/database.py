"""Wagtail's database backend (SQLite, PostgreSQL, MariaDB/MySQL) with the Chinese analysis."""

from django.db import connection
from modelsearch.backends.database import SearchBackend as _stock_backend

from . import ChineseQueryMixin


def SearchBackend(params):  # noqa: N802 - the name modelsearch looks up in a backend module
    stock = _stock_backend(params)
    attrs = {"mysql_encoded": connection.vendor == "mysql"}
    if connection.vendor == "postgresql":  # the same index entries, written with less work
        from .postgres_index import PostgresIndex

        attrs["index_class"] = PostgresIndex
    cls = type(f"Chinese{type(stock).__name__}", (ChineseQueryMixin, type(stock)), attrs)
    return cls(params)
