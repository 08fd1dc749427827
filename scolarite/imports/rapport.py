"""The report of an import as plain text lines: what the command prints."""

from .plan import CREE, IGNORE, INCHANGE, MODIFIE, REJETE

ENTITES = [("lignes", "Lignes"), ("apprenants", "Apprenants"), ("inscriptions", "Inscriptions"),
           ("classes", "Classes"), ("formations", "Formations"), ("entreprises", "Entreprises"),
           ("tuteurs", "Tuteurs"), ("contrats", "Contrats")]
LABELS = {CREE: "à créer", MODIFIE: "à mettre à jour", INCHANGE: "inchangés", REJETE: "rejetés", IGNORE: "ignorés"}
LABELS_FAITS = {CREE: "créés", MODIFIE: "mis à jour", INCHANGE: "inchangés", REJETE: "rejetés (non importés)",
                IGNORE: "ignorés"}


def rapport_lines(rapport: dict, *, nom_fichier: str = "", applique: bool = False) -> list[str]:
    source = {"csv": "CSV", "siecle": "SIECLE (XML)"}.get(rapport.get("format"), rapport.get("format", ""))
    details = ", ".join(part for part in (source, rapport.get("encodage") if rapport.get("format") == "csv" else "",
                                          f"séparateur « {rapport['separateur']} »" if rapport.get("separateur")
                                          else "") if part)
    lines = [f"Import de {nom_fichier} ({details}), année scolaire {rapport.get('annee_label', '')}"]
    if rapport.get("erreurs"):
        return lines + [f"Fichier refusé : {erreur}" for erreur in rapport["erreurs"]]
    lines += [f"Note : {note}" for note in rapport.get("notes", [])]
    labels = LABELS_FAITS if applique else LABELS
    for entite, label in ENTITES:
        compte = rapport["compte"].get(entite)
        if compte:
            lines.append(f"{label} : " + ", ".join(f"{n} {labels[action]}" for action, n in compte.items()))
    for classe in rapport.get("classes", []):
        etat = ("créée" if applique else "à créer") if classe["action"] == CREE else "existe déjà"
        lines.append(f"  classe {classe['code']} ({classe['annee']}, {classe['formation']}) : {etat}")
    for ligne in rapport.get("lignes", []):
        if ligne["statut"] in (REJETE, IGNORE):
            mot = "rejetée" if ligne["statut"] == REJETE else "ignorée"
            lines.append(f"  {ligne['ref']} ({ligne['libelle']}) {mot} : {' '.join(ligne['raisons'])}")
    lines += [f"Alerte : {alerte}" for alerte in rapport.get("alertes", [])]
    return lines
