"""Writes on evaluation scales. Run inside the establishment's schema.

A scale is changed by adding a version, never by editing one: every check runs before the first write, and the
version, its levels and its states are written in one transaction.
"""

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify

from accounts.audit import audit_record

from .contrast import texte_lisible
from .models import Echelle, EchelleVersion, EtatSpecial, Niveau

COULEUR = re.compile(r"^#[0-9a-fA-F]{6}$")
CODE = re.compile(r"^[A-Za-z0-9+\-*]{1,10}$")
MOTIFS = set(Niveau.Motif.values)
DEFAULT_MOTIFS = {2: ["vide", "plein"], 3: ["vide", "moitie", "plein"], 4: ["vide", "quart", "trois_quarts", "plein"]}


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _clean_niveaux(niveaux: list[dict], errors: list[str]) -> list[dict]:
    """Levels in rang order (the list's order), each with code, libelle, couleur, valeur and motif."""
    cleaned = []
    motifs = DEFAULT_MOTIFS.get(len(niveaux), [])
    for rang, raw in enumerate(niveaux, start=1):
        where = f"Niveau {rang}"
        code, libelle = _text(raw.get("code")), _text(raw.get("libelle"))
        couleur, motif = _text(raw.get("couleur")).lower(), _text(raw.get("motif"))
        if not code:
            errors.append(f"{where} : donnez un code court.")
        elif not CODE.match(code):
            errors.append(f"{where} : le code « {code} » doit faire au plus 10 lettres, chiffres ou signes + - *.")
        if not libelle:
            errors.append(f"{where} : donnez un libellé.")
        elif len(libelle) > 100:
            errors.append(f"{where} : le libellé dépasse 100 caractères.")
        if not COULEUR.match(couleur):
            errors.append(f"{where} : la couleur « {couleur} » n'est pas au format #rrggbb.")
        elif texte_lisible(couleur) is None:
            errors.append(f"{where} : la couleur {couleur} ne contraste assez ni avec un texte blanc ni avec un texte "
                          "foncé (4,5:1 au moins) ; choisissez-la plus claire ou plus foncée.")
        try:
            valeur = Decimal(str(raw.get("valeur"))).quantize(Decimal("0.01"))
            if not valeur.is_finite() or abs(valeur) >= 10000:
                raise InvalidOperation
        except (InvalidOperation, ValueError, TypeError):
            shown = raw.get("valeur")
            errors.append(f"{where} : la valeur « {'' if shown is None else shown} » n'est pas un nombre.")
            valeur = None
        if not motif and rang <= len(motifs):
            motif = motifs[rang - 1]
        if motif not in MOTIFS:
            errors.append(f"{where} : choisissez un motif parmi {', '.join(sorted(MOTIFS))}.")
        cleaned.append({"rang": rang, "code": code, "libelle": libelle, "couleur": couleur, "valeur": valeur,
                        "motif": motif})
    if len(cleaned) < 2:
        errors.append("Une échelle a au moins deux niveaux.")
    valeurs = [n["valeur"] for n in cleaned]
    if None not in valeurs and any(b <= a for a, b in zip(valeurs, valeurs[1:], strict=False)):
        errors.append("Les valeurs doivent croître avec le rang : chaque niveau vaut plus que le précédent.")
    return cleaned


def _clean_etats(etats: list[dict], errors: list[str]) -> list[dict]:
    cleaned = []
    for rang, raw in enumerate(etats, start=1):
        where = f"État spécial {rang}"
        code, libelle = _text(raw.get("code")), _text(raw.get("libelle"))
        if not code:
            errors.append(f"{where} : donnez un code court.")
        elif not CODE.match(code):
            errors.append(f"{where} : le code « {code} » doit faire au plus 10 lettres, chiffres ou signes + - *.")
        if not libelle:
            errors.append(f"{where} : donnez un libellé.")
        elif len(libelle) > 100:
            errors.append(f"{where} : le libellé dépasse 100 caractères.")
        cleaned.append({"rang": rang, "code": code, "libelle": libelle})
    return cleaned


