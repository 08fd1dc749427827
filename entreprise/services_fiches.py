"""Writes on the fiches activités of a company period: the formateur prepares the classe's fiche (expected RAP
tasks, criteria to evaluate) and adjusts it for one learner; the learner writes their report and ticks the tasks
done; the formateur checks the report.

Every refusal is a French ValidationError (its code starts with the form field at fault) and writes nothing.
"""

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.audit import audit_record
from accounts.roles import Role
from referentiels.models import Critere, Tache
from scolarite.models import Apprenant, Inscription
from tenants.access import abonnement_ecriture_check

from .models import Periode
from .models_fiches import FicheActivites, FicheCritere, FicheRealisation, FicheRealisationTache, FicheTache

TITRE_MAX = 200
TEXTE_MAX = 5000


# --- Checks -----------------------------------------------------------------------------------------------------

def peut_preparer(user, classe) -> bool:
    """Direction, or a formateur of the classe."""
    if user is None or not getattr(user, "pk", None):
        return False
    if user.has_role(Role.DIRECTION):
        return True
    return user.has_role(Role.FORMATEUR) and classe.formateurs.filter(pk=user.pk).exists()


def _preparer_check(actor, periode: Periode) -> None:
    if not peut_preparer(actor, periode.classe):
        raise ValidationError("Seuls la direction et les formateurs de la classe préparent et vérifient ses fiches "
                              "activités.", code="actor_forbidden")


def _periode_check(periode: Periode) -> None:
    if periode.lieu != Periode.Lieu.ENTREPRISE:
        raise ValidationError("Une fiche activités se prépare pour une période en entreprise, pas pour une période "
                              "au centre.", code="periode_centre")


def _ids(values, label: str, code: str) -> list[int]:
    try:
        return list(dict.fromkeys(int(pk) for pk in values or ()))
    except (TypeError, ValueError):
        raise ValidationError(f"Identifiant de {label} invalide.", code=code) from None


def _liaison_clean(periode: Periode, tache_ids, critere_ids) -> tuple[list[int], list[int]]:
    """Tasks and criteria of the classe's référentiel, in the référentiel's order; at least one of them."""
    tache_ids = _ids(tache_ids, "tâche", "taches_invalid")
    critere_ids = _ids(critere_ids, "critère", "criteres_invalid")
    if not tache_ids and not critere_ids:
        raise ValidationError("Choisissez au moins une tâche attendue ou un critère à évaluer.", code="taches_required")
    referentiel_id = periode.classe.formation.referentiel_id
    taches = list(Tache.objects.filter(referentiel_id=referentiel_id, pk__in=tache_ids)
                  .order_by("activite__pole__rang", "activite__rang", "rang").values_list("pk", flat=True))
    if len(taches) != len(tache_ids):
        raise ValidationError("Certaines tâches choisies n'appartiennent pas au référentiel de la classe : rien n'a "
                              "été enregistré.", code="taches_referentiel")
    criteres = list(Critere.objects.filter(referentiel_id=referentiel_id, pk__in=critere_ids)
                    .order_by("competence__rang", "rang").values_list("pk", flat=True))
    if len(criteres) != len(critere_ids):
        raise ValidationError("Certains critères choisis n'appartiennent pas au référentiel de la classe : rien n'a "
                              "été enregistré.", code="criteres_referentiel")
    return taches, criteres


def _texte(value: str, *, label: str, code: str, maximum: int = TEXTE_MAX) -> str:
    value = (value or "").strip()
    if len(value) > maximum:
        raise ValidationError(f"{label} : {maximum} caractères au plus.", code=code)
    return value


def _inscrit(apprenant: Apprenant, periode: Periode) -> bool:
    """Enrolled in the period's classe on at least one day of the period."""
    return Inscription.objects.filter(Q(fin__isnull=True) | Q(fin__gte=periode.debut), apprenant=apprenant,
                                      classe_id=periode.classe_id, debut__lte=periode.fin).exists()


