from django.apps import AppConfig


class EntrepriseConfig(AppConfig):
    name = "entreprise"
    verbose_name = "Entreprise"

    def ready(self):
        from .historique import register

        register()  # contracts travel with a transferred learner's file
        from . import usage  # noqa: F401  the catalogue keeps the tasks and criteria the company side uses
