"""Ed25519 keys per establishment and Data Integrity proofs `eddsa-jcs-2022` (W3C vc-di-eddsa), for the Open
Badges 3.0 credentials the establishments issue (docs/credentials.md, docs/adr/0002-preuve-eddsa-jcs-2022.md).

The proof signs SHA-256(JCS(proof options + document @context)) || SHA-256(JCS(document without proof)): any
change of any value of the document, or of the proof's own options, breaks it. The verification method is the
establishment's Multikey document published on the public site; a credential is valid here only if that URL
is this platform's and names an establishment whose key verifies the signature."""

import base64
import copy
import datetime
import hashlib
import json
import re
from dataclasses import dataclass

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import IntegrityError, transaction
from django_tenants.utils import get_public_schema_name

from accounts.audit import audit_record

from .models import Etablissement
from .models_cles import CleSignature

CRYPTOSUITE = "eddsa-jcs-2022"
PROOF_TYPE = "DataIntegrityProof"
ED25519_PUB_MULTICODEC = b"\xed\x01"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
OB_CONTEXTS = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]

# --- base58btc (multibase prefix "z"), Bitcoin alphabet -------------------------------------------------------

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {c: i for i, c in enumerate(_ALPHABET)}


def base58btc_encode(data: bytes) -> str:
    zeros = len(data) - len(data.lstrip(b"\0"))
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rest = divmod(number, 58)
        out = _ALPHABET[rest] + out
    return "1" * zeros + out


def base58btc_decode(text: str) -> bytes:
    """ValueError on a character outside the alphabet."""
    zeros = len(text) - len(text.lstrip("1"))
    number = 0
    for char in text:
        if char not in _INDEX:
            raise ValueError("caractère hors de l'alphabet base58btc")
        number = number * 58 + _INDEX[char]
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def multikey_publique(publique: bytes) -> str:
    """The publicKeyMultibase of an Ed25519 public key: z6Mk…"""
    return "z" + base58btc_encode(ED25519_PUB_MULTICODEC + publique)


# --- Addresses on the public site -----------------------------------------------------------------------------

def url_publique(path: str) -> str:
    port = f":{settings.CPRO_PORT}" if settings.CPRO_PORT else ""
    return f"{settings.CPRO_SCHEME}://{settings.CPRO_BASE_DOMAIN}{port}/{path.lstrip('/')}"


def emetteur_id(etablissement: Etablissement) -> str:
    """The issuer's Profile id. By schema name, not UAI: the UAI can be corrected in the settings, the schema
    (already public as the establishment's sub-domain) never changes, so credentials stay verifiable."""
    return url_publique(f"etablissements/{etablissement.schema_name}/")


def cle_url(etablissement: Etablissement) -> str:
    return url_publique(f"etablissements/{etablissement.schema_name}/cle.json")


def _schema_of_cle_url(url: str) -> str | None:
    match = re.fullmatch(re.escape(url_publique("etablissements/")) + r"([a-z0-9_]{1,63})/cle\.json", url or "")
    return match.group(1) if match else None


# --- Keys -----------------------------------------------------------------------------------------------------

def _fernet() -> Fernet:
    secret = hashlib.sha256(b"cpro-cles-de-signature:" + settings.CPRO_SIGNATURE_SECRET.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(secret))


def cle_get_or_create(etablissement: Etablissement) -> CleSignature:
    """The establishment's key pair, created on first use (two concurrent first uses: one wins, both use it)."""
    cle = CleSignature.objects.filter(etablissement=etablissement).first()
    if cle is not None:
        return cle
    privee = Ed25519PrivateKey.generate()
    brut = privee.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                serialization.NoEncryption())
    publique = privee.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    try:
        with transaction.atomic():
            cle = CleSignature.objects.create(etablissement=etablissement, publique=publique,
                                              privee_chiffree=_fernet().encrypt(brut))
            audit_record(actor=None, action="cle_signature_creee", target=etablissement.schema_name,
                         details={"publicKeyMultibase": multikey_publique(publique)})
            return cle
    except IntegrityError:
        return CleSignature.objects.get(etablissement=etablissement)


def _privee(cle: CleSignature) -> Ed25519PrivateKey:
    try:
        return Ed25519PrivateKey.from_private_bytes(_fernet().decrypt(bytes(cle.privee_chiffree)))
    except InvalidToken:
        raise RuntimeError("La clé privée de l'établissement est illisible : CPRO_SIGNATURE_SECRET a changé.") from None


def multikey_document(etablissement: Etablissement, cle: CleSignature) -> dict:
    """What the public site serves at cle_url(): the verification method of the proofs."""
    return {
        "@context": [MULTIKEY_CONTEXT],
        "id": cle_url(etablissement),
        "type": "Multikey",
        "controller": emetteur_id(etablissement),
        "publicKeyMultibase": multikey_publique(bytes(cle.publique)),
    }


# --- Proofs ---------------------------------------------------------------------------------------------------

def _hash_data(document: dict, options: dict) -> bytes:
    """vc-di-eddsa 3.3 (eddsa-jcs-2022): the proof options carry the document's @context, both are JCS-canonical,
    and the signed data is the options' hash followed by the document's."""
    config = {key: value for key, value in options.items() if key != "proofValue"}
    if "@context" in document and "@context" not in config:
        config["@context"] = document["@context"]
    return hashlib.sha256(rfc8785.dumps(config)).digest() + hashlib.sha256(rfc8785.dumps(document)).digest()


