"""The CCF grid as an XLSX workbook (openpyxl): one sheet per grid, with the content of the PDF."""

import io
import re

from django.db import connection
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from .selectors_ccf import GrilleVue

GRAS = Font(bold=True)
TITRE = Font(bold=True, size=14)
FOND = PatternFill("solid", fgColor="E8E8E8")
TRAIT = Side(style="thin", color="555555")
CADRE = Border(left=TRAIT, right=TRAIT, top=TRAIT, bottom=TRAIT)
ENTETES = ("Compétence", "Intitulé", "Critères d'évaluation", "Niveau", "Points (barème)", "Valeur du niveau",
           "Points obtenus")
LARGEURS = (12, 40, 50, 26, 14, 14, 14)


def _fr(nombre) -> str:
    return "" if nombre is None else f"{nombre}".replace(".", ",")


def _nom_feuille(vue: GrilleVue, pris: set[str]) -> str:
    a = vue.grille.apprenant
    base = re.sub(r"[\[\]:*?/\\]", "", f"{a.nom} {a.prenom}")[:26].strip() or "Grille"
    nom, n = f"{base} v{vue.grille.numero}", 2
    while nom.lower() in pris:
        nom, n = f"{base[:23]} v{vue.grille.numero}-{n}", n + 1
    pris.add(nom.lower())
    return nom


def _niveau(ligne) -> str:
    if ligne.niveau_id:
        return f"{ligne.niveau.code} – {ligne.niveau.libelle}"
    if ligne.etat_id:
        return f"{ligne.etat.code} – {ligne.etat.libelle}"
    return "À choisir"


def _feuille(ws, vue: GrilleVue) -> None:
    g, etablissement = vue.grille, connection.tenant
    ref, ep = vue.referentiel, vue.epreuve
    ws.append([f"Grille d'évaluation CCF — épreuve {ep.code if ep else ''}"])
    ws["A1"].font = TITRE
    lignes = [
        ("Établissement", f"{etablissement.name}" + (f" (UAI {etablissement.uai})" if etablissement.uai else "")),
        ("Diplôme", f"{ref.code} — {ref.intitule}" if ref else ""),
        ("Épreuve", f"{ep.code} — {ep.intitule}" + (f" (unité {ep.unite}, coefficient {_fr(ep.coefficient)})"
                                                  if ep.unite else "") if ep else ""),
        ("Candidat", f"{g.apprenant.nom.upper()} {g.apprenant.prenom}"),
        ("Numéro de candidat", g.numero_candidat),
        ("Session", g.session),
        ("Date", g.date.strftime("%d/%m/%Y") if g.date else ""),
        ("Version", f"{g.numero}" + (f" — remplace la version {g.numero - 1} : {g.motif}" if g.remplace_id else "")),
        ("Statut", f"Verrouillée le {g.verrouillee_le:%d/%m/%Y} par {g.verrouillee_par}" if g.verrouillee
         else "Brouillon (non verrouillée)"),
    ]
    for cle, valeur in lignes:
        ws.append([cle, valeur])
        ws.cell(ws.max_row, 1).font = GRAS
    ws.append([])
    ws.append(list(ENTETES))
    for cell in ws[ws.max_row]:
        cell.font, cell.fill, cell.border = GRAS, FOND, CADRE
    for c in vue.calcul.lignes:
        ligne = c.ligne
        criteres = "\n".join(f"{cr.code} {cr.intitule}" for cr in ligne.competence.criteres.all())
        ws.append([ligne.competence.code, ligne.competence.intitule, criteres, _niveau(ligne), float(ligne.points),
                   c.valeur_affichee, float(c.obtenus) if c.obtenus is not None else "—"])
        for cell in ws[ws.max_row]:
            cell.border, cell.alignment = CADRE, Alignment(wrap_text=True, vertical="top")
    ws.append(["Total", "", "", "", float(vue.calcul.total), "", float(vue.calcul.obtenus)])
    for cell in ws[ws.max_row]:
        cell.font, cell.border = GRAS, CADRE
    ws.append([])
    fin = [
        ("Note calculée (sur 20)", _fr(vue.note_calculee) or "—"),
        ("Ajustement de la commission", _fr(g.ajustement)),
        ("Justification", g.justification),
        ("Note proposée au jury (sur 20)", _fr(vue.note_proposee) or "—"),
        ("Appréciation", g.commentaire),
        ("Membres de la commission", "\n".join(g.membres())),
    ]
    for cle, valeur in fin:
        ws.append([cle, valeur])
        ws.cell(ws.max_row, 1).font = GRAS
        ws.cell(ws.max_row, 2).alignment = Alignment(wrap_text=True, vertical="top")
    ws.append([])
    ws.append(["Signatures des membres de la commission :"])
    for i, largeur in enumerate(LARGEURS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = largeur


def classeur_of(vues: list[GrilleVue]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    pris: set[str] = set()
    for vue in vues:
        _feuille(wb.create_sheet(_nom_feuille(vue, pris)), vue)
    if not vues:
        wb.create_sheet("Aucune grille").append(["Aucune grille CCF pour cette situation."])
    sortie = io.BytesIO()
    wb.save(sortie)
    return sortie.getvalue()
