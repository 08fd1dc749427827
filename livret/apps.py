from django.apps import AppConfig


class LivretConfig(AppConfig):
    name = "livret"
    verbose_name = "Livret"
