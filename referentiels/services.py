"""Writes on the national catalogue. They must run on the public schema, where its tables are."""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django_tenants.utils import get_public_schema_name

from . import usage
from .exporting import referentiel_document
from .importing import (
    DocumentError,
    DocumentUnreadable,
    document_errors,
    document_normalize,
    document_parse,
    document_read,
)
from .models import (
    Activite,
    Bloc,
    BlocCompetence,
    Competence,
    CompetenceActivite,
    CompetenceTache,
    Critere,
    Epreuve,
    EpreuveCompetence,
    Pole,
    Referentiel,
    Tache,
)
from .planning import (
    KINDS,
    Action,
    ImportReport,
    PlanEntry,
    Rows,
    document_rows,
    plan_compute,
    plan_refuse,
    plan_warnings,
)
from .selectors import ReferentielTree, referentiel_tree

MODELS = {"pole": Pole, "activite": Activite, "tache": Tache, "competence": Competence, "critere": Critere,
          "bloc": Bloc, "epreuve": Epreuve}
FIELDS = {  # columns written from a row; parents are given by code in the row
    "pole": ("intitule", "rang"),
    "activite": ("pole", "intitule", "rang", "resultats_attendus"),
    "tache": ("activite", "intitule", "rang"),
    "competence": ("intitule", "rang", "commune"),
    "critere": ("competence", "intitule", "rang", "savoir_etre"),
    "bloc": ("intitule", "rang", "unite"),
    "epreuve": ("intitule", "rang", "unite", "coefficient", "modes"),
}
PARENTS = {"pole", "activite", "competence"}
LINKS = (  # (owner kind, row key, link model, owner field, target field = target kind)
    ("competence", "activites", CompetenceActivite, "competence", "activite"),
    ("competence", "taches", CompetenceTache, "competence", "tache"),
    ("bloc", "competences", BlocCompetence, "bloc", "competence"),
    ("epreuve", "competences", EpreuveCompetence, "epreuve", "competence"),
)
RANG_CONSTRAINTS = ", ".join(f"referentiel_{kind}_rang_unique" for kind in KINDS)


def referentiel_import(*, document: Any = None, path: str | Path | None = None,
                       dry_run: bool = False) -> ImportReport:
    """Import one référentiel version from a parsed `document` or a YAML/JSON file at `path`.

    Everything is checked before anything is written; then the plan (created, changed, unchanged, removed items) is
    written in one transaction, unless `dry_run`. An existing (code, version) is updated: items are matched by code,
    so they keep their uuid; items the file no longer has are removed, unless establishments' data references them
    (`usage.referenced_items`): then nothing at all is written. Errors and refusals are in the report, not raised.
    Must run on the public schema.
    """
    if connection.schema_name != get_public_schema_name():
        raise RuntimeError("referentiel_import must run on the public schema")
    if (document is None) == (path is None):
        raise TypeError("referentiel_import needs either a document or a path")
    report = ImportReport(source=str(path or ""), dry_run=dry_run)
    if path is not None:
        try:
            document = document_read(path)
        except DocumentUnreadable as error:
            report.errors = [DocumentError("", str(error))]
            return report
    report.errors = document_errors(document)
    if report.errors:
        return report
    normalized = document_normalize(document)
    report.code, report.version = normalized["referentiel"]["code"], normalized["referentiel"]["version"]
    new = document_rows(normalized)
    with transaction.atomic():
        # The row lock serialises two imports of one version; two first imports meet the unique constraint.
        existing = (Referentiel.objects.select_for_update()
                    .filter(code=report.code, version=report.version).first())
        tree = referentiel_tree(existing) if existing else None
        old = document_rows(referentiel_document(tree)) if tree else None
        entries = plan_compute(new=new, old=old)
        report.entries = plan_refuse(entries, _referenced(tree, entries))
        report.warnings = plan_warnings(new=new, old=old)
        report.referentiel = existing
        if dry_run or not report.ok or not report.has_changes:
            return report
        report.referentiel = _write(new=new, entries=report.entries, tree=tree, version=report.version)
        report.applied = True
    return report


def referentiel_import_text(*, name: str, text: str, dry_run: bool = False) -> ImportReport:
    """Import an uploaded file's text (the operator's browser import); `name` only tells JSON from YAML and
    labels the report."""
    try:
        document = document_parse(text, json_text=name.lower().endswith(".json"))
    except DocumentUnreadable as error:
        return ImportReport(source=name, errors=[DocumentError("", str(error))], dry_run=dry_run)
    report = referentiel_import(document=document, dry_run=dry_run)
    report.source = name
    return report


