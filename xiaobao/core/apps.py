from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "xiaobao.core"
    label = "core"
    verbose_name = "共用机制"

    def ready(self) -> None:
        from xiaobao.core import lookups

        lookups.register()
