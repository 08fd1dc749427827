"""Exports of one référentiel: the interchange format (YAML) and an IMS CASE 1.0 package (JSON)."""

import uuid
from collections.abc import Sequence
from datetime import UTC

import yaml
from django.conf import settings

from tenants.selectors import domain_base_url

from .importing import FORMAT, coefficient_normalize
from .models import Referentiel
from .selectors import ReferentielTree, referentiel_tree


def _head(item) -> dict:
    return {"code": item.code, "intitule": item.intitule}


def _unite(item) -> dict:
    return {"unite": item.unite} if item.unite else {}


def referentiel_document(tree: ReferentielTree) -> dict:
    """The référentiel in the normalized interchange form (see `importing.document_normalize`), so that importing
    it gives back the same catalogue and `document_normalize(file) == referentiel_document(import(file))`."""
    referentiel = tree.referentiel
    head = {"code": referentiel.code, "version": referentiel.version, "intitule": referentiel.intitule,
            "type": referentiel.type, "niveau": referentiel.niveau}
    if referentiel.rncp:
        head["rncp"] = referentiel.rncp
    head["sources"] = list(referentiel.sources)
    return {
        "format": FORMAT,
        "referentiel": head,
        "poles": [{
            **_head(pole),
            "activites": [{
                **_head(activite),
                "taches": [_head(tache) for tache in activite.taches.all()],
                "resultats_attendus": list(activite.resultats_attendus),
            } for activite in pole.activites.all()],
        } for pole in tree.poles],
        "competences": [{
            **_head(competence),
            "commune": competence.commune,
            "activites": [activite.code for activite in competence.linked_activites],
            "taches": [tache.code for tache in competence.linked_taches],
            "criteres": [{**_head(critere), "savoir_etre": critere.savoir_etre}
                         for critere in competence.criteres.all()],
        } for competence in tree.competences],
        "blocs": [{**_head(bloc), **_unite(bloc), "competences": [c.code for c in bloc.linked_competences]}
                  for bloc in tree.blocs],
        "epreuves": [{
            **_head(epreuve), **_unite(epreuve),
            "coefficient": coefficient_normalize(epreuve.coefficient),
            "modes": list(epreuve.modes),
            "competences": [competence.code for competence in epreuve.linked_competences],
        } for epreuve in tree.epreuves],
    }


def referentiel_export_yaml(*, referentiel: Referentiel) -> str:
    document = referentiel_document(referentiel_tree(referentiel))
    header = f"# {referentiel.code} version {referentiel.version}, exporté de cpro au format {FORMAT}.\n"
    # One text per line, as in the hand-written files: no wrapping of long intitulés.
    return header + yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=1_000_000)


# --- IMS CASE 1.0 -------------------------------------------------------------------------------------------------

CASE_PATH = "ims/case/v1p0/"
# Identifiers of what has no row of its own (associations, item types) are derived from a fixed namespace, so the
# same catalogue always exports the same package.
CASE_NAMESPACE = uuid.UUID("6f1c1f2e-3d4b-5a69-8c7d-2e0f4a9b1c35")
ITEM_TYPES = {  # kind: (CFItemType, hierarchyCode)
    "pole": ("Pôle", "1"),
    "activite": ("Activité", "1.1"),
    "tache": ("Tâche", "1.1.1"),
    "bloc": ("Bloc de compétences", "2"),
    "competence": ("Compétence", "2.1"),
    "critere": ("Critère d'évaluation", "2.1.1"),
}


