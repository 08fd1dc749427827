"""An establishment's school data as CSV files it can take away, even when its subscription has lapsed. Reads only.

`export_apprenants_csv`: one row per learner in the very format the import reads (docs/imports.md), so that
re-importing it changes nothing and importing it elsewhere rebuilds the learners, classes, companies and
contracts. `export_historique_csv`: every record (learner, inscription, contract) the first file cannot hold.
Both are UTF-8 with BOM and `;`, what French Excel opens with its accents right. Each runs a fixed number of
queries whatever the number of learners.
"""

import csv
import datetime
import io
import re

from django.db.models import Prefetch
from django.utils import timezone

# Like the import (scolarite/imports/plan.py), the export reads the companies and contracts it round-trips.
from entreprise.models import Contrat, Tuteur
from referentiels.models import Referentiel
from tenants.annees import annee_scolaire_label

from .imports.colonnes import COLONNES
from .models import Apprenant, Inscription

# Headers as the import reads them (scolarite/imports/colonnes.py): the French label, except where the label is
# not one of the recognised names ("E-mail entreprise" is read as nothing; "Email entreprise" is).
HEADERS = {name: label for name, (label, _) in COLONNES.items()} | {
    "entreprise_email": "Email entreprise",
    "tuteur_email": "Email tuteur",
}
STATUTS = {Inscription.Statut.SCOLAIRE: "scolaire", Inscription.Statut.APPRENTI: "apprenti",
           Inscription.Statut.STAGIAIRE_FC: "stagiaire FC"}
CONTRAT_TYPES = {Contrat.Type.APPRENTISSAGE: "apprentissage", Contrat.Type.PFMP: "PFMP",
                 Contrat.Type.STAGE: "stage"}

HISTORIQUE_HEADERS = {
    "type": "Type", "nom": "Nom", "prenom": "Prénom", "ine": "INE", "identifiant_externe": "Identifiant",
    "date_naissance": "Date de naissance", "email": "E-mail", "telephone": "Téléphone", "adresse": "Adresse",
    "transfere_de": "Reçu de", "compte": "Compte",
    # Not "Classe": this file must not be mistaken for an import (the import refuses it, Classe missing).
    "classe": "Code de la classe", "classe_intitule": "Libellé de la classe", "referentiel": "Code diplôme",
    "referentiel_version": "Version du référentiel", "formation": "Formation", "annee": "Année scolaire",
    "statut": "Statut", "redoublant": "Redoublement", "motif_fin": "Motif de fin",
    "contrat_type": "Type de contrat", "siret": "SIRET", "raison_sociale": "Raison sociale",
    "tuteurs": "Tuteurs", "contrat_numero": "Numéro contrat", "prolonge_apres_echec": "Prolongé après un échec",
    "rompu_le": "Rompu le", "debut": "Début", "fin": "Fin",
}

# A cell Excel would run as a formula. "+33 6 12 34 56 78" and "-" alone are left alone: phone numbers.
FORMULA_RE = re.compile(r"^[=@\t\r]|^[+-](?![\d\s.()/-]*$)")


