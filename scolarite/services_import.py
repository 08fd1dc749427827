"""Imports of learners, classes, companies and contracts: a preview that writes nothing but the uploaded file and
its report, then, on confirmation, the writes, all or nothing. Run inside the establishment's schema.

The plan is built again when the import is applied: the data may have changed since the preview.
"""

import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from entreprise.services import contrat_create, entreprise_create, entreprise_update, tuteur_create, tuteur_update
from tenants.annees import annee_scolaire_label

from .imports.lecture import source_read
from .imports.plan import ACTION_LABELS, CREE, MODIFIE, Plan, plan_build
from .models import Classe, ImportFichier
from .services import apprenant_create, apprenant_update, classe_create, formation_create, inscription_open


def _plan(contenu: bytes, nom_fichier: str, referentiel_defaut: str = "") -> tuple[Plan, dict]:
    source = source_read(contenu, nom_fichier)
    plan = plan_build(source, referentiel_defaut=referentiel_defaut)
    return plan, {"encodage": source.encodage, "separateur": source.separateur}


def plan_rapport(plan: Plan, *, encodage: str = "", separateur: str = "", referentiel_defaut: str = "") -> dict:
    """The plan as JSON: what the preview page and the command show, without reading the file again."""
    return {
        "format": plan.format,
        "encodage": encodage,
        "separateur": separateur,
        "annee_scolaire": plan.annee_scolaire,
        "annee_label": annee_scolaire_label(plan.annee_scolaire),
        "erreurs": plan.erreurs,
        "notes": plan.notes,
        "options": {"referentiel_defaut": referentiel_defaut},
        "compte": plan.compte(),
        "classes": [{"code": c.code, "annee": annee_scolaire_label(c.annee), "action": c.action,
                     "formation": c.existing.formation.intitule if c.existing else c.formation.intitule}
                    for c in plan.classes.values()],
        "lignes": [{"n": ligne.numero, "ref": ligne.ref, "libelle": ligne.libelle, "classe": ligne.classe_code,
                    "statut": ligne.statut, "actions": ligne.actions, "champs": sorted(ligne.apprenant_fields)
                    if ligne.apprenant is not None else [], "raisons": ligne.raisons, "alertes": ligne.alertes}
                   for ligne in plan.lignes],
    }


def import_preview(*, contenu: bytes, nom_fichier: str, user, referentiel_defaut: str = "") -> ImportFichier:
    """Read and plan the file; store it with its report. Nothing else is written.

    `referentiel_defaut` is the référentiel of the classes to create when the rows do not say (SIECLE gives a
    MEF code, not a référentiel)."""
    plan, meta = _plan(contenu, nom_fichier, referentiel_defaut)
    return ImportFichier.objects.create(
        format=plan.format, nom_fichier=nom_fichier[:255], contenu=contenu,
        sha256=hashlib.sha256(contenu).hexdigest(), cree_par=user if getattr(user, "pk", None) else None,
        rapport=plan_rapport(plan, referentiel_defaut=referentiel_defaut, **meta),
    )


SYNC_MAX_ROWS = 200  # beyond, the browser hands the writes to a Celery task (about 30 ms a row)
WAITING = (ImportFichier.Statut.APERCU, ImportFichier.Statut.EN_COURS)


def import_rows_to_write(import_fichier: ImportFichier) -> int:
    compte = import_fichier.rapport.get("compte", {}).get("lignes", {})
    return compte.get(CREE, 0) + compte.get(MODIFIE, 0)


def import_schedule(*, import_fichier: ImportFichier, actor, skip_rejected: bool = False) -> ImportFichier:
    """Mark the import as being written and hand `import_apply` to a Celery task once this transaction commits
    (without Redis the task runs at once, in the process)."""
    from .tasks import import_apply_task

    with transaction.atomic():
        import_fichier = ImportFichier.objects.select_for_update().get(pk=import_fichier.pk)
        if import_fichier.statut != ImportFichier.Statut.APERCU:
            raise ValidationError(f"Cet import est déjà {import_fichier.get_statut_display().lower()}.")
        import_fichier.statut = ImportFichier.Statut.EN_COURS
        import_fichier.rapport.pop("echec", None)
        import_fichier.save(update_fields=["statut", "rapport"])
        actor_id = getattr(actor, "pk", None)
        transaction.on_commit(lambda: import_apply_task.delay(import_fichier.pk, actor_id, skip_rejected))
    return import_fichier


def import_failed(*, import_fichier: ImportFichier, message: str) -> None:
    """A background write refused: nothing was written, the preview is back with the reason."""
    with transaction.atomic():
        import_fichier = ImportFichier.objects.select_for_update().get(pk=import_fichier.pk)
        if import_fichier.statut == ImportFichier.Statut.EN_COURS:
            import_fichier.statut = ImportFichier.Statut.APERCU
            import_fichier.rapport["echec"] = message
            import_fichier.save(update_fields=["statut", "rapport"])


