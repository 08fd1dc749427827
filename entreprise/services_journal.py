"""Writes on the journal de bord: entries written by the learner (or their tutor), changed by new versions only,
validated or sent back by the tutor, commented by the formateurs.

Every refusal is a French ValidationError and writes nothing (files included: they are checked before the
transaction, and those already stored are removed if it fails)."""

import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.audit import audit_record
from accounts.roles import Role
from referentiels.models import Tache
from scolarite.models import Apprenant, Inscription
from tenants.access import abonnement_ecriture_check

from .models import Contrat, EntreeAvis, EntreeJournal, EntreeTache, EntreeVersion, Periode, Preuve
from .preuves import PreuvePreparee, preuves_prepare
from .selectors import contrat_fin_effective

TEXTE_MAX = 5000
DUREE_MAX = 24 * 60


# --- Checks -----------------------------------------------------------------------------------------------------

def _texte_clean(texte: str) -> str:
    texte = (texte or "").strip()
    if not texte:
        raise ValidationError("Écrivez ce qui a été fait.")
    if len(texte) > TEXTE_MAX:
        raise ValidationError(f"Le texte ne dépasse pas {TEXTE_MAX:,} caractères.".replace(",", " "))
    return texte


def _duree_clean(duree_minutes) -> int | None:
    if duree_minutes in (None, ""):
        return None
    try:
        duree = int(duree_minutes)
    except (TypeError, ValueError):
        raise ValidationError("La durée est un nombre de minutes.") from None
    if not 1 <= duree <= DUREE_MAX:
        raise ValidationError("La durée est comprise entre 1 minute et 24 heures (1440 minutes).")
    return duree


def _date_clean(date: datetime.date | None) -> datetime.date:
    if date is None:
        raise ValidationError("Indiquez la date.")
    if date > timezone.localdate():
        raise ValidationError(f"Le {date:%d/%m/%Y} est dans le futur : le journal raconte ce qui a déjà été fait.")
    return date


def _is_tuteur(user, contrat: Contrat) -> bool:
    return contrat.tuteurs.filter(user=user).exists()


def _auteur_check(*, apprenant: Apprenant, auteur) -> Q:
    """Who may write in the learner's journal: the learner, or a tutor of one of their contracts (only for
    those). Returns the filter of the contracts the author may write under."""
    if apprenant.user_id is not None and apprenant.user_id == auteur.pk:
        return Q()
    if auteur.has_role(Role.TUTEUR) and Contrat.objects.filter(apprenant=apprenant, tuteurs__user=auteur).exists():
        return Q(tuteurs__user=auteur)
    raise ValidationError("Vous ne pouvez écrire que dans votre propre journal, ou dans celui d'un apprenti dont "
                          "vous êtes tuteur.")


def _contrat_for(*, apprenant: Apprenant, date: datetime.date, allowed: Q) -> Contrat:
    """The contract running on `date` among those the author may write under."""
    contrats = list(Contrat.objects.filter(allowed, apprenant=apprenant).order_by("-debut"))
    for contrat in contrats:
        if contrat.debut <= date <= contrat_fin_effective(contrat):
            return contrat
    if not contrats:
        raise ValidationError(f"Aucun contrat ni convention en entreprise n'est enregistré pour {apprenant} : "
                              "l'établissement doit d'abord l'enregistrer.")
    dates = " ; ".join(f"du {c.debut:%d/%m/%Y} au {contrat_fin_effective(c):%d/%m/%Y}" for c in contrats)
    raise ValidationError(f"Le {date:%d/%m/%Y} est en dehors des dates du contrat ({dates}).")


def _inscriptions_on(apprenant: Apprenant, date: datetime.date) -> list[Inscription]:
    return list(Inscription.objects.filter(Q(apprenant=apprenant, debut__lte=date)
                                           & (Q(fin__isnull=True) | Q(fin__gte=date)))
                .select_related("classe__formation"))


