"""Writes on scénarios pédagogiques, their resources and the situations that run them.

Only the author and the co-authors change a scenario; colleagues read a shared one and may duplicate it.
Criteria and tasks come from the scenario's référentiel only: anything else is refused and nothing is written.
"""

import datetime
import zipfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils.text import get_valid_filename

from accounts.audit import audit_record
from referentiels.models import Critere, Tache
from scolarite.models import Inscription
from tenants.access import abonnement_ecriture_check

from .models import Ressource, Scenario, ScenarioCritere, ScenarioTache, Situation

CONTEXTE_FIELDS = ("description", "cadre_professionnel", "problematique", "missions", "equipements", "logiciels",
                   "liens", "espace_formation")


def scenario_can_write(scenario: Scenario, user) -> bool:
    return scenario.auteur_id == user.pk or scenario.co_auteurs.filter(pk=user.pk).exists()


def _writer_check(scenario: Scenario, actor) -> None:
    if not scenario_can_write(scenario, actor):
        raise ValidationError("Seuls l'auteur et les co-auteurs du scénario peuvent le modifier.")


def _titre_clean(titre: str) -> str:
    titre = (titre or "").strip()
    if not titre:
        raise ValidationError("Le scénario a besoin d'un titre.")
    if len(titre) > 200:
        raise ValidationError("Le titre ne dépasse pas 200 caractères.")
    return titre


