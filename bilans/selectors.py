"""Reads on bilans intermédiaires: the levels in force, a learner's archive (by bloc, with a projection per
épreuve), a bilan's page. Each runs a fixed number of queries whatever the numbers of bilans and lines."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from evaluations.models import EchelleVersion, Niveau
from referentiels.models import Bloc, BlocCompetence, Epreuve, EpreuveCompetence
from scolarite.models import Apprenant, Classe

from .models import Bilan, BilanLigne

MAITRISE = "maitrise"  # the code of the Maîtrise scale (NM, IM, M, BM; NE), shipped in every establishment


def maitrise_version() -> EchelleVersion | None:
    """The current version of the Maîtrise scale, with its levels and states: three queries."""
    return (EchelleVersion.objects.filter(echelle__code=MAITRISE).order_by("-numero")
            .prefetch_related("niveaux", "etats").first())


def nombres_de_niveaux(version_ids) -> dict[int, int]:
    return dict(Niveau.objects.filter(version_id__in=set(version_ids)).values("version_id")
                .annotate(n=Count("id")).values_list("version_id", "n"))


def est_acquis(ligne: BilanLigne, nombres: dict[int, int]) -> bool:
    """Acquired: a level in the upper half of its scale (M or BM on the Maîtrise scale). By rank, not by code, so
    an establishment that relabels the scale keeps the rule."""
    return bool(ligne.niveau_id) and 2 * ligne.niveau.rang > nombres.get(ligne.niveau.version_id, 0)


# --- The levels in force ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class NiveauValide:
    code: str
    libelle: str
    date: datetime.date  # the date of the bilan that set it
    commentaire: str
    bilan_id: int


def bilans_en_vigueur() -> QuerySet[Bilan]:
    """Validated bilans no later one has superseded: one per learner at most."""
    return Bilan.objects.filter(validated_at__isnull=False, remplace_par__isnull=True)


def bilan_en_vigueur(apprenant: Apprenant) -> Bilan | None:
    return bilans_en_vigueur().filter(apprenant=apprenant).first()


def niveaux_valides_of(apprenant: Apprenant) -> dict[int, NiveauValide]:
    """competence pk → the level of the learner's last validated bilan: one query; {} before any."""
    lignes = (BilanLigne.objects.filter(bilan__in=bilans_en_vigueur().filter(apprenant=apprenant))
              .select_related("bilan", "niveau", "etat"))
    return {ligne.competence_id: NiveauValide(ligne.code, ligne.libelle, ligne.bilan.date, ligne.commentaire,
                                              ligne.bilan_id) for ligne in lignes}


# --- A bilan by bloc, with its projection per épreuve -----------------------------------------------------------

@dataclass
class BlocVue:
    code: str
    intitule: str
    lignes: list[BilanLigne]

    @property
    def acquises(self) -> int:
        return sum(1 for ligne in self.lignes if ligne.acquis)


@dataclass
class EpreuveVue:
    epreuve: Epreuve
    lignes: list[BilanLigne]

    @property
    def acquises(self) -> int:
        return sum(1 for ligne in self.lignes if ligne.acquis)


@dataclass
class BilanVue:
    bilan: Bilan
    blocs: list[BlocVue] = field(default_factory=list)
    epreuves: list[EpreuveVue] = field(default_factory=list)

    @property
    def en_vigueur(self) -> bool:
        return self.bilan.valide and getattr(self.bilan, "remplace_par", None) is None


def _structure(referentiel_ids) -> tuple[dict, dict]:
    """référentiel pk → its blocs, and → its épreuves (with coefficients), each with its competencies' pks in the
    order of the text: four queries."""
    blocs, epreuves = {}, {}
    for bloc in (Bloc.objects.filter(referentiel_id__in=referentiel_ids).order_by("rang").prefetch_related(
            Prefetch("competence_links", queryset=BlocCompetence.objects.order_by("rang")))):
        blocs.setdefault(bloc.referentiel_id, []).append((bloc, [link.competence_id for link in
                                                                 bloc.competence_links.all()]))
    for epreuve in (Epreuve.objects.filter(referentiel_id__in=referentiel_ids).order_by("rang").prefetch_related(
            Prefetch("competence_links", queryset=EpreuveCompetence.objects.order_by("rang")))):
        competences = [link.competence_id for link in epreuve.competence_links.all()]
        if competences:  # general-education épreuves have no competency of the référentiel
            epreuves.setdefault(epreuve.referentiel_id, []).append((epreuve, competences))
    return blocs, epreuves