def _ticked_outside(fiche: FicheActivites, taches: list[int], apprenant: Apprenant | None = None) -> None:
    """A task a learner already ticked in their report on `fiche` cannot leave it (their report would lose it)."""
    done = FicheRealisationTache.objects.filter(realisation__fiche=fiche).exclude(tache_id__in=taches)
    if apprenant is not None:
        done = done.filter(realisation__apprenant=apprenant)
    first = done.select_related("tache", "realisation__apprenant").first()
    if first is not None:
        raise ValidationError(
            f"La tâche {first.tache.code} est déjà cochée par {first.realisation.apprenant} dans son compte rendu : "
            "elle reste dans la fiche.", code="taches_cochees")


def _links_set(fiche: FicheActivites, taches: list[int], criteres: list[int]) -> None:
    fiche.tache_links.all().delete()
    fiche.critere_links.all().delete()
    FicheTache.objects.bulk_create([FicheTache(fiche=fiche, tache_id=pk, rang=rang)
                                    for rang, pk in enumerate(taches, start=1)])
    FicheCritere.objects.bulk_create([FicheCritere(fiche=fiche, critere_id=pk, rang=rang)
                                      for rang, pk in enumerate(criteres, start=1)])


# --- Selector used by the writes ------------------------------------------------------------------------------------

def fiche_for(apprenant: Apprenant, periode: Periode) -> FicheActivites | None:
    """The fiche that applies to the learner for the period: their own adjusted copy, else the classe's."""
    fiches = FicheActivites.objects.filter(Q(apprenant=apprenant) | Q(apprenant__isnull=True), periode=periode)
    return fiches.order_by("apprenant_id").first()  # NULLS LAST: the learner's copy first


# --- The formateur's side -------------------------------------------------------------------------------------------

@transaction.atomic
def fiche_prepare(*, periode: Periode, titre: str, consignes: str = "", tache_ids=(), critere_ids=(),
                  actor) -> FicheActivites:
    """Create or replace the classe's fiche of a company period. Learners' adjusted copies are left as they are."""
    abonnement_ecriture_check(connection.tenant)
    _periode_check(periode)
    _preparer_check(actor, periode)
    titre = _texte(titre, label="Titre", code="titre_length", maximum=TITRE_MAX)
    if not titre:
        raise ValidationError("Donnez un titre à la fiche.", code="titre_required")
    consignes = _texte(consignes, label="Consignes", code="consignes_length")
    taches, criteres = _liaison_clean(periode, tache_ids, critere_ids)
    fiche = (FicheActivites.objects.select_for_update()
             .filter(periode=periode, apprenant__isnull=True).first())
    created = fiche is None
    if created:
        fiche = FicheActivites.objects.create(periode=periode, titre=titre, consignes=consignes, created_by=actor,
                                              updated_by=actor)
    else:
        _ticked_outside(fiche, taches)
        fiche.titre, fiche.consignes, fiche.updated_by = titre, consignes, actor
        fiche.save(update_fields=["titre", "consignes", "updated_by", "updated_at"])
    _links_set(fiche, taches, criteres)
    audit_record(actor=actor, action="fiche_prepare", target=f"fiche_activites:{fiche.pk}",
                 details={"periode": periode.pk, "taches": len(taches), "criteres": len(criteres),
                          "nouvelle": created})
    return fiche


