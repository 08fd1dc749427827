"""The roles a person can hold in an establishment (several at once), and the operator on the public site."""

from django.db import models


class Role(models.TextChoices):
    DIRECTION = "direction", "Direction"
    FORMATEUR = "formateur", "Formateur·rice"
    APPRENANT = "apprenant", "Apprenant·e"
    TUTEUR = "tuteur", "Tuteur·rice / maître d'apprentissage"
    INSPECTEUR = "inspecteur", "Inspection (lecture seule)"
    OPERATEUR = "operateur", "Opérateur de la plateforme"


ESTABLISHMENT_ROLES = [r for r in Role if r != Role.OPERATEUR]

# Where each role's home page is, in the order a person holding several roles sees them.
ROLE_HOME = {
    Role.DIRECTION: "direction_home",
    Role.FORMATEUR: "formateur_home",
    Role.APPRENANT: "apprenant_home",
    Role.TUTEUR: "tuteur_home",
    Role.INSPECTEUR: "inspecteur_home",
    Role.OPERATEUR: "operateur_home",
}