def import_apply(*, import_fichier: ImportFichier, actor, skip_rejected: bool = False) -> ImportFichier:
    """Plan the stored file again against the current data and write it, all or nothing. Rejected rows refuse the
    whole import unless `skip_rejected`: then only the valid rows are written."""
    with transaction.atomic():
        import_fichier = ImportFichier.objects.select_for_update().get(pk=import_fichier.pk)
        if import_fichier.statut not in WAITING:
            raise ValidationError(f"Cet import est déjà {import_fichier.get_statut_display().lower()} : déposez le "
                                  "fichier à nouveau pour un nouvel aperçu.")
        options = import_fichier.rapport.get("options", {})
        plan, meta = _plan(bytes(import_fichier.contenu), import_fichier.nom_fichier,
                           options.get("referentiel_defaut", ""))
        rapport = plan_rapport(plan, **meta, **options)
        if plan.erreurs:
            raise ValidationError(plan.erreurs)
        rejetees = plan.rejetees
        if rejetees and not skip_rejected:
            raise ValidationError(f"{len(rejetees)} ligne{'s' if len(rejetees) > 1 else ''} rejetée"
                                  f"{'s' if len(rejetees) > 1 else ''} : corrigez le fichier, ou importez "
                                  "seulement les lignes valides.")
        rapport["alertes"] = _write(plan, actor)
        rapport["lignes_ignorees"] = len(rejetees)
        import_fichier.rapport = rapport
        import_fichier.statut = ImportFichier.Statut.APPLIQUE
        import_fichier.applique_le = timezone.now()
        import_fichier.save(update_fields=["rapport", "statut", "applique_le"])
        audit_record(actor=actor, action="import_apply", target=import_fichier.nom_fichier,
                     details={"compte": rapport["compte"], "lignes_rejetees_ignorees": len(rejetees)})
    return import_fichier


@transaction.atomic
def import_abandon(*, import_fichier: ImportFichier, actor) -> ImportFichier:
    # The lock waits for a write in progress, which then wins.
    import_fichier = ImportFichier.objects.select_for_update().get(pk=import_fichier.pk)
    if import_fichier.statut not in WAITING:
        raise ValidationError(f"Cet import est déjà {import_fichier.get_statut_display().lower()}.")
    import_fichier.statut = ImportFichier.Statut.ABANDONNE
    import_fichier.save(update_fields=["statut"])
    audit_record(actor=actor, action="import_abandon", target=import_fichier.nom_fichier)
    return import_fichier


def _write(plan: Plan, actor) -> list[str]:
    """The writes of the accepted rows, through the domain services; returns their warnings."""
    made: dict[int, object] = {}  # id(plan entry) -> model instance
    alertes = []
    for formation in plan.formations.values():
        made[id(formation)] = formation.existing or formation_create(
            referentiel=formation.referentiel, intitule=formation.intitule, actor=actor)
    for classe in plan.classes.values():
        made[id(classe)] = classe.existing or classe_create(
            formation=made[id(classe.formation)], annee_scolaire=classe.annee, code=classe.code,
            intitule=classe.intitule, annee_cycle=Classe.annee_cycle_guess(classe.code), actor=actor)
    for entreprise in plan.entreprises.values():
        if entreprise.existing is None:
            made[id(entreprise)] = entreprise_create(actor=actor, **entreprise.fields)
        else:
            if entreprise.changes:
                entreprise_update(entreprise=entreprise.existing, actor=actor, **entreprise.changes)
            made[id(entreprise)] = entreprise.existing
    for tuteur in plan.tuteurs.values():
        if tuteur.existing is None:
            made[id(tuteur)] = tuteur_create(entreprise=made[id(tuteur.entreprise)], actor=actor, **tuteur.fields)
        else:
            if tuteur.changes:
                tuteur_update(tuteur=tuteur.existing, actor=actor, **tuteur.changes)
            made[id(tuteur)] = tuteur.existing
    for ligne in plan.acceptees:
        try:
            apprenant = ligne.apprenant
            if apprenant is None:
                apprenant = apprenant_create(actor=actor, **ligne.apprenant_fields)
            elif ligne.apprenant_fields:
                apprenant_update(apprenant=apprenant, actor=actor, **ligne.apprenant_fields)
            if ligne.inscription is not None:
                inscription_open(apprenant=apprenant, classe=made[id(ligne.classe)], actor=actor,
                                 **ligne.inscription)
            if ligne.contrat is not None:
                tuteurs = [made[id(ligne.tuteur)]] if ligne.tuteur else []
                result = contrat_create(apprenant=apprenant, entreprise=made[id(ligne.entreprise)], tuteurs=tuteurs,
                                        actor=actor, **ligne.contrat)
                # The service's count of the tuteur's apprentices is the authority once the contract exists.
                alertes += [f"{ligne.ref} : {warning}" for warning in result.warnings]
            else:
                alertes += [f"{ligne.ref} : {alerte}" for alerte in ligne.alertes]
        except ValidationError as error:  # the data changed under the plan: nothing is kept
            raise ValidationError(f"{ligne.ref} ({ligne.libelle}) : {' '.join(error.messages)} Rien n'a été "
                                  "importé.") from error
    return alertes


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)