def _vues(bilans: list[Bilan], *, une_fois: bool) -> list[BilanVue]:
    """Each bilan's lines by bloc (a competency in no bloc goes to « Hors bloc »; with `une_fois`, a competency of
    several blocs only under its first, for forms) and its projection per épreuve."""
    lignes: dict[int, list[BilanLigne]] = {}
    for ligne in (BilanLigne.objects.filter(bilan_id__in=[b.pk for b in bilans])
                  .select_related("niveau", "etat", "competence", "modifie_par")):
        lignes.setdefault(ligne.bilan_id, []).append(ligne)
    blocs, epreuves = _structure({b.referentiel_id for b in bilans})
    nombres = nombres_de_niveaux({b.version_id for b in bilans})
    vues = []
    for bilan in bilans:
        par_competence = {ligne.competence_id: ligne for ligne in lignes.get(bilan.pk, [])}
        for ligne in par_competence.values():
            ligne.acquis = est_acquis(ligne, nombres)
        vue, placees = BilanVue(bilan), set()
        for bloc, competence_ids in blocs.get(bilan.referentiel_id, []):
            dans = [par_competence[c] for c in competence_ids if c in par_competence
                    and not (une_fois and c in placees)]
            placees |= {ligne.competence_id for ligne in dans}
            if dans:
                vue.blocs.append(BlocVue(bloc.code, bloc.intitule, dans))
        reste = [ligne for c, ligne in sorted(par_competence.items(), key=lambda item: item[1].rang)
                 if c not in placees]
        if reste:
            vue.blocs.append(BlocVue("", "Hors bloc", reste))
        vue.epreuves = [EpreuveVue(epreuve, [par_competence[c] for c in competence_ids if c in par_competence])
                        for epreuve, competence_ids in epreuves.get(bilan.referentiel_id, [])]
        vues.append(vue)
    return vues


def _bilans(queryset: QuerySet[Bilan]) -> QuerySet[Bilan]:
    return queryset.select_related("apprenant", "classe", "created_by", "validated_by", "remplace_par")


def bilan_archive(apprenant: Apprenant, *, valides_seulement: bool = False) -> list[BilanVue]:
    """The learner's bilans: validated ones first, the last validated at the top (by date, then by validation),
    then the one in progress; each by bloc with its projection per épreuve."""
    bilans = _bilans(Bilan.objects.filter(apprenant=apprenant))
    valides = list(bilans.filter(validated_at__isnull=False).order_by("-date", "-validated_at", "-id"))
    brouillons = [] if valides_seulement else list(bilans.filter(validated_at__isnull=True).order_by("-date", "-id"))
    return _vues(valides + brouillons, une_fois=False)


def bilan_detail(bilan: Bilan) -> BilanVue:
    """One bilan for its page: each competency once, by bloc."""
    return _vues([bilan], une_fois=True)[0]


# --- A classe's bilans ------------------------------------------------------------------------------------------

def apprenants_inscrits(classe: Classe, day: datetime.date) -> QuerySet[Apprenant]:
    return Apprenant.objects.filter(
        Q(inscriptions__classe_id=classe.pk, inscriptions__debut__lte=day)
        & (Q(inscriptions__fin__isnull=True) | Q(inscriptions__fin__gte=day))
    ).distinct().order_by("nom", "prenom", "pk")


@dataclass
class Seance:
    date: datetime.date
    total: int
    valides: int

    @property
    def en_cours(self) -> int:
        return self.total - self.valides


def bilans_seances(classe: Classe) -> list[Seance]:
    """The dates the classe's bilans were made at, newest first, with how many are validated: one query."""
    rows = (Bilan.objects.filter(classe=classe).values("date")
            .annotate(total=Count("id"), valides=Count("id", filter=Q(validated_at__isnull=False)))
            .order_by("-date"))
    return [Seance(r["date"], r["total"], r["valides"]) for r in rows]


@dataclass
class SuiviApprenant:
    apprenant: Apprenant
    en_vigueur: Bilan | None
    en_cours: Bilan | None


def classe_suivi(classe: Classe, day: datetime.date) -> list[SuiviApprenant]:
    """The learners enrolled on `day`, each with their bilan in force and their bilan in progress: two queries."""
    apprenants = list(apprenants_inscrits(classe, day))
    bilans = Bilan.objects.filter(apprenant__in=[a.pk for a in apprenants]).filter(
        Q(validated_at__isnull=True) | Q(validated_at__isnull=False, remplace_par__isnull=True))
    en_vigueur, en_cours = {}, {}
    for bilan in bilans:
        (en_cours if bilan.validated_at is None else en_vigueur)[bilan.apprenant_id] = bilan
    return [SuiviApprenant(a, en_vigueur.get(a.pk), en_cours.get(a.pk)) for a in apprenants]