def version_check(*, niveaux: list[dict], etats: list[dict]) -> tuple[list[dict], list[dict]]:
    """Every problem at once, as one ValidationError; the cleaned levels and states otherwise."""
    errors: list[str] = []
    niveaux, etats = _clean_niveaux(list(niveaux), errors), _clean_etats(list(etats), errors)
    seen: set[str] = set()
    for item in niveaux + etats:
        key = item["code"].upper()
        if key and key in seen:
            errors.append(f"Le code « {item['code']} » est utilisé deux fois : chaque niveau et chaque état spécial "
                          "a son propre code.")
        seen.add(key)
    if errors:
        raise ValidationError(errors)
    return niveaux, etats


@transaction.atomic
def echelle_version_create(*, echelle: Echelle, niveaux: list[dict], etats: list[dict], actor) -> EchelleVersion:
    """The next version of `echelle`. `niveaux` in rising order, each {code, libelle, couleur, valeur, motif?};
    `etats` each {code, libelle}. Earlier versions and what points at them are left as they are."""
    niveaux, etats = version_check(niveaux=niveaux, etats=etats)
    Echelle.objects.select_for_update().filter(pk=echelle.pk).get()  # one numero per concurrent edit
    numero = (echelle.versions.aggregate(last=Max("numero"))["last"] or 0) + 1
    version = EchelleVersion.objects.create(echelle=echelle, numero=numero,
                                            created_by=actor if getattr(actor, "pk", None) else None)
    Niveau.objects.bulk_create(Niveau(version=version, **n) for n in niveaux)
    EtatSpecial.objects.bulk_create(EtatSpecial(version=version, **e) for e in etats)
    audit_record(actor=actor, action="echelle_version_create", target=f"{echelle.nom} v{numero}",
                 details={"niveaux": [f"{n['code']}={n['valeur']}" for n in niveaux],
                          "etats": [e["code"] for e in etats]})
    return version


@transaction.atomic
def echelle_create(*, nom: str, portee: str, niveaux: list[dict], etats: list[dict], actor, code: str = "",
                   en_usage: bool = True) -> Echelle:
    """A new scale and its version 1."""
    nom = _text(nom)
    code = slugify(code or nom)[:40]
    errors = []
    if not nom:
        errors.append("Donnez un nom à l'échelle.")
    elif len(nom) > 100:
        errors.append("Le nom de l'échelle dépasse 100 caractères.")
    elif Echelle.objects.filter(nom__iexact=nom).exists():
        errors.append(f"Une échelle « {nom} » existe déjà.")
    if nom and not code:
        errors.append("Donnez un code à l'échelle (lettres et chiffres).")
    elif code and Echelle.objects.filter(code=code).exists():
        errors.append(f"Une échelle a déjà le code « {code} ».")
    if portee not in Echelle.Portee.values:
        errors.append("Choisissez la portée de l'échelle : critères, compétences ou liaison entreprise.")
    try:
        version_check(niveaux=niveaux, etats=etats)
    except ValidationError as error:
        errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    echelle = Echelle.objects.create(code=code, nom=nom, portee=portee, en_usage=en_usage)
    audit_record(actor=actor, action="echelle_create", target=nom, details={"portee": portee})
    echelle_version_create(echelle=echelle, niveaux=niveaux, etats=etats, actor=actor)
    return echelle


@transaction.atomic
def echelle_usage_set(*, echelle: Echelle, en_usage: bool, actor) -> Echelle:
    """Put a scale in or out of use. Each portée keeps at least one scale in use, so an evaluation always has
    one to offer; a scale out of use keeps its versions, and past evaluations keep their meaning."""
    echelle = Echelle.objects.select_for_update().get(pk=echelle.pk)
    if echelle.en_usage == en_usage:
        return echelle
    if not en_usage:
        if not Echelle.objects.filter(portee=echelle.portee, en_usage=True).exclude(pk=echelle.pk).exists():
            raise ValidationError(f"« {echelle.nom} » est la seule échelle en usage pour les "
                                  f"{echelle.get_portee_display().lower()} : mettez-en une autre en usage d'abord.")
    echelle.en_usage = en_usage
    echelle.save(update_fields=["en_usage"])
    audit_record(actor=actor, action="echelle_usage_set", target=echelle.nom, details={"en_usage": en_usage})
    return echelle