@transaction.atomic
def fiche_adjust_for(*, fiche: FicheActivites, apprenant: Apprenant, tache_ids=(), critere_ids=(), actor,
                     titre: str | None = None, consignes: str | None = None) -> FicheActivites:
    """Create or update the learner's own copy of the period's fiche; it then wins over the classe's fiche for
    them. A report they had begun on the classe's fiche moves to their copy (tasks they ticked stay in it)."""
    abonnement_ecriture_check(connection.tenant)
    periode = fiche.periode
    _periode_check(periode)
    _preparer_check(actor, periode)
    if not _inscrit(apprenant, periode):
        raise ValidationError(f"{apprenant} n'est pas inscrit·e dans la classe {periode.classe.code} pendant cette "
                              "période.", code="apprenant_classe")
    taches, criteres = _liaison_clean(periode, tache_ids, critere_ids)
    copie = (FicheActivites.objects.select_for_update()
             .filter(periode=periode, apprenant=apprenant).first())
    base = fiche if fiche.apprenant_id is None else (
        FicheActivites.objects.filter(periode=periode, apprenant__isnull=True).first() or fiche)
    titre = _texte(titre if titre is not None else (copie or base).titre, label="Titre", code="titre_length",
                   maximum=TITRE_MAX) or base.titre
    consignes = _texte(consignes if consignes is not None else (copie or base).consignes, label="Consignes",
                       code="consignes_length")
    created = copie is None
    if created:
        ancienne = FicheRealisation.objects.filter(fiche__periode=periode, fiche__apprenant__isnull=True,
                                                   apprenant=apprenant).first()
        if ancienne is not None:
            _ticked_outside(ancienne.fiche, taches, apprenant)
        copie = FicheActivites.objects.create(periode=periode, apprenant=apprenant, titre=titre, consignes=consignes,
                                              created_by=actor, updated_by=actor)
        if ancienne is not None:
            ancienne.fiche = copie
            ancienne.save(update_fields=["fiche", "updated_at"])
    else:
        _ticked_outside(copie, taches)
        copie.titre, copie.consignes, copie.updated_by = titre, consignes, actor
        copie.save(update_fields=["titre", "consignes", "updated_by", "updated_at"])
    _links_set(copie, taches, criteres)
    audit_record(actor=actor, action="fiche_adjust", target=f"fiche_activites:{copie.pk}",
                 details={"periode": periode.pk, "apprenant": apprenant.pk, "taches": len(taches),
                          "criteres": len(criteres), "nouvelle": created})
    return copie


# --- The learner's report -----------------------------------------------------------------------------------------

@transaction.atomic
def realisation_save(*, fiche: FicheActivites, apprenant: Apprenant, compte_rendu: str, taches_realisees=(),
                     rendre: bool = False, actor) -> FicheRealisation:
    """The learner writes what they did and ticks the expected tasks done; `rendre` sends it to the formateur.
    Changeable (even once sent) until the formateur has checked it."""
    abonnement_ecriture_check(connection.tenant)
    if actor is None or apprenant.user_id is None or apprenant.user_id != actor.pk:
        raise ValidationError("Seul l'apprenant écrit le compte rendu de sa fiche activités.", code="actor_forbidden")
    periode = fiche.periode
    if fiche.apprenant_id not in (None, apprenant.pk) or not _inscrit(apprenant, periode):
        raise ValidationError("Cette fiche n'est pas la vôtre.", code="fiche_forbidden")
    effective = fiche_for(apprenant, periode)
    if effective is None or effective.pk != fiche.pk:
        raise ValidationError("Votre formateur a ajusté votre fiche : rechargez la page pour voir la vôtre.",
                              code="fiche_remplacee")
    compte_rendu = _texte(compte_rendu, label="Compte rendu", code="compte_rendu_length")
    taches = _ids(taches_realisees, "tâche", "taches_invalid")
    attendues = set(fiche.tache_links.values_list("tache_id", flat=True))
    if not set(taches) <= attendues:
        raise ValidationError("Vous ne pouvez cocher que les tâches attendues par votre fiche : rien n'a été "
                              "enregistré.", code="taches_hors_fiche")
    if rendre:
        if not compte_rendu:
            raise ValidationError("Racontez ce que vous avez fait avant d'envoyer votre compte rendu.",
                                  code="compte_rendu_required")
        if timezone.localdate() < periode.debut:
            raise ValidationError(f"La période commence le {periode.debut:%d/%m/%Y} : vous enverrez votre compte rendu "
                                  "une fois en entreprise.", code="compte_rendu_trop_tot")
    realisation, created = (FicheRealisation.objects.select_for_update()
                            .get_or_create(fiche=fiche, apprenant=apprenant, defaults={"updated_by": actor}))
    if realisation.statut == FicheRealisation.Statut.VUE:
        raise ValidationError("Votre formateur a déjà vérifié ce compte rendu : il ne se modifie plus.",
                              code="compte_rendu_vue")
    realisation.compte_rendu, realisation.updated_by = compte_rendu, actor
    fields = ["compte_rendu", "updated_by", "updated_at"]
    if rendre:
        realisation.statut, realisation.rendue_le = FicheRealisation.Statut.RENDUE, timezone.now()
        fields += ["statut", "rendue_le"]
    realisation.save(update_fields=fields)
    realisation.tache_links.exclude(tache_id__in=taches).delete()
    have = set(realisation.tache_links.values_list("tache_id", flat=True))
    FicheRealisationTache.objects.bulk_create([FicheRealisationTache(realisation=realisation, tache_id=pk)
                                               for pk in taches if pk not in have])
    audit_record(actor=actor, action="fiche_realisation_save", target=f"fiche_realisation:{realisation.pk}",
                 details={"fiche": fiche.pk, "taches": len(taches), "rendue": bool(rendre), "nouvelle": created})
    return realisation


