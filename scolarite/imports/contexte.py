"""What the rows of an import may match in the establishment, loaded in a fixed number of queries (learners by
INE, email, identifier, name and birth date; open inscriptions; the year's classes; formations; the catalogue's
référentiels; companies, their tuteurs, the learners' contracts)."""


from django.db import connection
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.utils import timezone

from entreprise.models import Contrat, Entreprise, Tuteur
from entreprise.validators import siret_normalize
from referentiels.models import Referentiel
from tenants.selectors import abonnement_couverture

from ..models import Apprenant, Classe, Formation, Inscription
from ..validators import ine_normalize
from .lecture import Ligne


class Contexte:
    """What the rows may match, loaded in a fixed number of queries."""

    def __init__(self, lignes: list[Ligne], annees: set[int], extra_codes=()):
        ines = {ine_normalize(ligne.get("ine")) for ligne in lignes} - {""}
        emails = {ligne.get("email").lower() for ligne in lignes} - {""}
        externes = {ligne.get("identifiant_externe") for ligne in lignes} - {""}
        noms = {ligne.get("nom").lower() for ligne in lignes} - {""}
        apprenants = list(Apprenant.objects.annotate(email_lower=Lower("email"), nom_lower=Lower("nom")).filter(
            Q(ine__in=ines) | Q(email_lower__in=emails) | Q(identifiant_externe__in=externes)
            | Q(nom_lower__in=noms, date_naissance__isnull=False)).order_by("pk"))
        self.by_ine = {a.ine: a for a in apprenants if a.ine}
        self.by_email, self.by_externe, self.by_identite = {}, {}, {}
        for apprenant in apprenants:  # the oldest learner wins when several share an email
            self.by_email.setdefault(apprenant.email.lower(), apprenant)
            if apprenant.identifiant_externe:
                self.by_externe.setdefault(apprenant.identifiant_externe, apprenant)
            self.by_identite.setdefault(identite(apprenant.nom, apprenant.prenom, apprenant.date_naissance),
                                        apprenant)
        self.inscriptions = {i.apprenant_id: i for i in Inscription.objects.filter(
            apprenant__in=apprenants, fin__isnull=True).select_related("classe")}
        self.classes = {(c.annee_scolaire, c.code.upper()): c for c in
                        Classe.objects.filter(annee_scolaire__in=annees).select_related("formation")}
        formations = list(Formation.objects.select_related("referentiel").order_by("-created_at"))
        self.formation_by_code = {f.code.upper(): f for f in reversed(formations) if f.code}
        self.formation_by_intitule = {f.intitule.lower(): f for f in formations}
        self.formation_by_referentiel = {}
        for formation in formations:  # the most recent formation of a référentiel wins
            self.formation_by_referentiel.setdefault(formation.referentiel.code, formation)
        codes = ({ligne.get("referentiel").upper() for ligne in lignes} | set(extra_codes)) - {""}
        self.referentiels = {}
        for referentiel in Referentiel.objects.filter(code__in=codes).order_by("created_at"):
            self.referentiels[referentiel.code] = referentiel  # the latest version
        self.souscrits = abonnement_couverture(connection.tenant).referentiel_codes
        sirets = {siret_normalize(ligne.get("siret")) for ligne in lignes} - {""}
        noms = {ligne.get("raison_sociale").lower() for ligne in lignes if not ligne.get("siret")} - {""}
        entreprises = list(Entreprise.objects.annotate(nom_lower=Lower("raison_sociale"))
                           .filter(Q(siret__in=sirets) | Q(nom_lower__in=noms, siret="")))
        self.entreprise_by_siret = {e.siret: e for e in entreprises if e.siret}
        self.entreprise_by_nom = {e.raison_sociale.lower(): e for e in entreprises if not e.siret}
        self.tuteurs: dict[int, list[Tuteur]] = {}
        for tuteur in Tuteur.objects.filter(entreprise__in=entreprises).order_by("pk"):
            self.tuteurs.setdefault(tuteur.entreprise_id, []).append(tuteur)
        self.contrats = {(c.apprenant_id, c.entreprise_id, c.type, c.debut): c
                         for c in Contrat.objects.filter(apprenant__in=apprenants)}
        today = timezone.localdate()
        self.apprentis = dict(  # current apprenticeship contracts per tuteur of these companies
            Contrat.objects.filter(tuteurs__entreprise__in=entreprises, type=Contrat.Type.APPRENTISSAGE,
                                   fin__gte=today).filter(Q(rompu_le__isnull=True) | Q(rompu_le__gt=today))
            .values_list("tuteurs").annotate(n=Count("id", distinct=True)))


def identite(nom: str, prenom: str, naissance) -> tuple:
    return (nom.strip().lower(), prenom.strip().lower(), naissance)

