"""A learner's file as one JSON document, for transfers between establishments of the platform.

Each app contributes its part through a *provider*, so scolarite never imports the apps that build on it:

    historique_provider_register("contrats", "Contrats et conventions", export, columns={"entreprise": ...})

`export(apprenant) -> list[dict]` runs in the learner's schema and returns one flat dict per record (values:
str, int, bool, None, date/datetime, Decimal or lists of those); `columns` maps each key to the heading shown
to the receiving establishment, in display order. Register from the app's AppConfig.ready(), as
`entreprise/historique.py` does. Providers to come: evaluations (criteria results per situation), bilans
(per competency level, validated), the company journal and visits — each in its own app.

The document is self-describing (headings travel with the rows): the receiving establishment renders it as
it was sent, even if its code or providers differ, and stores it untouched (scolarite.DossierAnterieur).
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.utils import timezone

FORMAT = "cpro-historique/1"
ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}.*)?$")


@dataclass(frozen=True)
class Provider:
    key: str
    label: str
    export: Callable[[object], list[dict]]
    columns: dict[str, str] = field(default_factory=dict)


_providers: dict[str, Provider] = {}


def historique_provider_register(key: str, label: str, export: Callable[[object], list[dict]], *,
                                 columns: dict[str, str] | None = None) -> Provider:
    """Register (or replace: ready() may run twice) the provider `key`. Sections keep registration order."""
    provider = Provider(key=key, label=label, export=export, columns=dict(columns or {}))
    _providers[key] = provider
    return provider


def historique_providers() -> list[Provider]:
    return list(_providers.values())


def _jsonable(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _section(provider: Provider, apprenant) -> dict:
    rows = [_jsonable(row) for row in provider.export(apprenant)]
    columns = dict(provider.columns)
    for row in rows:  # keys the provider did not declare are shown under their own name
        for key in row:
            columns.setdefault(key, key)
    # Pairs, not a mapping: PostgreSQL's jsonb does not keep the order of an object's keys.
    return {"key": provider.key, "label": provider.label, "columns": [[k, v] for k, v in columns.items()],
            "rows": rows}


def learner_history_export(apprenant) -> dict:
    """The learner's identity, every provider's records, and the files received from earlier establishments
    (so a learner transferred twice arrives with their whole path). Run in the learner's schema."""
    etablissement = getattr(connection, "tenant", None)
    return {
        "format": FORMAT,
        "exporte_le": timezone.localtime().isoformat(),
        "etablissement": {"nom": getattr(etablissement, "name", ""), "uai": getattr(etablissement, "uai", "")},
        "apprenant": {
            "nom": apprenant.nom,
            "prenom": apprenant.prenom,
            "ine": apprenant.ine,
            "date_naissance": _jsonable(apprenant.date_naissance),
        },
        "sections": [_section(provider, apprenant) for provider in historique_providers()],
        "anterieurs": [
            {"etablissement": d.etablissement, "uai": d.uai, "recu_le": _jsonable(d.recu_le), "contenu": d.contenu}
            for d in apprenant.dossiers_anterieurs.order_by("recu_le")
        ],
    }


def history_counts(contenu: dict) -> list[list]:
    """[section label, number of records] of an exported file: what a transfer sends, in a few words."""
    return [[s.get("label", s.get("key", "")), len(s.get("rows", []))] for s in contenu.get("sections", [])]


def history_cell(value) -> str:
    """A value of the file as shown to people: French dates, Oui/Non, lists joined, a dash for nothing."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, list):
        return ", ".join(history_cell(v) for v in value)
    if isinstance(value, str) and ISO_DATE_RE.match(value):
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
        return moment.strftime("%d/%m/%Y" if len(value) == 10 else "%d/%m/%Y %H:%M")
    return str(value)


def history_display(contenu: dict, *, etablissement: str = "", uai: str = "") -> list[dict]:
    """A received file ready for tables: one part per establishment, this file's sender first, then the files
    it had received itself. Reads only what the document holds, so any version of a provider renders."""
    origine = contenu.get("etablissement") or {}
    sections = []
    for section in contenu.get("sections", []):
        columns = [pair for pair in section.get("columns", []) if isinstance(pair, list) and len(pair) == 2]
        sections.append({
            "label": section.get("label") or section.get("key", ""),
            "headings": [label for _, label in columns],
            "rows": [[history_cell(row.get(key)) for key, _ in columns] for row in section.get("rows", [])],
        })
    parts = [{"etablissement": origine.get("nom") or etablissement, "uai": origine.get("uai") or uai,
              "exporte_le": history_cell(contenu.get("exporte_le")), "sections": sections}]
    for anterieur in reversed(contenu.get("anterieurs", [])):
        parts += history_display(anterieur.get("contenu") or {}, etablissement=anterieur.get("etablissement", ""),
                                 uai=anterieur.get("uai", ""))
    return parts


def _inscriptions(apprenant) -> list[dict]:
    from .models import Inscription

    inscriptions = (Inscription.objects.filter(apprenant=apprenant)
                    .select_related("classe__formation__referentiel").order_by("debut", "id"))
    return [
        {
            "classe": i.classe.code,
            "annee_scolaire": i.classe.annee_label,
            "formation": i.classe.formation.intitule,
            "referentiel": f"{i.classe.formation.referentiel.code} {i.classe.formation.referentiel.version}",
            "statut": i.get_statut_display(),
            "debut": i.debut,
            "fin": i.fin,
            "motif_fin": i.motif_fin,
            "redoublant": i.redoublant,
        }
        for i in inscriptions
    ]


historique_provider_register("inscriptions", "Inscriptions (classes, formations, statuts)", _inscriptions, columns={
    "classe": "Classe",
    "annee_scolaire": "Année scolaire",
    "formation": "Formation",
    "referentiel": "Référentiel (code, version)",
    "statut": "Statut",
    "debut": "Début",
    "fin": "Fin",
    "motif_fin": "Motif de fin",
    "redoublant": "Redoublement",
})


def history_sections(apprenant, *, exclude=("inscriptions",)) -> list[dict]:
    """The other apps' records of a learner here (contracts today; evaluations and bilans later), as tables."""
    sections = [_section(p, apprenant) for p in historique_providers() if p.key not in exclude]
    return history_display({"sections": sections})[0]["sections"]
