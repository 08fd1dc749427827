from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Seeds the demo establishment for `make run` in the embedded default. Never used in production."""

    name = "demo"
    verbose_name = "Démonstration"
