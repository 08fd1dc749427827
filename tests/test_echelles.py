"""Evaluation scales as data: the defaults of every establishment, immutable versions, validation, the pages."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django_tenants.utils import tenant_context

from accounts.models import AuditEvent
from accounts.roles import Role
from evaluations.contrast import AA, contrast
from evaluations.models import Echelle, EchelleVersion, EtatSpecial, Niveau
from evaluations.selectors import echelle_current_version, echelle_list, echelle_versions
from evaluations.services import echelle_create, echelle_usage_set, echelle_version_create

from .conftest import host_client, login

DEFAULTS = {
    "performance": ("critere", [("NR", "Non réalisé"), ("RP", "Réalisation partielle"), ("S", "Satisfaisante"),
                                ("TS", "Très satisfaisante")], ["NO", "ABS", "DISP"]),
    "ccf": ("competence", [("TI", "Très insuffisant"), ("I", "Insuffisant"), ("B", "Bien"), ("TB", "Très bien")],
            ["NE"]),
    "maitrise": ("competence", [("NM", "Non maîtrisé"), ("IM", "Insuffisamment maîtrisé"), ("M", "Maîtrisé"),
                                ("BM", "Bien maîtrisé")], ["NE"]),
    "liaison-entreprise": ("entreprise", [("D", "Découvert"), ("ECA", "En cours d'acquisition"), ("A", "Acquis")],
                           ["NV"]),
}


def rows(version) -> list[dict]:
    return [{"code": n.code, "libelle": n.libelle, "couleur": n.couleur, "valeur": n.valeur, "motif": n.motif}
            for n in version.niveaux.all()]


def etats(version) -> list[dict]:
    return [{"code": e.code, "libelle": e.libelle} for e in version.etats.all()]


def counts() -> tuple[int, int, int, int]:
    return (Echelle.objects.count(), EchelleVersion.objects.count(), Niveau.objects.count(),
            EtatSpecial.objects.count())


@pytest.fixture
def in_alpha(alpha, personas):
    """Inside alpha's schema (after the personas, whose fixture ends on the public schema)."""
    with tenant_context(alpha):
        yield alpha


def ccf() -> Echelle:
    return Echelle.objects.get(code="ccf")


# --- The defaults --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("schema", ["alpha", "beta"])
def test_every_establishment_ships_the_default_scales(schema, alpha, beta):
    with tenant_context({"alpha": alpha, "beta": beta}[schema]):
        echelles = {e.code: e for e in echelle_list()}
        assert set(echelles) == set(DEFAULTS)
        for code, (portee, niveaux, etat_codes) in DEFAULTS.items():
            echelle, version = echelles[code], echelles[code].version_courante
            assert echelle.portee == portee and echelle.en_usage and version.numero == 1
            assert [(n.code, n.libelle) for n in version.niveaux.all()] == niveaux
            assert [n.valeur for n in version.niveaux.all()] == [Decimal(v) for v in range(len(niveaux))]
            assert [n.rang for n in version.niveaux.all()] == list(range(1, len(niveaux) + 1))
            assert [e.code for e in version.etats.all()] == etat_codes


def test_the_performance_scale_has_its_special_states_and_the_ccf_its_values(in_alpha):
    performance = echelle_current_version(Echelle.objects.get(code="performance"))
    assert [(e.code, e.libelle) for e in performance.etats.all()] == [
        ("NO", "Non observé"), ("ABS", "Absent"), ("DISP", "Dispensé")]
    assert {n.code: int(n.valeur) for n in echelle_current_version(ccf()).niveaux.all()} == {
        "TI": 0, "I": 1, "B": 2, "TB": 3}


def test_default_colours_reach_aa_contrast_with_their_text_and_carry_a_motif(in_alpha):
    for niveau in Niveau.objects.all():
        assert contrast(niveau.couleur, niveau.couleur_texte) >= AA, niveau
        assert niveau.glyphe, niveau


# --- Versions ------------------------------------------------------------------------------------------------

