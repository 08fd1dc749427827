"""Reads for the printed documents of the bilans (bilans/documents.py) and the signed attestation: what a learner
has acquired at a date, by bloc. Acquired means what the archive means (selectors.est_acquis: a level in the upper
half of its scale, M or BM on the Maîtrise scale), in the last validated bilan dated on or before that date."""

import datetime
from dataclasses import dataclass, field

from referentiels.models import Bloc, Referentiel
from scolarite.models import Apprenant

from .models import Bilan, BilanLigne
from .selectors import _structure, est_acquis, nombres_de_niveaux


@dataclass
class BlocAcquis:
    """A bloc de compétences and the learner's acquired competencies in it (lines of the bilan, in the order of
    the text). `complet`: every competency of the bloc is acquired (the bloc is "entirely acquired")."""

    bloc: Bloc | None  # None: competencies in no bloc
    lignes: list[BilanLigne]
    total: int  # the bloc's number of competencies in the bilan

    @property
    def complet(self) -> bool:
        return self.bloc is not None and self.total > 0 and len(self.lignes) == self.total


@dataclass
class Acquis:
    """What `acquis_at` returns. Each line has `.competence` (code, intitule), `.niveau` (code, libelle) and
    `.commentaire` loaded."""

    referentiel: Referentiel
    bilan: Bilan  # the last validated bilan on or before the date (validated_by, classe loaded)
    competences: list[BilanLigne] = field(default_factory=list)  # every acquired competency, once, text order
    blocs: list[BlocAcquis] = field(default_factory=list)  # the blocs with at least one acquired competency

    @property
    def blocs_acquis(self) -> list[BlocAcquis]:
        """The blocs entirely acquired (one Open Badges achievement each)."""
        return [b for b in self.blocs if b.complet]


def bilan_valide_at(apprenant: Apprenant, date: datetime.date) -> Bilan | None:
    """The learner's last validated bilan dated on or before `date` (by date, then by validation): one query."""
    return (Bilan.objects.filter(apprenant=apprenant, validated_at__isnull=False, date__lte=date)
            .select_related("validated_by", "classe__formation").order_by("-date", "-validated_at", "-id").first())


def acquis_at(apprenant: Apprenant, date: datetime.date | None = None) -> Acquis | None:
    """The référentiel, the bilan, the acquired competencies and the blocs (entirely acquired or not) of the
    learner's last validated bilan on or before `date` (today when None); None when there is no such bilan.
    Eight queries whatever the size of the référentiel."""
    date = date or datetime.date.today()
    bilan = bilan_valide_at(apprenant, date)
    if bilan is None:
        return None
    lignes = list(BilanLigne.objects.filter(bilan=bilan).select_related("competence", "niveau", "etat")
                  .order_by("rang", "id"))
    nombres = nombres_de_niveaux({bilan.version_id})
    par_competence = {ligne.competence_id: ligne for ligne in lignes}
    acquises = {ligne.competence_id for ligne in lignes if est_acquis(ligne, nombres)}
    blocs, _ = _structure({bilan.referentiel_id})
    acquis = Acquis(Referentiel.objects.get(pk=bilan.referentiel_id), bilan,
                    [ligne for ligne in lignes if ligne.competence_id in acquises])
    placees = set()
    for bloc, competence_ids in blocs.get(bilan.referentiel_id, []):
        dans = [c for c in competence_ids if c in par_competence]
        placees.update(dans)
        gagnees = [par_competence[c] for c in dans if c in acquises]
        if gagnees:
            acquis.blocs.append(BlocAcquis(bloc, gagnees, len(dans)))
    hors_bloc = [ligne for ligne in acquis.competences if ligne.competence_id not in placees]
    if hors_bloc:
        acquis.blocs.append(BlocAcquis(None, hors_bloc, len(hors_bloc)))
    return acquis
