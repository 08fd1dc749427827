"""The HTML of one grid cell, shared by the page and the save, undo and comment answers.

Built with f-strings rather than an {% include %} per cell: a 35 × 20 grid renders in a few milliseconds.
Every value that comes from data goes through `e` (html.escape, quotes included)."""

from html import escape as e

from django.utils.safestring import SafeString, mark_safe

from .selectors_grille import Cellule

STATUTS = {"enregistre": "enregistré", "annule": "annulé"}


def code_of(ev) -> str:
    if ev is None:
        return ""
    return ev.niveau.code if ev.niveau_id else (ev.etat.code if ev.etat_id else "")


def _badge(ev) -> tuple[str, str]:
    """(the state in words for screen readers, the visible badge): the code is always written, colour never
    carries the meaning alone."""
    if ev is not None and ev.niveau_id:
        n = ev.niveau
        return f"{n.code} {n.libelle}", (
            f'<span class="niveau-badge" style="background-color: {e(n.couleur)}; color: {n.couleur_texte};">'
            f'<span class="niveau-motif" aria-hidden="true">{n.glyphe}</span> '
            f'<strong class="niveau-code">{e(n.code)}</strong></span>')
    if ev is not None and ev.etat_id:
        return f"{ev.etat.code} {ev.etat.libelle}", f'<span class="etat-badge">{e(ev.etat.code)}</span>'
    return "vide", '<span class="grille-vide" aria-hidden="true">·</span>'


def _statut(statut: str, message: str, precedent) -> str:
    if statut in STATUTS:
        return f'<span class="grille-statut">{STATUTS[statut]}</span>'
    if statut == "conflit":
        avant = f" ({code_of(precedent)})" if code_of(precedent) else ""
        auteur = str(precedent.auteur) if precedent else ""
        return (f'<span class="grille-statut grille-alerte" role="alert">Modifiée entre-temps par {e(auteur)}'
                f"{e(avant)} : votre saisie est enregistrée après, voir l'historique.</span>")
    if message:
        return f'<span class="grille-statut grille-alerte" role="alert">{e(message)}</span>'
    return ""


def cellule_html(cellule: Cellule, *, statut: str = "", message: str = "", precedent=None) -> SafeString:
    """One cell: the latest event's code in text, its comment, and after a save its status."""
    ev, apprenant, colonne = cellule.evaluation, cellule.apprenant, cellule.colonne
    commentaire = ev.commentaire if ev else ""
    etat_texte, badge = _badge(ev)
    label = f"{apprenant.prenom} {apprenant.nom}, {colonne.code} : {etat_texte}"
    if commentaire:
        label += f", commentaire : {commentaire}"
        badge += f'<span class="grille-com" aria-hidden="true" title="{e(commentaire)}">✎</span>'
    classe = f" grille-{e(statut)}" if statut else ""
    return mark_safe(  # noqa: S308 -- every data value above is escaped
        f'<td class="grille-cellule{classe}" data-apprenant="{apprenant.pk}" data-colonne="{colonne.pk}" '
        f'data-vu="{ev.pk if ev else ""}" data-valeur="{e(code_of(ev))}" data-commentaire="{e(commentaire)}">\n'
        f'<button type="button" class="grille-btn" tabindex="-1" aria-label="{e(label)}">{badge}</button>\n'
        f"{_statut(statut, message, precedent)}\n</td>")
