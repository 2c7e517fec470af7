from django.apps import AppConfig


class ExampleExtensionConfig(AppConfig):
    name = "tests.example_extension"
    label = "example_extension"
    verbose_name = "示例扩展"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Import kind: rows whose 类型 is 公告 become notice pages.
        from govinfo_wagtail.core.import_kinds import PageKind, register_page_kind

        from .importing import prepare_notice

        register_page_kind(PageKind(
            code="notice", model="example_extension.NoticePage", labels=("公告",),
            prepare=prepare_notice,
        ))

    # Setup step: govinfo_setup calls it after the package's own steps.
    def govinfo_setup(self, log) -> None:
        from govinfo_wagtail.core.models import Topic

        _, created = Topic.objects.get_or_create(parent=None, name="公告公示",
                                                 defaults={"sort_order": 1000})
        log(f"Example extension: topic 公告公示 {'created' if created else 'checked'}")
