"""The vue classe: a classe's heatmap of levels, for its formateurs, the direction and the inspection. It writes
nothing (GET only): the inspection reads it like everyone else."""

from html import escape as e

from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from accounts.access import role_required
from accounts.roles import Role
from scolarite.models import Classe
from scolarite.selectors import classes_visible

from .selectors_classe import SEMAINES_RECENT, SOURCES, Cellule, vue_classe


def classe_for_vue(user, pk) -> Classe:
    """Every classe for the direction and the inspection, their own for a formateur; 404 otherwise."""
    return get_object_or_404(classes_visible(user).select_related("formation"), pk=pk)


def _pluriel(n: int, mot: str) -> str:
    return f"{n} {mot}" if n < 2 else f"{n} {mot}s"


def cellule_html(c: Cellule, *, debut: bool = False) -> str:
    """One cell as HTML: 1,400 cells through {% include %} would be most of the page's time (as bilans.rendu).
    Colour, motif and code together, never colour alone; the label, the reason and the count in words."""
    preuves = _pluriel(c.preuves, "situation") + (" évaluée" if c.preuves < 2 else " évaluées")
    texte = e(c.phrase or c.libelle)
    dit = f'<span class="visually-hidden">{texte} {preuves}.</span>'
    compte = f'<small class="vc-n">{c.preuves}</small>'
    bord = " vc-debut" if debut else ""  # the first competency of a bloc
    if c.niveau is not None:
        n = c.niveau
        return (f'<td class="vc-c{bord}" style="background-color:{e(n.couleur)};color:{n.couleur_texte}" '
                f'title="{texte} ({preuves})"><span aria-hidden="true"><span class="vc-g">{n.glyphe}</span> '
                f'<b>{e(c.code)}</b>{compte}</span>{dit}</td>')
    code = f"<b>{e(c.code)}</b>" if c.code else "—"
    return (f'<td class="vc-c{bord}{" vc-etat" if c.code else ""}" title="{texte} ({preuves})">'
            f'<span aria-hidden="true">{code}{compte}</span>{dit}</td>')


def _entete(cle: str, tri: str) -> tuple[str, str]:
    """(aria-sort, the link's tri): a first click sorts up (weakest first), a second one down."""
    if tri == cle:
        return "ascending", f"-{cle}"
    if tri == f"-{cle}":
        return "descending", cle
    return "", cle


@role_required(Role.FORMATEUR, Role.DIRECTION, Role.INSPECTEUR)
@require_safe
def vue_classe_page(request, pk: int):
    classe = classe_for_vue(request.user, pk)
    vue = vue_classe(classe, source=request.GET.get("source", ""), tri=request.GET.get("tri", "")[:40])
    for colonne in vue.colonnes:
        colonne.aria_sort, colonne.lien = _entete(colonne.competence.code, vue.tri)
    nom_aria, nom_lien = _entete("nom", vue.tri)
    debuts = {i for i, c in enumerate(vue.colonnes) if c.debut}
    lignes = [(ligne, mark_safe("".join(cellule_html(c, debut=i in debuts)  # noqa: S308 -- escaped above
                                        for i, c in enumerate(ligne.cellules))))
              for ligne in vue.lignes]
    return render(request, "livret/classe.html", {
        "classe": classe, "vue": vue, "lignes": lignes, "sources": SOURCES, "semaines": SEMAINES_RECENT,
        "nom_aria": nom_aria, "nom_lien": nom_lien, "source_label": SOURCES[vue.source],
    })
