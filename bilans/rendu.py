"""The HTML of one cell of the class fill page, shared by the page and the per-cell save's answer.

Built with f-strings rather than an {% include %} per cell (as evaluations.grille_rendu): 35 learners × 40
competencies render in a few milliseconds. Every value that comes from data goes through `e` (html.escape)."""

from html import escape as e

from django.utils.safestring import SafeString, mark_safe

from .models import BilanLigne
from .selectors_feuille import Choix

STATUTS = {"enregistre": "enregistré"}


def _statut(statut: str, message: str) -> str:
    if statut in STATUTS:
        return f'<span class="bilan-statut">{STATUTS[statut]}</span>'
    if message:
        return f'<span class="bilan-statut bilan-alerte" role="alert">{e(message)}</span>'
    return ""


def _suggestion(ligne: BilanLigne) -> str:
    return (f'<span class="bilan-sug" id="sg-{ligne.pk}">suggéré : {e(ligne.suggestion_code)}'
            f'<span class="visually-hidden">. {e(ligne.suggestion_phrase)}</span></span>')


def cellule_html(ligne: BilanLigne | None, choix: list[Choix], *, apprenant_id: int, competence_id: int,
                 modifiable: bool, statut: str = "", message: str = "") -> SafeString:
    """A select named after the line (the whole form posts without JavaScript) with the revision and the value
    shown (hidden inputs), labelled by its row and column headers, described by the suggestion and its reason."""
    if ligne is None:  # a competency added to the référentiel after the bilan was made
        return mark_safe('<td class="bilan-cellule"><span class="muted">—</span></td>')
    code = ligne.code
    if not modifiable:
        libelle = f'<span class="visually-hidden"> {e(ligne.libelle)}</span>' if code else ""
        return mark_safe(  # noqa: S308 -- every data value is escaped
            f'<td class="bilan-cellule" data-valeur="{e(code)}"><abbr title="{e(ligne.libelle)}">'
            f'{e(code) or "—"}</abbr>{libelle}{_suggestion(ligne)}</td>')
    options = "" if code else '<option value="" selected>— à choisir —</option>'
    for c in choix:
        touche = f' data-touche="{e(c.touche)}"' if c.touche else ""
        choisi = " selected" if c.code == code else ""
        options += f'<option value="{e(c.code)}"{touche}{choisi}>{e(c.code)} – {e(c.libelle)}</option>'
    classe = f" bilan-{e(statut)}" if statut else ""
    return mark_safe(  # noqa: S308 -- every data value is escaped
        f'<td class="bilan-cellule{classe}" data-ligne="{ligne.pk}" data-vu="{ligne.revision}" '
        f'data-valeur="{e(code)}">'
        f'<select name="l-{ligne.pk}" id="l-{ligne.pk}" aria-labelledby="ap-{apprenant_id} co-{competence_id}" '
        f'aria-describedby="sg-{ligne.pk}" title="Suggéré : {e(ligne.suggestion_code)}. '
        f'{e(ligne.suggestion_phrase)}">{options}</select>'
        f'<input type="hidden" name="v-{ligne.pk}" value="{ligne.revision}">'
        f'<input type="hidden" name="o-{ligne.pk}" value="{e(code)}">'
        f"{_suggestion(ligne)}{_statut(statut, message)}</td>")
