"""The columns a CSV may have, under the names management software and spreadsheets give them.

Headers are compared without case, accents or punctuation: "Date de naissance", "DATE_NAISSANCE" and
"date-naissance" are one column. docs/imports.md lists them; keep it in step.
"""

import re
import unicodedata

# canonical name -> (label in French, aliases). The label is what error messages and the docs show.
COLONNES: dict[str, tuple[str, tuple[str, ...]]] = {
    "nom": ("Nom", ("nom", "nom_apprenant", "nom_apprenti", "nom_eleve", "nom_stagiaire", "nom_de_famille",
                    "nom_naissance", "nom_de_naissance", "nom_usage", "nom_d_usage")),
    "prenom": ("Prénom", ("prenom", "prenom_apprenant", "prenom_apprenti", "prenom_eleve", "prenom_stagiaire",
                          "prenom_usuel", "prenom_1", "premier_prenom")),
    "ine": ("INE", ("ine", "numero_ine", "n_ine", "no_ine", "num_ine", "ine_apprenant", "ine_eleve", "id_national",
                    "identifiant_national", "ine_rnie")),
    "date_naissance": ("Date de naissance", ("date_de_naissance", "date_naissance", "date_naiss", "naissance",
                                             "ne_le", "ne_e_le", "nee_le", "date_de_naiss")),
    "email": ("E-mail", ("email", "e_mail", "mail", "mel", "courriel", "adresse_email", "adresse_e_mail",
                         "adresse_mail", "email_apprenant", "mail_apprenant", "courriel_apprenant", "email_eleve")),
    "telephone": ("Téléphone", ("telephone", "tel", "portable", "telephone_portable", "tel_portable",
                                "telephone_apprenant", "tel_apprenant", "mobile", "telephone_mobile")),
    "identifiant_externe": ("Identifiant", ("identifiant", "identifiant_externe", "id", "id_apprenant",
                                            "code_apprenant", "numero_apprenant", "n_apprenant", "code_eleve",
                                            "id_eleve", "eleve_id", "matricule", "code_stagiaire")),
    "classe": ("Classe", ("classe", "code_classe", "classe_code", "groupe", "code_groupe", "division",
                          "code_division", "groupe_classe")),
    "classe_intitule": ("Libellé classe", ("libelle_classe", "intitule_classe", "nom_classe", "nom_groupe",
                                           "libelle_groupe")),
    "referentiel": ("Code diplôme", ("code_diplome", "diplome", "referentiel", "code_referentiel", "code_formation",
                                     "formation", "code_mef", "mef")),
    "annee": ("Année scolaire", ("annee_scolaire", "annee", "millesime")),
    "statut": ("Statut", ("statut", "statut_apprenant", "statut_eleve", "regime", "type_apprenant",
                          "type_de_public", "public")),
    "debut": ("Date d'entrée", ("date_entree", "date_d_entree", "entree", "date_inscription",
                                "date_d_inscription", "debut_formation", "date_debut_formation")),
    "siret": ("SIRET", ("siret", "n_siret", "no_siret", "numero_siret", "siret_entreprise", "siret_employeur")),
    "raison_sociale": ("Raison sociale", ("raison_sociale", "entreprise", "nom_entreprise", "employeur",
                                          "raison_sociale_entreprise", "raison_sociale_employeur", "societe")),
    "entreprise_adresse": ("Adresse entreprise", ("adresse_entreprise", "adresse_employeur")),
    "entreprise_code_postal": ("Code postal entreprise", ("code_postal_entreprise", "cp_entreprise",
                                                          "code_postal_employeur", "cp_employeur")),
    "entreprise_ville": ("Ville entreprise", ("ville_entreprise", "commune_entreprise", "ville_employeur")),
    "entreprise_telephone": ("Téléphone entreprise", ("telephone_entreprise", "tel_entreprise")),
    "entreprise_email": ("E-mail entreprise", ("email_entreprise", "mail_entreprise", "courriel_entreprise")),
    "entreprise_secteur": ("Secteur", ("secteur", "secteur_activite", "secteur_d_activite", "activite")),
    "entreprise_code_naf": ("Code NAF", ("code_naf", "naf", "code_ape", "ape")),
    "tuteur_nom": ("Nom tuteur", ("nom_tuteur", "tuteur_nom", "nom_maitre_apprentissage",
                                  "nom_maitre_d_apprentissage", "nom_du_maitre_d_apprentissage",
                                  "nom_du_tuteur", "nom_ma", "nom_referent_entreprise")),
    "tuteur_prenom": ("Prénom tuteur", ("prenom_tuteur", "tuteur_prenom", "prenom_maitre_apprentissage",
                                        "prenom_maitre_d_apprentissage", "prenom_du_maitre_d_apprentissage",
                                        "prenom_du_tuteur", "prenom_ma")),
    "tuteur_email": ("E-mail tuteur", ("email_tuteur", "tuteur_email", "mail_tuteur", "courriel_tuteur",
                                       "email_maitre_apprentissage", "email_maitre_d_apprentissage", "email_ma",
                                       "email_du_maitre_d_apprentissage", "email_du_tuteur", "mail_du_tuteur",
                                       "mail_ma")),
    "tuteur_telephone": ("Téléphone tuteur", ("telephone_tuteur", "tel_tuteur", "telephone_maitre_apprentissage",
                                              "tel_ma")),
    "tuteur_fonction": ("Fonction tuteur", ("fonction_tuteur", "tuteur_fonction", "fonction_maitre_apprentissage",
                                            "fonction_maitre_d_apprentissage", "fonction_ma",
                                            "fonction_du_tuteur", "fonction_du_maitre_d_apprentissage")),
    "contrat_type": ("Type de contrat", ("type_contrat", "type_de_contrat", "contrat", "nature_contrat")),
    "contrat_debut": ("Début contrat", ("debut_contrat", "date_debut_contrat", "date_de_debut_du_contrat",
                                        "date_debut_du_contrat", "contrat_debut", "debut_du_contrat")),
    "contrat_fin": ("Fin contrat", ("fin_contrat", "date_fin_contrat", "date_de_fin_du_contrat",
                                    "date_fin_du_contrat", "contrat_fin", "fin_du_contrat")),
    "contrat_numero": ("Numéro contrat", ("numero_contrat", "n_contrat", "no_contrat", "num_contrat",
                                          "numero_depot", "n_depot", "numero_convention")),
}
REQUIRED = ("nom", "prenom", "classe")

ALIASES = {alias: name for name, (_, aliases) in COLONNES.items() for alias in aliases}


def header_key(header: str) -> str:
    """'Date de naissance ' -> 'date_de_naissance'; 'N° SIRET' -> 'n_siret'; 'Prénom' -> 'prenom'."""
    text = unicodedata.normalize("NFKD", header or "").encode("ascii", "ignore").decode().lower()
    text = text.replace("°", "")
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def columns_map(headers: list[str]) -> tuple[dict[str, int], list[str], list[str]]:
    """(canonical name -> column index, unknown headers, canonical names given twice)."""
    found, unknown, twice = {}, [], []
    for index, header in enumerate(headers):
        name = ALIASES.get(header_key(header))
        if name is None:
            if header.strip():
                unknown.append(header.strip())
        elif name in found:
            twice.append(COLONNES[name][0])
        else:
            found[name] = index
    return found, unknown, twice


def label(name: str) -> str:
    return COLONNES[name][0]
