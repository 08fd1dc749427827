"""Bilans intermédiaires pages: who sees and writes what, the class fill page (per-cell saves, the whole form
without JavaScript, a fixed number of queries), the learner's own page, isolation between establishments."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django_tenants.utils import tenant_context

from bilans.models import Bilan, BilanLigne
from bilans.services import bilan_create, bilan_validate, bilans_classe_create

from ..conftest import call, logged
from .conftest import TODAY, learners_add

pytestmark = pytest.mark.django_db
JOUR = datetime.timedelta(days=1)


@pytest.fixture
def bilans(alpha, monde):
    """Léa: a validated bilan 10 days ago and one in progress today (the classe's); Hugo: today's, in progress."""
    m = monde
    with tenant_context(alpha):
        ancien = bilan_create(apprenant=m.lea, date=TODAY - 10 * JOUR, actor=m.formateur)
        bilan_validate(bilan=ancien, actor=m.formateur)
        bilans_classe_create(classe=m.classe, date=TODAY, actor=m.formateur)
        lea = Bilan.objects.get(apprenant=m.lea, validated_at__isnull=True)
        ligne = lea.lignes.select_related("niveau", "etat").order_by("rang").first()
    connection.set_schema_to_public()
    return {"ancien": ancien, "lea": lea, "ligne": ligne}




def pages(m, b):
    """Every bilans view: (name, method, url, data)."""
    jour = TODAY.isoformat()
    ligne = b["ligne"]
    return [
        ("index", "get", reverse("bilans_index"), {}),
        ("classe", "get", reverse("bilans_classe", args=[m.classe.pk]), {}),
        ("classe_creer", "post", reverse("bilans_classe", args=[m.classe.pk]), {"date": jour}),
        ("feuille", "get", reverse("bilans_feuille", args=[m.classe.pk, jour]), {}),
        ("feuille_post", "post", reverse("bilans_feuille", args=[m.classe.pk, jour]),
         {f"l-{ligne.pk}": "M", f"v-{ligne.pk}": ligne.revision, f"o-{ligne.pk}": ligne.code}),
        ("feuille_valider", "post", reverse("bilans_feuille", args=[m.classe.pk, jour]), {"action": "valider"}),
        ("ligne", "post", reverse("bilans_ligne", args=[ligne.pk]), {"niveau": "M", "vu": ligne.revision}),
        ("bilan", "get", reverse("bilan_page", args=[b["lea"].pk]), {}),
        ("bilan_post", "post", reverse("bilan_page", args=[b["lea"].pk]), {f"l-{ligne.pk}": "BM"}),
        ("bilan_valider", "post", reverse("bilan_page", args=[b["lea"].pk]), {"action": "valider"}),
        ("bilan_supprimer", "post", reverse("bilan_supprimer", args=[b["lea"].pk]), {}),
        ("archive", "get", reverse("bilans_apprenant", args=[m.lea.pk]), {}),
        ("archive_creer", "post", reverse("bilans_apprenant", args=[m.lea.pk]), {"date": jour}),
        ("mes_bilans", "get", reverse("mes_bilans"), {}),
    ]


READS = {"index", "classe", "feuille", "bilan", "archive"}


@pytest.mark.parametrize("role", ["tuteur", "apprenant"])
def test_tutors_and_learners_get_403_on_the_centre_pages(as_role, monde, bilans, role):
    client = as_role(role)
    for name, method, url, data in pages(monde, bilans):
        if name == "mes_bilans":
            continue
        assert call(client, method, url, data).status_code == 403, name


def test_anonymous_people_go_to_the_login_page(alpha_client, monde, bilans):
    for name, method, url, data in pages(monde, bilans):
        response = call(alpha_client, method, url, data)
        assert response.status_code == 302 and "/comptes/login/" in response["Location"], name


@pytest.mark.parametrize("role", ["inspecteur", "direction"])
def test_the_inspection_cannot_write_and_neither_can_the_direction(as_role, alpha, monde, bilans, role):
    client = as_role(role)
    for name, method, url, data in pages(monde, bilans):
        expected = 200 if name in READS else 403
        assert call(client, method, url, data).status_code == expected, name
    with tenant_context(alpha):
        assert Bilan.objects.count() == 3 and Bilan.objects.filter(validated_at__isnull=False).count() == 1
        assert BilanLigne.objects.get(pk=bilans["ligne"].pk).revision == 0


def test_the_inspection_reads_the_fill_page_without_controls(as_role, monde, bilans):
    page = call(as_role("inspecteur"), "get", reverse("bilans_feuille", args=[monde.classe.pk, TODAY.isoformat()]))
    html = page.content.decode()
    assert "Consultation" in html and "<select" not in html and "Enregistrer tous les niveaux" not in html


def test_it_refuses_another_classes_bilan(monde, bilans):
    client = logged(monde.autre_formateur.email)
    for name, method, url, data in pages(monde, bilans):
        if name in ("index", "mes_bilans"):
            continue
        assert call(client, method, url, data).status_code == (403 if name == "mes_bilans" else 404), name
    index = call(client, "get", reverse("bilans_index")).content.decode()
    assert "TCIEL-B" in index and "1CIEL-A" not in index


def test_the_formateur_of_the_classe_uses_every_page(as_role, alpha, monde, bilans):
    client = as_role("formateur")
    ordre = sorted(pages(monde, bilans), key=lambda page: "valider" in page[0])  # validations last
    for name, method, url, data in ordre:
        if name in ("bilan_supprimer", "mes_bilans"):
            continue
        response = call(client, method, url, data)
        if name == "archive_creer":  # Léa has a bilan in progress: said in French, nothing created
            assert response.status_code == 400 and "déjà en cours" in response.content.decode()
            continue
        assert response.status_code in (200, 302), (name, response.status_code)
    assert call(client, "get", reverse("mes_bilans")).status_code == 403
    with tenant_context(alpha):
        assert Bilan.objects.get(pk=bilans["lea"].pk).valide
        # The whole form set M, the cell asked for M again (no write), the bilan page set BM.
        assert BilanLigne.objects.select_related("niveau").get(pk=bilans["ligne"].pk).code == "BM"


def test_a_draft_can_be_deleted_by_a_formateur_of_the_classe(as_role, alpha, monde, bilans):
    response = call(as_role("formateur"), "post", reverse("bilan_supprimer", args=[bilans["lea"].pk]))
    assert response.status_code == 302 and response["Location"] == reverse("bilans_apprenant", args=[monde.lea.pk])
    with tenant_context(alpha):
        assert not Bilan.objects.filter(pk=bilans["lea"].pk).exists()


def test_creating_the_classe_bilans_opens_the_fill_page(as_role, alpha, monde):
    response = call(as_role("formateur"), "post", reverse("bilans_classe", args=[monde.classe.pk]),
                    {"date": TODAY.isoformat()})
    assert response.status_code == 302
    assert response["Location"] == reverse("bilans_feuille", args=[monde.classe.pk, TODAY.isoformat()])
    with tenant_context(alpha):
        assert Bilan.objects.filter(classe=monde.classe, date=TODAY).count() == 2
    future = call(as_role("formateur"), "post", reverse("bilans_classe", args=[monde.classe.pk]),
                  {"date": (TODAY + JOUR).isoformat()})
    assert future.status_code == 400 and "futur" in future.content.decode()


def test_the_fill_page_is_keyboard_ready_and_describes_each_suggestion(as_role, monde, bilans):
    html = call(as_role("formateur"), "get",
                reverse("bilans_feuille", args=[monde.classe.pk, TODAY.isoformat()])).content.decode()
    ligne = bilans["ligne"]
    assert 'class="table-wrap" role="region" tabindex="0"' in html and '<th scope="col"' in html
    assert f'aria-labelledby="ap-{monde.lea.pk} co-{ligne.competence_id}"' in html
    assert f'aria-describedby="sg-{ligne.pk}"' in html and 'title="Suggéré : NE. Non évalué' in html
    assert 'data-touche="4"' in html and "<kbd>BM</kbd> Bien maîtrisé" in html
    assert "bilans/bilans.js" in html and "DUPONT Léa" in html


def test_saving_a_cell_answers_the_cell_and_a_stale_save_is_told(as_role, alpha, monde, bilans):
    ligne = bilans["ligne"]
    url = reverse("bilans_ligne", args=[ligne.pk])
    client = as_role("formateur")
    response = call(client, "post", url, {"niveau": "BM", "vu": ligne.revision})
    html = response.content.decode()
    assert response.status_code == 200 and html.startswith("<td") and "enregistré" in html
    assert 'data-valeur="BM"' in html and 'data-vu="1"' in html
    colleague = logged(monde.collegue.email)
    stale = call(colleague, "post", url, {"niveau": "NM", "vu": ligne.revision})
    assert stale.status_code == 409 and "Modifiée entre-temps par" in stale.content.decode()
    assert 'data-valeur="BM"' in stale.content.decode()
    unknown = call(client, "post", url, {"niveau": "ZZ", "vu": 1})
    assert unknown.status_code == 400 and "ni un niveau" in unknown.content.decode()
    with tenant_context(alpha):
        assert BilanLigne.objects.select_related("niveau").get(pk=ligne.pk).code == "BM"


def test_the_whole_form_saves_without_javascript(as_role, alpha, monde, bilans):
    ligne = bilans["ligne"]
    response = call(as_role("formateur"), "post", reverse("bilans_feuille", args=[monde.classe.pk, TODAY.isoformat()]),
                    {f"l-{ligne.pk}": "IM", f"v-{ligne.pk}": ligne.revision, f"o-{ligne.pk}": ligne.code})
    assert response.status_code == 302
    with tenant_context(alpha):
        assert BilanLigne.objects.select_related("niveau").get(pk=ligne.pk).code == "IM"


def test_the_bilan_page_saves_levels_and_comments_and_validates(as_role, alpha, monde, bilans):
    ligne = bilans["ligne"]
    client = as_role("formateur")
    page = call(client, "get", reverse("bilan_page", args=[bilans["lea"].pk])).content.decode()
    assert "Enregistrer et valider le bilan" in page and f'<label for="c-{ligne.pk}"' in page and "BC01" in page
    response = call(client, "post", reverse("bilan_page", args=[bilans["lea"].pk]), {
        f"l-{ligne.pk}": "M", f"v-{ligne.pk}": 0, f"o-{ligne.pk}": ligne.code, f"c-{ligne.pk}": "Bien.",
        f"oc-{ligne.pk}": "", "action": "valider"})
    assert response.status_code == 302
    with tenant_context(alpha):
        saved = BilanLigne.objects.select_related("niveau", "bilan").get(pk=ligne.pk)
        assert (saved.code, saved.commentaire, saved.bilan.valide) == ("M", "Bien.", True)
    page = call(client, "get", reverse("bilan_page", args=[bilans["lea"].pk])).content.decode()
    assert "En vigueur" in page and "<select" not in page and "Projection par épreuve" in page


def test_a_learner_sees_only_their_own_validated_bilans(as_role, alpha, monde, bilans):
    with tenant_context(alpha):
        bilan_validate(bilan=Bilan.objects.get(apprenant=monde.hugo), actor=monde.formateur)
    html = call(as_role("apprenant"), "get", reverse("mes_bilans")).content.decode()
    assert f"Bilan du {(TODAY - 10 * JOUR):%d/%m/%Y}" in html
    assert f"Bilan du {TODAY:%d/%m/%Y}" not in html  # Léa's is in progress; Hugo's is not hers
    assert "Suggéré" not in html and "Projection par épreuve" in html


def test_beta_cannot_see_alpha_bilans(beta, charlie, monde, bilans):
    client = logged(charlie.email, host="beta.localhost")
    for url in (reverse("bilan_page", args=[bilans["lea"].pk]), reverse("bilans_apprenant", args=[monde.lea.pk]),
                reverse("bilans_classe", args=[monde.classe.pk]),
                reverse("bilans_feuille", args=[monde.classe.pk, TODAY.isoformat()])):
        assert call(client, "get", url).status_code == 404, url
    assert call(client, "post", reverse("bilans_ligne", args=[bilans["ligne"].pk]), {"niveau": "M"}).status_code == 404
    alpha_session = logged(monde.formateur.email)
    alpha_session.defaults["HTTP_HOST"] = "beta.localhost"
    assert call(alpha_session, "get", reverse("bilan_page", args=[bilans["lea"].pk])).status_code == 302


FILL_PAGE_QUERIES = 14  # 11 today: session, tenant, user, classe, access, bilans, competencies, lines, choices


def test_the_fill_page_runs_a_fixed_number_of_queries(as_role, alpha, monde, bilans,
                                                      django_assert_max_num_queries):
    client = as_role("formateur")
    url = reverse("bilans_feuille", args=[monde.classe.pk, TODAY.isoformat()])
    with tenant_context(alpha):
        learners_add(monde.classe, 1, start=10)
        bilans_classe_create(classe=monde.classe, date=TODAY, actor=monde.formateur)
    connection.set_schema_to_public()
    with django_assert_max_num_queries(FILL_PAGE_QUERIES):
        assert call(client, "get", url).content.decode().count("<tr>") == 3 + 1
    with tenant_context(alpha):
        learners_add(monde.classe, 9, start=20)
        bilans_classe_create(classe=monde.classe, date=TODAY, actor=monde.formateur)
    connection.set_schema_to_public()
    with django_assert_max_num_queries(FILL_PAGE_QUERIES):
        assert call(client, "get", url).content.decode().count("<tr>") == 12 + 1


def test_validating_with_a_refused_line_validates_nothing_and_says_why(as_role, alpha, monde, bilans):
    ligne = bilans["ligne"]
    with tenant_context(alpha):
        BilanLigne.objects.filter(pk=ligne.pk).update(revision=5)  # a colleague saved meanwhile
    client = as_role("formateur")
    response = client.post(reverse("bilan_page", args=[bilans["lea"].pk]), {
        f"l-{ligne.pk}": "BM", f"v-{ligne.pk}": 0, f"o-{ligne.pk}": ligne.code, "action": "valider"}, follow=True)
    connection.set_schema_to_public()
    html = response.content.decode()
    assert "Modifiée entre-temps" in html and "Rien n&#x27;est validé" in html
    with tenant_context(alpha):
        assert not Bilan.objects.get(pk=bilans["lea"].pk).valide


def test_the_whole_form_refuses_only_the_lines_of_a_bilan_validated_meanwhile(as_role, alpha, monde, bilans):
    with tenant_context(alpha):
        hugo = Bilan.objects.get(apprenant=monde.hugo)
        hugo_ligne = hugo.lignes.select_related("niveau", "etat").order_by("rang").first()
        bilan_validate(bilan=hugo, actor=monde.collegue)
    ligne = bilans["ligne"]
    response = as_role("formateur").post(
        reverse("bilans_feuille", args=[monde.classe.pk, TODAY.isoformat()]), {
            f"l-{ligne.pk}": "IM", f"v-{ligne.pk}": 0, f"o-{ligne.pk}": ligne.code,
            f"l-{hugo_ligne.pk}": "BM", f"v-{hugo_ligne.pk}": 0, f"o-{hugo_ligne.pk}": hugo_ligne.code}, follow=True)
    connection.set_schema_to_public()
    html = response.content.decode()
    assert "1 ligne(s) enregistrée(s)" in html and "Ce bilan est validé" in html and "MARTIN Hugo" in html
    with tenant_context(alpha):
        assert BilanLigne.objects.select_related("niveau", "etat").get(pk=ligne.pk).code == "IM"
        assert BilanLigne.objects.select_related("niveau", "etat").get(pk=hugo_ligne.pk).code == hugo_ligne.code
