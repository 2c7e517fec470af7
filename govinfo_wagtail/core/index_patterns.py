"""The pattern of index numbers (索引号): which placeholders it may use. Model-free, so that
the models that store a pattern validate it without importing the numbering service."""

import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

TOKENS = {"agency_code", "year", "serial"}


def validate_pattern(pattern: str) -> None:
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None}
        pattern.format(agency_code="X", year=2026, serial=1)
    except (ValueError, KeyError, IndexError) as exc:
        raise ValidationError(
            _("The index number pattern “%(pattern)s” is not valid: %(error)s"),
            params={"pattern": pattern, "error": exc},
        ) from exc
    unknown = fields - TOKENS
    # Serials restart every year, so a number without its year would repeat.
    if unknown or not {"serial", "year"} <= fields:
        raise ValidationError(
            _("The index number pattern must contain {year} and {serial} and may use only "
              "{agency_code}, {year} and {serial}."),
        )
