"""The demo's bilans intermédiaires, made through the bilans services as a formateur would: two per learner of
the evaluated classe (after the first TP, then after the company visit), each prefilled with the suggestions,
where the formateur decides (he keeps most suggestions, raises or lowers a few), then validated."""

import datetime

from django.utils import timezone

from accounts.models import User

# The formateur's decisions on Léa's second bilan, where they differ from the suggestion: he decides.
DECISIONS_LEA = {"C09": ("M", "Câblage et configuration maîtrisés au centre comme en entreprise."),
                 "C10": ("IM", "Pare-feu pas encore vu en entreprise : à reprendre au centre.")}


def _fill_from_suggestions(bilans, *, formateur: User, decisions: dict[int, dict] | None = None) -> None:
    from bilans.models import BilanLigne
    from bilans.services_saisie import bilan_lignes_set

    decisions = decisions or {}
    lignes = BilanLigne.objects.filter(bilan__in=bilans).select_related("competence", "bilan__apprenant")
    valeurs = {}
    for ligne in lignes:
        code, commentaire = decisions.get(ligne.bilan.apprenant_id, {}).get(
            ligne.competence.code, (ligne.suggestion_code, None))
        valeurs[ligne.pk] = {"code": code, "commentaire": commentaire, "vu": ligne.revision}
    result = bilan_lignes_set(bilans=list(bilans), valeurs=valeurs, actor=formateur)
    if result.refus:  # the demo's own data: a refusal is a bug
        raise RuntimeError(f"Démo : bilan refusé : {result.refus}")


def demo_bilans(*, formateur: User) -> None:
    from bilans.models import Bilan
    from bilans.services import bilans_classe_create
    from bilans.services_saisie import bilans_classe_validate
    from evaluations.models import Situation
    from scolarite.models import Apprenant, Classe
    from tenants.annees import annee_scolaire_of

    today = timezone.localdate()
    classe = Classe.objects.filter(annee_scolaire=annee_scolaire_of(today), code="1CIEL-A").first()
    situation = Situation.objects.filter(classe=classe).order_by("date").first() if classe else None
    if situation is None or Bilan.objects.filter(classe=classe).exists():
        return
    lea = Apprenant.objects.filter(user__email="apprenti@demo.cpro.local").first()
    premiere = situation.date + datetime.timedelta(days=1)
    seconde = today - datetime.timedelta(days=1)
    if seconde <= premiere:
        return  # the first days of a school year: nothing evaluated yet to review
    for date in (premiere, seconde):
        bilans = bilans_classe_create(classe=classe, date=date, actor=formateur).crees
        decisions = {}
        if date == seconde and lea is not None:
            decisions[lea.pk] = DECISIONS_LEA
        _fill_from_suggestions(bilans, formateur=formateur, decisions=decisions)
        validation = bilans_classe_validate(classe=classe, date=date, actor=formateur)
        if validation.refus:
            raise RuntimeError(f"Démo : bilans non validés : {validation.refus}")
    _grade_period(classe=classe, date=seconde, lea=lea, formateur=formateur)


def _grade_period(*, classe, date, lea, formateur: User) -> None:
    """The period grade from the second bilans: the default weights (the épreuves' coefficients) proposed to the
    whole classe in one action, then Léa's grade recorded with a justified adjustment."""
    from decimal import Decimal

    from bilans.models import Bilan
    from bilans.services_notes import note_finalise, notes_appliquer

    source = Bilan.objects.filter(classe=classe, date=date, apprenant=lea).first() if lea else None
    if source is None:
        return
    notes_appliquer(bilan=source, actor=formateur)
    note_finalise(bilan=source, ajustement=Decimal("1.5"), actor=formateur,
                  justification="Très bonne présentation orale de son travail en entreprise.")