def _contexte_clean(contexte: dict) -> dict:
    unknown = set(contexte) - set(CONTEXTE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    return {name: (value or "").strip() for name, value in contexte.items()}


def _co_auteurs_set(scenario: Scenario, co_auteurs) -> None:
    scenario.co_auteurs.set([user for user in co_auteurs if user.pk != scenario.auteur_id])


@transaction.atomic
def scenario_create(*, auteur, referentiel, titre: str, critere_ids=(), tache_ids=(), co_intervention: bool = False,
                    co_auteurs=(), **contexte) -> Scenario:
    scenario = Scenario.objects.create(titre=_titre_clean(titre), co_intervention=co_intervention, auteur=auteur,
                                       referentiel=referentiel, **_contexte_clean(contexte))
    _co_auteurs_set(scenario, co_auteurs)
    if critere_ids or tache_ids:
        scenario_liaison_set(scenario=scenario, critere_ids=critere_ids, tache_ids=tache_ids, actor=auteur)
    audit_record(actor=auteur, action="scenario.create", target=f"scenario:{scenario.pk}")
    return scenario


@transaction.atomic
def scenario_update(*, scenario: Scenario, actor, titre: str | None = None, co_intervention: bool | None = None,
                    co_auteurs=None, **contexte) -> Scenario:
    """Title and context parts; arguments left to None keep their value. The référentiel never changes: the
    criteria chosen and the situations run point into it."""
    _writer_check(scenario, actor)
    if titre is not None:
        scenario.titre = _titre_clean(titre)
    if co_intervention is not None:
        scenario.co_intervention = co_intervention
    for name, value in _contexte_clean(contexte).items():
        setattr(scenario, name, value)
    scenario.save()
    if co_auteurs is not None:
        _co_auteurs_set(scenario, co_auteurs)
    return scenario


def _ids(values, what: str) -> list[int]:
    try:
        ids = [int(value) for value in values]
    except (TypeError, ValueError):
        raise ValidationError(f"Identifiant de {what} invalide.") from None
    return list(dict.fromkeys(ids))


@transaction.atomic
def scenario_liaison_set(*, scenario: Scenario, critere_ids, tache_ids, indicateurs: dict[int, str] | None = None,
                         actor) -> Scenario:
    """The tasks and criteria targeted, with local success indicators per criterion. Replaces the former choice;
    criteria are ranked in the référentiel's order."""
    _writer_check(scenario, actor)
    critere_ids, tache_ids = _ids(critere_ids, "critère"), _ids(tache_ids, "tâche")
    criteres = list(Critere.objects.filter(referentiel_id=scenario.referentiel_id, pk__in=critere_ids)
                    .order_by("competence__rang", "rang").values_list("pk", flat=True))
    taches = set(Tache.objects.filter(referentiel_id=scenario.referentiel_id, pk__in=tache_ids)
                 .values_list("pk", flat=True))
    if len(criteres) != len(critere_ids):
        raise ValidationError("Certains critères choisis n'appartiennent pas au référentiel du scénario : "
                              "rien n'a été enregistré.")
    if len(taches) != len(tache_ids):
        raise ValidationError("Certaines tâches choisies n'appartiennent pas au référentiel du scénario : "
                              "rien n'a été enregistré.")
    indicateurs = {int(key): (text or "").strip() for key, text in (indicateurs or {}).items()}
    scenario.critere_links.exclude(critere_id__in=criteres).delete()
    existing = {link.critere_id: link for link in scenario.critere_links.all()}
    for rang, critere_id in enumerate(criteres, start=1):
        link = existing.get(critere_id) or ScenarioCritere(scenario=scenario, critere_id=critere_id)
        link.rang = rang
        if critere_id in indicateurs or link.pk is None:
            link.indicateurs_reussite = indicateurs.get(critere_id, "")
        link.save()
    scenario.tache_links.exclude(tache_id__in=taches).delete()
    have = set(scenario.tache_links.values_list("tache_id", flat=True))
    ScenarioTache.objects.bulk_create([ScenarioTache(scenario=scenario, tache_id=pk) for pk in taches - have])
    scenario.save(update_fields=["updated_at"])
    return scenario


@transaction.atomic
def scenario_duplicate(*, scenario: Scenario, actor) -> Scenario:
    """A copy the actor owns: same context, tasks, criteria with their indicators, and resources (the files are
    copied, so removing one from either scenario leaves the other whole). Not shared, not archived."""
    copie = Scenario.objects.create(
        titre=f"{scenario.titre} (copie)"[:200], co_intervention=scenario.co_intervention, auteur=actor,
        referentiel_id=scenario.referentiel_id, copie_de=scenario,
        **{name: getattr(scenario, name) for name in CONTEXTE_FIELDS},
    )
    ScenarioTache.objects.bulk_create(ScenarioTache(scenario=copie, tache_id=link.tache_id)
                                      for link in scenario.tache_links.all())
    ScenarioCritere.objects.bulk_create(
        ScenarioCritere(scenario=copie, critere_id=link.critere_id, rang=link.rang,
                        indicateurs_reussite=link.indicateurs_reussite) for link in scenario.critere_links.all())
    for ressource in scenario.ressources.all():
        try:
            with ressource.fichier.open("rb") as source:
                content = ContentFile(source.read())
        except FileNotFoundError:
            continue
        nouvelle = Ressource(scenario=copie, nom=ressource.nom, type_mime=ressource.type_mime,
                             taille=ressource.taille, ajoute_par=actor)
        nouvelle.fichier.save(ressource.nom, content, save=False)
        nouvelle.save()
    audit_record(actor=actor, action="scenario.duplicate", target=f"scenario:{copie.pk}",
                 details={"copie_de": scenario.pk})
    return copie


def scenario_share(*, scenario: Scenario, partage: bool, actor) -> Scenario:
    _writer_check(scenario, actor)
    scenario.partage = bool(partage)
    scenario.save(update_fields=["partage", "updated_at"])
    return scenario


def scenario_archive(*, scenario: Scenario, archive: bool, actor) -> Scenario:
    """An archived scenario leaves the lists (and colleagues' view) but keeps its situations and evaluations."""
    _writer_check(scenario, actor)
    scenario.archive = bool(archive)
    scenario.save(update_fields=["archive", "updated_at"])
    return scenario


# --- Resources: the extension says what the file claims to be, the content must agree ----------------------------

RESSOURCE_MAX_BYTES = 10 * 1024 * 1024
ODF = {"odt": "text", "ods": "spreadsheet", "odp": "presentation"}
OOXML = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}
TYPES = {
    "pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "txt": "text/plain",
    "zip": "application/zip",
    **{ext: f"application/vnd.oasis.opendocument.{kind}" for ext, kind in ODF.items()},
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
ACCEPTES = "PDF, images PNG ou JPEG, documents bureautiques (odt, ods, odp, docx, xlsx, pptx), texte (txt) ou zip"


def _zip_names(upload) -> list[str] | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def _content_matches(upload, ext: str) -> bool:
    upload.seek(0)
    head = upload.read(8192)
    if ext == "pdf":
        return head.startswith(b"%PDF-")
    if ext == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if ext in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if ext == "txt":
        return b"\x00" not in head
    names = _zip_names(upload)
    if names is None:
        return False
    if ext in ODF:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            return "mimetype" in names and archive.read("mimetype").strip().decode("ascii", "replace") == TYPES[ext]
    if ext in OOXML:
        return "[Content_Types].xml" in names and OOXML[ext] in names
    return True  # a readable zip


def upload_check(upload) -> tuple[str, str]:
    """(safe file name, MIME type) of an accepted upload, or a French ValidationError."""
    if upload is None:
        raise ValidationError("Choisissez un fichier.")
    nom = get_valid_filename(Path(upload.name or "").name)[:200] or "fichier"
    ext = nom.rsplit(".", 1)[-1].lower() if "." in nom else ""
    if ext not in TYPES:
        raise ValidationError(f"Type de fichier non accepté ({nom}) : {ACCEPTES}.")
    if upload.size > RESSOURCE_MAX_BYTES:
        raise ValidationError(f"Le fichier {nom} dépasse 10 Mo ({upload.size / 1024 / 1024:.1f} Mo).")
    if upload.size == 0:
        raise ValidationError(f"Le fichier {nom} est vide.")
    if not _content_matches(upload, ext):
        raise ValidationError(f"Le contenu de {nom} ne correspond pas à un fichier .{ext} : fichier refusé.")
    return nom, TYPES[ext]


def ressource_add(*, scenario: Scenario, upload, actor) -> Ressource:
    _writer_check(scenario, actor)
    nom, type_mime = upload_check(upload)
    ressource = Ressource(scenario=scenario, nom=nom, type_mime=type_mime, taille=upload.size, ajoute_par=actor)
    upload.seek(0)
    ressource.fichier.save(nom, upload, save=False)
    ressource.save()
    return ressource


def ressource_remove(*, ressource: Ressource, actor) -> None:
    _writer_check(ressource.scenario, actor)
    fichier = ressource.fichier
    ressource.delete()
    transaction.on_commit(lambda: fichier.delete(save=False))


# --- Situations -----------------------------------------------------------------------------------------------

@transaction.atomic
def situation_create(*, scenario: Scenario, classe, date: datetime.date, created_by, nature: str = "formative",
                     apprenants=(), epreuve=None, par_competence: bool = False) -> Situation:
    """Run a scenario with a classe (or chosen learners of it) on a date. Refused, with nothing written, when the
    subscription has lapsed, the classe follows another référentiel, a learner is not in the classe on that
    date, or a certificative situation has no épreuve of the référentiel."""
    abonnement_ecriture_check(connection.tenant)
    if scenario.archive:
        raise ValidationError("Ce scénario est archivé : désarchivez-le pour lancer une situation.")
    if not classe.formateurs.filter(pk=created_by.pk).exists():
        raise ValidationError("Vous n'êtes pas formateur de cette classe.")
    if classe.formation.referentiel_id != scenario.referentiel_id:
        raise ValidationError(f"La classe {classe.code} suit le référentiel {classe.formation.referentiel}, "
                              f"le scénario porte sur {scenario.referentiel} : choisissez une classe de ce "
                              "référentiel.")
    if not scenario.critere_links.exists():
        raise ValidationError("Choisissez d'abord les critères évalués (liaison avec le référentiel).")
    if nature not in Situation.Nature.values:
        raise ValidationError("Nature inconnue : formative ou certificative.")
    if date is None:
        raise ValidationError("Indiquez la date de la situation.")
    if epreuve is not None and epreuve.referentiel_id != scenario.referentiel_id:
        raise ValidationError("Cette épreuve n'appartient pas au référentiel du scénario.")
    if nature == Situation.Nature.CERTIFICATIVE and epreuve is None:
        raise ValidationError("Une situation certificative est rattachée à une épreuve : choisissez-la.")
    apprenants = list(apprenants)
    if apprenants:
        inscrits = set(Inscription.objects.filter(classe=classe, debut__lte=date)
                       .exclude(fin__lt=date).values_list("apprenant_id", flat=True))
        absents = [str(apprenant) for apprenant in apprenants if apprenant.pk not in inscrits]
        if absents:
            raise ValidationError(f"Pas inscrit en {classe.code} le {date:%d/%m/%Y} : {', '.join(absents)}.")
    situation = Situation.objects.create(scenario=scenario, classe=classe, date=date, nature=nature,
                                         epreuve=epreuve, par_competence=par_competence, created_by=created_by)
    situation.apprenants.set(apprenants)
    audit_record(actor=created_by, action="situation.create", target=f"situation:{situation.pk}",
                 details={"scenario": scenario.pk, "classe": classe.code})
    return situation
