from bench.referentiels import synthetic_document
from referentiels.selectors import referentiel_get, referentiel_list, referentiel_tree
from referentiels.services import referentiel_import

TREE_QUERIES = 12  # the référentiel, then one per table of the tree
# django-tenants sets the search path before each query: count the SELECTs, allow one SET each.
MAX_STATEMENTS = 2 * TREE_QUERIES


def imported(document):
    report = referentiel_import(document=document, dry_run=False)
    assert report.applied, report.lines()
    return report.referentiel


def walk(tree) -> int:
    """Touch every node and link, as the browsing page will."""
    seen = 0
    for pole in tree.poles:
        for activite in pole.activites.all():
            seen += 1 + len(activite.taches.all())
    for competence in tree.competences:
        seen += len(competence.criteres.all()) + len(competence.linked_activites) + len(competence.linked_taches)
    for item in tree.blocs + tree.epreuves:
        seen += len(item.linked_competences)
    return seen


def selects(captured) -> int:
    return sum(query["sql"].startswith("SELECT") for query in captured.captured_queries)


def test_referentiel_tree_runs_a_constant_number_of_queries(public, small, django_assert_max_num_queries):
    little = imported(small)
    large = imported(synthetic_document(code="GRAND", competences=80, criteres=5))
    with django_assert_max_num_queries(MAX_STATEMENTS) as captured:
        little_size = walk(referentiel_tree(little))
    assert selects(captured) == TREE_QUERIES
    with django_assert_max_num_queries(MAX_STATEMENTS) as captured:
        large_size = walk(referentiel_tree(large))
    assert selects(captured) == TREE_QUERIES
    assert large_size > 50 * little_size  # 400 critères against 3, and their links: same number of queries


def test_referentiel_tree_keeps_the_order_of_the_text(imported_small, small):
    small["blocs"][0]["competences"] = ["C2", "C1"]
    small["competences"][0]["criteres"].append({"intitule": "Critère ajouté"})
    referentiel_import(document=small, dry_run=False)
    tree = referentiel_tree(imported_small)
    assert [c.code for c in tree.competences[0].criteres.all()] == ["C1.1", "C1.2", "C1.3"]
    assert [c.code for c in tree.blocs[0].linked_competences] == ["C2", "C1"]
    assert tree.blocs[0].linked_competences[0] is tree.competences[1]  # the same objects, not copies
    assert [t.code for t in tree.competences[0].linked_taches] == ["A1-T1"]


def test_referentiel_get_and_list(imported_small):
    assert referentiel_get(code="CAP-TEST", version="2024") == imported_small
    assert referentiel_get(code="CAP-TEST", version="1990") is None
    assert list(referentiel_list()) == [imported_small]
