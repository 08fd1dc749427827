"""Writes of the CCF grid (docs/ccf.md). Each runs in one transaction inside the establishment's schema, needs a
subscription in force and a formateur of the situation's classe, and refuses with a ValidationError in French,
writing nothing. A locked grid is never written (the database refuses too, migration 0007): a change is a new
version, with a reason."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.roles import Role
from scolarite.models import Apprenant
from tenants.access import abonnement_ecriture_check
from tenants.annees import annee_scolaire_of

from .models import Situation
from .models_ccf import GrilleCCF, GrilleCCFLigne
from .selectors_ccf import (
    ajustement_erreurs,
    bareme_par_defaut,
    calcul_of,
    echelle_version_ccf,
    epreuve_competences,
    grille_lignes,
    note_finale_of,
)
from .selectors_grille import situation_apprenants

REFUS = "Seuls les formateurs de la classe remplissent ses grilles CCF."
VERROUILLEE = "Cette grille est verrouillée : elle ne se modifie plus. Créez une nouvelle version en donnant la raison."
TEXTE_MAX = 4000


def _enseigne(actor, classe_id: int) -> bool:
    from scolarite.models import Classe

    return actor.has_role(Role.FORMATEUR) and Classe.formateurs.through.objects.filter(
        classe_id=classe_id, user_id=actor.pk).exists()


def _situation_check(situation: Situation, actor) -> None:
    abonnement_ecriture_check(connection.tenant)
    if situation.nature != Situation.Nature.CERTIFICATIVE or situation.epreuve_id is None:
        raise ValidationError("Les grilles CCF se font sur une situation certificative rattachée à une épreuve.")
    if not _enseigne(actor, situation.classe_id):
        raise ValidationError(REFUS)


def _grille_check(grille: GrilleCCF, actor, *, brouillon: bool = True) -> GrilleCCF:
    """The grid locked for this write (one write at a time per grid), its situation checked, still a draft."""
    grille = GrilleCCF.objects.select_for_update(of=("self",)).select_related("situation", "version").get(
        pk=grille.pk)
    _situation_check(grille.situation, actor)
    if brouillon and grille.verrouillee:
        raise ValidationError(VERROUILLEE)
    return grille


def _session_of(day: datetime.date) -> str:
    """The exam session: the June at the end of the school year of the situation."""
    return str(annee_scolaire_of(day) + 1)


@transaction.atomic
def grilles_ccf_create(*, situation: Situation, actor, apprenants: list[Apprenant] | None = None) -> list[GrilleCCF]:
    """A draft grid (version 1) for each learner of the certificative situation who has none yet (or for the
    given learners of it), with the épreuve's competencies and the default barème. Fixed number of queries."""
    _situation_check(situation, actor)
    # One preparation at a time per situation: two formateurs clicking at once must not both insert drafts.
    Situation.objects.select_for_update(no_key=True).filter(pk=situation.pk).first()
    inscrits = list(situation_apprenants(situation))
    if apprenants is not None:
        ids = {a.pk for a in inscrits}
        if any(a.pk not in ids for a in apprenants):
            raise ValidationError("Cet apprenant n'est pas concerné par cette situation.")
        inscrits = list(apprenants)
    version = echelle_version_ccf()
    if version is None:
        raise ValidationError("Aucune échelle de compétences n'est en usage : la direction doit en activer une.")
    competences = epreuve_competences(situation.epreuve_id)
    if not competences:
        raise ValidationError("L'épreuve n'a aucune compétence dans le référentiel : pas de grille possible.")
    deja = set(GrilleCCF.objects.filter(situation=situation).values_list("apprenant_id", flat=True))
    nouvelles = GrilleCCF.objects.bulk_create([
        GrilleCCF(situation=situation, apprenant=a, version=version, created_by=actor, date=situation.date,
                  session=_session_of(situation.date)) for a in inscrits if a.pk not in deja])
    bareme = bareme_par_defaut([c.pk for c in competences])
    GrilleCCFLigne.objects.bulk_create([
        GrilleCCFLigne(grille=g, competence=c, rang=rang, points=bareme[c.pk])
        for g in nouvelles for rang, c in enumerate(competences)])
    if nouvelles:
        audit_record(actor=actor, action="grille_ccf_creee", target=f"situation:{situation.pk}",
                     details={"grilles": [g.pk for g in nouvelles]})
    return nouvelles


