"""WCAG 2 contrast of a level's colour with the text drawn on it (white or the site's ink)."""

from functools import lru_cache

TEXTE_CLAIR = "#ffffff"
TEXTE_FONCE = "#1b1b1b"  # the site's ink (static/css/cpro.css --ink)
AA = 4.5  # WCAG 2.1 AA for normal text


def _luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@lru_cache(maxsize=256)  # a grid asks for the same few colours hundreds of times
def texte_lisible(couleur: str) -> str | None:
    """"clair" (white text) or "fonce" (dark text), whichever contrasts more, or None when neither reaches AA."""
    clair, fonce = contrast(couleur, TEXTE_CLAIR), contrast(couleur, TEXTE_FONCE)
    best = "clair" if clair >= fonce else "fonce"
    return best if max(clair, fonce) >= AA else None
