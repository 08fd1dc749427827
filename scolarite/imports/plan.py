"""The plan of an import: for every row, what would be created, updated, left unchanged or rejected, and why.

Reads only. Everything the rows could match is loaded up front in a fixed number of queries (learners by INE
and email, open inscriptions, the year's classes, formations, the catalogue's référentiels, companies, their
tuteurs, the learners' contracts), so a 2,000-row file plans in well under a second.

Matching: a learner by INE, then by email (with neither, by the file's identifier, then by name and birth date);
a classe by (school year, code); a company by SIRET (by name when the file has no SIRET); a tuteur by email
within the company (by name without an email). Empty cells never erase what is known.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.utils import timezone

from entreprise.models import Contrat, Entreprise, Tuteur
from entreprise.validators import siret_normalize, validate_siret
from referentiels.models import Referentiel
from tenants.annees import annee_scolaire_bounds, annee_scolaire_label, annee_scolaire_of
from tenants.selectors import abonnement_couverture

from ..models import Apprenant, Classe, Formation, Inscription
from ..validators import ine_normalize, validate_ine
from .lecture import Ligne, Source
from .valeurs import CONTRAT_PAR_STATUT, parse_annee, parse_contrat_type, parse_date, parse_statut

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
MAX_APPRENTIS = 2  # Code du travail, R6223-6 (plus one extended after a failed exam): warned, never blocked
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
            self.by_identite.setdefault(_identite(apprenant.nom, apprenant.prenom, apprenant.date_naissance),
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


def _identite(nom: str, prenom: str, naissance) -> tuple:
    return (nom.strip().lower(), prenom.strip().lower(), naissance)


def plan_build(source: Source, *, referentiel_defaut: str = "", today: datetime.date | None = None) -> Plan:
    today = today or timezone.localdate()
    annee_defaut = source.annee_scolaire or annee_scolaire_of(today)
    plan = Plan(format=source.format, annee_scolaire=annee_defaut, erreurs=list(source.erreurs),
                notes=list(source.notes))
    if plan.erreurs:
        return plan
    annees = {parse_annee(ligne.get("annee")) or annee_defaut for ligne in source.lignes}
    referentiel_defaut = referentiel_defaut.strip().upper()
    builder = _Builder(plan, Contexte(source.lignes, annees, [referentiel_defaut]), annee_defaut=annee_defaut,
                       today=today, referentiel_defaut=referentiel_defaut, siecle=source.format == "siecle")
    for ligne in source.lignes:
        plan.lignes.append(builder.row(ligne))
    return plan


class _Builder:
    def __init__(self, plan: Plan, ctx: Contexte, *, annee_defaut: int, today, referentiel_defaut: str, siecle: bool):
        self.plan, self.ctx, self.annee_defaut, self.today = plan, ctx, annee_defaut, today
        self.referentiel_defaut, self.siecle = referentiel_defaut, siecle
        self.seen: dict[tuple, int] = {}  # duplicate keys -> first row number
        self.matched: dict[int, int] = {}  # existing learner pk -> row number

    def row(self, ligne: Ligne) -> LignePlan:
        libelle = f"{ligne.get('nom').upper()} {ligne.get('prenom')}".strip() or "(sans nom)"
        out = LignePlan(numero=ligne.numero, ref=ligne.ref, libelle=libelle, classe_code=ligne.get("classe"))
        if ligne.ignoree:
            out.ignoree = True
            out.raisons.append(ligne.ignoree)
            return out
        data = self.read(ligne, out)
        if not out.raisons:
            self.duplicates(ligne, data, out)
        if out.raisons:
            return out
        pending: list[tuple[dict, tuple, object]] = []  # new plan entries, kept only if the row is accepted
        for step in (self.apprenant, self.classe, self.inscription, self.entreprise, self.tuteur, self.contrat):
            step(data, out, pending)
            if out.raisons:
                return out
        for registry, key, value in pending:
            registry[key] = value
        if out.apprenant is not None:
            self.matched[out.apprenant.pk] = ligne.numero
        return out

    # --- reading and checking the cells -------------------------------------------------------------------

    def read(self, ligne: Ligne, out: LignePlan) -> dict:
        raisons = out.raisons
        if ligne.mal_encodee:
            raisons.append("Caractères mal encodés (« Ã© » au lieu de « é ») : le fichier mélange UTF-8 et "
                           "Windows-1252. Réenregistrez-le en « CSV UTF-8 ».")
        for name, limit in MAX_LENGTHS.items():
            if len(ligne.get(name)) > limit:
                raisons.append(f"{name.replace('_', ' ').capitalize()} trop long ({len(ligne.get(name))} "
                               f"caractères, {limit} au plus).")
        data = {"apprenant": {}}
        for name in ("nom", "prenom"):
            if not ligne.get(name):
                raisons.append("Le nom est obligatoire." if name == "nom" else "Le prénom est obligatoire.")
        ine = ine_normalize(ligne.get("ine"))
        if ine:
            try:
                validate_ine(ine)
            except ValidationError as error:
                raisons.append(error.messages[0])
        email = ligne.get("email").lower()
        if email and not _email_ok(email):
            raisons.append(f"Adresse e-mail invalide « {ligne.get('email')} ».")
        naissance = None
        if ligne.get("date_naissance"):
            naissance = parse_date(ligne.get("date_naissance"))
            if naissance is None or naissance >= self.today:
                raisons.append(f"Date de naissance invalide « {ligne.get('date_naissance')} » : "
                               "jj/mm/aaaa ou aaaa-mm-jj attendu.")
        data["apprenant"] = {k: v for k, v in {
            "nom": ligne.get("nom"), "prenom": ligne.get("prenom"), "ine": ine, "date_naissance": naissance,
            "email": email, "telephone": ligne.get("telephone"),
            "identifiant_externe": ligne.get("identifiant_externe")}.items() if v}
        if not ligne.get("classe"):
            raisons.append("La classe est vide : chaque ligne doit donner le code de sa classe.")
        annee = self.annee_defaut
        if ligne.get("annee"):
            annee = parse_annee(ligne.get("annee"))
            if annee is None:
                raisons.append(f"Année scolaire invalide « {ligne.get('annee')} » : 2026 ou 2026-2027 attendu.")
        data["annee"] = annee
        data["debut"] = None
        if ligne.get("debut"):
            data["debut"] = parse_date(ligne.get("debut"))
            if data["debut"] is None:
                raisons.append(f"Date d'entrée invalide « {ligne.get('debut')} » : jj/mm/aaaa ou aaaa-mm-jj attendu.")
        self.read_entreprise(ligne, data, raisons)
        statut = None
        if ligne.get("statut"):
            statut = parse_statut(ligne.get("statut"))
            if statut is None:
                raisons.append(f"Statut inconnu « {ligne.get('statut')} » : scolaire, apprenti ou stagiaire FC.")
        else:  # a company contract makes an apprentice; without one, a pupil
            statut = (Inscription.Statut.APPRENTI if data.get("contrat") or data.get("entreprise")
                      else Inscription.Statut.SCOLAIRE)
        data["statut"] = statut
        if data.get("contrat") is not None and statut:
            contrat = data["contrat"]
            if contrat["type"] is None:
                contrat["type"] = CONTRAT_PAR_STATUT[statut]
        data["classe"] = ligne.get("classe")
        data["classe_intitule"] = ligne.get("classe_intitule")
        data["referentiel"] = ligne.get("referentiel").upper()
        return data

    def read_entreprise(self, ligne: Ligne, data: dict, raisons: list[str]) -> None:
        siret = siret_normalize(ligne.get("siret"))
        if siret:
            try:
                validate_siret(siret)
            except ValidationError as error:
                raisons.append(error.messages[0])
        fields = {target: ligne.get(name) for name, target in ENTREPRISE_COLUMNS.items() if ligne.get(name)}
        if fields.get("email"):
            fields["email"] = fields["email"].lower()
            if not _email_ok(fields["email"]):
                raisons.append(f"Adresse e-mail de l'entreprise invalide « {fields['email']} ».")
        if siret or fields:
            if siret:
                fields["siret"] = siret
            data["entreprise"] = fields
        tuteur = {target: ligne.get(name) for name, target in TUTEUR_COLUMNS.items() if ligne.get(name)}
        if tuteur:
            if "entreprise" not in data:
                raisons.append("Un tuteur est indiqué sans entreprise : ajoutez le SIRET et la raison sociale.")
            if not tuteur.get("nom") or not tuteur.get("prenom"):
                raisons.append("Le nom et le prénom du tuteur sont obligatoires.")
            if tuteur.get("email"):
                tuteur["email"] = tuteur["email"].lower()
                if not _email_ok(tuteur["email"]):
                    raisons.append(f"Adresse e-mail du tuteur invalide « {tuteur['email']} ».")
            data["tuteur"] = tuteur
        if ligne.get("contrat_debut") or ligne.get("contrat_fin") or ligne.get("contrat_type"):
            contrat = {"type": None, "debut": parse_date(ligne.get("contrat_debut")),
                       "fin": parse_date(ligne.get("contrat_fin")), "numero": ligne.get("contrat_numero")}
            if "entreprise" not in data:
                raisons.append("Un contrat est indiqué sans entreprise : ajoutez le SIRET et la raison sociale.")
            if ligne.get("contrat_type"):
                contrat["type"] = parse_contrat_type(ligne.get("contrat_type"))
                if contrat["type"] is None:
                    raisons.append(f"Type de contrat inconnu « {ligne.get('contrat_type')} » : apprentissage, "
                                   "PFMP ou stage.")
            for key, label in (("debut", "Début"), ("fin", "Fin")):
                if contrat[key] is None:
                    value = ligne.get(f"contrat_{key}")
                    raisons.append(f"{label} du contrat invalide « {value} » : jj/mm/aaaa ou aaaa-mm-jj attendu."
                                   if value else f"{label} du contrat manquant.")
            if contrat["debut"] and contrat["fin"] and contrat["fin"] < contrat["debut"]:
                raisons.append(f"Le contrat finit ({contrat['fin']:%d/%m/%Y}) avant de commencer "
                               f"({contrat['debut']:%d/%m/%Y}).")
            data["contrat"] = contrat

    def duplicates(self, ligne: Ligne, data: dict, out: LignePlan) -> None:
        apprenant = data["apprenant"]
        keys = [("ligne", tuple(sorted(ligne.valeurs.items())), "identique à")]
        if apprenant.get("ine"):
            keys.append(("ine", apprenant["ine"], "même INE que"))
        elif apprenant.get("email"):
            keys.append(("email", apprenant["email"], "même e-mail que"))
        else:
            keys.append(("identite", apprenant.get("nom", "").lower(), apprenant.get("prenom", "").lower(),
                         apprenant.get("date_naissance"), "même nom, prénom et date de naissance que"))
        for key in keys:
            first = self.seen.get(key[:-1])
            if first is not None:
                out.raisons.append(f"Ligne en double : {key[-1]} la ligne {first}.")
                return
        for key in keys:
            self.seen[key[:-1]] = ligne.numero

    # --- matching against the establishment's data -------------------------------------------------------

    def apprenant(self, data: dict, out: LignePlan, pending) -> None:
        fields = data["apprenant"]
        ine, email = fields.get("ine", ""), fields.get("email", "")
        found = self.ctx.by_ine.get(ine) if ine else None
        if found is None and email:
            found = self.ctx.by_email.get(email)
            if found is not None and ine and found.ine and found.ine != ine:
                out.raisons.append(f"L'adresse {email} est celle de {found}, dont l'INE est {found.ine} et non {ine}.")
                return
        if found is None and not ine and not email:
            # Neither INE nor email (pupils often have none): the file's own identifier, then the identity.
            found = self.ctx.by_externe.get(fields.get("identifiant_externe")) or self.ctx.by_identite.get(
                _identite(fields.get("nom", ""), fields.get("prenom", ""), fields.get("date_naissance")))
        if found is None:
            out.apprenant_fields = fields
            out.actions["apprenants"] = CREE
            return
        if found.pk in self.matched:
            out.raisons.append(f"Ligne en double : même apprenant ({found}) que la ligne {self.matched[found.pk]}.")
            return
        out.apprenant = found
        out.apprenant_fields = {k: v for k, v in fields.items() if getattr(found, k) != v}
        out.actions["apprenants"] = MODIFIE if out.apprenant_fields else INCHANGE

    def classe(self, data: dict, out: LignePlan, pending) -> None:
        annee, code = data["annee"], data["classe"]
        key = (annee, code.upper())
        planned = self.plan.classes.get(key) or next((v for r, k, v in pending if r is self.plan.classes and k == key),
                                                     None)
        if planned is not None:
            out.classe = planned
            return
        existing = self.ctx.classes.get(key)
        if existing is not None:
            out.classe = ClassePlan(annee=annee, code=existing.code, intitule=existing.intitule, existing=existing)
            pending.append((self.plan.classes, key, out.classe))
            return
        value = data["referentiel"]
        if self.referentiel_defaut and (self.siecle or not value):
            value = value if self.siecle and value in self.ctx.formation_by_code else self.referentiel_defaut
        if not value:
            out.raisons.append(f"Classe « {code} » inconnue pour {annee_scolaire_label(annee)} : créez-la, ou donnez "
                               "dans la colonne « Code diplôme » le référentiel (ex. BACPRO-CIEL) pour la créer.")
            return
        formation = self.formation(value, out, pending)
        if formation is not None:
            out.classe = ClassePlan(annee=annee, code=code, intitule=data["classe_intitule"], formation=formation)
            pending.append((self.plan.classes, key, out.classe))
            out.actions["classes"] = CREE

    def formation(self, value: str, out: LignePlan, pending) -> FormationPlan | None:
        existing = (self.ctx.formation_by_code.get(value) or self.ctx.formation_by_intitule.get(value.lower())
                    or self.ctx.formation_by_referentiel.get(value))
        referentiel = existing.referentiel if existing else self.ctx.referentiels.get(value)
        if referentiel is None:
            hint = " (code MEF de SIECLE : choisissez le référentiel des nouvelles classes)" if self.siecle else ""
            out.raisons.append(f"Code diplôme « {value} » inconnu{hint} : ni une formation de l'établissement, ni un "
                               "référentiel du catalogue. La classe ne peut pas être créée.")
            return None
        if existing is None:
            existing = self.ctx.formation_by_intitule.get(referentiel.intitule[:200].lower())
        key = existing.pk if existing else referentiel.code
        planned = self.plan.formations.get(key) or next(
            (v for r, k, v in pending if r is self.plan.formations and k == key), None)
        if planned is not None:
            return planned
        if existing is None and referentiel.code not in self.ctx.souscrits:
            out.raisons.append(f"Le référentiel {referentiel.code} n'est pas couvert par l'abonnement en cours : "
                               "ajoutez-le à l'abonnement pour créer la classe.")
            return None
        planned = FormationPlan(intitule=existing.intitule if existing else referentiel.intitule[:200],
                                referentiel=referentiel, existing=existing)
        pending.append((self.plan.formations, key, planned))
        return planned

    def inscription(self, data: dict, out: LignePlan, pending) -> None:
        statut, classe = data["statut"], out.classe
        current = self.ctx.inscriptions.get(out.apprenant.pk) if out.apprenant else None
        if current is not None and classe.existing is not None and current.classe_id == classe.existing.pk \
                and current.statut == statut:
            out.actions["inscriptions"] = INCHANGE
            return
        debut = data["debut"] or annee_scolaire_bounds(classe.annee)[0]
        if current is not None and debut <= current.debut:
            if data["debut"]:
                out.raisons.append(f"Date d'entrée {debut:%d/%m/%Y} : {out.libelle} est déjà inscrit·e en "
                                   f"{current.classe.code} depuis le "
                                   f"{current.debut:%d/%m/%Y}, la nouvelle inscription doit commencer après.")
                return
            debut = max(self.today, current.debut + datetime.timedelta(days=1))
        out.inscription = {"statut": statut, "debut": debut}
        out.actions["inscriptions"] = CREE

    def entreprise(self, data: dict, out: LignePlan, pending) -> None:
        fields = data.get("entreprise")
        if fields is None:
            return
        siret = fields.get("siret", "")
        key = ("siret", siret) if siret else ("nom", fields.get("raison_sociale", "").lower())
        planned = self.plan.entreprises.get(key) or next(
            (v for r, k, v in pending if r is self.plan.entreprises and k == key), None)
        if planned is None:
            existing = (self.ctx.entreprise_by_siret.get(siret) if siret
                        else self.ctx.entreprise_by_nom.get(key[1]))
            if existing is None and not fields.get("raison_sociale"):
                out.raisons.append(f"Raison sociale manquante pour l'entreprise de SIRET {siret} : elle ne peut pas "
                                   "être créée.")
                return
            planned = EntreprisePlan(fields=fields, existing=existing)
            if existing is not None:
                planned.changes = {k: v for k, v in fields.items() if getattr(existing, k) != v}
            pending.append((self.plan.entreprises, key, planned))
            out.actions["entreprises"] = planned.action
        else:
            out.actions["entreprises"] = INCHANGE
        out.entreprise = planned

    def tuteur(self, data: dict, out: LignePlan, pending) -> None:
        fields = data.get("tuteur")
        if not fields:
            return
        entreprise = out.entreprise
        ident = fields.get("email") or f"{fields['nom'].lower()} {fields['prenom'].lower()}"
        key = (id(entreprise), ident)
        planned = self.plan.tuteurs.get(key) or next(
            (v for r, k, v in pending if r is self.plan.tuteurs and k == key), None)
        if planned is None:
            existing = None
            if entreprise.existing is not None:
                candidates = self.ctx.tuteurs.get(entreprise.existing.pk, [])
                existing = next((t for t in candidates if fields.get("email") and t.email.lower() == fields["email"]),
                                None) or next((t for t in candidates if (t.nom.lower(), t.prenom.lower()) ==
                                               (fields["nom"].lower(), fields["prenom"].lower())
                                               and not (fields.get("email") and t.email)), None)
            planned = TuteurPlan(entreprise=entreprise, fields=fields, existing=existing,
                                 apprentis=self.ctx.apprentis.get(existing.pk, 0) if existing else 0)
            if existing is not None:
                planned.changes = {k: v for k, v in fields.items() if getattr(existing, k) != v}
            pending.append((self.plan.tuteurs, key, planned))
            out.actions["tuteurs"] = planned.action
        else:
            out.actions["tuteurs"] = INCHANGE
        out.tuteur = planned

    def contrat(self, data: dict, out: LignePlan, pending) -> None:
        contrat = data.get("contrat")
        if contrat is None:
            return
        existing = None
        if out.apprenant is not None and out.entreprise.existing is not None:
            existing = self.ctx.contrats.get((out.apprenant.pk, out.entreprise.existing.pk, contrat["type"],
                                              contrat["debut"]))
        if existing is not None:
            out.actions["contrats"] = INCHANGE
            if existing.fin != contrat["fin"]:
                out.alertes.append(f"Le contrat existant finit le {existing.fin:%d/%m/%Y} et non le "
                                   f"{contrat['fin']:%d/%m/%Y} : modifiez-le à la main si besoin.")
            return
        out.contrat = contrat
        out.actions["contrats"] = CREE
        if contrat["type"] == Contrat.Type.APPRENTISSAGE and out.tuteur is not None:
            out.tuteur.apprentis += 1
            if out.tuteur.apprentis > MAX_APPRENTIS:
                out.alertes.append(
                    f"{out.tuteur.fields.get('prenom', '')} {out.tuteur.fields.get('nom', '').upper()} encadrera "
                    f"{out.tuteur.apprentis} apprentis : la règle est de deux, plus un dont le contrat est prolongé "
                    "après un échec à l'examen (art. R6223-6 du Code du travail).")


def _email_ok(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True
