"""Writes on the bilan entreprise of a company period (see models_bilan.py).

- The formateur (or the direction) opens it for one learner: prefilled with the criteria of the learner's fiche.
- Formateur and tutor fill it, together on one phone or each on theirs: every value entered is appended.
- Each party confirms. A change after a confirmation withdraws the confirmations (the other party must see what
  changed). The second confirmation writes the evaluation events (lieu = entreprise, the tutor as co-author)
  and closes the bilan for good.

Every refusal is a French ValidationError and writes nothing.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.audit import audit_record
from accounts.roles import Role
from evaluations.models import Echelle, Evaluation, Lieu
from evaluations.selectors_grille import valeur_find
from scolarite.models import Apprenant
from tenants.access import abonnement_ecriture_check

from .models import Contrat, Periode, Tuteur
from .models_bilan import BilanCritere, BilanEntreprise, BilanSaisie
from .services_fiches import _inscrit, fiche_for, peut_preparer

COMMENTAIRE_MAX = 2000
APPRECIATION_MAX = 5000


# --- Who is who -----------------------------------------------------------------------------------------------

def est_tuteur_du_bilan(user, bilan: BilanEntreprise) -> bool:
    return bool(getattr(user, "pk", None)) and user.has_role(Role.TUTEUR) and bilan.tuteur.user_id == user.pk


def peut_remplir(user, bilan: BilanEntreprise) -> bool:
    """The formateurs of the classe, the direction, and the bilan's tutor."""
    return peut_preparer(user, bilan.periode.classe) or est_tuteur_du_bilan(user, bilan)


def _role_of(user, bilan: BilanEntreprise) -> str:
    if est_tuteur_du_bilan(user, bilan):
        return Role.TUTEUR
    if peut_preparer(user, bilan.periode.classe):
        return Role.FORMATEUR
    raise ValidationError("Seuls les formateurs de la classe, la direction et le tuteur de l'apprenti remplissent "
                          "ce bilan.", code="actor_forbidden")


def contrat_du_bilan(apprenant: Apprenant, periode: Periode, day: datetime.date) -> Contrat | None:
    """The learner's contract or agreement in force on `day` (within the period)."""
    contrats = Contrat.objects.filter(apprenant=apprenant, debut__lte=day, fin__gte=day).filter(
        Q(rompu_le__isnull=True) | Q(rompu_le__gt=day))
    return contrats.order_by("-debut").first()


def _tuteur_of(contrat: Contrat) -> Tuteur | None:
    """The contract's tutor, one with an account first (they can confirm online)."""
    return contrat.tuteurs.order_by(F("user").asc(nulls_last=True), "nom", "pk").first()


# --- Opening --------------------------------------------------------------------------------------------------

@transaction.atomic
def bilan_entreprise_create(*, periode: Periode, apprenant: Apprenant, date: datetime.date, actor,
                            mode: str = BilanEntreprise.Mode.VISITE) -> BilanEntreprise:
    abonnement_ecriture_check(connection.tenant)
    if not peut_preparer(actor, periode.classe):
        raise ValidationError("Seuls la direction et les formateurs de la classe ouvrent un bilan entreprise.",
                              code="actor_forbidden")
    if periode.lieu != Periode.Lieu.ENTREPRISE:
        raise ValidationError("Un bilan entreprise se fait pour une période en entreprise.", code="periode_centre")
    if mode not in BilanEntreprise.Mode.values:
        raise ValidationError("Choisissez comment le bilan est rempli.", code="mode")
    if date is None or not periode.debut <= date <= periode.fin + datetime.timedelta(days=30):
        raise ValidationError(f"La date du bilan va du {periode.debut:%d/%m/%Y} à un mois après la fin de la "
                              f"période ({periode.fin:%d/%m/%Y}).", code="date")
    if date > timezone.localdate():
        raise ValidationError("La date du bilan ne peut pas être dans le futur.", code="date")
    if not _inscrit(apprenant, periode):
        raise ValidationError(f"{apprenant} n'est pas inscrit dans la classe pendant cette période.",
                              code="apprenant")
    if BilanEntreprise.objects.filter(periode=periode, apprenant=apprenant).exists():
        raise ValidationError(f"{apprenant} a déjà un bilan pour cette période : ouvrez-le.", code="doublon")
    contrat = contrat_du_bilan(apprenant, periode, min(max(date, periode.debut), periode.fin))
    tuteur = _tuteur_of(contrat) if contrat else None
    if tuteur is None:
        raise ValidationError(f"{apprenant} n'a ni contrat ni convention avec un tuteur pendant cette période.",
                              code="contrat")
    fiche = fiche_for(apprenant, periode)
    criteres = list(fiche.critere_links.values_list("critere_id", flat=True)) if fiche else []
    if not criteres:
        raise ValidationError("La fiche activités de cette période ne cible aucun critère : préparez-la d'abord, "
                              "le bilan reprend ses critères.", code="fiche")
    bilan = BilanEntreprise.objects.create(periode=periode, apprenant=apprenant, contrat=contrat, tuteur=tuteur,
                                           fiche=fiche, date=date, mode=mode, created_by=actor)
    BilanCritere.objects.bulk_create([BilanCritere(bilan=bilan, critere_id=pk, rang=rang)
                                      for rang, pk in enumerate(criteres, start=1)])
    return bilan


