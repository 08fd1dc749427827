from django.apps import AppConfig


class BilansConfig(AppConfig):
    name = "bilans"
    verbose_name = "Bilans intermédiaires"

    def ready(self):
        from . import usage  # noqa: F401  (registers the catalogue usage finder)
