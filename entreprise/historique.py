"""Contracts and agreements in a learner's file sent on transfer (see scolarite/historique.py)."""

from scolarite.historique import historique_provider_register

from .selectors import contrats_of


def contrats_export(apprenant) -> list[dict]:
    return [
        {
            "type": contrat.get_type_display(),
            "entreprise": contrat.entreprise.raison_sociale,
            "siret": contrat.entreprise.siret,
            "ville": contrat.entreprise.ville,
            "tuteurs": [f"{t.prenom} {t.nom.upper()}" for t in contrat.tuteurs.all()],
            "debut": contrat.debut,
            "fin": contrat.fin,
            "rompu_le": contrat.rompu_le,
            "numero": contrat.numero,
        }
        for contrat in contrats_of(apprenant)
    ]


def register() -> None:
    historique_provider_register("contrats", "Contrats d'apprentissage et conventions (PFMP, stages)",
                                 contrats_export, columns={
                                     "type": "Type",
                                     "entreprise": "Entreprise",
                                     "siret": "SIRET",
                                     "ville": "Ville",
                                     "tuteurs": "Tuteurs / maîtres d'apprentissage",
                                     "debut": "Début",
                                     "fin": "Fin",
                                     "rompu_le": "Rompu le",
                                     "numero": "Numéro",
                                 })
