from django.apps import AppConfig


class ScolariteConfig(AppConfig):
    name = "scolarite"
    verbose_name = "Scolarité"

    def ready(self):
        from . import historique, usage  # noqa: F401  (register the catalogue usage finder, the inscriptions history)