# --- Filling --------------------------------------------------------------------------------------------------

@dataclass
class SaisieResult:
    ecrites: int  # values that changed
    confirmations_retirees: bool  # someone had confirmed: they must confirm again
    conflit: bool  # someone else entered values since the person loaded the page


def _locked(bilan: BilanEntreprise) -> BilanEntreprise:
    return BilanEntreprise.objects.select_for_update().select_related("periode__classe", "tuteur").get(pk=bilan.pk)


def _courantes(bilan: BilanEntreprise) -> dict[int, BilanSaisie]:
    saisies = (BilanSaisie.objects.filter(bilan=bilan).order_by("critere_id", "-at", "-id").distinct("critere_id")
               .select_related("niveau", "etat"))
    return {s.critere_id: s for s in saisies}


def _resolve(code: str):
    code = (code or "").strip()
    if not code:
        return None, None
    niveau, etat = valeur_find(Echelle.Portee.ENTREPRISE, code)
    if niveau is None and etat is None:
        raise ValidationError(f"« {code} » n'est ni un niveau ni un état de l'échelle de liaison entreprise.",
                              code="valeur")
    return niveau, etat


@transaction.atomic
def bilan_entreprise_fill(*, bilan: BilanEntreprise, valeurs: dict[int, str],
                          commentaires: dict[int, str] | None = None, appreciation: str | None = None, actor,
                          vu: int | None = None) -> SaisieResult:
    """Append the values that changed (critère pk → level or state code, "" to clear). `vu` is the latest
    saisie the person had under their eyes: if someone else wrote since, both are kept and the person is told."""
    abonnement_ecriture_check(connection.tenant)
    bilan = _locked(bilan)
    role = _role_of(actor, bilan)
    if bilan.valide:
        raise ValidationError("Ce bilan est confirmé par les deux parties : il ne change plus.", code="valide")
    commentaires = commentaires or {}
    cibles = set(bilan.critere_links.values_list("critere_id", flat=True))
    inconnus = (set(valeurs) | set(commentaires)) - cibles
    if inconnus:
        raise ValidationError("Ce critère ne fait pas partie du bilan.", code="critere")
    if appreciation is not None and len(appreciation.strip()) > APPRECIATION_MAX:
        raise ValidationError(f"L'appréciation générale : {APPRECIATION_MAX} caractères au plus.",
                              code="appreciation")
    courantes = _courantes(bilan)
    derniere = max((s.pk for s in courantes.values()), default=None)
    conflit = vu not in (None, "") and derniere is not None and int(vu) < derniere and (
        BilanSaisie.objects.filter(bilan=bilan, pk__gt=int(vu)).exclude(auteur=actor).exists())
    nouvelles, now = [], timezone.now()
    for critere_id in sorted(cibles & (set(valeurs) | set(commentaires))):
        actuelle = courantes.get(critere_id)
        niveau, etat = (_resolve(valeurs[critere_id]) if critere_id in valeurs
                        else (actuelle.niveau, actuelle.etat) if actuelle else (None, None))
        commentaire = (commentaires.get(critere_id, actuelle.commentaire if actuelle else "") or "").strip()
        if len(commentaire) > COMMENTAIRE_MAX:
            raise ValidationError(f"Un commentaire : {COMMENTAIRE_MAX} caractères au plus.", code="commentaire")
        avant = (actuelle.niveau_id, actuelle.etat_id, actuelle.commentaire) if actuelle else (None, None, "")
        if (getattr(niveau, "pk", None), getattr(etat, "pk", None), commentaire) == avant:
            continue
        nouvelles.append(BilanSaisie(bilan=bilan, critere_id=critere_id, niveau=niveau, etat=etat,
                                     commentaire=commentaire, auteur=actor, role=role, at=now))
    BilanSaisie.objects.bulk_create(nouvelles)
    champs = []
    if appreciation is not None and appreciation.strip() != bilan.appreciation:
        bilan.appreciation = appreciation.strip()
        champs.append("appreciation")
    retirees = bool((nouvelles or champs) and (bilan.confirme_formateur_le or bilan.confirme_tuteur_le))
    if retirees:
        bilan.confirme_formateur_par = bilan.confirme_formateur_le = None
        bilan.confirme_tuteur_par = bilan.confirme_tuteur_le = None
        bilan.confirme_tuteur_papier = False
        champs += ["confirme_formateur_par", "confirme_formateur_le", "confirme_tuteur_par", "confirme_tuteur_le",
                   "confirme_tuteur_papier"]
    if champs:
        bilan.save(update_fields=champs)
    return SaisieResult(len(nouvelles), retirees, bool(conflit))


