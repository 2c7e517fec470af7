"""Import of catalogue items from .xlsx, .csv and JSON lines files (``govinfo_import`` and
the admin), as a small package, one concern a module:

- :mod:`.reading` turns a file (bytes or a path, read as a stream) into a header row and
  data rows, or raises :class:`ImportFileError` for a file that cannot be read at all;
- :mod:`.columns` is the file format: headers, and the parsing of dates, validity, agencies,
  topics and rich text;
- :mod:`.kinds` is the registry of page kinds (``类型``), an extension point for other apps;
- :mod:`.validation` checks every row, applying the page model's own ``full_clean`` rules,
  and collects every problem with its row number;
- :mod:`.permissions` says who may import released items, and into which catalogue;
- :mod:`.writing` writes batches of rows in bulk (:mod:`.tree` for the page tree), releasing
  them through the release service when moving published items over;
- :mod:`.jobs` runs a whole file as a resumable job of bounded transactions;
- :mod:`.attachments` reads attached files from a folder or a .zip file, safely.

All messages go through gettext; the English source strings use named placeholders.
"""

from ...core.import_kinds import COMMON_FIELDS
from .columns import (
    COLUMNS,
    COLUMNS_BY_KEY,
    VALIDITY_LABELS,
    Column,
    DateProblem,
    map_headers,
    parse_date,
    plain_or_rich_text,
    topic_path,
)
from .kinds import KindRegistry, PageKind, kind_for_model, page_kinds, register_page_kind
from .permissions import (
    IMPORT_RELEASED_PERMISSION,
    can_import_published,
    check_publish,
    find_parent,
    find_user,
)
from .problems import BadCell, BlockedRow, ImportFileError, Problem, excerpt, format_report
from .reading import Table, import_limits, limit_problem, read_table
from .validation import ImportContext, ImportRow, Validation, validate
from .writing import RowImportFailed, import_rows

__all__ = [
    "COLUMNS", "COLUMNS_BY_KEY", "COMMON_FIELDS", "IMPORT_RELEASED_PERMISSION",
    "VALIDITY_LABELS", "BadCell", "BlockedRow", "Column", "DateProblem", "ImportContext",
    "ImportFileError", "ImportRow", "KindRegistry", "PageKind", "Problem", "RowImportFailed",
    "Table", "Validation", "can_import_published", "check_publish", "excerpt", "find_parent",
    "find_user", "format_report", "import_limits", "import_rows", "kind_for_model",
    "limit_problem", "map_headers", "page_kinds", "parse_date", "plain_or_rich_text",
    "read_table", "register_page_kind", "topic_path", "validate",
]
