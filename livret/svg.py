"""Charts as inline SVG, drawn on the server: no script and no library to ship, readable without CSS.

Drawn 260 units wide, about one unit per CSS pixel in a card on the narrowest phone; the SVG scales with its
container (up to a maximum width set in livret.css). Each
chart is an image with a title and a description that say its numbers (role="img"); the page also prints them
in a table."""

from html import escape as e

from django.utils.safestring import SafeString, mark_safe

LARGEUR, LIGNE, ETIQUETTE, BARRE = 260, 30, 74, 132  # the bar runs from ETIQUETTE to ETIQUETTE + BARRE


def barres_svg(barres, *, ident: str, titre: str) -> SafeString:
    """Horizontal bars, one per item (`code`, `acquises`, `total`, `pourcent`): the share acquired, its
    percentage written beside it (the length is never the only signal)."""
    hauteur = LIGNE * len(barres) + 4
    description = " ; ".join(f"{b.code} : {b.acquises} sur {b.total} ({b.pourcent} %)" for b in barres)
    parts = [f'<svg class="tb-barres" viewBox="0 0 {LARGEUR} {hauteur}" width="100%" role="img" '
             f'aria-labelledby="{ident}-titre {ident}-desc" xmlns="http://www.w3.org/2000/svg" '
             f'preserveAspectRatio="xMinYMin meet">',
             f'<title id="{ident}-titre">{e(titre)}</title><desc id="{ident}-desc">{e(description)}.</desc>']
    for i, b in enumerate(barres):
        y = 2 + LIGNE * i
        largeur = BARRE * b.acquises / b.total if b.total else 0
        parts.append(f'<text class="tb-etiquette" x="0" y="{y + 19}">{e(b.code[:10])}</text>'
                     f'<rect class="tb-fond" x="{ETIQUETTE}" y="{y + 5}" width="{BARRE}" height="18" rx="2"/>')
        if largeur:
            parts.append(f'<rect class="tb-barre" x="{ETIQUETTE}" y="{y + 5}" width="{largeur:.1f}" height="18" '
                         f'rx="2"/>')
        parts.append(f'<text class="tb-valeur" x="{LARGEUR - 2}" y="{y + 19}" text-anchor="end">'
                     f'{b.pourcent} %</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 -- every data value is escaped
