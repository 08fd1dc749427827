"""The period grade form's fields, read from the POST by hand: one weight per evaluated competency
(`poids-<competence pk>`), `ajustement`, `justification`. Numbers are accepted the French way (« 1,5 »)."""

from decimal import Decimal, InvalidOperation


def nombre_of(value) -> Decimal | None:
    """A decimal number typed with a comma or a dot; None when blank; ValueError when not a number."""
    texte = (value or "").strip().replace(",", ".").replace("\u2212", "-").replace("\u202f", "").replace(" ", "")
    if not texte:
        return None
    try:
        nombre = Decimal(texte)
    except InvalidOperation:
        raise ValueError(texte) from None
    if not nombre.is_finite():
        raise ValueError(texte)
    return nombre


def poids_of(post, lignes) -> tuple[dict[int, Decimal], list[str]]:
    """(competence pk → weight, errors in French) for the evaluated `lignes` of the page."""
    poids, erreurs = {}, []
    for ligne in lignes:
        code = ligne.competence.code
        try:
            valeur = nombre_of(post.get(f"poids-{ligne.competence_id}"))
        except ValueError:
            erreurs.append(f"Le poids de {code} doit être un nombre (par exemple 12,5).")
            continue
        if valeur is None:
            erreurs.append(f"Indiquez le poids de {code} (0 pour l'écarter de la note).")
        else:
            poids[ligne.competence_id] = valeur
    return poids, erreurs


def ajustement_of(post) -> tuple[Decimal, str, list[str]]:
    """(ajustement, blank is 0; justification; errors in French)."""
    justification = (post.get("justification") or "").strip()
    try:
        ajustement = nombre_of(post.get("ajustement"))
    except ValueError:
        return Decimal(0), justification, ["L'ajustement doit être un nombre de points (par exemple 1,5 ou -0,5)."]
    return ajustement or Decimal(0), justification, []
