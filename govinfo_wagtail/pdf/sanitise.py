"""An allow-list sanitiser for rich text that goes into a PDF (or a public page).

Rich text normally comes from Wagtail's editor, which keeps to a few tags; imported or
API-written HTML does not. WeasyPrint acts on markup that a browser ignores: ``rel=attachment``
embeds the target file in the PDF, ``<link>`` loads stylesheets, ``<object>``/``<embed>``/
``<iframe>`` load documents. So only known text markup is kept, ``rel`` never is, and links
keep only http(s), mailto and in-page targets.
"""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser

from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "b", "em", "i",
    "u", "sub", "sup", "a", "img", "blockquote", "span", "div", "table", "thead", "tbody",
    "tr", "th", "td", "caption", "hr", "code", "pre", "s",
}
VOID_TAGS = {"br", "img", "hr"}
# Content dropped together with the tag.
DROPPED_WITH_CONTENT = {"script", "style", "template", "iframe", "object", "embed", "svg",
                        "math", "head", "title", "noscript", "textarea", "select"}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "*": {"class", "lang", "dir"},
}
LINK_SCHEMES = ("http:", "https:", "mailto:", "#", "/")
IMAGE_SCHEMES = ("http:", "https:", "/", "data:image/")


def _allowed_url(value: str, schemes: tuple[str, ...]) -> bool:
    # Browsers ignore whitespace and control characters inside a scheme ("fi le:").
    compact = "".join(ch for ch in value if ch > " ").lower()
    if compact.startswith("//"):
        return False  # protocol-relative: another host
    return compact.startswith(schemes) or ":" not in compact.split("/", 1)[0]


class _Sanitiser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in DROPPED_WITH_CONTENT:
            if tag not in VOID_TAGS:
                self.skipping += 1
            return
        if self.skipping or tag not in ALLOWED_TAGS:
            return
        kept = []
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | ALLOWED_ATTRIBUTES["*"]
        for name, value in attrs:
            if name not in allowed or value is None:
                continue
            if name == "href" and not _allowed_url(value, LINK_SCHEMES):
                continue
            if name == "src" and not _allowed_url(value, IMAGE_SCHEMES):
                continue
            kept.append(f' {name}="{escape(value, quote=True)}"')
        if tag == "img" and not any(k.startswith(" src=") for k in kept):
            return
        self.out.append(f"<{tag}{''.join(kept)}>")
        if tag not in VOID_TAGS:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS and self.open and self.open[-1] == tag:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in DROPPED_WITH_CONTENT:
            self.skipping = max(0, self.skipping - 1)
            return
        if self.skipping or tag not in self.open:
            return
        while self.open:
            current = self.open.pop()
            self.out.append(f"</{current}>")
            if current == tag:
                break

    def handle_data(self, data):
        if not self.skipping:
            self.out.append(escape(data, quote=False))

    def result(self) -> str:
        while self.open:
            self.out.append(f"</{self.open.pop()}>")
        return "".join(self.out)


def sanitise_html(html: str) -> SafeString:
    parser = _Sanitiser()
    parser.feed(html or "")
    parser.close()
    return mark_safe(parser.result())