def _case_time(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


class _CasePackage:
    def __init__(self, referentiel: Referentiel, base_url: str):
        self.api = f"{base_url.rstrip('/')}/{CASE_PATH}"
        self.changed = _case_time(referentiel.updated_at)
        self.document_link = self.link("CFDocuments", referentiel.uuid, referentiel.intitule)
        self.items: list[dict] = []
        self.associations: list[dict] = []
        self.types: dict[str, dict] = {}

    def link(self, collection: str, identifier, title: str) -> dict:
        return {"title": title, "identifier": str(identifier), "uri": f"{self.api}{collection}/{identifier}"}

    def item_type(self, kind: str) -> dict:
        title, hierarchy = ITEM_TYPES[kind]
        if kind not in self.types:
            identifier = uuid.uuid5(CASE_NAMESPACE, f"CFItemType:{kind}")
            self.types[kind] = {**self.link("CFItemTypes", identifier, title), "description": title,
                                "hierarchyCode": hierarchy, "typeCode": kind, "lastChangeDateTime": self.changed}
        return self.link("CFItemTypes", self.types[kind]["identifier"], title)

    def item(self, kind: str, item, notes: Sequence[str] = ()) -> dict:
        node = self.link("CFItems", item.uuid, item.intitule)
        self.items.append({
            "identifier": node["identifier"], "uri": node["uri"], "fullStatement": item.intitule,
            "humanCodingScheme": item.code, "listEnumeration": str(item.rang + 1),
            "CFItemType": ITEM_TYPES[kind][0], "CFItemTypeURI": self.item_type(kind), "language": "fr",
            **({"notes": "\n".join(notes)} if notes else {}),
            "CFDocumentURI": self.document_link, "lastChangeDateTime": self.changed,
        })
        return node

    def associate(self, origin: dict, kind: str, destination: dict, sequence: int) -> None:
        identifier = uuid.uuid5(CASE_NAMESPACE, f"{origin['identifier']}:{kind}:{destination['identifier']}")
        self.associations.append({
            "identifier": str(identifier), "uri": f"{self.api}CFAssociations/{identifier}",
            "associationType": kind, "sequenceNumber": sequence,
            "originNodeURI": origin, "destinationNodeURI": destination,
            "CFDocumentURI": self.document_link, "lastChangeDateTime": self.changed,
        })


def referentiel_export_case(*, referentiel: Referentiel, base_url: str | None = None) -> dict:
    """An IMS CASE 1.0 CFPackage. Choices:

    - identifiers are the catalogue uuids (stable across re-imports); URIs follow the CASE REST paths under the
      platform's base URL (`…/ims/case/v1p0/CFItems/<uuid>`), where a CASE API would serve them;
    - `creator` is cpro, which made this digital transcription; the official texts are in `notes` (the sources);
    - one CFItem per pôle, activité, tâche, bloc, compétence and critère; épreuves are assessment rules, not
      statements of the framework, so they are left out;
    - the tree is carried by `isChildOf` from child to parent: pôle → document, activité → pôle, tâche → activité,
      bloc → document, compétence → each bloc that holds it (or → document when it is in no bloc), critère →
      compétence; `sequenceNumber` is the rank among siblings, counted from 1 (the document's children are numbered
      pôles first, then blocs, then the compétences in no bloc);
    - the RAP links (compétence mobilising an activité or a tâche) are `isRelatedTo` associations;
    - every date is the référentiel's last change, since items are only ever changed by re-importing it.
    """
    tree = referentiel_tree(referentiel)
    ref = tree.referentiel
    package = _CasePackage(ref, base_url or domain_base_url(settings.CPRO_BASE_DOMAIN))
    root = package.document_link
    nodes: dict[int, dict] = {}  # id(model object) -> its link, for the RAP associations
    children_of_document = 0
    for pole in tree.poles:
        children_of_document += 1
        pole_node = package.item("pole", pole)
        package.associate(pole_node, "isChildOf", root, children_of_document)
        for activite in pole.activites.all():
            notes = ["Résultats attendus :", *(f"- {r}" for r in activite.resultats_attendus)]
            nodes[id(activite)] = package.item("activite", activite, notes if activite.resultats_attendus else [])
            package.associate(nodes[id(activite)], "isChildOf", pole_node, activite.rang + 1)
            for tache in activite.taches.all():
                nodes[id(tache)] = package.item("tache", tache)
                package.associate(nodes[id(tache)], "isChildOf", nodes[id(activite)], tache.rang + 1)
    competence_nodes = {}
    for competence in tree.competences:
        notes = ["Compétence commune de la famille de métiers"] if competence.commune else []
        competence_nodes[competence.pk] = package.item("competence", competence, notes)
    for bloc in tree.blocs:
        children_of_document += 1
        bloc_node = package.item("bloc", bloc, [f"Unité {bloc.unite}"] if bloc.unite else [])
        package.associate(bloc_node, "isChildOf", root, children_of_document)
        for sequence, competence in enumerate(bloc.linked_competences, start=1):
            package.associate(competence_nodes[competence.pk], "isChildOf", bloc_node, sequence)
    in_a_bloc = {competence.pk for bloc in tree.blocs for competence in bloc.linked_competences}
    for competence in tree.competences:
        node = competence_nodes[competence.pk]
        if competence.pk not in in_a_bloc:
            children_of_document += 1
            package.associate(node, "isChildOf", root, children_of_document)
        for critere in competence.criteres.all():
            notes = ["Savoir-être"] if critere.savoir_etre else []
            package.associate(package.item("critere", critere, notes), "isChildOf", node, critere.rang + 1)
        for sequence, linked in enumerate(competence.linked_activites + competence.linked_taches, start=1):
            package.associate(node, "isRelatedTo", nodes[id(linked)], sequence)
    document = {
        "identifier": str(ref.uuid), "uri": root["uri"], "creator": "cpro", "title": ref.intitule,
        "lastChangeDateTime": package.changed, "version": ref.version, "language": "fr",
        "adoptionStatus": "Adopted", "description": _description(ref), "notes": "\n".join(ref.sources),
        "CFPackageURI": package.link("CFPackages", ref.uuid, ref.intitule),
    }
    return {"CFDocument": document, "CFItems": package.items, "CFAssociations": package.associations,
            "CFDefinitions": {"CFItemTypes": list(package.types.values())}}


def _description(referentiel: Referentiel) -> str:
    rncp = f", {referentiel.rncp}" if referentiel.rncp else ""
    return (f"{referentiel.get_type_display()} {referentiel.code}, version {referentiel.version}, "
            f"niveau {referentiel.niveau}{rncp}")


EXPORT_FORMATS = {"yaml": ("application/yaml", "yaml"), "case": ("application/json", "case.json")}


def referentiel_export_file(*, referentiel: Referentiel, fmt: str, base_url: str | None = None) -> tuple[str, str, str]:
    """(file name, content type, text) of an export, shared by the download and `export_referentiel`."""
    import json

    content_type, suffix = EXPORT_FORMATS[fmt]
    if fmt == "case":
        package = referentiel_export_case(referentiel=referentiel, base_url=base_url)
        text = json.dumps(package, ensure_ascii=False, indent=2) + "\n"
    else:
        text = referentiel_export_yaml(referentiel=referentiel)
    return f"{referentiel.code}-{referentiel.version}".lower() + f".{suffix}", content_type, text
