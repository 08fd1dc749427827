from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = "Évaluations"

    def ready(self):
        from . import usage  # noqa: F401  (registers the catalogue usage finder)