def test_changing_labels_creates_a_new_version_and_leaves_the_previous_one_unchanged(in_alpha, personas):
    echelle = ccf()
    v1 = echelle_current_version(echelle)
    used = v1.niveaux.get(code="B")  # what a past evaluation points at
    changed = rows(v1)
    changed[2]["libelle"], changed[2]["couleur"] = "Satisfaisant", "#cde8c8"

    v2 = echelle_version_create(echelle=echelle, niveaux=changed, etats=etats(v1), actor=personas["direction"])

    assert v2.numero == 2 and v2.created_by == personas["direction"]
    assert echelle_current_version(echelle) == v2
    assert v2.niveaux.get(code="B").libelle == "Satisfaisant"
    used.refresh_from_db()
    assert (used.version_id, used.libelle, used.couleur, used.valeur) == (v1.pk, "Bien", "#a8d5a2", Decimal(2))
    assert [v.numero for v in echelle_versions(echelle)] == [2, 1]
    assert AuditEvent.objects.filter(action="echelle_version_create", target="CCF v2").exists()


def test_adding_a_level_creates_a_new_version_and_keeps_the_old_levels(in_alpha, personas):
    echelle = Echelle.objects.get(code="liaison-entreprise")
    v1 = echelle_current_version(echelle)
    before = [(n.pk, n.code, n.libelle, n.valeur) for n in v1.niveaux.all()]
    niveaux = rows(v1) + [{"code": "M", "libelle": "Maîtrisé en autonomie", "couleur": "#0b4f2a", "valeur": 3,
                           "motif": "plein"}]

    v2 = echelle_version_create(echelle=echelle, niveaux=niveaux, etats=etats(v1), actor=personas["direction"])

    assert [n.code for n in v2.niveaux.all()] == ["D", "ECA", "A", "M"]
    assert [(n.pk, n.code, n.libelle, n.valeur) for n in Niveau.objects.filter(version=v1)] == before
    assert not set(n.pk for n in v2.niveaux.all()) & {pk for pk, *_ in before}


def test_a_version_level_or_state_cannot_be_edited_or_deleted(in_alpha):
    niveau = Niveau.objects.filter(version__echelle__code="ccf").first()
    niveau.libelle = "Autre chose"
    with pytest.raises(ValidationError, match="ne se modifie pas"):
        niveau.save()
    with pytest.raises(ValidationError, match="ne se supprime pas"):
        niveau.delete()


@pytest.mark.parametrize("schema", ["alpha", "beta"])
@pytest.mark.parametrize("statement", [
    "UPDATE evaluations_niveau SET libelle = 'Autre'",
    "UPDATE evaluations_etatspecial SET code = 'X'",
    "UPDATE evaluations_echelleversion SET numero = numero + 10",
    "DELETE FROM evaluations_niveau",
])
def test_the_database_refuses_to_change_a_version_even_behind_the_application(schema, statement, alpha, beta):
    with tenant_context({"alpha": alpha, "beta": beta}[schema]):
        with pytest.raises(IntegrityError, match="ne se modifie pas"), transaction.atomic(), connection.cursor() as c:
            c.execute(statement)
        assert Niveau.objects.filter(libelle="Autre").count() == 0


def test_the_author_of_a_version_can_still_be_deleted(in_alpha, personas):
    echelle = ccf()
    v1 = echelle_current_version(echelle)
    version = echelle_version_create(echelle=echelle, niveaux=rows(v1), etats=etats(v1), actor=personas["inspecteur"])
    personas["inspecteur"].delete()
    version.refresh_from_db()
    assert version.created_by is None and version.numero == 2


def test_a_new_scale_starts_at_version_one(in_alpha, personas):
    echelle = echelle_create(nom="Acquis / non acquis", portee=Echelle.Portee.COMPETENCE, actor=personas["direction"],
                             niveaux=[{"code": "NA", "libelle": "Non acquis", "couleur": "#B3261E", "valeur": "0"},
                                      {"code": "A", "libelle": "Acquis", "couleur": "#18753c", "valeur": "1"}],
                             etats=[{"code": "NE", "libelle": "Non évalué"}])
    version = echelle_current_version(echelle)
    assert echelle.code == "acquis-non-acquis" and version.numero == 1
    assert [(n.code, n.motif, n.couleur) for n in version.niveaux.all()] == [("NA", "vide", "#b3261e"),
                                                                              ("A", "plein", "#18753c")]


