"""The signed Open Badges 3.0 credential: built from the learner's acquired blocs, signed eddsa-jcs-2022 by the
establishment's key, verified with the key the public site publishes; any change, another key or an unknown
issuer fails; the learner downloads only their own; the public page takes a file and says why."""

import copy
import hashlib
import html
import io
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import tenant_context

from accounts.models import AuditEvent
from bilans.credential import AucunBlocAcquis, credentials_emettre
from tenants import signature
from tenants.models import CleSignature

from ..conftest import host_client

pytestmark = pytest.mark.django_db


def emettre(alpha, apprenant) -> list[dict]:
    with tenant_context(alpha):
        credentials = credentials_emettre(apprenant=apprenant)
    connection.set_schema_to_public()
    return credentials


@pytest.fixture
def badges(alpha, acquis):
    return emettre(alpha, acquis.lea)


def test_base58btc_round_trips_and_keeps_leading_zeros():
    for data in (b"", b"\0", b"\0\0abc", bytes(range(256)), b"hello world"):
        assert signature.base58btc_decode(signature.base58btc_encode(data)) == data
    assert signature.base58btc_encode(b"hello world") == "StV1DL6CwTryKyV"


def test_it_issues_one_open_badge_per_acquired_bloc(acquis, badges):
    assert len(badges) == 1
    badge = badges[0]
    assert badge["@context"] == ["https://www.w3.org/ns/credentials/v2",
                                 "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    assert badge["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert badge["issuer"]["name"] == "CFA Alpha"
    assert badge["issuer"]["id"] == "http://localhost/etablissements/alpha/"
    assert badge["issuer"]["otherIdentifier"][0]["identifier"] == "0841234K"
    achievement = badge["credentialSubject"]["achievement"]
    assert achievement["id"] == f"urn:uuid:{acquis.bloc.uuid}"
    assert achievement["name"].startswith(acquis.bloc.code)
    assert badge["validFrom"].endswith("Z")
    proof = badge["proof"]
    assert (proof["type"], proof["cryptosuite"], proof["proofPurpose"]) == (
        "DataIntegrityProof", "eddsa-jcs-2022", "assertionMethod")
    assert proof["verificationMethod"] == "http://localhost/etablissements/alpha/cle.json"
    assert proof["proofValue"].startswith("z")


def test_the_learner_is_named_only_by_a_salted_hash_of_their_email(acquis, badges):
    text = json.dumps(badges, ensure_ascii=False)
    assert acquis.personas["apprenant"].email not in text and "Dupont" not in text and "Léa" not in text
    (identity,) = badges[0]["credentialSubject"]["identifier"]
    assert identity["hashed"] is True and identity["identityType"] == "emailAddress"
    expected = hashlib.sha256((acquis.personas["apprenant"].email.lower() + identity["salt"]).encode()).hexdigest()
    assert identity["identityHash"] == f"sha256${expected}"


def test_the_credential_verifies_with_the_published_key(alpha, badges, public_client):
    assert signature.verifier(badges[0]).valide
    published = public_client.get("/etablissements/alpha/cle.json").json()
    assert published["type"] == "Multikey" and published["publicKeyMultibase"].startswith("z6Mk")
    assert published["id"] == badges[0]["proof"]["verificationMethod"]
    # An independent check with nothing but the published key and the algorithm of vc-di-eddsa.
    raw = signature.base58btc_decode(published["publicKeyMultibase"][1:])
    assert raw[:2] == b"\xed\x01"
    badge = copy.deepcopy(badges[0])
    proof = badge.pop("proof")
    options = {k: v for k, v in proof.items() if k != "proofValue"} | {"@context": badge["@context"]}
    import rfc8785
    data = hashlib.sha256(rfc8785.dumps(options)).digest() + hashlib.sha256(rfc8785.dumps(badge)).digest()
    Ed25519PublicKey.from_public_bytes(raw[2:]).verify(signature.base58btc_decode(proof["proofValue"][1:]), data)


def _every_value_path(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _every_value_path(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _every_value_path(value, (*path, index))
    else:
        yield path


def _changed(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, str):
        return value[:-1] + ("x" if not value.endswith("x") else "y") if value else "x"
    return value + 1 if isinstance(value, int) else "x"


def test_changing_any_value_breaks_the_signature(badges):
    badge = badges[0]
    paths = [p for p in _every_value_path(badge)]
    assert len(paths) > 15
    for path in paths:
        tampered = copy.deepcopy(badge)
        node = tampered
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = _changed(node[path[-1]])
        assert not signature.verifier(tampered).valide, path


def test_an_added_field_breaks_the_signature(badges):
    tampered = copy.deepcopy(badges[0])
    tampered["credentialSubject"]["achievement"]["description"] += " Avec mention."
    verdict = signature.verifier(tampered)
    assert not verdict.valide and "modifiée" in verdict.message
    tampered = copy.deepcopy(badges[0])
    tampered["credentialSubject"]["nom"] = "Quelqu'un d'autre"
    assert not signature.verifier(tampered).valide


def test_a_credential_signed_by_another_key_fails(badges):
    badge = copy.deepcopy(badges[0])
    proof = badge.pop("proof")
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    forged = Ed25519PrivateKey.generate().sign(signature._hash_data(badge, options))
    badge["proof"] = options | {"proofValue": "z" + signature.base58btc_encode(forged)}
    verdict = signature.verifier(badge)
    assert not verdict.valide and "CFA Alpha" in verdict.message


def test_an_unknown_issuer_fails(badges, beta):
    for url in ("https://ailleurs.example/etablissements/alpha/cle.json",
                "http://localhost/etablissements/inconnu/cle.json",
                "http://localhost/etablissements/beta/cle.json"):  # beta exists but has never signed
        badge = copy.deepcopy(badges[0])
        badge["proof"]["verificationMethod"] = url
        verdict = signature.verifier(badge)
        assert not verdict.valide and "Émetteur inconnu" in verdict.message, url


def test_an_issuer_that_is_not_the_key_owner_fails(alpha, beta, acquis, badges):
    with tenant_context(beta):
        signature.cle_get_or_create(beta)
    connection.set_schema_to_public()
    badge = copy.deepcopy(badges[0])
    badge["issuer"]["id"] = "http://localhost/etablissements/beta/"
    assert "ne correspond pas" in signature.verifier(badge).message


def test_junk_never_raises():
    for junk in (None, [], "texte", 3, {}, {"proof": "x"}, {"proof": {"type": "DataIntegrityProof"}},
                 {"proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022",
                            "proofPurpose": "assertionMethod", "verificationMethod": 12}}):
        assert not signature.verifier(junk).valide


def test_the_private_key_is_stored_encrypted_and_never_published(alpha, badges, public_client):
    cle = CleSignature.objects.get(etablissement=alpha)
    assert len(bytes(cle.publique)) == 32 and len(bytes(cle.privee_chiffree)) > 32
    document = public_client.get("/etablissements/alpha/").json()
    assert document["assertionMethod"][0]["publicKeyMultibase"] == signature.multikey_publique(bytes(cle.publique))
    assert "privee" not in json.dumps(document)


def test_one_key_per_establishment_created_on_first_use(alpha, acquis):
    assert not CleSignature.objects.filter(etablissement=alpha).exists()
    emettre(alpha, acquis.lea)
    emettre(alpha, acquis.lea)
    assert CleSignature.objects.filter(etablissement=alpha).count() == 1
    with tenant_context(alpha):
        assert AuditEvent.objects.filter(action="cle_signature_creee", target="alpha").count() == 1


def test_a_learner_without_a_fully_acquired_bloc_gets_a_french_reason(alpha, acquis):
    with tenant_context(alpha), pytest.raises(AucunBlocAcquis, match="pas encore de bilan validé"):
        credentials_emettre(apprenant=acquis.hugo)


# --- Commands ---------------------------------------------------------------------------------------------------

def test_the_commands_issue_then_verify_and_refuse_a_tampered_file(alpha, acquis, tmp_path):
    path = tmp_path / "lea.json"
    call_command("issue_credential", "alpha", "--learner", acquis.personas["apprenant"].email, "--output", str(path),
                 stdout=io.StringIO())
    connection.set_schema_to_public()
    out = io.StringIO()
    call_command("verify_credential", str(path), stdout=out)
    assert "Valide" in out.getvalue()
    data = json.loads(path.read_text())
    data[0]["validFrom"] = "2020-01-01T00:00:00Z"
    path.write_text(json.dumps(data))
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("verify_credential", str(path), stdout=io.StringIO(), stderr=err)
    assert exit_.value.code == 1 and "Signature invalide" in err.getvalue()


def test_verify_credential_refuses_what_is_not_json(tmp_path):
    path = tmp_path / "x.json"
    path.write_bytes(b"\x89PNG pas du json")
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("verify_credential", str(path), stderr=err)
    assert exit_.value.code != 0 and "pas du JSON" in err.getvalue()


def test_issue_credential_says_when_the_learner_is_unknown(alpha, acquis, tmp_path):
    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("issue_credential", "alpha", "--learner", "personne@nulle.part", "--output",
                     str(tmp_path / "x.json"), stderr=err)
    assert "aucun apprenant" in err.getvalue()


# --- The learner's download ---------------------------------------------------------------------------------------

def test_the_learner_downloads_their_own_badges(alpha, acquis, as_role):
    client = as_role("apprenant")
    page = html.unescape(client.get("/bilans/mes-bilans/").content.decode())
    assert "/bilans/mes-bilans/badges.json" in page
    response = client.get("/bilans/mes-bilans/badges.json")
    connection.set_schema_to_public()
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    badges = json.loads(response.content)
    assert [b["credentialSubject"]["achievement"]["id"] for b in badges] == [f"urn:uuid:{acquis.bloc.uuid}"]
    assert all(signature.verifier(b).valide for b in badges)
    with tenant_context(alpha):
        assert AuditEvent.objects.filter(action="credential_delivre").count() == 1


@pytest.mark.parametrize("role", ["formateur", "direction", "inspecteur", "tuteur"])
def test_only_learners_download_badges_and_only_their_own(acquis, as_role, role):
    # No learner in the URL: the other roles are refused, a learner can only ever get their own file.
    assert as_role(role).get("/bilans/mes-bilans/badges.json").status_code == 403


def test_anonymous_people_go_to_the_login_page(acquis, alpha_client):
    response = alpha_client.get("/bilans/mes-bilans/badges.json")
    assert response.status_code == 302 and "/comptes/login/" in response["Location"]


def test_another_establishments_learner_gets_nothing_of_alpha(acquis, beta):
    from ..conftest import login, make_person

    make_person(beta, "apprenant", email="apprenant@alpha.test")  # same e-mail as Léa, in beta
    client = host_client("beta.localhost")
    login(client, "apprenant@alpha.test")
    response = client.get("/bilans/mes-bilans/badges.json")
    connection.set_schema_to_public()
    assert response.status_code == 404


def test_a_learner_with_nothing_acquired_is_told_why(alpha, monde, as_role):
    response = as_role("apprenant").get("/bilans/mes-bilans/badges.json", follow=True)
    assert "pas encore de bilan validé" in html.unescape(response.content.decode())


# --- The public verification page -------------------------------------------------------------------------------

def _upload(content: bytes, name="badges.json"):
    return SimpleUploadedFile(name, content, content_type="application/json")


def test_the_public_page_accepts_a_valid_file(badges, public_client):
    response = public_client.post("/verifier/", {"fichier": _upload(json.dumps(badges).encode())})
    page = html.unescape(response.content.decode())
    assert response.status_code == 200 and "✓ Valide" in page and "signée par CFA Alpha" in page
    assert 'role="status"' in page


def test_the_public_page_says_a_modified_file_is_invalid(badges, public_client):
    badges[0]["credentialSubject"]["achievement"]["name"] = "Tout le diplôme"
    page = html.unescape(public_client.post("/verifier/", {"fichier": _upload(json.dumps(badges).encode())})
                         .content.decode())
    assert "✗ Invalide" in page and "modifiée" in page


@pytest.mark.parametrize("content,message", [
    (b"\x89PNG\r\n\x1a\n pas du json", "pas du JSON"),
    (b"[]", "entre 1 et"),
    (b" " * (256 * 1024 + 1), "trop lourd"),
])
def test_the_public_page_refuses_junk(public_client, content, message):
    response = public_client.post("/verifier/", {"fichier": _upload(content)})
    assert response.status_code == 400 and message in html.unescape(response.content.decode())


def test_the_public_page_lists_the_published_keys(badges, public_client):
    page = html.unescape(public_client.get("/verifier/").content.decode())
    assert "CFA Alpha" in page and "http://localhost/etablissements/alpha/cle.json" in page


def test_keys_are_404_for_unknown_or_silent_establishments(public_client, beta):
    assert public_client.get("/etablissements/inconnu/cle.json").status_code == 404
    assert public_client.get("/etablissements/beta/cle.json").status_code == 404
    assert public_client.get("/etablissements/public/").status_code == 404


def test_the_key_list_runs_a_constant_number_of_queries(alpha, beta, badges, public_client,
                                                        django_assert_max_num_queries):
    signature.cle_get_or_create(beta)
    with django_assert_max_num_queries(4):
        response = public_client.get("/verifier/")
    assert "Lycée Beta" in html.unescape(response.content.decode())


def test_an_establishment_site_offers_the_verification_page_too(badges, alpha_client):
    response = alpha_client.post("/verifier/", {"fichier": _upload(json.dumps(badges).encode())})
    connection.set_schema_to_public()
    assert "✓ Valide" in html.unescape(response.content.decode())


def test_a_deeply_nested_or_huge_number_credential_is_invalid_not_an_error(badges, public_client):
    for poison in (json.loads("[" * 900 + "]" * 900), 2**80, float("1e308")):
        badge = copy.deepcopy(badges[0])
        badge["credentialSubject"]["achievement"]["poison"] = poison
        assert not signature.verifier(badge).valide
    deep = json.dumps(badges[0])[:-1] + ', "x": ' + "[" * 900 + "]" * 900 + "}"
    response = public_client.post("/verifier/", {"fichier": _upload(deep.encode())})
    assert response.status_code == 200 and "✗ Invalide" in html.unescape(response.content.decode())


def test_the_issuer_profile_is_published(badges, public_client):
    profil = public_client.get("/etablissements/alpha/").json()
    assert profil["id"] == badges[0]["issuer"]["id"] and profil["name"] == "CFA Alpha"
    assert profil["assertionMethod"][0]["id"] == badges[0]["proof"]["verificationMethod"]


def test_the_proof_matches_the_w3c_eddsa_jcs_2022_test_vector():
    """w3c/vc-di-eddsa TestVectors/eddsa-jcs-2022 (signedJCS.json, keyPair.json): the same key and document give
    the same signature, so any conforming verifier accepts cpro's badges and cpro accepts theirs."""
    contexts = ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"]
    document = {
        "@context": contexts, "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
        "type": ["VerifiableCredential", "AlumniCredential"], "name": "Alumni Credential",
        "description": "A minimum viable example of an Alumni Credential.",
        "issuer": "https://vc.example/issuers/5678", "validFrom": "2023-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
    }
    options = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022", "created": "2023-02-24T23:36:38Z",
               "verificationMethod": "https://vc.example/issuers/5678#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
               "proofPurpose": "assertionMethod", "@context": contexts}
    private = signature.base58btc_decode("3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq")[2:]  # after 0x8026
    public = Ed25519PrivateKey.from_private_bytes(private).public_key()
    assert signature.multikey_publique(public.public_bytes_raw()) == "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    proof_value = "z" + signature.base58btc_encode(
        Ed25519PrivateKey.from_private_bytes(private).sign(signature._hash_data(document, options)))
    assert proof_value == ("z63t83Y53KfzJ5ZosfKTnqfMcKB2dmTrfjSaQjeNNjAD5srBowQfmWqeRb8rRjmeEuCBEsddF9LsVogtuTsijJKh4")
