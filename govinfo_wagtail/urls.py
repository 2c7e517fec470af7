"""The package's own URLs; a host mounts them at /govinfo/ (see the README)."""

app_name = "govinfo"

urlpatterns: list = []