def _cell(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    text = str(value)
    return "'" + text if FORMULA_RE.match(text) else text


def _csv(headers: dict[str, str], rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers.values())
    for row in rows:
        writer.writerow([_cell(row.get(name)) for name in headers])
    return buffer.getvalue().encode("utf-8-sig")


def _apprenants() -> list[Apprenant]:
    """Every learner with their inscriptions, contracts, companies and tuteurs: four queries."""
    return list(Apprenant.objects.select_related("user").prefetch_related(
        Prefetch("inscriptions", queryset=Inscription.objects.select_related("classe__formation")
                 .order_by("debut", "id")),
        Prefetch("contrats", queryset=Contrat.objects.select_related("entreprise").prefetch_related(
            Prefetch("tuteurs", queryset=Tuteur.objects.order_by("pk"))).order_by("debut", "id")),
    ).order_by("nom", "prenom", "pk"))


def _referentiels(apprenants: list[Apprenant]) -> dict[int, Referentiel]:
    """The catalogue rows of the formations, in one query. Not a join: the formation points at the public schema
    without a constraint, and an export must not drop an inscription whose référentiel row is missing."""
    ids = {i.classe.formation.referentiel_id for a in apprenants for i in a.inscriptions.all()}
    return {r.pk: r for r in Referentiel.objects.filter(pk__in=ids)} if ids else {}


def _inscription_courante(apprenant: Apprenant) -> Inscription | None:
    """The open inscription, or the latest one of a learner who left."""
    inscriptions = list(apprenant.inscriptions.all())
    return next((i for i in inscriptions if i.fin is None), inscriptions[-1] if inscriptions else None)


def _contrat_courant(apprenant: Apprenant, today: datetime.date) -> Contrat | None:
    """The contract in progress today, or else the latest one."""
    contrats = list(apprenant.contrats.all())
    en_cours = [c for c in contrats if c.etat(today) == "en_cours"]
    return (en_cours or contrats or [None])[-1]


def _inscription_fields(inscription: Inscription, referentiels: dict) -> dict:
    classe = inscription.classe
    referentiel = referentiels.get(classe.formation.referentiel_id)
    return {"classe": classe.code, "classe_intitule": classe.intitule,
            "referentiel": referentiel.code if referentiel else classe.formation.code,
            "annee": annee_scolaire_label(classe.annee_scolaire), "debut": inscription.debut}


def _contrat_fields(contrat: Contrat) -> dict:
    entreprise = contrat.entreprise
    fields = {"siret": entreprise.siret, "raison_sociale": entreprise.raison_sociale,
              "entreprise_adresse": entreprise.adresse, "entreprise_code_postal": entreprise.code_postal,
              "entreprise_ville": entreprise.ville, "entreprise_telephone": entreprise.telephone,
              "entreprise_email": entreprise.email, "entreprise_secteur": entreprise.secteur,
              "entreprise_code_naf": entreprise.code_naf, "contrat_type": CONTRAT_TYPES[contrat.type],
              "contrat_debut": contrat.debut, "contrat_fin": contrat.fin, "contrat_numero": contrat.numero}
    tuteur = next(iter(contrat.tuteurs.all()), None)  # the import knows one tuteur per row: the first
    if tuteur is not None:
        fields |= {"tuteur_nom": tuteur.nom, "tuteur_prenom": tuteur.prenom, "tuteur_email": tuteur.email,
                   "tuteur_telephone": tuteur.telephone, "tuteur_fonction": tuteur.fonction}
    return fields


def _identite(apprenant: Apprenant) -> dict:
    return {"nom": apprenant.nom, "prenom": apprenant.prenom, "ine": apprenant.ine,
            "date_naissance": apprenant.date_naissance, "email": apprenant.email,
            "telephone": apprenant.telephone, "identifiant_externe": apprenant.identifiant_externe}


def export_apprenants_csv(*, today: datetime.date | None = None) -> bytes:
    """One row per learner: identity, current (or latest) inscription, current (or latest) contract with its
    company and first tuteur, in the import's columns. A learner never enrolled has empty classe columns."""
    today = today or timezone.localdate()
    apprenants = _apprenants()
    referentiels = _referentiels(apprenants)
    rows = []
    for apprenant in apprenants:
        row = _identite(apprenant)
        inscription = _inscription_courante(apprenant)
        if inscription is not None:
            row |= _inscription_fields(inscription, referentiels) | {"statut": STATUTS[inscription.statut]}
        contrat = _contrat_courant(apprenant, today)
        if contrat is not None:
            row |= _contrat_fields(contrat)
        rows.append(row)
    return _csv(HEADERS, rows)


def export_historique_csv() -> bytes:
    """Every record, one row each, its kind in the "Type" column: the learner (with what the import does not
    read: address, account, origin of a transfer), then each inscription and each contract, oldest first."""
    apprenants = _apprenants()
    referentiels = _referentiels(apprenants)
    rows = []
    for apprenant in apprenants:
        qui = {"nom": apprenant.nom, "prenom": apprenant.prenom, "ine": apprenant.ine,
               "identifiant_externe": apprenant.identifiant_externe}
        rows.append({"type": "apprenant", **_identite(apprenant), "adresse": apprenant.adresse,
                     "transfere_de": apprenant.transfere_de,
                     "compte": apprenant.user.email if apprenant.user else ""})
        for inscription in apprenant.inscriptions.all():
            referentiel = referentiels.get(inscription.classe.formation.referentiel_id)
            rows.append({"type": "inscription", **qui, **_inscription_fields(inscription, referentiels),
                         "referentiel_version": referentiel.version if referentiel else "",
                         "formation": inscription.classe.formation.intitule,
                         "statut": STATUTS[inscription.statut], "redoublant": inscription.redoublant,
                         "fin": inscription.fin, "motif_fin": inscription.motif_fin})
        for contrat in apprenant.contrats.all():
            tuteurs = ", ".join(f"{t.prenom} {t.nom.upper()}" + (f" <{t.email}>" if t.email else "")
                                for t in contrat.tuteurs.all())
            rows.append({"type": "contrat", **qui, "contrat_type": CONTRAT_TYPES[contrat.type],
                         "siret": contrat.entreprise.siret, "raison_sociale": contrat.entreprise.raison_sociale,
                         "tuteurs": tuteurs, "contrat_numero": contrat.numero,
                         "prolonge_apres_echec": contrat.prolonge_apres_echec, "rompu_le": contrat.rompu_le,
                         "debut": contrat.debut, "fin": contrat.fin})
    return _csv(HISTORIQUE_HEADERS, rows)
