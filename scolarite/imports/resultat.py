"""What an import plan holds: per row and per entity, what would be created, updated, left unchanged or
rejected, and why. Plain data; `plan.py` builds it."""

from dataclasses import dataclass, field

from entreprise.models import Entreprise, Tuteur
from referentiels.models import Referentiel

from ..models import Apprenant, Classe, Formation

CREE, MODIFIE, INCHANGE, REJETE, IGNORE = "cree", "modifie", "inchange", "rejete", "ignore"
ACTION_LABELS = {CREE: "créé", MODIFIE: "mis à jour", INCHANGE: "inchangé", REJETE: "rejeté", IGNORE: "ignoré"}
ENTITES = ("apprenants", "inscriptions", "classes", "formations", "entreprises", "tuteurs", "contrats")
APPRENANT_COLUMNS = ("nom", "prenom", "ine", "date_naissance", "email", "telephone", "identifiant_externe")
ENTREPRISE_COLUMNS = {"raison_sociale": "raison_sociale", "entreprise_adresse": "adresse",
                      "entreprise_code_postal": "code_postal", "entreprise_ville": "ville",
                      "entreprise_telephone": "telephone", "entreprise_email": "email",
                      "entreprise_secteur": "secteur", "entreprise_code_naf": "code_naf"}
TUTEUR_COLUMNS = {"tuteur_nom": "nom", "tuteur_prenom": "prenom", "tuteur_email": "email",
                  "tuteur_telephone": "telephone", "tuteur_fonction": "fonction"}
MAX_LENGTHS = {"nom": 150, "prenom": 150, "telephone": 30, "identifiant_externe": 40, "classe": 40,
               "classe_intitule": 200, "raison_sociale": 200, "entreprise_code_postal": 10, "entreprise_ville": 120,
               "entreprise_telephone": 30, "entreprise_secteur": 200, "entreprise_code_naf": 6, "tuteur_nom": 150,
               "tuteur_prenom": 150, "tuteur_telephone": 30, "tuteur_fonction": 150, "contrat_numero": 40}


@dataclass
class FormationPlan:
    intitule: str
    referentiel: Referentiel
    existing: Formation | None = None

    @property
    def action(self) -> str:
        return INCHANGE if self.existing else CREE


@dataclass
class ClassePlan:
    annee: int
    code: str
    intitule: str
    formation: FormationPlan | None = None  # None for an existing classe
    existing: Classe | None = None

    @property
    def action(self) -> str:
        return INCHANGE if self.existing else CREE


@dataclass
class EntreprisePlan:
    fields: dict
    existing: Entreprise | None = None
    changes: dict = field(default_factory=dict)

    @property
    def action(self) -> str:
        return CREE if self.existing is None else MODIFIE if self.changes else INCHANGE


@dataclass
class TuteurPlan:
    entreprise: EntreprisePlan
    fields: dict
    existing: Tuteur | None = None
    changes: dict = field(default_factory=dict)
    apprentis: int = 0  # apprenticeship contracts: current ones, then those the file adds

    @property
    def action(self) -> str:
        return CREE if self.existing is None else MODIFIE if self.changes else INCHANGE


@dataclass
class LignePlan:
    numero: int
    ref: str
    libelle: str
    classe_code: str = ""
    raisons: list[str] = field(default_factory=list)
    alertes: list[str] = field(default_factory=list)
    ignoree: bool = False
    # What apply writes, when the row is accepted.
    apprenant: Apprenant | None = None
    apprenant_fields: dict = field(default_factory=dict)  # creation: all fields; update: the changed ones
    classe: ClassePlan | None = None
    inscription: dict | None = None  # {"statut", "debut"} when one is to be opened
    entreprise: EntreprisePlan | None = None
    tuteur: TuteurPlan | None = None
    contrat: dict | None = None  # contrat_create's arguments when one is to be created
    actions: dict = field(default_factory=dict)

    @property
    def statut(self) -> str:
        if self.ignoree:
            return IGNORE
        if self.raisons:
            return REJETE
        if self.actions.get("apprenants") == CREE:
            return CREE
        return MODIFIE if any(a in (CREE, MODIFIE) for a in self.actions.values()) else INCHANGE


@dataclass
class Plan:
    format: str
    annee_scolaire: int
    erreurs: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    lignes: list[LignePlan] = field(default_factory=list)
    formations: dict = field(default_factory=dict)
    classes: dict = field(default_factory=dict)
    entreprises: dict = field(default_factory=dict)
    tuteurs: dict = field(default_factory=dict)

    @property
    def rejetees(self) -> list[LignePlan]:
        return [ligne for ligne in self.lignes if ligne.statut == REJETE]

    @property
    def acceptees(self) -> list[LignePlan]:
        return [ligne for ligne in self.lignes if ligne.statut not in (REJETE, IGNORE)]

    def compte(self) -> dict[str, dict[str, int]]:
        counts = {"lignes": {}} | {entite: {} for entite in ENTITES}

        def add(entite, action):
            counts[entite][action] = counts[entite].get(action, 0) + 1

        for ligne in self.lignes:
            add("lignes", ligne.statut)
            for entite in ("apprenants", "inscriptions", "contrats"):
                if entite in ligne.actions:
                    add(entite, ligne.actions[entite])
        for entite, plans in (("formations", self.formations), ("classes", self.classes),
                              ("entreprises", self.entreprises), ("tuteurs", self.tuteurs)):
            for plan in plans.values():
                add(entite, plan.action)
        return counts

    @property
    def has_changes(self) -> bool:
        return any(ligne.statut in (CREE, MODIFIE) for ligne in self.lignes)
