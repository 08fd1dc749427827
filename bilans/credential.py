"""The attestation as signed Open Badges 3.0 credentials (docs/credentials.md): one OpenBadgeCredential per bloc
de compétences the learner has fully acquired in their bilan in force, each signed by the establishment
(tenants.signature, eddsa-jcs-2022). The file is the JSON list of those credentials.

Acquired: every competency of the bloc at a level in the upper half of its scale (bilans.selectors.est_acquis)
in the learner's last validated bilan, read by selectors_documents.acquis_at like the printed attestation.

The learner is named only by a salted SHA-256 hash of their e-mail address (or of their name when they have
none): a credential that circulates says nothing about who holds it to someone who does not already know."""

import datetime
import hashlib
import secrets
import uuid

from django.db import connection
from django.utils import timezone

from scolarite.models import Apprenant
from tenants import signature

from .selectors_documents import acquis_at

CONTEXTS = signature.OB_CONTEXTS


class AucunBlocAcquis(Exception):
    """Nothing to certify: the message says why, in French."""


def blocs_acquis(apprenant: Apprenant):
    """(bilan, référentiel, [(acquired Bloc, its competency codes)]) from the same reading as the printed
    attestation (selectors_documents.acquis_at), so the PDF and the badges always agree."""
    acquis = acquis_at(apprenant)
    if acquis is None:
        raise AucunBlocAcquis(f"{apprenant} n'a pas encore de bilan validé : aucune compétence n'est attestée.")
    blocs = [(b.bloc, [ligne.competence.code for ligne in b.lignes]) for b in acquis.blocs_acquis]
    if not blocs:
        raise AucunBlocAcquis(f"Aucun bloc de compétences n'est entièrement acquis par {apprenant} au bilan du "
                              f"{acquis.bilan.date:%d/%m/%Y}.")
    return acquis.bilan, acquis.referentiel, blocs


def identite(apprenant: Apprenant, sel: str) -> dict:
    """OB 3.0 IdentityObject, hashed and salted (the holder keeps the file, hence the salt, to prove it is theirs)."""
    email = (apprenant.user.email if apprenant.user_id else "") or apprenant.email
    valeur, kind = (email.strip().lower(), "emailAddress") if email else (f"{apprenant.prenom} {apprenant.nom}", "name")
    return {"type": "IdentityObject", "identityHash": "sha256$" + hashlib.sha256((valeur + sel).encode()).hexdigest(),
            "identityType": kind, "hashed": True, "salt": sel}


def _emetteur(etablissement) -> dict:
    profil = {"id": signature.emetteur_id(etablissement), "type": ["Profile"], "name": etablissement.name}
    if etablissement.uai:
        profil["otherIdentifier"] = [{"type": "IdentifierEntry", "identifier": etablissement.uai,
                                      "identifierType": "ext:UAI"}]
    return profil


def credential_build(*, apprenant: Apprenant, bilan, referentiel, bloc, codes, etablissement, maintenant) -> dict:
    return {
        "@context": CONTEXTS,
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{bloc.code} — {bloc.intitule}",
        "issuer": _emetteur(etablissement),
        "validFrom": maintenant.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [identite(apprenant, secrets.token_hex(16))],
            "achievement": {
                "id": f"urn:uuid:{bloc.uuid}",
                "type": ["Achievement"],
                "achievementType": "Competency",
                "name": f"{bloc.code} — {bloc.intitule}",
                "description": f"Bloc de compétences{f' (unité {bloc.unite})' if bloc.unite else ''} du référentiel "
                               f"{referentiel.intitule} ({referentiel.code}, version {referentiel.version}) : "
                               f"compétences {', '.join(codes)}.",
                "criteria": {"narrative": "Toutes les compétences du bloc sont acquises (niveau maîtrisé ou au-delà) "
                                          f"au bilan intermédiaire validé du {bilan.date:%d/%m/%Y} par les formateurs "
                                          f"de {etablissement.name}."},
                "inLanguage": "fr",
            },
        },
    }


def credentials_emettre(*, apprenant: Apprenant) -> list[dict]:
    """The signed credentials of the learner's acquired blocs, in the current establishment; AucunBlocAcquis
    when there is none. Nothing is stored: issuing again gives new ids and salts, the same achievements."""
    etablissement = connection.tenant
    bilan, referentiel, blocs = blocs_acquis(apprenant)
    maintenant = timezone.now().astimezone(datetime.UTC).replace(microsecond=0)
    return [signature.signer(credential_build(apprenant=apprenant, bilan=bilan, referentiel=referentiel, bloc=bloc,
                                              codes=codes, etablissement=etablissement, maintenant=maintenant),
                             etablissement, created=maintenant)
            for bloc, codes in blocs]
