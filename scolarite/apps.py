from django.apps import AppConfig


class ScolariteConfig(AppConfig):
    name = "scolarite"
    verbose_name = "Scolarité"

    def ready(self):
        from . import usage  # noqa: F401  (registers the catalogue usage finder)
