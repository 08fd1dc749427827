"""The documents of evaluations (documents.kinds): the CCF grid of an épreuve for a learner. Never downloadable by
the learner (apprenant=False): its proposed grade is a proposal to the jury (docs/ccf.md)."""

from django.db import connection
from django.utils import timezone

from documents.kinds import Indisponible, Kind, register


def ccf_context(apprenant, *, grille_id=None, **options) -> dict:
    """The grid `grille_id` of this learner, else their latest locked grid, else their latest one."""
    from .selectors_ccf import grille_of_apprenant, grille_vue

    try:
        grille_id = int(grille_id) if grille_id not in (None, "") else None
    except (TypeError, ValueError):
        raise Indisponible("Grille CCF inconnue.") from None
    grille = grille_of_apprenant(apprenant, grille_id)
    if grille is None:
        raise Indisponible("Aucune grille CCF pour cet apprenant." if grille_id is None
                           else "Cette grille CCF n'existe pas pour cet apprenant.")
    vue = grille_vue(grille)
    niveaux, etats = list(grille.version.niveaux.all()), list(grille.version.etats.all())
    return {"niveaux": niveaux, "etats": etats, "colonnes_cochees": len(niveaux) + len(etats),
            "etablissement": connection.tenant, "edite_le": timezone.now(), "apprenant": apprenant,
            "grille": grille, "vue": vue, "situation": grille.situation}


CCF = register(Kind(code="ccf", label="Grille d'évaluation CCF", template="documents/ccf.html", context=ccf_context,
                    apprenant=False, tuteur=False))