# --- Validation: a clear message, nothing written -----------------------------------------------------------

def two_levels(**first) -> list[dict]:
    return [{"code": "NA", "libelle": "Non acquis", "couleur": "#b3261e", "valeur": 0, **first},
            {"code": "A", "libelle": "Acquis", "couleur": "#18753c", "valeur": 1}]


@pytest.mark.parametrize(("niveaux", "etats_", "message"), [
    (two_levels(couleur="rouge"), [], "n'est pas au format #rrggbb"),
    (two_levels(couleur="#12345"), [], "n'est pas au format #rrggbb"),
    (two_levels(couleur="#808080"), [], "ne contraste assez"),
    (two_levels(code="A"), [], "est utilisé deux fois"),
    (two_levels(code="a"), [], "est utilisé deux fois"),
    (two_levels(), [{"code": "NA", "libelle": "Non observé"}], "est utilisé deux fois"),
    (two_levels()[:1], [], "au moins deux niveaux"),
    ([], [], "au moins deux niveaux"),
    (two_levels(valeur=1), [], "doivent croître avec le rang"),
    (two_levels(valeur="beaucoup"), [], "n'est pas un nombre"),
    (two_levels(libelle="  "), [], "donnez un libellé"),
    (two_levels(code="très long code"), [], "au plus 10"),
    (two_levels(motif="étoile"), [], "choisissez un motif"),
    (two_levels(), [{"code": "", "libelle": "Absent"}], "donnez un code court"),
])
def test_a_bad_version_is_refused_with_a_french_message_and_writes_nothing(in_alpha, personas, niveaux, etats_,
                                                                             message):
    before = counts()
    with pytest.raises(ValidationError) as error:
        echelle_version_create(echelle=ccf(), niveaux=niveaux, etats=etats_, actor=personas["direction"])
    assert any(message in m for m in error.value.messages), error.value.messages
    assert counts() == before
    assert echelle_current_version(ccf()).numero == 1


def test_a_new_scale_with_a_taken_name_or_bad_levels_writes_nothing(in_alpha, personas):
    before = counts()
    with pytest.raises(ValidationError) as error:
        echelle_create(nom="ccf", portee="competence", niveaux=two_levels(couleur="bleu"), etats=[],
                       actor=personas["direction"])
    assert any("existe déjà" in m for m in error.value.messages)
    assert any("#rrggbb" in m for m in error.value.messages)
    with pytest.raises(ValidationError, match="portée"):
        echelle_create(nom="Autre", portee="partout", niveaux=two_levels(), etats=[], actor=None)
    assert counts() == before


def test_a_scale_goes_out_of_use_but_not_the_last_one_of_its_portee(in_alpha, personas):
    maitrise = Echelle.objects.get(code="maitrise")
    assert echelle_usage_set(echelle=maitrise, en_usage=False, actor=personas["direction"]).en_usage is False
    with pytest.raises(ValidationError, match="seule échelle en usage"):
        echelle_usage_set(echelle=ccf(), en_usage=False, actor=personas["direction"])
    assert Echelle.objects.get(code="ccf").en_usage is True
    assert echelle_usage_set(echelle=maitrise, en_usage=True, actor=personas["direction"]).en_usage is True
    assert echelle_current_version(maitrise).numero == 1  # no new version for a change of use


def selects(context) -> list[str]:
    """The queries that read, without the `SET search_path` django-tenants runs before each."""
    return [q["sql"] for q in context.captured_queries if not q["sql"].startswith("SET ")]


def test_the_scale_list_runs_a_fixed_number_of_queries(in_alpha, django_assert_max_num_queries):
    with django_assert_max_num_queries(8) as few:
        [e.version_courante.niveaux.all() for e in echelle_list()]
    for i in range(6):
        echelle = echelle_create(nom=f"Échelle {i}", portee="critere", niveaux=two_levels(), etats=[], actor=None)
        for _ in range(2):
            echelle_version_create(echelle=echelle, niveaux=two_levels(libelle=f"v {i}"), etats=[], actor=None)
    with django_assert_max_num_queries(8) as many:
        shown = [(e.nom, e.version_courante.numero, [n.code for n in e.version_courante.niveaux.all()],
                  [s.code for s in e.version_courante.etats.all()]) for e in echelle_list()]
    assert len(shown) == 10
    assert ("Échelle 3", 3, ["NA", "A"], []) in shown
    assert len(selects(many)) == len(selects(few)) == 4
    assert echelle_list(portee="entreprise")[0].code == "liaison-entreprise"


