"""Journal de bord pages: the learner writes with a photo, the tutor validates in one tap (HTMX or not), the
formateur comments; everyone else gets a 404, the inspection reads only, the evidence is served only to those who
see its entry, and the tutor's list runs a constant number of queries."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tenants.utils import tenant_context
from PIL import Image

from entreprise import services_journal as services
from entreprise.models import EntreeAvis, EntreeJournal, Preuve
from tests.conftest import host_client, login, make_person

from ..conftest import call
from .conftest import TODAY
from .test_journal import PDF, jpeg_with_exif


def write(etablissement, world, auteur, *, apprenant=None, fichiers=(), texte="Pose de prises RJ45."):
    with tenant_context(etablissement):
        entree = services.entree_create(apprenant=apprenant or world["lea"], auteur=auteur, date=TODAY, texte=texte,
                                        duree_minutes=120, fichiers=fichiers)
        preuve = entree.preuves.first()
    connection.set_schema_to_public()
    return entree, preuve


@pytest.fixture
def lea_entry(alpha, alternance, personas, media_root):
    return write(alpha, alternance, personas["apprenant"], fichiers=[SimpleUploadedFile("baie.jpg", jpeg_with_exif())])


@pytest.fixture
def hugo_entry(alpha, alternance, media_root):
    return write(alpha, alternance, alternance["autre_tuteur"].user, apprenant=alternance["hugo"],
                 texte="Secret de Hugo.", fichiers=[SimpleUploadedFile("hugo.pdf", PDF)])


def entry_urls(entree, preuve):
    """(method, url, kind): "read" for pages every reader of the entry may see, "write" otherwise."""
    base = f"/journal/entrees/{entree.pk}"
    return [
        ("get", f"{base}/", "read"),
        ("get", f"/journal/preuves/{preuve.pk}/", "read"),
        ("get", f"/journal/apprenants/{entree.apprenant_id}/", "read"),
        ("get", f"{base}/modifier/", "write"),
        ("post", f"{base}/modifier/", "write"),
        ("post", f"{base}/valider/", "write"),
        ("get", f"{base}/a-revoir/", "write"),
        ("post", f"{base}/a-revoir/", "write"),
        ("post", f"{base}/commentaire/", "write"),
    ]


def test_the_learner_writes_an_entry_with_a_photo_from_their_journal(as_role, alpha, alternance, media_root):
    client = as_role("apprenant")
    page = call(client, "get", "/journal/").content.decode()
    assert "Nouvelle entrée" in page and 'capture="environment"' in page and "application/pdf" in page
    response = call(client, "post", "/journal/", {
        "date": TODAY.isoformat(), "texte": "Installation d'un switch.", "duree_minutes": "90",
        "photo": SimpleUploadedFile("photo.jpg", jpeg_with_exif()),
        "preuves": [SimpleUploadedFile("doc.pdf", PDF), SimpleUploadedFile("devis.pdf", PDF)]})
    assert response.status_code == 302
    with tenant_context(alpha):
        entree = EntreeJournal.objects.get()
        assert entree.version_courante.texte == "Installation d'un switch."
        assert sorted(entree.preuves.values_list("type_mime", flat=True)) == ["application/pdf", "application/pdf",
                                                                                 "image/jpeg"]
    page = call(client, "get", "/journal/").content.decode()
    assert "Installation d&#x27;un switch." in page and "3 preuves" in page and "1 h 30" in page


def test_the_learner_sees_each_refusal_in_french_and_nothing_is_written(as_role, alpha, alternance, media_root):
    client = as_role("apprenant")
    response = call(client, "post", "/journal/", {
        "date": TODAY.isoformat(), "texte": "Rien de spécial.",
        "preuves": SimpleUploadedFile("photo.jpg", b"<svg onload=alert(1)>")})
    assert response.status_code == 400 and "Type de fichier non accepté" in response.content.decode()
    response = call(client, "post", "/journal/", {"date": "2099-01-01", "texte": "Demain."})
    assert response.status_code == 400 and "dans le futur" in response.content.decode()
    with tenant_context(alpha):
        assert not EntreeJournal.objects.exists() and not Preuve.objects.exists()


def test_the_tutor_validates_in_one_tap_with_htmx_and_only_the_entry_is_swapped(as_role, alpha, lea_entry,
                                                                               hugo_entry):
    entree, _ = lea_entry
    client = as_role("tuteur")
    page = call(client, "get", "/journal/tuteur/").content.decode()
    assert "Pose de prises RJ45." in page and "1 entrée à valider" in page
    assert "Secret de Hugo" not in page and "Hugo" not in page
    assert f'hx-post="/journal/entrees/{entree.pk}/valider/"' in page
    response = call(client, "post", f"/journal/entrees/{entree.pk}/valider/",
                    {"version": entree.version_courante_id}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html and f'id="entree-{entree.pk}"' in html
    assert "validée" in html and "Valider<" not in html
    with tenant_context(alpha):
        entree.refresh_from_db()
        assert entree.statut == "validee"
    again = call(client, "post", f"/journal/entrees/{entree.pk}/valider/", {}, HTTP_HX_REQUEST="true")
    assert "déjà validée" in again.content.decode()


def test_the_tutor_validates_without_javascript_and_sends_back_with_a_comment(as_role, alpha, alternance,
                                                                             personas):
    first, _ = write(alpha, alternance, personas["apprenant"])
    second, _ = write(alpha, alternance, personas["apprenant"], texte="Deuxième jour.")
    client = as_role("tuteur")
    response = call(client, "post", f"/journal/entrees/{first.pk}/valider/", {"next": "/journal/tuteur/"})
    assert response.status_code == 302 and response["Location"] == "/journal/tuteur/"
    response = call(client, "post", f"/journal/entrees/{second.pk}/a-revoir/", {"commentaire": ""})
    assert response.status_code == 400
    response = call(client, "post", f"/journal/entrees/{second.pk}/a-revoir/",
                    {"commentaire": "Précise le matériel utilisé."})
    assert response.status_code == 302
    with tenant_context(alpha):
        assert dict(EntreeJournal.objects.values_list("pk", "statut")) == {first.pk: "validee",
                                                                          second.pk: "a_revoir"}
    learner_page = call(as_role("apprenant"), "get", f"/journal/entrees/{second.pk}/").content.decode()
    assert "Précise le matériel utilisé." in learner_page and "À revoir" in learner_page


def test_a_change_after_validation_shows_in_the_history(as_role, alpha, lea_entry, personas):
    entree, _ = lea_entry
    with tenant_context(alpha):
        services.entree_validate(entree=entree, auteur=personas["tuteur"])
    client = as_role("apprenant")
    response = call(client, "post", f"/journal/entrees/{entree.pk}/modifier/", {
        "date": TODAY.isoformat(), "texte": "Pose de prises RJ45 et recettage.", "duree_minutes": "150"})
    assert response.status_code == 302
    page = call(client, "get", f"/journal/entrees/{entree.pk}/").content.decode()
    assert "Version 2" in page and "Texte modifié." in page and "Durée : 2 h → 2 h 30." in page
    assert "À valider" in page and "validée" in page  # version 1 stays validated in the history


def test_the_formateur_comments_and_the_tutor_never_sees_it(as_role, alpha, lea_entry):
    entree, _ = lea_entry
    response = call(as_role("formateur"), "post", f"/journal/entrees/{entree.pk}/commentaire/",
                    {"commentaire": "Remarque réservée au centre."})
    assert response.status_code == 302
    with tenant_context(alpha):
        assert EntreeAvis.objects.get().role == "formateur"
    assert "Remarque réservée au centre." in call(as_role("apprenant"), "get",
                                                  f"/journal/entrees/{entree.pk}/").content.decode()
    tutor_page = call(as_role("tuteur"), "get", f"/journal/entrees/{entree.pk}/").content.decode()
    assert "Pose de prises RJ45." in tutor_page and "Remarque réservée au centre." not in tutor_page


def test_the_tutor_gets_404_on_every_url_of_hugos_journal(as_role, alternance, hugo_entry):
    client = as_role("tuteur")
    entree, preuve = hugo_entry
    for method, url, _ in entry_urls(entree, preuve):
        assert call(client, method, url).status_code == 404, url
    contrat_hugo = alternance["contrat_hugo"]
    assert call(client, "get", f"/journal/tuteur/contrats/{contrat_hugo.pk}/nouvelle/").status_code == 404


def test_the_learner_gets_404_on_another_learners_entry(as_role, hugo_entry):
    client = as_role("apprenant")
    entree, preuve = hugo_entry
    for method, url in [("get", f"/journal/entrees/{entree.pk}/"), ("get", f"/journal/preuves/{preuve.pk}/"),
                        ("get", f"/journal/entrees/{entree.pk}/modifier/"),
                        ("post", f"/journal/entrees/{entree.pk}/modifier/")]:
        assert call(client, method, url).status_code == 404, url


@pytest.mark.parametrize("role", ["inspecteur", "direction"])
def test_inspection_and_direction_read_and_never_write(as_role, role, lea_entry):
    client = as_role(role)
    entree, preuve = lea_entry
    for method, url, kind in entry_urls(entree, preuve):
        assert call(client, method, url).status_code == (200 if kind == "read" else 403), url
    assert call(client, "get", "/journal/tuteur/").status_code == 403


def test_a_formateur_of_another_classe_gets_404(alpha, lea_entry):
    autre = make_person(alpha, "formateur", email="autre-formateur@alpha.test")
    client = host_client("alpha.localhost")
    assert login(client, autre.email).status_code == 302
    entree, preuve = lea_entry
    for method, url, kind in entry_urls(entree, preuve):
        if kind == "read" or url.endswith("commentaire/"):
            assert call(client, method, url).status_code == 404, url


def test_the_evidence_is_served_inline_and_never_sniffed_to_those_who_see_the_entry(as_role, alpha, lea_entry,
                                                                                   alternance):
    entree, preuve = lea_entry
    for role in ("apprenant", "tuteur", "formateur", "inspecteur"):
        response = call(as_role(role), "get", f"/journal/preuves/{preuve.pk}/")
        assert response.status_code == 200, role
        body = b"".join(response.streaming_content)
        assert response["Content-Type"] == "image/jpeg" and response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("inline")
        assert max(Image.open(io.BytesIO(body)).size) == 1600
    other_tutor = host_client("alpha.localhost")
    assert login(other_tutor, "jo@vert.test").status_code == 302
    assert call(other_tutor, "get", f"/journal/preuves/{preuve.pk}/").status_code == 404
    anonymous = call(host_client("alpha.localhost"), "get", f"/journal/preuves/{preuve.pk}/")
    assert anonymous.status_code == 302 and "/comptes/login/" in anonymous["Location"]


def test_another_establishment_sees_nothing(alpha, beta, alternance_beta, lea_entry, media_root):
    entree, preuve = lea_entry
    beta_tutor = host_client("beta.localhost")
    assert login(beta_tutor, alternance_beta["people"]["tuteur"].email).status_code == 302
    with tenant_context(beta):
        assert not EntreeJournal.objects.filter(pk=entree.pk).exists()
    for method, url, _ in entry_urls(entree, preuve):
        assert call(beta_tutor, method, url).status_code == 404, url
    # And the other way round: alpha's tutor on a beta entry.
    beta_entry, beta_preuve = write(beta, alternance_beta, alternance_beta["people"]["tuteur"],
                                    fichiers=[SimpleUploadedFile("b.pdf", PDF)])
    with tenant_context(alpha):
        collides = EntreeJournal.objects.filter(pk=beta_entry.pk).exists()
        preuve_collides = Preuve.objects.filter(pk=beta_preuve.pk).exists()
    client = host_client("alpha.localhost")
    assert login(client, "tuteur@alpha.test").status_code == 302
    if not collides:
        assert call(client, "get", f"/journal/entrees/{beta_entry.pk}/").status_code == 404
    if not preuve_collides:
        assert call(client, "get", f"/journal/preuves/{beta_preuve.pk}/").status_code == 404


def test_the_tutor_writes_an_entry_for_their_apprentice(as_role, alpha, alternance):
    contrat = alternance["contrat"]
    client = as_role("tuteur")
    assert call(client, "get", f"/journal/tuteur/contrats/{contrat.pk}/nouvelle/").status_code == 200
    response = call(client, "post", f"/journal/tuteur/contrats/{contrat.pk}/nouvelle/",
                    {"date": TODAY.isoformat(), "texte": "Léa a configuré le routeur."})
    assert response.status_code == 302
    with tenant_context(alpha):
        assert EntreeJournal.objects.get().apprenant == alternance["lea"]


def test_the_tutors_list_runs_a_constant_number_of_queries(as_role, alpha, alternance, personas, ciel, media_root,
                                                          django_assert_max_num_queries):
    taches = [t.pk for t in ciel.taches.order_by("pk")[:3]]
    client, learner = as_role("tuteur"), as_role("apprenant")

    def add(n):
        with tenant_context(alpha):
            for i in range(n):
                services.entree_create(apprenant=alternance["lea"], auteur=personas["apprenant"], date=TODAY,
                                       texte=f"Jour {i}", duree_minutes=60, tache_ids=taches,
                                       fichiers=[SimpleUploadedFile(f"p{i}.pdf", PDF)])
        connection.set_schema_to_public()

    add(2)
    with django_assert_max_num_queries(20) as few:
        assert call(client, "get", "/journal/tuteur/").status_code == 200
    with django_assert_max_num_queries(20) as few_learner:
        assert call(learner, "get", "/journal/").status_code == 200
    add(10)
    with tenant_context(alpha):  # a second apprentice for the same tutor
        alternance["contrat_hugo"].tuteurs.add(alternance["tuteur"])
        services.entree_create(apprenant=alternance["hugo"], auteur=personas["tuteur"], date=TODAY,
                               texte="Hugo au travail", tache_ids=taches)
    connection.set_schema_to_public()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = call(client, "get", "/journal/tuteur/")
    assert response.content.decode().count("/valider/") == 13 * 2  # action and hx-post of each entry
    with django_assert_max_num_queries(len(few_learner.captured_queries)):
        response = call(learner, "get", "/journal/")
    assert response.content.decode().count("/journal/entrees/") == 12