def _periode_for(*, apprenant: Apprenant, date: datetime.date, inscriptions: list[Inscription]) -> Periode:
    """The company period of one of the learner's classes (on that date) that contains `date`."""
    if not inscriptions:
        raise ValidationError(f"{apprenant} n'est inscrit·e dans aucune classe le {date:%d/%m/%Y}.")
    periode = (Periode.objects.filter(classe__in=[i.classe_id for i in inscriptions], lieu=Periode.Lieu.ENTREPRISE,
                                      debut__lte=date, fin__gte=date).order_by("debut", "pk").first())
    if periode is None:
        classes = ", ".join(sorted({i.classe.code for i in inscriptions}))
        raise ValidationError(f"Le {date:%d/%m/%Y} n'est dans aucune période en entreprise du calendrier de la "
                              f"classe {classes} : le journal de bord couvre les périodes en entreprise.")
    return periode


def _taches_clean(tache_ids, inscriptions: list[Inscription]) -> list[int]:
    try:
        ids = list(dict.fromkeys(int(pk) for pk in tache_ids or ()))
    except (TypeError, ValueError):
        raise ValidationError("Identifiant de tâche invalide.") from None
    if not ids:
        return []
    referentiels = {i.classe.formation.referentiel_id for i in inscriptions}
    found = set(Tache.objects.filter(referentiel_id__in=referentiels, pk__in=ids).values_list("pk", flat=True))
    if len(found) != len(ids):
        raise ValidationError("Certaines tâches choisies n'appartiennent pas au référentiel de la formation : "
                              "rien n'a été enregistré.")
    return ids


def _contenu_check(*, apprenant: Apprenant, date, allowed: Q, tache_ids) -> tuple:
    date = _date_clean(date)
    contrat = _contrat_for(apprenant=apprenant, date=date, allowed=allowed)
    inscriptions = _inscriptions_on(apprenant, date)
    periode = _periode_for(apprenant=apprenant, date=date, inscriptions=inscriptions)
    return date, contrat, periode, _taches_clean(tache_ids, inscriptions)


# --- Files: stored inside the transaction, removed again if it fails ----------------------------------------------

class _Stored(list):
    def remove_all(self) -> None:
        for fichier in self:
            fichier.delete(save=False)


def _preuves_store(*, entree: EntreeJournal, version: EntreeVersion, preparees: list[PreuvePreparee], auteur,
                   at, stored: _Stored) -> None:
    for preparee in preparees:
        preuve = Preuve(entree=entree, version=version, nom=preparee.nom, type_mime=preparee.type_mime,
                        taille=preparee.taille, ajoute_par=auteur, at=at)
        preuve.fichier.save(preparee.nom, ContentFile(preparee.contenu), save=False)
        stored.append(preuve.fichier)
        preuve.save()


def _version_add(*, entree, numero, date, texte, duree, taches, auteur, at) -> EntreeVersion:
    version = EntreeVersion.objects.create(entree=entree, numero=numero, date=date, texte=texte,
                                           duree_minutes=duree, auteur=auteur, at=at)
    EntreeTache.objects.bulk_create([EntreeTache(version=version, tache_id=pk) for pk in taches])
    return version


# --- Entries --------------------------------------------------------------------------------------------------