# --- Pages ---------------------------------------------------------------------------------------------------

def form_data(version, **changes) -> dict:
    """The POST of the new-version form as the page fills it from `version`, with `changes` merged in."""
    niveaux, etats_ = list(version.niveaux.all()), list(version.etats.all())
    data = {"niveaux-TOTAL_FORMS": len(niveaux) + 1, "niveaux-INITIAL_FORMS": len(niveaux),
            "etats-TOTAL_FORMS": len(etats_) + 1, "etats-INITIAL_FORMS": len(etats_)}
    for i, n in enumerate(niveaux):
        data |= {f"niveaux-{i}-code": n.code, f"niveaux-{i}-libelle": n.libelle, f"niveaux-{i}-motif": n.motif,
                 f"niveaux-{i}-valeur": str(n.valeur).replace(".", ","), f"niveaux-{i}-couleur": n.couleur,
                 f"niveaux-{i}-ORDER": n.rang}
    data |= {f"niveaux-{len(niveaux)}-couleur": "#e8eaee", f"niveaux-{len(niveaux)}-valeur": ""}
    for i, e in enumerate(etats_):
        data |= {f"etats-{i}-code": e.code, f"etats-{i}-libelle": e.libelle, f"etats-{i}-ORDER": e.rang}
    return data | changes


def ccf_version():
    return echelle_current_version(ccf())


