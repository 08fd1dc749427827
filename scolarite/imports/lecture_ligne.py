"""Reading and checking one row of an import: cells to values, French reasons for what is wrong, duplicates
within the file. Mixed into the plan's builder, whose state (`seen`, `ctx`, defaults) it uses."""


from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from entreprise.validators import siret_normalize, validate_siret

from ..models import Inscription
from ..validators import ine_normalize, validate_ine
from .lecture import Ligne
from .resultat import ENTREPRISE_COLUMNS, MAX_LENGTHS, TUTEUR_COLUMNS, LignePlan
from .valeurs import CONTRAT_PAR_STATUT, parse_annee, parse_contrat_type, parse_date, parse_statut


class LectureLigne:
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


def _email_ok(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True