def entree_create(*, apprenant: Apprenant, auteur, date: datetime.date, texte: str,
                  duree_minutes: int | None = None, tache_ids=(), fichiers=()) -> EntreeJournal:
    """A new entry in the learner's journal, written by the learner or by a tutor of theirs, on a past or
    present day inside the contract and a company period of the learner's classe; version 1, to validate."""
    abonnement_ecriture_check(connection.tenant)
    texte, duree = _texte_clean(texte), _duree_clean(duree_minutes)
    allowed = _auteur_check(apprenant=apprenant, auteur=auteur)
    date, contrat, periode, taches = _contenu_check(apprenant=apprenant, date=date, allowed=allowed,
                                                    tache_ids=tache_ids)
    preparees = preuves_prepare(fichiers)
    stored = _Stored()
    try:
        with transaction.atomic():
            now = timezone.now()
            entree = EntreeJournal.objects.create(apprenant=apprenant, contrat=contrat, periode=periode, date=date,
                                                  statut=EntreeJournal.Statut.A_VALIDER, created_by=auteur)
            version = _version_add(entree=entree, numero=1, date=date, texte=texte, duree=duree, taches=taches,
                                   auteur=auteur, at=now)
            entree.version_courante = version
            entree.save(update_fields=["version_courante"])
            _preuves_store(entree=entree, version=version, preparees=preparees, auteur=auteur, at=now,
                           stored=stored)
            audit_record(actor=auteur, action="journal.create", target=f"entree_journal:{entree.pk}",
                         details={"apprenant": apprenant.pk, "preuves": len(preparees)})
    except BaseException:
        stored.remove_all()
        raise
    return entree


def _locked(entree: EntreeJournal) -> EntreeJournal:
    """The entry, locked until the end of the transaction: changes and opinions on one entry pass one by one."""
    return (EntreeJournal.objects.select_for_update(of=("self",)).select_related("version_courante")
            .get(pk=entree.pk))


def entree_can_edit(entree: EntreeJournal, user) -> bool:
    return entree.apprenant.user_id == user.pk or (user.has_role(Role.TUTEUR) and _is_tuteur(user, entree.contrat))


def entree_update(*, entree: EntreeJournal, auteur, date: datetime.date, texte: str,
                  duree_minutes: int | None = None, tache_ids=(), fichiers=()) -> EntreeVersion:
    """A change is always a new version (the previous ones stay as they were); the entry goes back to the
    tutor for validation, even if it had been validated."""
    abonnement_ecriture_check(connection.tenant)
    if not entree_can_edit(entree, auteur):
        raise ValidationError("Seuls l'apprenant et son tuteur modifient cette entrée.")
    texte, duree = _texte_clean(texte), _duree_clean(duree_minutes)
    allowed = _auteur_check(apprenant=entree.apprenant, auteur=auteur)
    date, contrat, periode, taches = _contenu_check(apprenant=entree.apprenant, date=date, allowed=allowed,
                                                    tache_ids=tache_ids)
    preparees = preuves_prepare(fichiers)
    stored = _Stored()
    try:
        with transaction.atomic():
            locked = _locked(entree)
            courante = locked.version_courante
            same = (courante.date == date and courante.texte == texte and courante.duree_minutes == duree
                    and set(courante.tache_links.values_list("tache_id", flat=True)) == set(taches))
            if same and not preparees:
                raise ValidationError("Rien n'a changé : aucune nouvelle version n'a été enregistrée.")
            now = timezone.now()
            version = _version_add(entree=locked, numero=courante.numero + 1, date=date, texte=texte, duree=duree,
                                   taches=taches, auteur=auteur, at=now)
            _preuves_store(entree=locked, version=version, preparees=preparees, auteur=auteur, at=now,
                           stored=stored)
            locked.version_courante, locked.date, locked.contrat, locked.periode = version, date, contrat, periode
            locked.statut = EntreeJournal.Statut.A_VALIDER
            locked.save(update_fields=["version_courante", "date", "contrat", "periode", "statut"])
    except BaseException:
        stored.remove_all()
        raise
    entree.version_courante, entree.date, entree.contrat, entree.periode = version, date, contrat, periode
    entree.statut = EntreeJournal.Statut.A_VALIDER
    return version


# --- Opinions ---------------------------------------------------------------------------------------------------

def _tuteur_check(entree: EntreeJournal, user) -> None:
    if not (user.has_role(Role.TUTEUR) and _is_tuteur(user, entree.contrat)):
        raise ValidationError("Seul le tuteur de l'apprenti valide ou renvoie les entrées de son journal.")


