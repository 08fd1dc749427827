"""Writes of bilans intermédiaires. Run inside the establishment's schema; every write needs a subscription in
force and a formateur of the bilan's classe (direction and inspection read only).

A validated bilan is frozen: every service refuses to change it, and so does the database (migration 0002).
Writes that concern one learner lock the learner's row (FOR NO KEY UPDATE, which foreign keys do not wait for),
so two creations or two validations of the same learner's bilans run one after the other.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.roles import Role
from referentiels.models import Competence
from scolarite.models import Apprenant, Classe, Inscription
from tenants.access import abonnement_ecriture_check

from .models import Bilan, BilanLigne
from .selectors import apprenants_inscrits, maitrise_version
from .selectors_suggestion import suggestions_for

FIGE = "Ce bilan est validé : il ne se modifie plus. Pour un autre avis, créez un nouveau bilan."


def _formateur_check(actor, classe: Classe) -> None:
    if not (actor.has_role(Role.FORMATEUR) and classe.formateurs.filter(pk=actor.pk).exists()):
        raise ValidationError("Seuls les formateurs de la classe écrivent ses bilans.")


def _date_check(date: datetime.date) -> None:
    if date > timezone.localdate():
        raise ValidationError("La date d'un bilan ne peut pas être dans le futur : les évaluations à venir n'y "
                              "seraient pas.")


def _verrou(apprenant_ids) -> None:
    list(Apprenant.objects.filter(pk__in=list(apprenant_ids)).order_by("pk").select_for_update(no_key=True)
         .values_list("pk", flat=True))


def _bilans_build(*, classe: Classe, apprenants: list[Apprenant], date: datetime.date, actor) -> list[Bilan]:
    """Bilans of `apprenants` at `date`, each line prefilled with its suggestion (frozen with its reason): a
    fixed number of queries, two bulk inserts."""
    version = maitrise_version()
    if version is None:
        raise ValidationError("L'échelle « Maîtrise » est introuvable : la direction la rétablit dans les réglages.")
    niveaux = {n.code.upper(): n for n in version.niveaux.all()}
    etats = {e.code.upper(): e for e in version.etats.all()}
    referentiel_id = classe.formation.referentiel_id
    competences = list(Competence.objects.filter(referentiel_id=referentiel_id).order_by("rang", "pk")
                       .values_list("pk", flat=True))
    suggestions = suggestions_for([a.pk for a in apprenants], competences, date)
    bilans = Bilan.objects.bulk_create([
        Bilan(apprenant=a, classe=classe, referentiel_id=referentiel_id, version=version, date=date,
              created_by=actor) for a in apprenants])
    lignes = []
    for bilan in bilans:
        for rang, competence_id in enumerate(competences):
            suggestion = suggestions[(bilan.apprenant_id, competence_id)]
            niveau = niveaux.get(suggestion.code)
            lignes.append(BilanLigne(bilan=bilan, competence_id=competence_id, rang=rang,
                                     suggestion_code=suggestion.code, suggestion_phrase=suggestion.phrase,
                                     niveau=niveau, etat=None if niveau else etats.get(suggestion.code)))
    BilanLigne.objects.bulk_create(lignes, batch_size=2000)
    return bilans


def _en_vigueur(apprenant_ids) -> dict[int, Bilan]:
    return {b.apprenant_id: b for b in Bilan.objects.filter(apprenant_id__in=list(apprenant_ids),
                                                            validated_at__isnull=False, remplace_par__isnull=True)}


@transaction.atomic
def bilan_create(*, apprenant: Apprenant, date: datetime.date, actor) -> Bilan:
    """A prefilled draft for one learner, in the classe they are enrolled in on `date`."""
    abonnement_ecriture_check(connection.tenant)
    _date_check(date)
    inscription = (Inscription.objects.filter(apprenant=apprenant, debut__lte=date).exclude(fin__lt=date)
                   .select_related("classe__formation").order_by("-debut", "-id").first())
    if inscription is None:
        raise ValidationError(f"{apprenant} n'est inscrit·e dans aucune classe le {date:%d/%m/%Y}.")
    _formateur_check(actor, inscription.classe)
    _verrou([apprenant.pk])
    brouillon = Bilan.objects.filter(apprenant=apprenant, validated_at__isnull=True).first()
    if brouillon is not None:
        raise ValidationError(f"Un bilan est déjà en cours pour {apprenant} (du {brouillon.date:%d/%m/%Y}) : "
                              "terminez-le ou supprimez-le d'abord.")
    courant = _en_vigueur([apprenant.pk]).get(apprenant.pk)
    if courant is not None and courant.date > date:
        raise ValidationError(f"Le bilan validé en vigueur est du {courant.date:%d/%m/%Y} : un nouveau bilan "
                              "ne peut pas être daté d'avant.")
    return _bilans_build(classe=inscription.classe, apprenants=[apprenant], date=date, actor=actor)[0]


@dataclass
class CreationClasse:
    crees: list[Bilan] = field(default_factory=list)
    deja_faits: list[Bilan] = field(default_factory=list)  # a bilan of this classe at this date exists already
    ignores: list[str] = field(default_factory=list)  # learners skipped, each with the reason, in French


@transaction.atomic
def bilans_classe_create(*, classe: Classe, date: datetime.date, actor) -> CreationClasse:
    """One prefilled draft per learner enrolled in the classe on `date`, in one transaction. Learners who already
    have this date's bilan keep it; those with another bilan in progress, or a later validated one, are listed."""
    abonnement_ecriture_check(connection.tenant)
    _date_check(date)
    _formateur_check(actor, classe)
    apprenants = list(apprenants_inscrits(classe, date))
    if not apprenants:
        raise ValidationError(f"Aucun apprenant n'est inscrit en {classe.code} le {date:%d/%m/%Y}.")
    _verrou(a.pk for a in apprenants)
    ids = [a.pk for a in apprenants]
    faits = {b.apprenant_id: b for b in Bilan.objects.filter(classe=classe, date=date, apprenant_id__in=ids)}
    brouillons = {b.apprenant_id: b for b in Bilan.objects.filter(apprenant_id__in=ids, validated_at__isnull=True)}
    en_vigueur = _en_vigueur(ids)
    result, a_creer = CreationClasse(), []
    for apprenant in apprenants:
        if apprenant.pk in faits:
            result.deja_faits.append(faits[apprenant.pk])
        elif apprenant.pk in brouillons:
            result.ignores.append(f"{apprenant} : un bilan du {brouillons[apprenant.pk].date:%d/%m/%Y} est en cours.")
        elif apprenant.pk in en_vigueur and en_vigueur[apprenant.pk].date > date:
            result.ignores.append(f"{apprenant} : le bilan validé du {en_vigueur[apprenant.pk].date:%d/%m/%Y} est "
                                  "plus récent.")
        else:
            a_creer.append(apprenant)
    if a_creer:
        result.crees = _bilans_build(classe=classe, apprenants=a_creer, date=date, actor=actor)
    return result


