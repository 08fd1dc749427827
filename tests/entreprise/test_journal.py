"""Journal de bord services: an entry with its evidence, every bad file refused, dates inside the contract and a
company period, the tutor's validation, a change after validation as a new version, refusals that write nothing."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tenants.utils import tenant_context
from PIL import ExifTags, Image

from entreprise import selectors_journal as selectors
from entreprise import services_journal as services
from entreprise.models import Contrat, EntreeAvis, EntreeJournal, EntreeVersion, Periode, Preuve
from entreprise.preuves import IMAGE_MAX_COTE, PREUVE_MAX_BYTES

from .conftest import TODAY

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def jpeg_with_exif(size=(3000, 2000)) -> bytes:
    """A phone photo: landscape pixels, an orientation tag saying « turn it upright », a maker and a GPS position."""
    image = Image.new("RGB", size, (180, 40, 40))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "PhoneMaker"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (43.0, 57.0, 0.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def png_bomb() -> bytes:
    """60 million pixels in a few kilobytes."""
    buffer = io.BytesIO()
    Image.new("1", (10_000, 6_000)).save(buffer, "PNG")
    return buffer.getvalue()


def write(world, auteur, **kwargs):
    values = {"date": TODAY, "texte": "Câblage d'une baie de brassage.", "duree_minutes": 210}
    return services.entree_create(apprenant=kwargs.pop("apprenant", world["lea"]), auteur=auteur,
                                  **{**values, **kwargs})


@pytest.fixture
def entree(alpha, alternance, personas):
    with tenant_context(alpha):
        created = write(alternance, personas["apprenant"])
    connection.set_schema_to_public()
    return created


def nothing_written(media_root=None) -> None:
    assert not EntreeJournal.objects.exists() and not EntreeVersion.objects.exists()
    assert not Preuve.objects.exists()
    if media_root is not None:
        assert not [path for path in media_root.rglob("*") if path.is_file()]


def test_the_learner_writes_an_entry_with_tasks_and_a_photo_downscaled_and_stripped(alpha, alternance, personas,
                                                                                  ciel, media_root):
    original = jpeg_with_exif()
    source = Image.open(io.BytesIO(original)).getexif()
    assert source.get_ifd(ExifTags.IFD.GPSInfo) and source[ExifTags.Base.Make] == "PhoneMaker"
    taches = [t.pk for t in ciel.taches.order_by("pk")[:2]]
    with tenant_context(alpha):
        entree = write(alternance, personas["apprenant"], tache_ids=taches,
                       fichiers=[SimpleUploadedFile("IMG_0042.JPG", original, content_type="image/jpeg"),
                                 SimpleUploadedFile("bon-de-livraison.pdf", PDF)])
        entree.refresh_from_db()
        assert entree.statut == "a_valider" and entree.contrat == alternance["contrat"]
        assert entree.periode == alternance["periode"] and entree.date == TODAY
        version = entree.version_courante
        assert version.numero == 1 and version.duree_minutes == 210 and version.auteur == personas["apprenant"]
        assert sorted(version.tache_links.values_list("tache_id", flat=True)) == taches
        photo, pdf = entree.preuves.order_by("pk")
        assert (photo.nom, photo.type_mime) == ("IMG_0042.jpg", "image/jpeg")
        with photo.fichier.open("rb") as handle:
            stored = handle.read()
        assert photo.taille == len(stored) and photo.fichier.name.endswith(".jpg")
        assert "IMG_0042" not in photo.fichier.name  # a random name on disk
        image = Image.open(io.BytesIO(stored))
        assert image.size[1] == IMAGE_MAX_COTE and image.size[0] < image.size[1]  # turned upright, downscaled
        assert not image.getexif() and b"PhoneMaker" not in stored
        assert (pdf.type_mime, pdf.taille) == ("application/pdf", len(PDF))
        with pdf.fichier.open("rb") as handle:
            assert handle.read() == PDF
        assert alpha.schema_name in photo.fichier.path  # stored in the establishment's own folder


@pytest.mark.parametrize(("name", "content", "message"), [
    ("photo.jpg", b"<html><script>alert(1)</script></html>", "Type de fichier non accepté"),
    ("photo.jpg", b"MZ\x90\x00 a Windows program", "Type de fichier non accepté"),
    ("devis.pdf", b"GIF89a not a pdf at all", "Type de fichier non accepté"),
    ("devis.pdf", b"%PDF-1.4\n<script>only a header</script>", "n'est pas un PDF complet"),
    ("photo.jpg", b"\xff\xd8\xff\xe0" + b"broken" * 50, "illisible"),
    ("vide.png", b"", "vide"),
])
def test_each_bad_file_is_refused_with_a_french_message_and_nothing_is_written(alpha, alternance, personas,
                                                                              media_root, name, content, message):
    with tenant_context(alpha):
        with pytest.raises(ValidationError, match=message):
            write(alternance, personas["apprenant"], fichiers=[SimpleUploadedFile(name, content)])
        nothing_written(media_root)


def test_a_file_over_10_mb_is_refused(alpha, alternance, personas, media_root):
    grosse = SimpleUploadedFile("grosse.jpg", b"\xff\xd8\xff" + b"0" * PREUVE_MAX_BYTES)
    with tenant_context(alpha), pytest.raises(ValidationError, match="dépasse 10 Mo"):
        write(alternance, personas["apprenant"], fichiers=[grosse])


def test_an_image_bomb_is_refused_before_it_is_decoded(alpha, alternance, personas, media_root):
    bomb = png_bomb()
    assert len(bomb) < 100_000
    with tenant_context(alpha):
        with pytest.raises(ValidationError, match="trop grande"):
            write(alternance, personas["apprenant"], fichiers=[SimpleUploadedFile("plan.png", bomb)])
        nothing_written(media_root)


def test_one_bad_file_among_good_ones_refuses_the_whole_entry(alpha, alternance, personas, media_root):
    with tenant_context(alpha):
        with pytest.raises(ValidationError, match="Type de fichier"):
            write(alternance, personas["apprenant"], fichiers=[SimpleUploadedFile("a.pdf", PDF),
                                                               SimpleUploadedFile("b.jpg", b"nope")])
        nothing_written(media_root)


def test_a_date_in_the_future_is_refused(alpha, alternance, personas):
    with tenant_context(alpha):
        with pytest.raises(ValidationError, match="dans le futur"):
            write(alternance, personas["apprenant"], date=TODAY + datetime.timedelta(days=1))
        nothing_written()


def test_a_date_outside_every_company_period_is_refused(alpha, alternance, personas):
    with tenant_context(alpha):
        Periode.objects.filter(pk=alternance["periode"].pk).update(fin=TODAY - datetime.timedelta(days=1))
        with pytest.raises(ValidationError, match="aucune période en entreprise .* 1CIEL-A"):
            write(alternance, personas["apprenant"])
        nothing_written()


def test_a_date_outside_the_contract_is_refused(alpha, alternance, personas):
    with tenant_context(alpha):
        Contrat.objects.filter(pk=alternance["contrat"].pk).update(debut=TODAY + datetime.timedelta(days=1),
                                                                  fin=TODAY + datetime.timedelta(days=60))
        with pytest.raises(ValidationError, match="en dehors des dates du contrat"):
            write(alternance, personas["apprenant"])
        nothing_written()


def test_a_task_outside_the_referentiel_an_empty_text_and_a_silly_duration_are_refused(alpha, alternance, personas,
                                                                                     ciel):
    last = ciel.taches.order_by("-pk").first()
    with tenant_context(alpha):
        with pytest.raises(ValidationError, match="référentiel de la formation"):
            write(alternance, personas["apprenant"], tache_ids=[last.pk + 100_000])
        with pytest.raises(ValidationError, match="Écrivez ce qui a été fait"):
            write(alternance, personas["apprenant"], texte="   ")
        with pytest.raises(ValidationError, match="24 heures"):
            write(alternance, personas["apprenant"], duree_minutes=3000)
        nothing_written()


def test_the_tutor_writes_for_their_apprentice_but_never_for_another(alpha, alternance, personas):
    with tenant_context(alpha):
        entree = write(alternance, personas["tuteur"])
        assert entree.created_by == personas["tuteur"] and entree.contrat == alternance["contrat"]
        with pytest.raises(ValidationError, match="apprenti dont vous êtes tuteur"):
            write(alternance, personas["tuteur"], apprenant=alternance["hugo"])
        assert EntreeJournal.objects.count() == 1


def test_the_tutor_validates_in_one_action_and_not_twice(alpha, entree, personas):
    with tenant_context(alpha):
        avis = services.entree_validate(entree=entree, auteur=personas["tuteur"])
        assert (avis.action, avis.role, avis.version) == ("validation", "tuteur", entree.version_courante)
        entree.refresh_from_db()
        assert entree.statut == "validee"
        with pytest.raises(ValidationError, match="déjà validée"):
            services.entree_validate(entree=entree, auteur=personas["tuteur"])
        assert EntreeAvis.objects.count() == 1


def test_a_tutor_of_another_apprentice_cannot_validate_nor_send_back(alpha, entree, alternance):
    autre = alternance["autre_tuteur"].user
    with tenant_context(alpha):
        with pytest.raises(ValidationError, match="Seul le tuteur"):
            services.entree_validate(entree=entree, auteur=autre)
        with pytest.raises(ValidationError, match="Seul le tuteur"):
            services.entree_a_revoir(entree=entree, auteur=autre, commentaire="Non.")
        assert not EntreeAvis.objects.exists()
        assert EntreeJournal.objects.get().statut == "a_valider"


def test_a_change_after_validation_makes_a_new_version_and_goes_back_to_the_tutor(alpha, entree, personas, ciel):
    tache = ciel.taches.order_by("pk").first()
    with tenant_context(alpha):
        services.entree_validate(entree=entree, auteur=personas["tuteur"])
        v2 = services.entree_update(entree=entree, auteur=personas["apprenant"], date=TODAY,
                                    texte="Câblage d'une baie de brassage et tests de continuité.",
                                    duree_minutes=240, tache_ids=[tache.pk])
        entree.refresh_from_db()
        assert v2.numero == 2 and entree.version_courante == v2 and entree.statut == "a_valider"
        v1 = entree.versions.get(numero=1)
        assert v1.texte == "Câblage d'une baie de brassage." and v1.duree_minutes == 210
        assert v1.avis.get().action == "validation"  # the validation stays with the version it was given on
        historique = selectors.entree_historique(entree, cote_centre=True)
        assert [v.numero for v in historique["versions"]] == [1, 2]
        assert historique["versions"][1].changements == [
            "Texte modifié.", "Durée : 3 h 30 → 4 h.", f"Tâches ajoutées : {tache.code}."]
        assert historique["versions"][0].validee and not historique["versions"][1].validee
        services.entree_validate(entree=entree, auteur=personas["tuteur"])  # the new version can be validated
        entree.refresh_from_db()
        assert entree.statut == "validee"


def test_a_change_with_nothing_new_is_refused(alpha, entree, personas):
    with tenant_context(alpha):
        with pytest.raises(ValidationError, match="Rien n'a changé"):
            services.entree_update(entree=entree, auteur=personas["apprenant"], date=TODAY,
                                   texte="Câblage d'une baie de brassage.", duree_minutes=210)
        assert entree.versions.count() == 1


def test_a_change_moved_to_a_future_date_is_refused_and_writes_nothing(alpha, entree, personas):
    with tenant_context(alpha):
        with pytest.raises(ValidationError, match="dans le futur"):
            services.entree_update(entree=entree, auteur=personas["apprenant"],
                                   date=TODAY + datetime.timedelta(days=3), texte="Plus tard.")
        assert entree.versions.count() == 1


def test_a_learner_cannot_change_another_learners_entry(alpha, alternance, personas):
    with tenant_context(alpha):
        hugo_entry = write(alternance, alternance["autre_tuteur"].user, apprenant=alternance["hugo"])
        with pytest.raises(ValidationError, match="Seuls l'apprenant et son tuteur"):
            services.entree_update(entree=hugo_entry, auteur=personas["apprenant"], date=TODAY, texte="Pris !")
        with pytest.raises(ValidationError, match="propre journal"):
            write(alternance, personas["apprenant"], apprenant=alternance["hugo"])
        assert hugo_entry.versions.count() == 1


def test_a_stale_validation_is_refused_when_the_entry_changed_meanwhile(alpha, entree, personas):
    seen = entree.version_courante_id
    with tenant_context(alpha):
        services.entree_update(entree=entree, auteur=personas["apprenant"], date=TODAY, texte="Autre chose.")
        with pytest.raises(ValidationError, match="modifiée depuis que vous l'avez ouverte"):
            services.entree_validate(entree=entree, auteur=personas["tuteur"], version_id=seen)


def test_send_back_needs_a_comment_and_a_formateur_comments(alpha, entree, personas):
    with tenant_context(alpha):
        with pytest.raises(ValidationError, match="Dites ce qui est à revoir"):
            services.entree_a_revoir(entree=entree, auteur=personas["tuteur"], commentaire=" ")
        services.entree_a_revoir(entree=entree, auteur=personas["tuteur"], commentaire="Précise le matériel.")
        entree.refresh_from_db()
        assert entree.statut == "a_revoir"
        avis = services.entree_comment(entree=entree, auteur=personas["formateur"], commentaire="Bon début.")
        assert (avis.action, avis.role) == ("commentaire", "formateur")
        with pytest.raises(ValidationError, match="Seuls les formateurs"):
            services.entree_comment(entree=entree, auteur=personas["direction"], commentaire="Direction.")
        tuteur_view = selectors.entree_historique(entree, cote_centre=False)
        assert [a.role for a in tuteur_view["avis"]] == ["tuteur"]  # the formateur's comment stays at the centre
        assert len(selectors.entree_historique(entree, cote_centre=True)["avis"]) == 2


def test_a_lapsed_subscription_refuses_writing(alpha, alternance, personas):
    from tenants.models import Abonnement

    Abonnement.objects.filter(etablissement=alpha).delete()
    with tenant_context(alpha):
        with pytest.raises(ValidationError):
            write(alternance, personas["apprenant"])
        nothing_written()


def test_entries_waiting_for_a_tutor_are_counted_per_contract_in_one_query(alpha, alternance, personas,
                                                                         django_assert_num_queries):
    with tenant_context(alpha):
        for _ in range(3):
            write(alternance, personas["apprenant"])
        done = write(alternance, personas["apprenant"])
        services.entree_validate(entree=done, auteur=personas["tuteur"])
        write(alternance, alternance["autre_tuteur"].user, apprenant=alternance["hugo"])
        with django_assert_num_queries(1):
            counts = selectors.journal_a_valider_par_tuteur(personas["tuteur"])
        assert counts == {alternance["contrat"].pk: 3}
