"""Reading an uploaded file into rows of canonical fields, without touching the database.

Two formats: a CSV as CFA management software and spreadsheets export it (separator `;` or `,`, UTF-8 with or
without BOM, or Windows-1252), and SIECLE's XML export of pupils (BEE_ELEVES). A file that cannot be read at
all gives whole-file errors; everything about a single row is left to the plan.
"""

import csv
import io
import re
from dataclasses import dataclass, field

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from .colonnes import REQUIRED, columns_map, label

# UTF-8 read as Windows-1252 ("Ã©" for "é", "â€™" for "’"): a file mixing both encodings.
MOJIBAKE_RE = re.compile("Ã[\u00a0-\u00bf]|â€")
XLSX_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # zip (xlsx, ods), OLE (xls)


@dataclass
class Ligne:
    """One learner as the file gives it: canonical field -> text (stripped)."""

    numero: int  # the CSV line number (header = 1), or the pupil's rank in a SIECLE file
    valeurs: dict[str, str]
    ref: str = ""  # how the person finds the row in their file ("ligne 12", "élève ELEVE_ID 4012")
    mal_encodee: bool = False
    ignoree: str = ""  # why the row is read but not imported (a pupil who left)

    def get(self, name: str) -> str:
        return self.valeurs.get(name, "")


@dataclass
class Source:
    format: str  # "csv" | "siecle"
    lignes: list[Ligne] = field(default_factory=list)
    erreurs: list[str] = field(default_factory=list)  # whole-file: nothing can be imported
    notes: list[str] = field(default_factory=list)
    encodage: str = ""
    separateur: str = ""
    annee_scolaire: int | None = None  # SIECLE's PARAMETRES/ANNEE_SCOLAIRE


def is_xml(contenu: bytes, nom_fichier: str) -> bool:
    if nom_fichier.lower().endswith(".xml"):
        return True
    head = contenu[:200].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<?xml") or head.startswith(b"<BEE_ELEVES")


def source_read(contenu: bytes, nom_fichier: str) -> Source:
    if is_xml(contenu, nom_fichier):
        return siecle_read(contenu)
    return csv_read(contenu)


# --- CSV ---------------------------------------------------------------------------------------------------


def decode(contenu: bytes) -> tuple[str, str] | None:
    """(text, encoding name) or None when the bytes are neither UTF-8 nor Windows-1252 text."""
    if contenu.startswith(b"\xef\xbb\xbf"):
        contenu, bom = contenu[3:], True
    else:
        bom = False
    try:
        text, encoding = contenu.decode("utf-8"), "UTF-8 (avec BOM)" if bom else "UTF-8"
    except UnicodeDecodeError:
        try:
            text, encoding = contenu.decode("cp1252"), "Windows-1252"
        except UnicodeDecodeError:
            return None
    # UTF-16 and binary files decode as Windows-1252 too, but are full of control characters.
    controls = sum(1 for char in text[:4000] if ord(char) < 32 and char not in "\r\n\t")
    if controls:
        return None
    return text, encoding