def _locked(pk: int) -> Bilan:
    return (Bilan.objects.select_for_update(no_key=True, of=("self",))
            .select_related("classe", "apprenant", "version").get(pk=pk))


@transaction.atomic
def bilan_validate(*, bilan: Bilan, actor) -> Bilan:
    """Freeze the bilan; it supersedes the learner's bilan in force, which stays as it was."""
    abonnement_ecriture_check(connection.tenant)
    _verrou([bilan.apprenant_id])
    bilan = _locked(bilan.pk)
    if bilan.valide:
        raise ValidationError(f"Ce bilan est déjà validé (le {timezone.localtime(bilan.validated_at):%d/%m/%Y}).")
    _formateur_check(actor, bilan.classe)
    manquants = bilan.lignes.filter(niveau__isnull=True, etat__isnull=True).count()
    if manquants:
        raise ValidationError(f"{manquants} compétence(s) sans niveau : choisissez un niveau, ou « non évalué ».")
    courant = _en_vigueur([bilan.apprenant_id]).get(bilan.apprenant_id)
    if courant is not None and courant.date > bilan.date:
        raise ValidationError(f"Le bilan du {courant.date:%d/%m/%Y}, plus récent, est déjà validé : celui-ci ne "
                              "peut plus l'être. Supprimez-le ou créez un nouveau bilan.")
    bilan.validated_at, bilan.validated_by, bilan.remplace = timezone.now(), actor, courant
    bilan.save(update_fields=["validated_at", "validated_by", "remplace"])
    audit_record(actor=actor, action="bilan_intermediaire_valide", target=f"{bilan.apprenant} : {bilan}",
                 details={"bilan": bilan.pk, "remplace": getattr(courant, "pk", None)})
    return bilan