def _lock_current(entree: EntreeJournal, version_id) -> EntreeJournal:
    """The entry, locked, with the version the person had under their eyes still the current one."""
    locked = _locked(entree)
    if version_id not in (None, "") and str(version_id) != str(locked.version_courante_id):
        raise ValidationError(f"L'entrée a été modifiée depuis que vous l'avez ouverte (version "
                              f"{locked.version_courante.numero}) : relisez-la avant de donner votre avis.")
    return locked


def _apply(entree: EntreeJournal, locked: EntreeJournal, avis: EntreeAvis, statut: str | None) -> EntreeAvis:
    if statut is not None:
        locked.statut = entree.statut = statut
        locked.save(update_fields=["statut"])
    return avis


def _validee(locked: EntreeJournal) -> bool:
    return EntreeAvis.objects.filter(version_id=locked.version_courante_id,
                                     action=EntreeAvis.Action.VALIDATION).exists()


@transaction.atomic
def entree_validate(*, entree: EntreeJournal, auteur, version_id: int | None = None) -> EntreeAvis:
    """The tutor validates the current version, in one action. A version is validated once."""
    abonnement_ecriture_check(connection.tenant)
    _tuteur_check(entree, auteur)
    locked = _lock_current(entree, version_id)
    if _validee(locked):
        raise ValidationError("Cette version de l'entrée est déjà validée.")
    avis = EntreeAvis.objects.create(entree=locked, version_id=locked.version_courante_id,
                                     action=EntreeAvis.Action.VALIDATION, auteur=auteur, role=Role.TUTEUR,
                                     at=timezone.now())
    return _apply(entree, locked, avis, EntreeJournal.Statut.VALIDEE)


@transaction.atomic
def entree_a_revoir(*, entree: EntreeJournal, auteur, commentaire: str, version_id: int | None = None) -> EntreeAvis:
    """The tutor sends the entry back to the learner, saying what to change."""
    abonnement_ecriture_check(connection.tenant)
    _tuteur_check(entree, auteur)
    commentaire = (commentaire or "").strip()
    if not commentaire:
        raise ValidationError("Dites ce qui est à revoir : l'apprenant lira votre commentaire.")
    locked = _lock_current(entree, version_id)
    if _validee(locked):
        raise ValidationError("Cette version est déjà validée : une modification de l'apprenant créera une "
                              "nouvelle version à relire.")
    avis = EntreeAvis.objects.create(entree=locked, version_id=locked.version_courante_id,
                                     action=EntreeAvis.Action.A_REVOIR, commentaire=commentaire[:TEXTE_MAX],
                                     auteur=auteur, role=Role.TUTEUR, at=timezone.now())
    return _apply(entree, locked, avis, EntreeJournal.Statut.A_REVOIR)


def entree_comment_role(entree: EntreeJournal, user) -> str | None:
    """The role in which `user` may comment the entry: formateur of one of the learner's classes, or tutor of
    its contract; None otherwise."""
    if user.has_role(Role.FORMATEUR) and Inscription.objects.filter(apprenant_id=entree.apprenant_id,
                                                                    classe__formateurs=user).exists():
        return Role.FORMATEUR
    if user.has_role(Role.TUTEUR) and _is_tuteur(user, entree.contrat):
        return Role.TUTEUR
    return None


@transaction.atomic
def entree_comment(*, entree: EntreeJournal, auteur, commentaire: str) -> EntreeAvis:
    """A comment on the current version; the status does not change. A formateur's comment stays on the centre's
    side (the tutor does not see it)."""
    abonnement_ecriture_check(connection.tenant)
    role = entree_comment_role(entree, auteur)
    if role is None:
        raise ValidationError("Seuls les formateurs des classes de l'apprenant et son tuteur commentent son journal.")
    commentaire = (commentaire or "").strip()
    if not commentaire:
        raise ValidationError("Écrivez votre commentaire.")
    locked = _lock_current(entree, None)
    return EntreeAvis.objects.create(entree=locked, version_id=locked.version_courante_id,
                                     action=EntreeAvis.Action.COMMENTAIRE, commentaire=commentaire[:TEXTE_MAX],
                                     auteur=auteur, role=role, at=timezone.now())