def signer(document: dict, etablissement: Etablissement, *, created: datetime.datetime | None = None) -> dict:
    """A copy of `document` with a DataIntegrityProof by the establishment's key."""
    cle = cle_get_or_create(etablissement)
    unsecured = copy.deepcopy(document)
    unsecured.pop("proof", None)
    created = (created or datetime.datetime.now(datetime.UTC)).astimezone(datetime.UTC).replace(microsecond=0)
    options = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "verificationMethod": cle_url(etablissement),
        "proofPurpose": "assertionMethod",
    }
    if "@context" in unsecured:  # as in the W3C test vectors: the proof names the contexts it signed
        options["@context"] = unsecured["@context"]
    signature = _privee(cle).sign(_hash_data(unsecured, options))
    return {**unsecured, "proof": {**options, "proofValue": "z" + base58btc_encode(signature)}}


@dataclass(frozen=True)
class Verdict:
    valide: bool
    message: str  # in French, for people
    etablissement: Etablissement | None = None


def _invalide(message: str, etablissement=None) -> Verdict:
    return Verdict(False, message, etablissement)


def verifier(document) -> Verdict:
    """Is `document` a credential issued on this platform, untouched since it was signed? Never raises."""
    if not isinstance(document, dict):
        return _invalide("Le fichier n'est pas une attestation : un objet JSON est attendu.")
    proof = document.get("proof")
    if not isinstance(proof, dict):
        return _invalide("L'attestation n'est pas signée : aucune preuve (« proof ») n'y figure.")
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        return _invalide(f"Signature d'un type non pris en charge : seul {PROOF_TYPE} {CRYPTOSUITE} est vérifié ici.")
    if proof.get("proofPurpose") != "assertionMethod":
        return _invalide("La preuve n'a pas pour objet d'attester (proofPurpose doit valoir assertionMethod).")
    schema = _schema_of_cle_url(proof.get("verificationMethod") if isinstance(proof.get("verificationMethod"),
                                                                              str) else "")
    etablissement = None
    if schema and schema != get_public_schema_name():
        etablissement = Etablissement.objects.filter(schema_name=schema).first()
    cle = CleSignature.objects.filter(etablissement=etablissement).first() if etablissement else None
    if cle is None:
        return _invalide("Émetteur inconnu : la clé qui a signé cette attestation n'est pas celle d'un établissement "
                         "de cette plateforme.")
    issuer = document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if issuer_id != emetteur_id(etablissement):
        return _invalide("L'émetteur déclaré ne correspond pas à la clé qui a signé l'attestation.", etablissement)
    proof_value = proof.get("proofValue")
    try:
        if not isinstance(proof_value, str) or not proof_value.startswith("z"):
            raise ValueError
        signature = base58btc_decode(proof_value[1:])
        if "@context" in proof and proof["@context"] != document.get("@context"):
            raise ValueError
        unsecured = {key: value for key, value in document.items() if key != "proof"}
        donnees = _hash_data(unsecured, proof)
    except (ValueError, TypeError, UnicodeError, RecursionError, rfc8785.CanonicalizationError):
        return _invalide("La signature est illisible : l'attestation a été abîmée ou modifiée.", etablissement)
    try:
        Ed25519PublicKey.from_public_bytes(bytes(cle.publique)).verify(signature, donnees)
    except InvalidSignature:
        return _invalide("Signature invalide : l'attestation a été modifiée après sa signature, ou elle n'a pas été "
                         f"signée par {etablissement.name}.", etablissement)
    return Verdict(True, f"Attestation valide : signée par {etablissement.name}"
                         f"{f' (UAI {etablissement.uai})' if etablissement.uai else ''} et non modifiée depuis.",
                   etablissement)


# --- Files ----------------------------------------------------------------------------------------------------

FICHIER_MAX_BYTES = 256 * 1024  # a file of a few dozen blocs weighs a few dozen KB
CREDENTIALS_MAX = 50


class FichierRefuse(ValueError):
    """The file is not something to verify: the message says why, in French."""


def credentials_lire(contenu: bytes) -> list:
    """The credentials of a file (one credential, or the list cpro hands out); FichierRefuse otherwise."""
    if len(contenu) > FICHIER_MAX_BYTES:
        raise FichierRefuse("Fichier trop lourd : une attestation pèse moins de 256 Ko.")
    try:
        data = json.loads(contenu.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise FichierRefuse("Ce fichier n'est pas du JSON : déposez le fichier .json de l'attestation, tel que vous "
                            "l'avez reçu.") from None
    credentials = data if isinstance(data, list) else [data]
    if not credentials or len(credentials) > CREDENTIALS_MAX:
        raise FichierRefuse(f"Le fichier doit contenir entre 1 et {CREDENTIALS_MAX} attestations.")
    return credentials


def verifier_tout(credentials: list) -> list[tuple[str, Verdict]]:
    """(name, verdict) per credential, in the file's order."""
    lignes = []
    for credential in credentials:
        nom = credential.get("name") if isinstance(credential, dict) else None
        lignes.append((nom if isinstance(nom, str) else "Attestation", verifier(credential)))
    return lignes
