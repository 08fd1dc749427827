"""The plan of an import: for every row, what would be created, updated, left unchanged or rejected, and why.

Reads only. Everything the rows could match is loaded up front in a fixed number of queries (learners by INE
and email, open inscriptions, the year's classes, formations, the catalogue's référentiels, companies, their
tuteurs, the learners' contracts), so a 2,000-row file plans in well under a second.

Matching: a learner by INE, then by email (with neither, by the file's identifier, then by name and birth date);
a classe by (school year, code); a company by SIRET (by name when the file has no SIRET); a tuteur by email
within the company (by name without an email). Empty cells never erase what is known.
"""

import datetime

from django.utils import timezone

from entreprise.models import Contrat
from entreprise.regles import MAX_APPRENTIS  # the rule of R6223-6 lives with the companies
from tenants.annees import annee_scolaire_bounds, annee_scolaire_label, annee_scolaire_of

from .contexte import Contexte, identite
from .lecture import Ligne, Source
from .lecture_ligne import LectureLigne
from .resultat import (
    ACTION_LABELS,
    CREE,
    ENTITES,
    IGNORE,
    INCHANGE,
    MODIFIE,
    REJETE,
    ClassePlan,
    EntreprisePlan,
    FormationPlan,
    LignePlan,
    Plan,
    TuteurPlan,
)
from .valeurs import parse_annee

__all__ = ["ACTION_LABELS", "CREE", "ENTITES", "IGNORE", "INCHANGE", "MODIFIE", "REJETE", "LignePlan", "Plan",
           "plan_build"]


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


class _Builder(LectureLigne):
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
                identite(fields.get("nom", ""), fields.get("prenom", ""), fields.get("date_naissance")))
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
