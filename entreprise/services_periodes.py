"""Writes on a classe's alternance calendar (periods in the centre or in the company) and on a pupil's PFMP
requirement. Run inside the establishment's schema.

Errors are ValidationErrors in French whose code starts with the field at fault (`fin_before_debut`,
`le_outside`...), so a form can show each one next to its field; on error nothing is written.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.roles import Role
from scolarite.models import Apprenant, Classe
from tenants.access import abonnement_ecriture_check
from tenants.annees import annee_scolaire_bounds, annee_scolaire_label

from .models import AmenagementPFMP, EntreeJournal, FicheActivites, Periode
from .services_fiches import fiches_after_cut

UN_JOUR = datetime.timedelta(days=1)
SEMAINES_MAX = 60


def _actor_check(actor, classe: Classe) -> None:
    """Direction, or a formateur of the classe."""
    if actor is not None and actor.has_role(Role.DIRECTION):
        return
    if (actor is not None and actor.has_role(Role.FORMATEUR)
            and classe.formateurs.filter(pk=actor.pk).exists()):
        return
    raise ValidationError("Seuls la direction et les formateurs de la classe modifient son calendrier.",
                          code="actor_forbidden")


def _fields_check(*, classe: Classe, lieu: str, nature: str, debut, fin, libelle: str,
                  exclude: int | None = None) -> str:
    if lieu not in Periode.Lieu.values:
        raise ValidationError("Choisissez le lieu : au centre ou en entreprise.", code="lieu_invalid")
    if nature not in Periode.Nature.values:
        raise ValidationError("Nature de période inconnue.", code="nature_invalid")
    if lieu == Periode.Lieu.CENTRE and nature != Periode.Nature.ALTERNANCE:
        raise ValidationError("Une PFMP se déroule en entreprise : choisissez le lieu « En entreprise ».",
                              code="nature_centre")
    libelle = (libelle or "").strip()
    if len(libelle) > Periode._meta.get_field("libelle").max_length:
        raise ValidationError("Libellé : 120 caractères au plus.", code="libelle_length")
    if debut is None or fin is None:
        raise ValidationError("Les dates de début et de fin sont obligatoires.", code="debut_required")
    if fin < debut:
        raise ValidationError("La fin de la période précède son début.", code="fin_before_debut")
    rentree, fin_annee = annee_scolaire_bounds(classe.annee_scolaire)
    if debut < rentree or fin > fin_annee:
        raise ValidationError(
            f"La période doit tenir dans l'année scolaire {annee_scolaire_label(classe.annee_scolaire)} de la "
            f"classe, du {rentree:%d/%m/%Y} au {fin_annee:%d/%m/%Y}.", code="debut_outside_annee")
    overlapping = Periode.objects.filter(classe=classe, debut__lte=fin, fin__gte=debut)
    if exclude is not None:
        overlapping = overlapping.exclude(pk=exclude)
    other = overlapping.order_by("debut").first()
    if other is not None:
        raise ValidationError(
            f"Ces dates chevauchent la période « {other} » ({other.debut:%d/%m/%Y} – {other.fin:%d/%m/%Y}) : "
            "modifiez-la ou coupez-la d'abord.", code="debut_overlap")
    return libelle


def _lock_classe(classe: Classe) -> None:
    """Serialise the calendar writes of one classe, so two overlapping periods cannot both pass the check."""
    Classe.objects.select_for_update().filter(pk=classe.pk).first()


@transaction.atomic
def periode_create(*, classe: Classe, lieu: str, nature: str = Periode.Nature.ALTERNANCE, debut: datetime.date,
                   fin: datetime.date, libelle: str = "", actor) -> Periode:
    abonnement_ecriture_check(connection.tenant)
    _actor_check(actor, classe)
    _lock_classe(classe)
    libelle = _fields_check(classe=classe, lieu=lieu, nature=nature, debut=debut, fin=fin, libelle=libelle)
    periode = Periode.objects.create(classe=classe, lieu=lieu, nature=nature, debut=debut, fin=fin,
                                     libelle=libelle, created_by=actor if getattr(actor, "pk", None) else None)
    audit_record(actor=actor, action="periode_create", target=f"{classe.code} : {periode}",
                 details={"lieu": lieu, "nature": nature, "debut": debut.isoformat(), "fin": fin.isoformat()})
    return periode


def _attached_outside(periode: Periode, debut, fin) -> datetime.date | None:
    """The first date of something attached to the period that the new dates would leave out."""
    dates = []
    for model, fk, date_field in _dated_relations():
        if date_field is None:
            continue
        found = (model.objects.filter(**{fk: periode})
                 .exclude(**{f"{date_field}__gte": debut, f"{date_field}__lte": fin})
                 .order_by(date_field).values_list(date_field, flat=True).first())
        if found is not None:
            dates.append(found)
    return min(dates) if dates else None


@transaction.atomic
def periode_update(*, periode: Periode, lieu: str, nature: str, debut: datetime.date, fin: datetime.date,
                   libelle: str = "", actor) -> list[str]:
    """Change a period. Its journal entries must stay inside its dates (cut it to split it). Returns the names
    of the fields that changed; none changed, nothing is written."""
    abonnement_ecriture_check(connection.tenant)
    classe = periode.classe
    _actor_check(actor, classe)
    _lock_classe(classe)
    libelle = _fields_check(classe=classe, lieu=lieu, nature=nature, debut=debut, fin=fin, libelle=libelle,
                            exclude=periode.pk)
    outside = _attached_outside(periode, debut, fin)
    if outside is not None:
        raise ValidationError(
            f"Une entrée du journal de bord du {outside:%d/%m/%Y} sortirait de la période : gardez cette date "
            "dans la période, ou coupez-la.", code="debut_journal")
    if lieu != periode.lieu and EntreeJournal.objects.filter(periode=periode).exists():
        raise ValidationError("La période a des entrées de journal en entreprise : son lieu ne change plus.",
                              code="lieu_journal")
    if lieu != periode.lieu and FicheActivites.objects.filter(periode=periode).exists():
        raise ValidationError("La période a une fiche activités : son lieu ne change plus.", code="lieu_fiche")
    values = {"lieu": lieu, "nature": nature, "debut": debut, "fin": fin, "libelle": libelle}
    changed = [name for name, value in values.items() if getattr(periode, name) != value]
    if changed:
        for name in changed:
            setattr(periode, name, values[name])
        periode.save(update_fields=changed)
        audit_record(actor=actor, action="periode_update", target=f"{classe.code} : {periode}",
                     details={"champs": changed})
    return changed


def _dated_relations():
    """Whatever points at a period (journal entries, and what later features attach), and the field that
    dates it, if any: an attachment with a date follows its date when the period is cut."""
    relations = []
    for relation in Periode._meta.related_objects:
        if relation.one_to_many or relation.one_to_one:
            model = relation.related_model
            date_field = next((name for name in ("date", "debut") if _has_field(model, name)), None)
            relations.append((model, relation.field.name, date_field))
    return relations


def _has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except Exception:  # noqa: BLE001 FieldDoesNotExist
        return False
    return True


@transaction.atomic
def periode_couper(*, periode: Periode, le: datetime.date, actor) -> tuple[Periode, Periode]:
    """Cut a period in two: [debut, le - 1] keeps its row, [le, fin] is a new one of the same place, nature and
    label. Journal entries (and anything dated attached to it) go to the half that holds their date; what has
    no date stays with the first half."""
    abonnement_ecriture_check(connection.tenant)
    classe = periode.classe
    _actor_check(actor, classe)
    _lock_classe(classe)
    periode = Periode.objects.select_for_update().get(pk=periode.pk)
    if le is None:
        raise ValidationError("Indiquez le jour où commence la seconde partie.", code="le_required")
    if not periode.debut < le <= periode.fin:
        raise ValidationError(
            f"Coupez la période entre le {periode.debut + UN_JOUR:%d/%m/%Y} et le {periode.fin:%d/%m/%Y} : la "
            "date indiquée commence la seconde partie.", code="le_outside")
    fin = periode.fin
    periode.fin = le - UN_JOUR
    periode.save(update_fields=["fin"])
    suite = Periode.objects.create(classe=classe, lieu=periode.lieu, nature=periode.nature, libelle=periode.libelle,
                                   debut=le, fin=fin, created_by=actor if getattr(actor, "pk", None) else None)
    moved = {}
    for model, fk, date_field in _dated_relations():
        if date_field is None:
            continue
        count = model.objects.filter(**{fk: periode, f"{date_field}__gte": le}).update(**{fk: suite})
        if count:
            moved[model._meta.model_name] = count
    moved["fiches copiées"] = fiches_after_cut(periode, suite)  # undated: both halves expect the same work
    audit_record(actor=actor, action="periode_couper", target=f"{classe.code} : {periode}",
                 details={"le": le.isoformat(), "seconde": suite.pk, "deplaces": moved})
    return periode, suite


def periode_attachments(periode: Periode) -> int:
    """How many things point at the period (journal entries and anything later features attach)."""
    return sum(model.objects.filter(**{fk: periode}).count() for model, fk, _ in _dated_relations())


@transaction.atomic
def periode_delete(*, periode: Periode, actor) -> None:
    """Remove a period with nothing attached (an empty one created by mistake)."""
    abonnement_ecriture_check(connection.tenant)
    classe = periode.classe
    _actor_check(actor, classe)
    attached = periode_attachments(periode)
    if attached:
        raise ValidationError(
            f"La période « {periode} » a {attached} élément{'s' if attached > 1 else ''} rattaché"
            f"{'s' if attached > 1 else ''} (journal de bord…) : elle ne peut pas être supprimée. Modifiez ses "
            "dates ou coupez-la.", code="periode_attached")
    label = str(periode)
    periode.delete()
    audit_record(actor=actor, action="periode_delete", target=f"{classe.code} : {label}")


@transaction.atomic
def amenagement_pfmp_set(*, apprenant: Apprenant, semaines_requises: int, motif: str, actor,
                         le: datetime.date | None = None) -> AmenagementPFMP:
    """Record (or replace) the PFMP weeks a pupil owes: a positionnement decision that shortens the cycle, or
    the reduced minimum of decree 2022-672. Direction only."""
    abonnement_ecriture_check(connection.tenant)
    if actor is None or not actor.has_role(Role.DIRECTION):
        raise ValidationError("Seule la direction décide d'un aménagement de la durée de PFMP.",
                              code="actor_forbidden")
    if semaines_requises is None or isinstance(semaines_requises, bool) or not isinstance(semaines_requises, int):
        raise ValidationError("Indiquez un nombre entier de semaines.", code="semaines_requises_invalid")
    if not 0 <= semaines_requises <= SEMAINES_MAX:
        raise ValidationError(f"Le nombre de semaines va de 0 à {SEMAINES_MAX}.", code="semaines_requises_range")
    motif = (motif or "").strip()
    if not motif:
        raise ValidationError("Indiquez le motif de la décision (positionnement, absence de lieu d'accueil…).",
                              code="motif_required")
    if len(motif) > AmenagementPFMP._meta.get_field("motif").max_length:
        raise ValidationError("Motif : 300 caractères au plus.", code="motif_length")
    today = timezone.localdate()
    le = le or today
    if le > today:
        raise ValidationError("La date de la décision est dans le futur.", code="decide_le_future")
    amenagement, created = AmenagementPFMP.objects.update_or_create(
        apprenant=apprenant,
        defaults={"semaines_requises": semaines_requises, "motif": motif, "decide_par": actor, "decide_le": le})
    audit_record(actor=actor, action="amenagement_pfmp_set", target=str(apprenant),
                 details={"semaines_requises": semaines_requises, "motif": motif, "nouveau": created})
    return amenagement