# --- Confirming -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Enregistrement:
    saisie: SaisieResult
    confirme: bool  # the confirmation asked for was recorded
    refus_confirmation: tuple[str, ...] = ()  # why it was not (what was typed is kept all the same)


def bilan_entreprise_save(*, bilan: BilanEntreprise, valeurs: dict[int, str], commentaires: dict[int, str],
                          appreciation: str | None, actor, vu: int | None, confirmer: bool) -> Enregistrement:
    """What the bilan's form does: append what changed, then, when asked, the actor's confirmation. A refused
    confirmation does not undo the values (they are the person's work): it says why. A refused fill raises."""
    saisie = bilan_entreprise_fill(bilan=bilan, valeurs=valeurs, commentaires=commentaires,
                                   appreciation=appreciation, actor=actor, vu=vu)
    if not confirmer:
        return Enregistrement(saisie=saisie, confirme=False)
    try:
        bilan_entreprise_confirm(bilan=bilan, actor=actor)
    except ValidationError as error:
        return Enregistrement(saisie=saisie, confirme=False, refus_confirmation=tuple(error.messages))
    return Enregistrement(saisie=saisie, confirme=True)


@transaction.atomic
def bilan_entreprise_confirm(*, bilan: BilanEntreprise, actor, papier: bool = False) -> BilanEntreprise:
    """The actor's confirmation: the tutor's (online, or `papier`: the formateur records that the tutor signed the
    printed form), or the formateur's. The second one writes the evaluation events."""
    abonnement_ecriture_check(connection.tenant)
    bilan = _locked(bilan)
    role = _role_of(actor, bilan)
    if bilan.valide:
        raise ValidationError("Ce bilan est déjà confirmé par les deux parties.", code="deja_confirme")
    if papier and role != Role.FORMATEUR:
        raise ValidationError("Seul le formateur enregistre la signature du formulaire papier.", code="papier")
    courantes = _courantes(bilan)
    manquants = [pk for pk in bilan.critere_links.values_list("critere_id", flat=True)
                 if pk not in courantes or (courantes[pk].niveau_id is None and courantes[pk].etat_id is None)]
    if manquants:
        raise ValidationError(f"{len(manquants)} critère(s) sans niveau : choisissez un niveau, ou « non vu » si "
                              "l'entreprise n'a pas pu proposer la situation.", code="incomplet")
    now = timezone.now()
    if role == Role.TUTEUR or papier:
        if bilan.confirme_tuteur_le:
            raise ValidationError("La confirmation du tuteur est déjà enregistrée.", code="deja_confirme")
        bilan.confirme_tuteur_par, bilan.confirme_tuteur_le, bilan.confirme_tuteur_papier = actor, now, papier
    else:
        if bilan.confirme_formateur_le:
            raise ValidationError("Vous avez déjà confirmé ce bilan : il attend la confirmation du tuteur.",
                                  code="deja_confirme")
        bilan.confirme_formateur_par, bilan.confirme_formateur_le = actor, now
    if bilan.confirme_formateur_le and bilan.confirme_tuteur_le:
        bilan.valide_le = now
    bilan.save()
    if bilan.valide:
        _evaluations_write(bilan, courantes, now)
        audit_record(actor=actor, action="bilan_entreprise_confirme", target=f"{bilan.apprenant} : {bilan}",
                     details={"bilan": bilan.pk, "criteres": len(courantes)})
    return bilan


def _evaluations_write(bilan: BilanEntreprise, courantes: dict[int, BilanSaisie], now) -> None:
    """The bilan's values as evaluation events, where the centre's are: the formateur who confirmed is the
    author, the tutor the co-author."""
    tuteur_user = bilan.tuteur.user_id
    cibles = set(bilan.critere_links.values_list("critere_id", flat=True))
    events = Evaluation.objects.bulk_create([
        Evaluation(situation=None, apprenant_id=bilan.apprenant_id, critere_id=critere_id, niveau=saisie.niveau,
                   etat=saisie.etat, commentaire=saisie.commentaire, auteur_id=bilan.confirme_formateur_par_id,
                   coauteur_id=tuteur_user, role=Role.FORMATEUR, lieu=Lieu.ENTREPRISE, at=now)
        for critere_id, saisie in sorted(courantes.items())
        if critere_id in cibles
    ])
    bilan.evaluations.add(*events)