@transaction.atomic
def realisation_check(*, realisation: FicheRealisation, remarque: str = "", actor) -> FicheRealisation:
    """The formateur (or the direction) has read the report sent, with a remark for the learner (centre side: the
    tutor does not see it). Once checked, the report no longer changes."""
    abonnement_ecriture_check(connection.tenant)
    locked = FicheRealisation.objects.select_for_update().select_related("fiche__periode__classe").get(
        pk=realisation.pk)
    _preparer_check(actor, locked.fiche.periode)
    remarque = _texte(remarque, label="Remarque", code="remarque_length")
    if locked.statut == FicheRealisation.Statut.BROUILLON:
        raise ValidationError("L'apprenant n'a pas encore envoyé son compte rendu.", code="remarque_brouillon")
    if locked.statut == FicheRealisation.Statut.VUE:
        raise ValidationError("Ce compte rendu est déjà vérifié.", code="remarque_deja_vue")
    locked.statut, locked.remarque, locked.vue_par, locked.vue_le = (FicheRealisation.Statut.VUE, remarque, actor,
                                                                     timezone.now())
    locked.save(update_fields=["statut", "remarque", "vue_par", "vue_le", "updated_at"])
    audit_record(actor=actor, action="fiche_realisation_check", target=f"fiche_realisation:{locked.pk}",
                 details={"apprenant": locked.apprenant_id})
    for name in ("statut", "remarque", "vue_par", "vue_le"):
        setattr(realisation, name, getattr(locked, name))
    return realisation


# --- Cutting a period ---------------------------------------------------------------------------------------------

def fiches_after_cut(first: Periode, second: Periode) -> int:
    """Called by `periode_couper` once the second half exists, inside its transaction. Fiches have no date, so
    `periode_couper` leaves them (and the reports written on them) on the first half; this copies each fiche of
    the first half (the classe's and the learners' adjusted copies, with their tasks and criteria) onto the
    second half, so both halves expect the same work until the formateur adjusts one. Reports are not copied:
    they tell what was done during the first half. Returns the number of fiches copied."""
    have = set(FicheActivites.objects.filter(periode=second).values_list("apprenant_id", flat=True))
    fiches = list(FicheActivites.objects.filter(periode=first).prefetch_related("tache_links", "critere_links"))
    copied = 0
    for fiche in fiches:
        if fiche.apprenant_id in have:
            continue
        copie = FicheActivites.objects.create(periode=second, apprenant_id=fiche.apprenant_id, titre=fiche.titre,
                                              consignes=fiche.consignes, created_by_id=fiche.created_by_id,
                                              updated_by_id=fiche.updated_by_id)
        FicheTache.objects.bulk_create([FicheTache(fiche=copie, tache_id=link.tache_id, rang=link.rang)
                                        for link in fiche.tache_links.all()])
        FicheCritere.objects.bulk_create([FicheCritere(fiche=copie, critere_id=link.critere_id, rang=link.rang)
                                          for link in fiche.critere_links.all()])
        copied += 1
    return copied
