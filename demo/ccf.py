"""The demo's CCF grid, made through the evaluations services as a formateur would: a certificative situation of
1CIEL-A on épreuve E2 with Léa, her grid filled (levels, candidate number, commission, appreciation) and locked,
so that the grid page, its XLSX and its PDF have something to show. Idempotent: nothing if a grid exists."""

from django.utils import timezone

from accounts.models import User
from evaluations.models_ccf import GrilleCCF
from evaluations.services_ccf import grille_ccf_lock, grille_ccf_save, grilles_ccf_create
from evaluations.services_scenario import scenario_create, situation_create
from referentiels.models import Critere, Epreuve
from scolarite.models import Apprenant, Classe
from tenants.annees import annee_scolaire_of

NIVEAUX_LEA = {"C03": "M", "C07": "BM", "C11": "IM"}


def demo_ccf(*, formateur: User):
    if GrilleCCF.objects.exists():
        return None
    today = timezone.localdate()
    classe = Classe.objects.select_related("formation").filter(
        annee_scolaire=annee_scolaire_of(today), code="1CIEL-A").first()
    lea = Apprenant.objects.filter(user__email="apprenti@demo.cpro.local").first()
    if classe is None or lea is None:
        return None
    referentiel = classe.formation.referentiel
    epreuve = Epreuve.objects.filter(referentiel=referentiel, code="E2").first()
    if epreuve is None:
        return None
    competences = {c.code: c for c in epreuve.competences.all()}
    criteres = Critere.objects.filter(competence__in=competences.values()).order_by("competence__rang", "rang")
    scenario = scenario_create(auteur=formateur, referentiel=referentiel, titre="CCF E2 : maintenance d'un produit",
                               critere_ids=[c.pk for c in criteres],
                               description="Situation d'évaluation certificative de l'épreuve E2.")
    situation = situation_create(scenario=scenario, classe=classe, date=today, created_by=formateur,
                                 nature="certificative", epreuve=epreuve, apprenants=[lea])
    (grille,) = grilles_ccf_create(situation=situation, actor=formateur, apprenants=[lea])
    grille_ccf_save(grille=grille, actor=formateur,
                    niveaux={competences[code].pk: niveau for code, niveau in NIVEAUX_LEA.items()
                             if code in competences},
                    numero_candidat="0123456789", commission=f"{formateur.get_full_name()} — professeur\n"
                                                             "Jean Moreau — professionnel associé",
                    commentaire="Diagnostic méthodique ; la remise en service manque encore de vérifications.")
    return grille_ccf_lock(grille=grille, actor=formateur)
