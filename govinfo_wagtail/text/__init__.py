"""Model-free text libraries, the lowest layer of the package (docs/architecture.md).

- ``chars``: the one definition of a Chinese character;
- ``html``: the one HTML-to-text conversion;
- ``normalise``: the one normalisation with offsets (what the review checks match on);
- ``analysis``: the Chinese analysis every search backend shares;
- ``extraction``: text and metadata of attached files (PDF, DOCX, XLSX, TXT/CSV).

Nothing here imports Django models or reads settings; limits are parameters.
"""

from .chars import CJK_IDEOGRAPHS, has_cjk, is_cjk
from .html import html_to_text
from .normalise import NormalizedText, fold, normalise

__all__ = ["CJK_IDEOGRAPHS", "NormalizedText", "fold", "has_cjk", "html_to_text", "is_cjk",
           "normalise"]