def sniff_separator(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ";"


def csv_read(contenu: bytes) -> Source:
    source = Source(format="csv")
    if contenu.startswith(XLSX_MAGIC):
        source.erreurs.append("Ce fichier est un classeur (Excel, LibreOffice), pas un CSV : dans le tableur, "
                              "choisissez « Enregistrer sous » puis le format CSV (séparateur point-virgule).")
        return source
    decoded = decode(contenu)
    if decoded is None:
        source.erreurs.append("Encodage non reconnu : le fichier n'est ni en UTF-8 ni en Windows-1252 (il est peut-"
                              "être en UTF-16). Enregistrez-le au format « CSV UTF-8 » ou « CSV (séparateur "
                              "point-virgule) » puis déposez-le à nouveau.")
        return source
    text, source.encodage = decoded
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    if not first_line:
        source.erreurs.append("Le fichier est vide.")
        return source
    if first_line.lower().startswith("sep=") and len(first_line.strip()) == 5:  # Excel's separator hint line
        source.separateur = first_line.strip()[4]
        text = text.split(first_line, 1)[1]
    else:
        source.separateur = sniff_separator(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=source.separateur)
    try:
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as error:
        source.erreurs.append(f"Fichier CSV illisible ligne {reader.line_num} : {error}.")
        return source
    while rows and not any(cell.strip() for cell in rows[0][1]):
        rows.pop(0)
    header_line, headers = rows[0]
    columns, unknown, twice = columns_map(headers)
    missing = [label(name) for name in REQUIRED if name not in columns]
    if missing:
        source.erreurs.append(
            f"Colonne{'s' if len(missing) > 1 else ''} obligatoire{'s' if len(missing) > 1 else ''} absente"
            f"{'s' if len(missing) > 1 else ''} : {', '.join(missing)}. La première ligne doit donner le nom des "
            f"colonnes (séparateur « {source.separateur} ») ; colonnes lues : {', '.join(h for h in headers if h)}.")
        return source
    if unknown:
        source.notes.append(f"Colonnes ignorées : {', '.join(unknown)}.")
    if twice:
        source.notes.append(f"Colonnes en double (seule la première est lue) : {', '.join(twice)}.")
    for line_num, row in rows[1:]:
        if not any(cell.strip() for cell in row):
            continue
        valeurs = {name: row[index].strip() if index < len(row) else "" for name, index in columns.items()}
        source.lignes.append(Ligne(numero=line_num, valeurs=valeurs, ref=f"ligne {line_num}",
                                   mal_encodee=any(MOJIBAKE_RE.search(cell) for cell in row)))
    if not source.lignes:
        source.erreurs.append("Le fichier ne contient aucune ligne de données après la ligne des colonnes.")
    return source


# --- SIECLE ------------------------------------------------------------------------------------------------


def _text(element, tag: str) -> str:
    child = element.find(tag)
    return (child.text or "").strip() if child is not None else ""


def siecle_read(contenu: bytes) -> Source:
    """BEE_ELEVES/DONNEES: ELEVES/ELEVE (ELEVE_ID attribute, ID_NATIONAL = INE, NOM_DE_FAMILLE, PRENOM,
    DATE_NAISS...) and STRUCTURES/STRUCTURES_ELEVE (ELEVE_ID) / STRUCTURE with TYPE_STRUCTURE D = the division."""
    source = Source(format="siecle", encodage="XML")
    try:
        root = fromstring(contenu, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError) as error:
        source.erreurs.append(f"Fichier XML illisible : {error}. Déposez l'export SIECLE tel quel "
                              "(ElevesSansAdresses.xml), sans le modifier.")
        return source
    if root.tag != "BEE_ELEVES" or root.find("DONNEES/ELEVES") is None:
        source.erreurs.append(f"Ce fichier XML n'est pas un export des élèves de SIECLE (élément racine « {root.tag} »"
                              " au lieu de BEE_ELEVES, avec DONNEES/ELEVES) : exportez « ElevesSansAdresses ».")
        return source
    annee = _text(root, "PARAMETRES/ANNEE_SCOLAIRE")
    if annee.isdigit():
        source.annee_scolaire = int(annee)
    divisions = {}
    for structures in root.iterfind("DONNEES/STRUCTURES/STRUCTURES_ELEVE"):
        for structure in structures.iterfind("STRUCTURE"):
            if _text(structure, "TYPE_STRUCTURE") == "D":
                divisions[structures.get("ELEVE_ID", "")] = _text(structure, "CODE_STRUCTURE")
    for rank, eleve in enumerate(root.iterfind("DONNEES/ELEVES/ELEVE"), start=1):
        eleve_id = eleve.get("ELEVE_ID", "")
        valeurs = {
            "nom": _text(eleve, "NOM_DE_FAMILLE") or _text(eleve, "NOM"),
            "prenom": _text(eleve, "PRENOM"),
            "ine": _text(eleve, "ID_NATIONAL"),
            "date_naissance": _text(eleve, "DATE_NAISS"),
            "email": _text(eleve, "MEL"),
            "telephone": _text(eleve, "TEL_PORTABLE"),
            "identifiant_externe": eleve_id,
            "classe": divisions.get(eleve_id, ""),
            "referentiel": _text(eleve, "CODE_MEF"),
            "statut": "apprenti" if _text(eleve, "CODE_STATUT") == "AP" else "scolaire",
        }
        ligne = Ligne(numero=rank, valeurs=valeurs, ref=f"élève {rank} (ELEVE_ID {eleve_id or '?'})")
        sortie = _text(eleve, "DATE_SORTIE")
        if sortie:
            ligne.ignoree = f"sorti·e de l'établissement le {sortie}"
        source.lignes.append(ligne)
    if not source.lignes:
        source.erreurs.append("L'export SIECLE ne contient aucun élève.")
    return source
