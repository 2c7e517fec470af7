"""Password validator for character classes (等级保护: 口令复杂度).

    AUTH_PASSWORD_VALIDATORS = [
        {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
         "OPTIONS": {"min_length": 12}},
        {"NAME": "govinfo_wagtail.security.validators.CharacterClassesValidator",
         "OPTIONS": {"min_classes": 3}},
        ...
    ]
"""

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

CLASSES = (
    ("lower", str.islower),
    ("upper", str.isupper),
    ("digit", str.isdigit),
    ("symbol", lambda c: not c.isalnum() and not c.isspace()),
)


def character_classes(password: str) -> set[str]:
    return {name for name, test in CLASSES if any(test(c) for c in password if c.isascii())}


class CharacterClassesValidator:
    """At least ``min_classes`` of: lower-case letters, upper-case letters, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        if not 1 <= min_classes <= len(CLASSES):
            raise ValueError(f"min_classes must be between 1 and {len(CLASSES)}")
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if len(character_classes(password)) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return ngettext(
            "Your password must contain characters of at least %(count)d kind: lower-case "
            "letters, upper-case letters, digits, symbols.",
            "Your password must contain characters of at least %(count)d of these kinds: "
            "lower-case letters, upper-case letters, digits, symbols.",
            self.min_classes,
        ) % {"count": self.min_classes}
