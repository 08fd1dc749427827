"""Reads of the periods pages: a classe's calendar, its pupils' PFMP weeks, the pupils short of weeks.
Each runs a fixed number of queries whatever the number of pupils or periods."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from accounts.models import User
from scolarite.models import Classe, Inscription
from scolarite.selectors import classes_visible
from tenants.annees import annee_scolaire_of

from .models import AmenagementPFMP, Contrat, Periode
from .pfmp import Famille, SituationPFMP, famille_of, semaines_entre, situation_pfmp


@dataclass
class Calendrier:
    classe: Classe
    periodes: list[Periode]
    semaines_entreprise: Decimal
    semaines_centre: Decimal


def classe_calendrier(classe: Classe) -> Calendrier:
    """The classe's periods in date order, each with its journal entries and fiches counted (what keeps it from
    being deleted) and its weeks: one query."""
    periodes = list(Periode.objects.filter(classe=classe)
                    .annotate(n_journal=Count("journal", distinct=True), n_fiches=Count("fiches", distinct=True))
                    .order_by("debut", "pk"))
    for periode in periodes:
        periode.semaines = semaines_entre(periode.debut, periode.fin)
    return Calendrier(
        classe=classe, periodes=periodes,
        semaines_entreprise=sum((p.semaines for p in periodes if p.lieu == Periode.Lieu.ENTREPRISE), Decimal(0)),
        semaines_centre=sum((p.semaines for p in periodes if p.lieu == Periode.Lieu.CENTRE), Decimal(0)),
    )


def classe_famille(classe: Classe) -> tuple[Famille | None, str]:
    """The PFMP rule of the classe's diploma, and its référentiel code (for a speciality's own weeks)."""
    referentiel = classe.formation.referentiel
    return famille_of(referentiel), getattr(referentiel, "code", "")


def _pfmp_contrats() -> Prefetch:
    return Prefetch("apprenant__contrats", queryset=Contrat.objects.filter(type=Contrat.Type.PFMP)
                    .only("id", "apprenant_id", "type", "debut", "fin", "rompu_le", "compte_examen"),
                    to_attr="contrats_pfmp")


def _eleves(inscriptions) -> list[Inscription]:
    """The pupils (school route) of the inscriptions: select the learner and their aménagement, prefetch their
    PFMP agreements over the whole cycle (whatever the classe they were signed in)."""
    return list(inscriptions.filter(statut=Inscription.Statut.SCOLAIRE)
                .select_related("apprenant", "apprenant__amenagement_pfmp")
                .prefetch_related(_pfmp_contrats())
                .order_by("apprenant__nom", "apprenant__prenom", "apprenant_id", "-debut"))


def _amenagement(apprenant):
    try:
        return apprenant.amenagement_pfmp
    except AmenagementPFMP.DoesNotExist:
        return None


def _situation(inscription: Inscription, classe: Classe, famille, code: str, day: datetime.date) -> SituationPFMP:
    apprenant = inscription.apprenant
    return situation_pfmp(apprenant=apprenant, contrats=apprenant.contrats_pfmp, famille=famille,
                          referentiel_code=code, amenagement=_amenagement(apprenant), day=day,
                          inscription=inscription, classe=classe)


def classe_pfmp(classe: Classe, *, day: datetime.date | None = None) -> list[SituationPFMP]:
    """Each pupil ever enrolled in the classe (school route), once, with their PFMP weeks done, planned and
    due (and, in a terminal-year classe, those of its school year): two queries (inscriptions with learners and
    aménagements, PFMP agreements)."""
    day = day or timezone.localdate()
    famille, code = classe_famille(classe)
    seen, situations = set(), []
    for inscription in _eleves(Inscription.objects.filter(classe=classe)):
        if inscription.apprenant_id in seen:
            continue
        seen.add(inscription.apprenant_id)
        situations.append(_situation(inscription, classe, famille, code, day))
    return situations


def pfmp_signales(*, user: User, annee: int | None = None, day: datetime.date | None = None) -> list[SituationPFMP]:
    """Pupils enrolled today in a classe of `annee` (the current school year) whose weeks done and planned fall
    short of what they owe (over the cycle, or in a terminal-year classe within its year), by classe then name;
    each situation carries its inscription (and so its classe): three queries."""
    day = day or timezone.localdate()
    annee = annee if annee is not None else annee_scolaire_of(day)
    classes = {c.pk: c for c in classes_visible(user).filter(annee_scolaire=annee)
               .select_related("formation__referentiel")}
    current = Q(debut__lte=day) & (Q(fin__isnull=True) | Q(fin__gte=day))
    situations = []
    for inscription in _eleves(Inscription.objects.filter(current, classe_id__in=list(classes))):
        classe = classes[inscription.classe_id]
        inscription.classe = classe
        famille, code = classe_famille(classe)
        situation = _situation(inscription, classe, famille, code, day)
        if situation.signale:
            situations.append(situation)
    situations.sort(key=lambda s: (s.inscription.classe.code, s.apprenant.nom.lower(), s.apprenant.prenom.lower()))
    return situations


def classes_periodes(*, user: User, annee: int | None = None) -> list[Classe]:
    """The classes `user` may see for a school year (the current one by default), with their number of periods:
    one query."""
    annee = annee if annee is not None else annee_scolaire_of(timezone.localdate())
    return list(classes_visible(user).filter(annee_scolaire=annee).select_related("formation")
                .annotate(n_periodes=Count("periodes", distinct=True)).order_by("code"))
