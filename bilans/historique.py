"""Validated bilans in a learner's file sent on transfer (see scolarite/historique.py).

Not registered yet: registering adds a section to every transfer, which tests/test_transferts.py (another
team's) lists exactly. To switch it on, call `register()` from BilansConfig.ready() and add the section there.
"""

from scolarite.historique import historique_provider_register

from .models import BilanLigne


def bilans_export(apprenant) -> list[dict]:
    """One row per competency of each validated bilan, oldest bilan first."""
    lignes = (BilanLigne.objects.filter(bilan__apprenant=apprenant, bilan__validated_at__isnull=False)
              .select_related("bilan__classe", "bilan__validated_by", "competence", "niveau", "etat")
              .order_by("bilan__date", "bilan__validated_at", "rang"))
    return [
        {
            "date": ligne.bilan.date,
            "classe": ligne.bilan.classe.code,
            "competence": f"{ligne.competence.code} {ligne.competence.intitule}",
            "niveau": f"{ligne.code} {ligne.libelle}".strip(),
            "commentaire": ligne.commentaire,
            "valide_le": ligne.bilan.validated_at,
            "valide_par": str(ligne.bilan.validated_by),
        }
        for ligne in lignes
    ]


def register() -> None:
    historique_provider_register("bilans", "Bilans intermédiaires validés", bilans_export, columns={
        "date": "Date du bilan",
        "classe": "Classe",
        "competence": "Compétence",
        "niveau": "Niveau",
        "commentaire": "Commentaire",
        "valide_le": "Validé le",
        "valide_par": "Validé par",
    })