def _objects(tree: ReferentielTree | None) -> dict[str, dict[str, Any]]:
    if tree is None:
        return {kind: {} for kind in KINDS}
    items = {"pole": tree.poles, "activite": tree.activites(), "tache": tree.taches(),
             "competence": tree.competences, "critere": tree.criteres(), "bloc": tree.blocs,
             "epreuve": tree.epreuves}
    return {kind: {item.code: item for item in items[kind]} for kind in KINDS}


def _referenced(tree: ReferentielTree | None, entries: list[PlanEntry]) -> set[tuple[str, str]]:
    """(kind, code) of the items the plan removes that establishments' data references."""
    removed = [entry for entry in entries if entry.action == Action.REMOVED]
    if tree is None or not removed:
        return set()
    uuids = usage.referenced_items(tree.referentiel)
    objects = _objects(tree)
    return {(entry.kind, entry.code) for entry in removed if objects[entry.kind][entry.code].uuid in uuids}


def _write(*, new: Rows, entries: list[PlanEntry], tree: ReferentielTree | None, version: str) -> Referentiel:
    """Apply the plan: parents before children, links of the items whose links changed, removals last (children
    first). Caller holds the transaction and, for an existing référentiel, the lock on its row."""
    plan = {(entry.kind, entry.code): entry for entry in entries}
    (code, values), = new["referentiel"].items()
    if tree is None:
        referentiel = Referentiel.objects.create(code=code, version=version, **values)
    else:
        referentiel = tree.referentiel
        for name, value in values.items():
            setattr(referentiel, name, value)
        referentiel.save()  # even when only items changed: updated_at dates the CASE export
    objects = _objects(tree)
    for kind in KINDS:
        created, updated = [], []
        for item_code, row in new[kind].items():
            values = {name: objects[name][row[name]] if name in PARENTS else row[name] for name in FIELDS[kind]}
            item = objects[kind].get(item_code)
            if item is None:
                item = objects[kind][item_code] = MODELS[kind](referentiel=referentiel, code=item_code, **values)
                created.append(item)
            elif plan[kind, item_code].action == Action.CHANGED:
                for name, value in values.items():
                    setattr(item, name, value)
                updated.append(item)
        MODELS[kind].objects.bulk_create(created)
        if updated:
            MODELS[kind].objects.bulk_update(updated, FIELDS[kind])
    for owner_kind, key, link_model, owner_field, target_kind in LINKS:
        owners = [objects[owner_kind][item_code] for item_code in new[owner_kind]
                  if plan[owner_kind, item_code].action == Action.CREATED or key in plan[owner_kind, item_code].fields]
        if not owners:
            continue
        link_model.objects.filter(**{f"{owner_field}__in": owners}).delete()
        link_model.objects.bulk_create([
            link_model(**{owner_field: owner, target_kind: objects[target_kind][target], "rang": rang})
            for owner in owners for rang, target in enumerate(new[owner_kind][owner.code][key])])
    for kind in reversed(KINDS):
        removed = [objects[kind][entry.code].pk for entry in entries
                   if entry.kind == kind and entry.action == Action.REMOVED]
        if removed:
            MODELS[kind].objects.filter(pk__in=removed).delete()
    with connection.cursor() as cursor:
        # Check the deferred rank constraints now rather than at commit, where the caller's error would be obscure.
        cursor.execute(f"SET CONSTRAINTS {RANG_CONSTRAINTS} IMMEDIATE")
        cursor.execute(f"SET CONSTRAINTS {RANG_CONSTRAINTS} DEFERRED")
    return referentiel


def referentiel_delete(*, referentiel: Referentiel) -> None:
    """Remove a whole référentiel version, unless establishments' data references one of its items. Must run on
    the public schema."""
    if connection.schema_name != get_public_schema_name():
        raise RuntimeError("referentiel_delete must run on the public schema")
    with transaction.atomic():
        Referentiel.objects.select_for_update().filter(pk=referentiel.pk).first()
        if usage.referenced_items(referentiel):
            raise ValidationError(f"Des établissements utilisent le référentiel {referentiel} : suppression refusée.")
        referentiel.delete()