def _decimal(valeur, message: str) -> Decimal:
    try:
        nombre = Decimal(str(valeur).strip().replace(",", ".").replace("−", "-"))
    except (InvalidOperation, ValueError):
        raise ValidationError(message) from None
    if not nombre.is_finite():
        raise ValidationError(message)
    return nombre


@transaction.atomic
def grille_ccf_bareme_set(*, grille: GrilleCCF, points: dict[int, object], actor) -> GrilleCCF:
    """Set the barème (competence pk → points, 0 to 100, to the hundredth; total above 0). Only before the grid
    is filled: once a level is chosen, the barème stays (a barème is fixed before evaluating)."""
    grille = _grille_check(grille, actor)
    lignes = list(grille.lignes.all())
    if any(ligne.niveau_id or ligne.etat_id for ligne in lignes):
        raise ValidationError("Le barème se fixe avant de remplir la grille : effacez d'abord les niveaux choisis.")
    if set(map(int, points)) != {ligne.competence_id for ligne in lignes}:
        raise ValidationError("Donnez les points de chaque compétence de l'épreuve.")
    valeurs = {int(c): _decimal(p, "Les points s'écrivent en nombres (6,5 ; 4).") for c, p in points.items()}
    if any(p < 0 or p > 100 or p != p.quantize(Decimal("0.01")) for p in valeurs.values()):
        raise ValidationError("Les points d'une compétence vont de 0 à 100, au centième.")
    if sum(valeurs.values()) <= 0:
        raise ValidationError("Le barème doit donner des points à au moins une compétence.")
    for ligne in lignes:
        ligne.points = valeurs[ligne.competence_id]
    GrilleCCFLigne.objects.bulk_update(lignes, ["points"])
    audit_record(actor=actor, action="grille_ccf_bareme", target=f"grille CCF {grille.pk}",
                 details={"points": {str(c): str(p) for c, p in valeurs.items()}})
    return grille


def _niveaux(grille: GrilleCCF, niveaux: dict[int, str], lignes: list[GrilleCCFLigne]) -> list[GrilleCCFLigne]:
    """Apply codes (a level or a special state of the grid's scale version, "" to clear): the lines changed."""
    par_code = {n.code.upper(): ("niveau", n) for n in grille.version.niveaux.all()}
    par_code.update({e.code.upper(): ("etat", e) for e in grille.version.etats.all()})
    par_competence = {ligne.competence_id: ligne for ligne in lignes}
    changees = []
    for competence_id, code in niveaux.items():
        ligne = par_competence.get(int(competence_id))
        if ligne is None:
            raise ValidationError("Cette compétence n'est pas dans la grille.")
        code = (code or "").strip().upper()
        if code and code not in par_code:
            raise ValidationError(f"Niveau inconnu : « {code[:10]} ». Choisissez parmi "
                                  f"{', '.join(par_code)}.")
        sorte, valeur = par_code.get(code, (None, None))
        niveau, etat = (valeur, None) if sorte == "niveau" else (None, valeur)
        if (ligne.niveau_id, ligne.etat_id) != (getattr(niveau, "pk", None), getattr(etat, "pk", None)):
            ligne.niveau, ligne.etat = niveau, etat
            changees.append(ligne)
    return changees


def _texte(valeur: str, nom: str, maximum: int = TEXTE_MAX) -> str:
    valeur = (valeur or "").strip()
    if len(valeur) > maximum:
        raise ValidationError(f"{nom} : {maximum} caractères au plus.")
    return valeur


