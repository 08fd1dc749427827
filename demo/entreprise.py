"""The demo's company side, built through the services as a CFA would: 1CIEL-A's alternance calendar and the
fiche activités of its company period (Léa's report sent), Léa's journal de bord at Réseaux Vauclusiens (one
entry with a photo, two validated by her maître d'apprentissage Jean Moreau, the latest waiting for him), and
the formateur's visit to the company."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User

JOURNAL = [
    # working days before today, minutes, RAP tasks, what Léa wrote
    (7, 420, ["R2-T4"], "Tirage de câbles et pose des prises RJ45 dans les bureaux du 1er étage, avec Jean."),
    (6, 390, ["R2-T4", "R2-T5"], "Raccordement de la baie de brassage et étiquetage des ports. Photo de la baie."),
    (2, 240, ["R2-T5"], "Configuration des VLAN sur le commutateur du client, tests de connectivité."),
    (1, 300, ["R3-T2"], "Mise à jour du firmware du pare-feu et sauvegarde de la configuration."),
]


FICHE_TACHES = ["R2-T4", "R2-T5", "R3-T2"]
FICHE_CRITERES = ["C09.1", "C09.3", "C10.3"]


def _weekday_before(day: datetime.date, days: int) -> datetime.date:
    """The working day `days` working days before `day`."""
    date = day
    while days:
        date -= datetime.timedelta(days=1)
        days -= date.weekday() < 5
    return date


def _photo() -> SimpleUploadedFile:
    """A drawn photo of a patch panel: the demo ships no binary file."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1200, 900), (40, 44, 52))
    draw = ImageDraw.Draw(image)
    for row in range(6):
        top = 120 + row * 110
        draw.rectangle((150, top, 1050, top + 80), fill=(90, 94, 102), outline=(200, 200, 200), width=3)
        for port in range(24):
            left = 175 + port * 36
            colour = [(52, 120, 246), (240, 190, 50), (80, 180, 90)][(row + port) % 3]
            draw.rectangle((left, top + 25, left + 24, top + 55), fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return SimpleUploadedFile("baie-de-brassage.jpg", buffer.getvalue(), content_type="image/jpeg")


def demo_entreprise(*, direction: User, formateur: User) -> None:
    from entreprise.models import Contrat, EntreeJournal, Periode
    from entreprise.services_fiches import fiche_prepare, realisation_save
    from entreprise.services_journal import entree_create, entree_validate
    from entreprise.services_periodes import periode_create
    from entreprise.services_visites import visite_record
    from referentiels.models import Critere, Tache
    from scolarite.models import Apprenant, Classe
    from tenants.annees import annee_scolaire_bounds, annee_scolaire_of

    today = timezone.localdate()
    classe = Classe.objects.select_related("formation").filter(
        annee_scolaire=annee_scolaire_of(today), code="1CIEL-A").first()
    if classe is None or Periode.objects.filter(classe=classe).exists():
        return
    rentree, fin_annee = annee_scolaire_bounds(classe.annee_scolaire)
    debut_entreprise = max(rentree + datetime.timedelta(days=7), today - datetime.timedelta(days=21))
    periode_create(classe=classe, lieu=Periode.Lieu.CENTRE, debut=rentree,
                   fin=debut_entreprise - datetime.timedelta(days=1), libelle="Au centre", actor=direction)
    periode = periode_create(classe=classe, lieu=Periode.Lieu.ENTREPRISE, debut=debut_entreprise,
                             fin=min(fin_annee, today + datetime.timedelta(days=20)),
                             libelle="Période en entreprise 1", actor=direction)

    lea = Apprenant.objects.filter(user__email="apprenti@demo.cpro.local").select_related("user").first()
    contrat = Contrat.objects.filter(apprenant=lea).prefetch_related("tuteurs__user").first() if lea else None
    if contrat is None:
        return
    tuteur = next((t.user for t in contrat.tuteurs.all() if t.user_id), None)
    taches = {t.code: t.pk for t in Tache.objects.filter(referentiel=classe.formation.referentiel)}
    criteres = {c.code: c.pk for c in Critere.objects.filter(referentiel=classe.formation.referentiel)}
    fiche = fiche_prepare(
        periode=periode, titre="Installer et mettre en service un réseau chez un client",
        consignes="Participer au câblage et à la configuration d'un réseau d'entreprise ; noter chaque jour ce "
                  "qui a été fait dans le journal de bord.",
        tache_ids=[taches[c] for c in FICHE_TACHES if c in taches],
        critere_ids=[criteres[c] for c in FICHE_CRITERES if c in criteres], actor=formateur)
    entrees = []
    for days, minutes, codes, texte in JOURNAL:
        date = _weekday_before(today, days)
        if date < debut_entreprise:
            continue
        entrees.append(entree_create(
            apprenant=lea, auteur=lea.user, date=date, texte=texte, duree_minutes=minutes,
            tache_ids=[taches[c] for c in codes if c in taches],
            fichiers=[_photo()] if "Photo" in texte else ()))
    if tuteur is not None:
        for entree in entrees[:2]:  # the older ones validated; the latest wait for Jean
            entree_validate(entree=EntreeJournal.objects.get(pk=entree.pk), auteur=tuteur)
    realisation_save(fiche=fiche, apprenant=lea, actor=lea.user, rendre=True,
                     taches_realisees=[taches[c] for c in FICHE_TACHES[:2] if c in taches],
                     compte_rendu="J'ai câblé les bureaux du premier étage et raccordé la baie, puis configuré les "
                                  "VLAN du commutateur. Je n'ai pas encore mis à jour de pare-feu seule.")
    visite_record(contrat=contrat, date=_weekday_before(today, 4), mode="visite",
                  participants="Jean Moreau (maître d'apprentissage), Léa Dupont, Karim Benali",
                  notes="Léa est intégrée à l'équipe technique ; elle câble et configure en autonomie partielle. "
                        "Jean souhaite qu'elle documente davantage ses interventions.",
                  suites="Fiche de configuration à rédiger pour chaque intervention ; point au prochain retour "
                         "au centre.", actor=formateur)
    _demo_bilan(periode=periode, lea=lea, formateur=formateur, tuteur=tuteur, criteres=criteres,
                date=max(periode.debut, _weekday_before(today, 4)))


# The bilan filled together during the visit: one level per criterion of the fiche, « non vu » where the
# company had no such work, then confirmed by the formateur and by Jean.
BILAN = {"C09.1": ("A", "Câblage propre et repéré, sans aide."),
         "C09.3": ("ECA", "Configure les VLAN avec l'aide de Jean."),
         "C10.3": ("NV", "Pas de mise à jour de pare-feu pendant la période.")}


def _demo_bilan(*, periode, lea, formateur: User, tuteur: User | None, criteres: dict, date) -> None:
    from entreprise.services_bilan import bilan_entreprise_confirm, bilan_entreprise_create, bilan_entreprise_fill

    if date > timezone.localdate():
        return  # the period has not started yet (the first days of the school year)
    bilan = bilan_entreprise_create(periode=periode, apprenant=lea, date=date, actor=formateur)
    codes = {criteres[code]: value for code, value in BILAN.items() if code in criteres}
    bilan_entreprise_fill(bilan=bilan, valeurs={pk: niveau for pk, (niveau, _) in codes.items()},
                          commentaires={pk: texte for pk, (_, texte) in codes.items()},
                          appreciation="Léa progresse vite ; à encourager sur la documentation de ses interventions.",
                          actor=formateur)
    bilan_entreprise_confirm(bilan=bilan, actor=formateur)
    if tuteur is not None:
        bilan_entreprise_confirm(bilan=bilan, actor=tuteur)
    else:
        bilan_entreprise_confirm(bilan=bilan, actor=formateur, papier=True)
