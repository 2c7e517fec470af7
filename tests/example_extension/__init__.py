"""A tiny app that extends govinfo-wagtail through its extension points only, as a site's own
app would (docs/architecture.md, "Extension points"): a page type the catalogue accepts
(:mod:`.models`), a release check (:mod:`.wagtail_hooks`), an import kind and a setup step
(:mod:`.apps`). Nothing in the package knows it."""
