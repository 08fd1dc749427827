"""Scenario services: CRUD, liaison only from the référentiel, duplication, sharing, archive, resources,
situations."""

import io
import zipfile
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from evaluations import selectors_scenario as selectors
from evaluations import services_scenario as services
from evaluations.models import Situation
from tenants.models import Abonnement

from .conftest import ANNEE, TODAY

PDF = b"%PDF-1.4\n%test\n"


def zip_bytes(entries: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_it_creates_a_scenario_with_its_criteria_in_the_referentiel_order(alpha, scenario, ciel):
    with tenant_context(alpha):
        liaison = selectors.scenario_liaison(scenario)
        assert liaison.n_criteres == 3 and len(liaison.taches) == 1
        rangs = list(scenario.critere_links.values_list("rang", flat=True))
        assert rangs == [1, 2, 3]
        assert scenario.description == "Installer un réseau dans une PME."


def test_it_updates_title_context_and_co_authors(alpha, scenario, personas, collegue):
    with tenant_context(alpha):
        services.scenario_update(scenario=scenario, actor=personas["formateur"], titre=" TP VLAN ",
                                 co_auteurs=[collegue], missions="Segmenter le réseau.")
        scenario.refresh_from_db()
        assert scenario.titre == "TP VLAN" and scenario.missions == "Segmenter le réseau."
        assert services.scenario_can_write(scenario, collegue)
        services.scenario_update(scenario=scenario, actor=collegue, logiciels="Packet Tracer")


def test_it_refuses_an_empty_title(alpha, personas, ciel):
    with tenant_context(alpha), pytest.raises(ValidationError, match="titre"):
        services.scenario_create(auteur=personas["formateur"], referentiel=ciel, titre="  ")


def test_it_refuses_changes_by_someone_who_is_not_an_author(alpha, scenario, collegue):
    with tenant_context(alpha), pytest.raises(ValidationError, match="auteur"):
        services.scenario_update(scenario=scenario, actor=collegue, titre="Pris")


def test_it_refuses_a_criterion_of_another_referentiel_and_writes_nothing(alpha, scenario, personas, ciel, tne):
    autre = tne.criteres.first()
    ok = ciel.criteres.order_by("-rang").first()
    with tenant_context(alpha):
        before = set(scenario.critere_links.values_list("critere_id", flat=True))
        with pytest.raises(ValidationError, match="n'appartiennent pas au référentiel"):
            services.scenario_liaison_set(scenario=scenario, critere_ids=[ok.pk, autre.pk], tache_ids=[],
                                          actor=personas["formateur"])
        assert set(scenario.critere_links.values_list("critere_id", flat=True)) == before
        with pytest.raises(ValidationError, match="tâches"):
            services.scenario_liaison_set(scenario=scenario, critere_ids=[], tache_ids=[10**9],
                                          actor=personas["formateur"])
        assert scenario.tache_links.count() == 1


def test_it_replaces_the_liaison_and_keeps_indicators(alpha, scenario, personas, ciel):
    criteres = list(ciel.criteres.order_by("competence__rang", "rang")[:5])
    with tenant_context(alpha):
        services.scenario_liaison_set(scenario=scenario, critere_ids=[c.pk for c in criteres[2:]], tache_ids=[],
                                      indicateurs={criteres[2].pk: "Le câblage est testé."},
                                      actor=personas["formateur"])
        links = list(scenario.critere_links.all())
        assert [link.critere_id for link in links] == [c.pk for c in criteres[2:]]
        assert links[0].indicateurs_reussite == "Le câblage est testé."
        assert scenario.tache_links.count() == 0


def test_it_duplicates_a_scenario_for_the_actor(alpha, scenario, personas, collegue, media_root):
    with tenant_context(alpha):
        services.ressource_add(scenario=scenario, upload=SimpleUploadedFile("sujet.pdf", PDF),
                               actor=personas["formateur"])
        services.scenario_share(scenario=scenario, partage=True, actor=personas["formateur"])
        copie = services.scenario_duplicate(scenario=scenario, actor=collegue)
        assert copie.titre == "TP réseau local (copie)" and copie.auteur == collegue and copie.copie_de == scenario
        assert not copie.partage and not copie.archive
        assert copie.critere_links.count() == 3 and copie.tache_links.count() == 1
        ressource = copie.ressources.get()
        assert ressource.fichier.name != scenario.ressources.get().fichier.name
        services.ressource_remove(ressource=scenario.ressources.get(), actor=personas["formateur"])
        with ressource.fichier.open("rb") as handle:
            assert handle.read() == PDF


def test_a_colleague_sees_a_shared_scenario_only(alpha, scenario, personas, collegue):
    with tenant_context(alpha):
        assert not selectors.scenarios_visible(collegue).filter(pk=scenario.pk).exists()
        services.scenario_share(scenario=scenario, partage=True, actor=personas["formateur"])
        assert [s.pk for s in selectors.scenario_list(user=collegue, vue="partages")] == [scenario.pk]
        assert selectors.scenario_list(user=collegue, vue="miens") == []
        services.scenario_archive(scenario=scenario, archive=True, actor=personas["formateur"])
        assert not selectors.scenarios_visible(collegue).filter(pk=scenario.pk).exists()
        assert [s.pk for s in selectors.scenario_list(user=personas["formateur"], vue="archives")] == [scenario.pk]
        assert selectors.scenario_list(user=personas["formateur"], vue="miens") == []


def test_direction_and_inspection_see_every_scenario(alpha, scenario, personas):
    with tenant_context(alpha):
        for role in ("direction", "inspecteur"):
            assert [s.pk for s in selectors.scenario_list(user=personas[role], vue="partages")] == [scenario.pk]
        assert not selectors.scenarios_visible(personas["apprenant"]).exists()


@pytest.mark.parametrize("name, content, message", [
    ("virus.exe", b"MZ", "Type de fichier non accepté"),
    ("faux.pdf", b"MZ\x90\x00", "ne correspond pas"),
    ("image.png", b"\xff\xd8\xff\xe0jpeg", "ne correspond pas"),
    ("doc.docx", zip_bytes({"a.txt": "x"}), "ne correspond pas"),
    ("doc.odt", zip_bytes({"mimetype": "application/vnd.oasis.opendocument.spreadsheet"}), "ne correspond pas"),
    ("binaire.txt", b"abc\x00def", "ne correspond pas"),
    ("vide.pdf", b"", "vide"),
])
def test_it_refuses_a_bad_resource(alpha, scenario, personas, media_root, name, content, message):
    with tenant_context(alpha):
        with pytest.raises(ValidationError, match=message):
            services.ressource_add(scenario=scenario, upload=SimpleUploadedFile(name, content),
                                   actor=personas["formateur"])
        assert not scenario.ressources.exists()


def test_it_refuses_a_resource_over_10_mb(alpha, scenario, personas, media_root):
    upload = SimpleUploadedFile("gros.pdf", PDF + b"0" * (10 * 1024 * 1024))
    with tenant_context(alpha), pytest.raises(ValidationError, match="dépasse 10 Mo"):
        services.ressource_add(scenario=scenario, upload=upload, actor=personas["formateur"])


@pytest.mark.parametrize("name, content, mime", [
    ("sujet.pdf", PDF, "application/pdf"),
    ("schema.PNG", b"\x89PNG\r\n\x1a\n....", "image/png"),
    ("photo.jpg", b"\xff\xd8\xff\xe0....", "image/jpeg"),
    ("notes.txt", "Câbles RJ45".encode(), "text/plain"),
    ("doc.docx", zip_bytes({"[Content_Types].xml": "<x/>", "word/document.xml": "<w/>"}),
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("calc.ods", zip_bytes({"mimetype": "application/vnd.oasis.opendocument.spreadsheet"}),
     "application/vnd.oasis.opendocument.spreadsheet"),
    ("archive.zip", zip_bytes({"a.txt": "x"}), "application/zip"),
])
def test_it_accepts_the_listed_types(alpha, scenario, personas, media_root, name, content, mime):
    with tenant_context(alpha):
        ressource = services.ressource_add(scenario=scenario, upload=SimpleUploadedFile(name, content),
                                           actor=personas["formateur"])
        assert ressource.type_mime == mime and ressource.taille == len(content)


# --- Situations ------------------------------------------------------------------------------------------------

def test_it_runs_a_situation_with_chosen_learners(alpha, scenario, personas, classe_ciel):
    with tenant_context(alpha):
        situation = services.situation_create(scenario=scenario, classe=classe_ciel["classe"], date=TODAY,
                                              created_by=personas["formateur"], apprenants=[classe_ciel["lea"]])
        assert list(situation.apprenants.all()) == [classe_ciel["lea"]]
        assert selectors.situation_apprenants(situation) == [classe_ciel["lea"]]
        whole = services.situation_create(scenario=scenario, classe=classe_ciel["classe"], date=TODAY,
                                          created_by=personas["formateur"], par_competence=True)
        assert [a.nom for a in selectors.situation_apprenants(whole)] == ["Bernard", "Dupont"]
        assert len(selectors.situation_list_formateur(personas["formateur"])) == 2


def test_it_refuses_a_learner_of_another_classe(alpha, scenario, personas, classe_ciel):
    with tenant_context(alpha), pytest.raises(ValidationError, match="Pas inscrit en 1CIEL-A"):
        services.situation_create(scenario=scenario, classe=classe_ciel["classe"], date=TODAY,
                                  created_by=personas["formateur"], apprenants=[classe_ciel["hugo"]])


def test_it_refuses_a_classe_of_another_referentiel(alpha, personas, scenario, tne):
    from scolarite import services as scolarite_services

    with tenant_context(alpha):
        formation = scolarite_services.formation_create(referentiel=tne, intitule="Seconde TNE")
        classe = scolarite_services.classe_create(formation=formation, annee_scolaire=ANNEE, code="2TNE-A",
                                                  formateurs=[personas["formateur"]])
        with pytest.raises(ValidationError, match="suit le référentiel"):
            services.situation_create(scenario=scenario, classe=classe, date=TODAY, created_by=personas["formateur"])
        assert not Situation.objects.exists()


def test_a_certificative_situation_needs_an_epreuve_of_the_referentiel(alpha, scenario, personas, classe_ciel,
                                                                        ciel, tne):
    classe = classe_ciel["classe"]
    with tenant_context(alpha):
        with pytest.raises(ValidationError, match="épreuve"):
            services.situation_create(scenario=scenario, classe=classe, date=TODAY, nature="certificative",
                                      created_by=personas["formateur"])
        with pytest.raises(ValidationError, match="n'appartient pas"):
            services.situation_create(scenario=scenario, classe=classe, date=TODAY, nature="certificative",
                                      epreuve=SimpleNamespace(referentiel_id=tne.pk), created_by=personas["formateur"])
        situation = services.situation_create(scenario=scenario, classe=classe, date=TODAY, nature="certificative",
                                              epreuve=ciel.epreuves.first(), created_by=personas["formateur"])
        assert situation.epreuve_id == ciel.epreuves.first().pk


def test_it_refuses_a_situation_by_someone_who_does_not_teach_the_classe(alpha, scenario, collegue, classe_ciel):
    with tenant_context(alpha), pytest.raises(ValidationError, match="pas formateur"):
        services.situation_create(scenario=scenario, classe=classe_ciel["classe"], date=TODAY, created_by=collegue)


def test_it_refuses_an_archived_scenario_or_one_without_criteria(alpha, scenario, personas, classe_ciel):
    with tenant_context(alpha):
        services.scenario_liaison_set(scenario=scenario, critere_ids=[], tache_ids=[], actor=personas["formateur"])
        with pytest.raises(ValidationError, match="critères"):
            services.situation_create(scenario=scenario, classe=classe_ciel["classe"], date=TODAY,
                                      created_by=personas["formateur"])
        services.scenario_archive(scenario=scenario, archive=True, actor=personas["formateur"])
        with pytest.raises(ValidationError, match="archivé"):
            services.situation_create(scenario=scenario, classe=classe_ciel["classe"], date=TODAY,
                                      created_by=personas["formateur"])


def test_it_refuses_a_situation_when_the_subscription_has_lapsed(alpha, scenario, personas, classe_ciel):
    Abonnement.objects.filter(etablissement=alpha).update(statut=Abonnement.Statut.ANNULE)
    with tenant_context(alpha), pytest.raises(ValidationError, match="abonnement"):
        services.situation_create(scenario=scenario, classe=classe_ciel["classe"], date=TODAY,
                                  created_by=personas["formateur"])