@transaction.atomic
def bilan_delete(*, bilan: Bilan, actor) -> None:
    """Drop a draft (a validated bilan is kept for ever)."""
    abonnement_ecriture_check(connection.tenant)
    bilan = _locked(bilan.pk)
    if bilan.valide:
        raise ValidationError(FIGE)
    _formateur_check(actor, bilan.classe)
    bilan.delete()


def valeur_resolve(bilan: Bilan, code: str) -> tuple:
    """(niveau, etat) of the bilan's scale version for a code (case ignored); (None, None) for ""."""
    code = (code or "").strip()
    if not code:
        return None, None
    version = bilan.version
    niveau = version.niveaux.filter(code__iexact=code).first()
    etat = None if niveau else version.etats.filter(code__iexact=code).first()
    if niveau is None and etat is None:
        raise ValidationError(f"« {code} » n'est ni un niveau ni un état de l'échelle du bilan.")
    return niveau, etat


@transaction.atomic
def bilan_ligne_set(*, ligne: BilanLigne, niveau_code: str, commentaire: str | None, actor,
                    vu: int | None = None) -> BilanLigne:
    """The formateur's level (a code of the bilan's scale version, "" for none yet) and comment (None: unchanged)
    for one competency of a draft. `vu` is the line's revision its author saw: if someone changed the line since,
    nothing is written and the author is told (ValidationError with code "conflit"), so no entry is ever lost
    silently. An unchanged value writes nothing."""
    abonnement_ecriture_check(connection.tenant)
    bilan = _locked(ligne.bilan_id)  # line saves of one bilan, and its validation, run one after the other
    if bilan.valide:
        raise ValidationError(FIGE)
    _formateur_check(actor, bilan.classe)
    niveau, etat = valeur_resolve(bilan, niveau_code)
    actuelle = BilanLigne.objects.select_related("niveau", "etat", "modifie_par").get(pk=ligne.pk)
    commentaire = actuelle.commentaire if commentaire is None else commentaire.strip()
    if len(commentaire) > 2000:
        raise ValidationError("Le commentaire dépasse 2 000 caractères.")
    if (actuelle.niveau_id, actuelle.etat_id, actuelle.commentaire) == (
            getattr(niveau, "pk", None), getattr(etat, "pk", None), commentaire):
        return actuelle
    if vu is not None and int(vu) != actuelle.revision:
        par = f" par {actuelle.modifie_par}" if actuelle.modifie_par_id else ""
        choix = getattr(niveau or etat, "code", "") or "aucun niveau"
        raise ValidationError(f"Modifiée entre-temps{par} (maintenant : {actuelle.code or 'aucun niveau'}) : votre "
                              f"choix ({choix}) n'est pas enregistré. Choisissez à nouveau.", code="conflit")
    actuelle.niveau, actuelle.etat, actuelle.commentaire = niveau, etat, commentaire
    actuelle.revision += 1
    actuelle.modifie_par, actuelle.modifie_le = actor, timezone.now()
    actuelle.save(update_fields=["niveau", "etat", "commentaire", "revision", "modifie_par", "modifie_le"])
    return actuelle