@transaction.atomic
def grille_ccf_save(*, grille: GrilleCCF, actor, niveaux: dict[int, str] | None = None,
                    numero_candidat: str | None = None, session: str | None = None,
                    date: datetime.date | None = None, commission: str | None = None,
                    commentaire: str | None = None, ajustement=None, justification: str | None = None) -> GrilleCCF:
    """Write a draft grid: levels (competence pk → code), header, commission (one member per line), appreciation,
    and the commission's adjustment of the proposed grade (−2 to +2 points, to the tenth, justified unless 0).
    Arguments left to None keep their value."""
    grille = _grille_check(grille, actor)
    if numero_candidat is not None:
        grille.numero_candidat = _texte(numero_candidat, "Le numéro de candidat", 30)
    if session is not None:
        grille.session = _texte(session, "La session", 20)
    if date is not None:
        grille.date = date
    if commission is not None:
        grille.commission = "\n".join(m.strip() for m in _texte(commission, "La commission").splitlines()
                                      if m.strip())
    if commentaire is not None:
        grille.commentaire = _texte(commentaire, "L'appréciation")
    if justification is not None:
        grille.justification = _texte(justification, "La justification")
    if ajustement is not None:
        grille.ajustement = _decimal(ajustement or "0", "L'ajustement s'écrit en nombre (1,5 ; −0,5).")
    erreurs = ajustement_erreurs(grille.ajustement, grille.justification)
    if erreurs:
        raise ValidationError(erreurs)
    if niveaux:
        changees = _niveaux(grille, niveaux, list(grille.lignes.all()))
        GrilleCCFLigne.objects.bulk_update(changees, ["niveau", "etat"])
    grille.save()
    return grille


@transaction.atomic
def grille_ccf_lock(*, grille: GrilleCCF, actor) -> GrilleCCF:
    """Lock the grid: every competency has a level or « non évalué », at least one is evaluated, and the proposed
    grade is frozen with who and when. Audited."""
    grille = _grille_check(grille, actor)
    calcul = calcul_of(grille, grille_lignes(grille))
    if calcul.a_choisir:
        codes = ", ".join(c.ligne.competence.code for c in calcul.a_choisir)
        raise ValidationError(f"Choisissez un niveau (ou « non évalué ») pour chaque compétence : {codes}.")
    calculee = calcul.note_calculee
    if calculee is None:
        raise ValidationError("Aucune compétence n'est évaluée : la grille ne peut pas proposer de note.")
    erreurs = ajustement_erreurs(grille.ajustement, grille.justification)
    if erreurs:
        raise ValidationError(erreurs)
    grille.note_calculee = calculee
    grille.note_proposee = note_finale_of(calculee, grille.ajustement)
    grille.verrouillee_par, grille.verrouillee_le = actor, timezone.now()
    grille.save()
    audit_record(actor=actor, action="grille_ccf_verrouillee", target=f"{grille.apprenant} : grille CCF {grille.pk}",
                 details={"grille": grille.pk, "version": grille.numero, "calculee": str(grille.note_calculee),
                          "ajustement": str(grille.ajustement), "proposee": str(grille.note_proposee)})
    return grille


@transaction.atomic
def grille_ccf_new_version(*, grille: GrilleCCF, motif: str, actor) -> GrilleCCF:
    """A new draft version of a locked grid (its latest), a copy of it with the reason given; the locked one
    stays as it was, read-only, in the history. Audited."""
    motif = _texte(motif, "La raison")
    if not motif:
        raise ValidationError("Donnez la raison de la nouvelle version : elle reste dans l'historique.")
    grille = _grille_check(grille, actor, brouillon=False)
    if not grille.verrouillee:
        raise ValidationError("Cette grille n'est pas verrouillée : modifiez-la directement.")
    if GrilleCCF.objects.filter(situation_id=grille.situation_id, apprenant_id=grille.apprenant_id,
                                numero__gt=grille.numero).exists():
        raise ValidationError("Une version plus récente de cette grille existe déjà : partez de celle-ci.")
    nouvelle = GrilleCCF.objects.create(
        situation_id=grille.situation_id, apprenant_id=grille.apprenant_id, numero=grille.numero + 1,
        remplace=grille, motif=motif, version=grille.version, numero_candidat=grille.numero_candidat,
        session=grille.session, date=grille.date, commission=grille.commission, commentaire=grille.commentaire,
        ajustement=grille.ajustement, justification=grille.justification, created_by=actor)
    GrilleCCFLigne.objects.bulk_create([
        GrilleCCFLigne(grille=nouvelle, competence_id=ligne.competence_id, rang=ligne.rang, points=ligne.points,
                       niveau_id=ligne.niveau_id, etat_id=ligne.etat_id) for ligne in grille.lignes.all()])
    audit_record(actor=actor, action="grille_ccf_nouvelle_version",
                 target=f"{grille.apprenant} : grille CCF {grille.pk}",
                 details={"grille": nouvelle.pk, "remplace": grille.pk, "version": nouvelle.numero, "motif": motif})
    return nouvelle
