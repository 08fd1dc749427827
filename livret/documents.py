"""The livret de suivi as a PDF (documents.kinds): the /livret/ page's content (selectors_livret.livret_of), its
columns cut into slices a landscape A4 page can hold, each slice repeating the criteria."""

from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from documents.kinds import Indisponible, Kind, register
from referentiels.models import Referentiel
from scolarite.models import Apprenant, Inscription

from .access import APPRENANT, PERSONNEL, vue_for
from .filtres import Filtres
from .selectors_livret import CompetenceLivret, Livret, livret_of

COLONNES_PAR_TRANCHE = 10  # situations per table: a landscape A4 holds the criteria and ten dated columns


@dataclass
class Tranche:
    """A slice of one competency's table: some of its columns, each row cut to the same columns."""

    centre: list
    entreprise: list
    lignes: list  # (critere or None, [Cellule])

    @property
    def colonnes(self) -> list:
        return self.centre + self.entreprise


def tranches_of(competence: CompetenceLivret, taille: int = COLONNES_PAR_TRANCHE) -> list[Tranche]:
    colonnes = competence.colonnes
    n_centre = len(competence.centre)
    tranches = []
    for debut in range(0, len(colonnes), taille):
        fin = min(debut + taille, len(colonnes))
        centre = colonnes[debut:min(fin, n_centre)] if debut < n_centre else []
        entreprise = colonnes[max(debut, n_centre):fin]
        tranches.append(Tranche(centre, entreprise,
                                [(ligne.critere, ligne.cellules[debut:fin]) for ligne in competence.lignes]))
    return tranches


def livret_context(apprenant: Apprenant, *, user=None, certificatif: bool = False, **_options) -> dict:
    """The whole livret (no filter). With `user`, as that person sees it on /livret/; without, the staff's view
    when `certificatif`, else the learner's (no certificative results: the learner may download this kind)."""
    if user is not None:
        vue = vue_for(user, apprenant)
        if vue is None:
            raise Indisponible("Ce livret ne vous est pas accessible.")
    else:
        vue = PERSONNEL if certificatif else APPRENANT
    livret: Livret = livret_of(apprenant, user=user, filtres=Filtres(), vue=vue)
    if not livret.blocs:
        raise Indisponible(f"{apprenant.prenom} {apprenant.nom} n'est inscrit(e) dans aucune classe : le livret est "
                           "vide.")
    for bloc in livret.blocs:
        for competence in bloc.competences:
            competence.tranches = tranches_of(competence)
    inscriptions = list(Inscription.objects.filter(apprenant=apprenant).select_related("classe__formation")
                        .order_by("-debut", "-id"))
    referentiel_ids = list(dict.fromkeys(i.classe.formation.referentiel_id for i in inscriptions))
    referentiels = sorted(Referentiel.objects.filter(pk__in=referentiel_ids),
                          key=lambda r: referentiel_ids.index(r.pk))
    return {"etablissement": connection.tenant, "edite_le": timezone.now(), "apprenant": apprenant,
            "livret": livret, "inscriptions": inscriptions, "referentiels": referentiels,
            "referentiel": referentiels[0] if referentiels else None}


register(Kind("livret", "Livret de suivi", "documents/livret.html", livret_context))