def test_direction_sees_the_scales_as_badges_with_code_label_and_motif(as_role):
    response = as_role(Role.DIRECTION).get("/direction/echelles/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Performance" in page and "Liaison entreprise" in page
    assert ('style="background-color: #18753c; color: #ffffff;"><span class="niveau-motif" aria-hidden="true">●'
            '</span> <strong class="niveau-code">TB</strong> <span class="niveau-libelle">Très bien</span>') in page
    assert "color: #1b1b1b" in page
    assert "Non observé" in page and "Nouvelle version" in page and "Retirer de l'usage" in page


@pytest.mark.parametrize("role", [Role.INSPECTEUR, Role.FORMATEUR])
def test_inspection_and_formateurs_read_the_scales_without_write_buttons(as_role, alpha, role):
    client = as_role(role)
    page = client.get("/direction/echelles/").content.decode()
    assert "Très satisfaisante" in page and "Nouvelle version" not in page and "Retirer de" not in page
    with tenant_context(alpha):
        pk = ccf().pk
    assert "Version 1 (en cours)" in client.get(f"/direction/echelles/{pk}/").content.decode()


@pytest.mark.parametrize("role", [Role.APPRENANT, Role.TUTEUR])
def test_learners_and_tuteurs_are_refused_every_scale_page(as_role, alpha, role):
    with tenant_context(alpha):
        pk, data = ccf().pk, form_data(ccf_version())
    client = as_role(role)
    for url in ("/direction/echelles/", f"/direction/echelles/{pk}/", f"/direction/echelles/{pk}/nouvelle-version/"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/direction/echelles/{pk}/nouvelle-version/", data).status_code == 403
    assert client.post(f"/direction/echelles/{pk}/usage/", {"en_usage": "0"}).status_code == 403


@pytest.mark.parametrize("role", [Role.INSPECTEUR, Role.FORMATEUR, Role.APPRENANT, Role.TUTEUR])
def test_only_the_direction_writes_a_version_or_changes_the_use(as_role, alpha, role):
    with tenant_context(alpha):
        pk, data = ccf().pk, form_data(ccf_version(), **{"niveaux-0-libelle": "Piraté"})
    client = as_role(role)
    assert client.get(f"/direction/echelles/{pk}/nouvelle-version/").status_code == 403
    assert client.post(f"/direction/echelles/{pk}/nouvelle-version/", data).status_code == 403
    assert client.post(f"/direction/echelles/{pk}/usage/", {"en_usage": "0"}).status_code == 403
    with tenant_context(alpha):
        assert ccf_version().numero == 1 and Echelle.objects.get(pk=pk).en_usage


def test_anonymous_people_go_to_the_login_page(alpha_client):
    response = alpha_client.get("/direction/echelles/")
    assert response.status_code == 302 and "/comptes/login/" in response["Location"]


def test_the_form_starts_from_the_current_version_with_a_blank_row_to_add_a_level(as_role, alpha):
    with tenant_context(alpha):
        pk = ccf().pk
    page = as_role(Role.DIRECTION).get(f"/direction/echelles/{pk}/nouvelle-version/").content.decode()
    assert 'name="niveaux-3-libelle" value="Très bien"' in page
    assert 'name="niveaux-0-valeur" value="0,00"' in page
    assert 'type="color" name="niveaux-1-couleur" value="#f6b26b"' in page
    assert "Ajouter un niveau" in page and "Ajouter un état spécial" in page
    assert '<label for="id_niveaux-0-couleur">Couleur' in page


def test_direction_renames_a_level_and_adds_one_from_the_page(as_role, alpha):
    with tenant_context(alpha):
        pk, data = ccf().pk, form_data(ccf_version())
    data |= {"niveaux-2-libelle": "Satisfaisant", "niveaux-4-code": "EX", "niveaux-4-libelle": "Excellent",
             "niveaux-4-valeur": "3,5", "niveaux-4-couleur": "#0b4f2a", "niveaux-4-motif": "plein",
             "niveaux-4-ORDER": "5"}
    client = as_role(Role.DIRECTION)
    response = client.post(f"/direction/echelles/{pk}/nouvelle-version/", data)
    assert response.status_code == 302 and response["Location"] == f"/direction/echelles/{pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Version 2 de l&#x27;échelle « CCF » enregistrée" in page
    assert "Version 2 (en cours)" in page and "Version 1" in page
    with tenant_context(alpha):
        versions = echelle_versions(ccf())
        assert [(n.code, n.libelle, n.valeur) for n in versions[0].niveaux.all()][2:] == [
            ("B", "Satisfaisant", Decimal(2)), ("TB", "Très bien", Decimal(3)), ("EX", "Excellent", Decimal("3.5"))]
        assert [n.libelle for n in versions[1].niveaux.all()] == ["Très insuffisant", "Insuffisant", "Bien",
                                                                  "Très bien"]


def test_direction_removes_a_special_state_and_reorders_from_the_page(as_role, alpha):
    with tenant_context(alpha):
        echelle = Echelle.objects.get(code="performance")
        data = form_data(echelle_current_version(echelle), **{"etats-1-DELETE": "on"})
    assert as_role(Role.DIRECTION).post(f"/direction/echelles/{echelle.pk}/nouvelle-version/", data).status_code == 302
    with tenant_context(alpha):
        versions = echelle_versions(echelle)
        assert [e.code for e in versions[0].etats.all()] == ["NO", "DISP"]
        assert [e.code for e in versions[1].etats.all()] == ["NO", "ABS", "DISP"]


@pytest.mark.parametrize(("changes", "message"), [
    ({"niveaux-1-couleur": "#808080"}, "ne contraste assez"),
    ({"niveaux-1-code": "TI"}, "est utilisé deux fois"),
    ({"niveaux-1-valeur": "0"}, "doivent croître"),
    ({"niveaux-1-valeur": "un"}, "Saisissez un nombre"),
    ({"niveaux-1-libelle": ""}, "Donnez un libellé."),
    ({f"niveaux-{i}-DELETE": "on" for i in (1, 2, 3)}, "au moins deux niveaux"),
    ({"niveaux-TOTAL_FORMS": "x"}, "données du formulaire"),
])
def test_a_bad_form_shows_why_and_writes_nothing(as_role, alpha, changes, message):
    with tenant_context(alpha):
        pk, data, before = ccf().pk, form_data(ccf_version()), counts()
    response = as_role(Role.DIRECTION).post(f"/direction/echelles/{pk}/nouvelle-version/", data | changes)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page, page[page.find("<main"):][:3000]
    with tenant_context(alpha):
        assert counts() == before


def test_direction_puts_a_scale_out_of_use_and_is_told_when_it_is_the_last_one(as_role, alpha):
    with tenant_context(alpha):
        maitrise, ccf_pk = Echelle.objects.get(code="maitrise").pk, ccf().pk
    client = as_role(Role.DIRECTION)
    response = client.post(f"/direction/echelles/{maitrise}/usage/", {"en_usage": "0"}, follow=True)
    assert "n&#x27;est plus en usage" in response.content.decode()
    response = client.post(f"/direction/echelles/{ccf_pk}/usage/", {"en_usage": "0"}, follow=True)
    assert "seule échelle en usage" in response.content.decode()
    assert client.get(f"/direction/echelles/{ccf_pk}/usage/").status_code == 405
    with tenant_context(alpha):
        assert not Echelle.objects.get(pk=maitrise).en_usage and Echelle.objects.get(pk=ccf_pk).en_usage


def test_an_unknown_scale_is_a_404(as_role):
    client = as_role(Role.DIRECTION)
    assert client.get("/direction/echelles/999999/").status_code == 404
    assert client.get("/direction/echelles/999999/nouvelle-version/").status_code == 404
    assert client.post("/direction/echelles/999999/usage/", {"en_usage": "0"}).status_code == 404


def test_the_list_page_runs_a_fixed_number_of_queries(as_role, alpha, django_assert_max_num_queries):
    client = as_role(Role.DIRECTION)
    with django_assert_max_num_queries(16) as few:
        assert client.get("/direction/echelles/").status_code == 200
    with tenant_context(alpha):
        for i in range(5):
            echelle = echelle_create(nom=f"Échelle {i}", portee="critere", niveaux=two_levels(), etats=[], actor=None)
            echelle_version_create(echelle=echelle, niveaux=two_levels(), etats=[], actor=None)
    connection.set_schema_to_public()
    with django_assert_max_num_queries(16) as many:
        page = client.get("/direction/echelles/").content.decode()
    assert "Échelle 4" in page
    assert len(many.captured_queries) == len(few.captured_queries)


# --- Tenant isolation ----------------------------------------------------------------------------------------

def test_a_version_made_in_beta_never_shows_in_alpha(as_role, alpha, beta, charlie):
    with tenant_context(beta):
        echelle = Echelle.objects.get(code="ccf")
        version = echelle_current_version(echelle)
        changed = rows(version)
        changed[0]["libelle"] = "Marqueur beta"
        echelle_version_create(echelle=echelle, niveaux=changed, etats=etats(version), actor=None)
        beta_only = echelle_create(nom="Seulement beta", portee="critere", niveaux=two_levels(), etats=[], actor=None)
    page = as_role(Role.DIRECTION).get("/direction/echelles/").content.decode()
    assert "Marqueur beta" not in page and "Seulement beta" not in page
    assert as_role(Role.DIRECTION).get(f"/direction/echelles/{beta_only.pk}/").status_code == 404
    with tenant_context(alpha):
        assert ccf_version().numero == 1

    beta_client = host_client("beta.localhost")
    assert login(beta_client, charlie.email).status_code == 302
    page = beta_client.get("/direction/echelles/").content.decode()
    assert "Marqueur beta" in page and "Seulement beta" in page


def test_beta_direction_cannot_write_alpha_scales_with_its_session(charlie, alpha):
    beta_client = host_client("beta.localhost")
    assert login(beta_client, charlie.email).status_code == 302
    thief = host_client("alpha.localhost")
    thief.cookies["sessionid"] = beta_client.cookies["sessionid"].value
    with tenant_context(alpha):
        pk, data = ccf().pk, form_data(ccf_version())
    response = thief.post(f"/direction/echelles/{pk}/nouvelle-version/", data)
    assert response.status_code == 302 and "/comptes/login/" in response["Location"]
    with tenant_context(alpha):
        assert ccf_version().numero == 1
