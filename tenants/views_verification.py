"""Public verification of the credentials the establishments sign (docs/credentials.md), on the public site:
each establishment's issuer profile and public key (what a wallet or another verifier dereferences), and
/verifier/, where anyone drops a credential file and reads, in French, whether it is valid and why not.
No account needed: a verification must not require trusting the person who shows the credential."""

from django import forms
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django_tenants.utils import get_public_schema_name

from . import signature
from .models import Etablissement
from .models_cles import CleSignature
from .validators import RESERVED_SCHEMAS


def _etablissement(schema: str) -> Etablissement:
    if schema == get_public_schema_name() or schema in RESERVED_SCHEMAS:
        raise Http404("Établissement inconnu.")
    etablissement = Etablissement.objects.filter(schema_name=schema).first()
    if etablissement is None:
        raise Http404("Établissement inconnu.")
    return etablissement


def _json(data: dict, content_type: str = "application/json") -> JsonResponse:
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2}, content_type=content_type)
    response["Access-Control-Allow-Origin"] = "*"  # verifiers in a browser (wallets) fetch it from anywhere
    return response


@cache_control(public=True, max_age=3600)
def emetteur_profil(request, schema):
    """The issuer's OB 3.0 Profile: the `issuer.id` of its credentials resolves here."""
    etablissement = _etablissement(schema)
    profil = {"@context": signature.OB_CONTEXTS, "id": signature.emetteur_id(etablissement), "type": ["Profile"],
              "name": etablissement.name}
    if etablissement.uai:
        profil["otherIdentifier"] = [{"type": "IdentifierEntry", "identifier": etablissement.uai,
                                      "identifierType": "ext:UAI"}]
    cle = CleSignature.objects.filter(etablissement=etablissement).first()
    if cle is not None:
        methode = signature.multikey_document(etablissement, cle)
        methode.pop("@context")
        profil["assertionMethod"] = [methode]
    return _json(profil, "application/ld+json")


@cache_control(public=True, max_age=3600)
def cle_publique(request, schema):
    """The Multikey document a proof's verificationMethod points at; 404 until the establishment signs once."""
    etablissement = _etablissement(schema)
    cle = CleSignature.objects.filter(etablissement=etablissement).first()
    if cle is None:
        raise Http404("Cet établissement n'a encore rien signé.")
    return _json(signature.multikey_document(etablissement, cle), "application/ld+json")


class VerificationForm(forms.Form):
    fichier = forms.FileField(label="Fichier de l'attestation (JSON, 256 Ko au plus)",
                              widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}))

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        if fichier.size > signature.FICHIER_MAX_BYTES:  # before reading it
            raise forms.ValidationError("Fichier trop lourd : une attestation pèse moins de 256 Ko.")
        try:
            return signature.credentials_lire(fichier.read(signature.FICHIER_MAX_BYTES + 1))
        except signature.FichierRefuse as error:
            raise forms.ValidationError(str(error)) from None


def resultat(credentials: list) -> dict:
    """One line per credential and the overall verdict: valid only if every one is."""
    lignes = [{"nom": nom, "verdict": verdict} for nom, verdict in signature.verifier_tout(credentials)]
    return {"valide": all(ligne["verdict"].valide for ligne in lignes), "lignes": lignes}


def verifier_page(request):
    form = VerificationForm(request.POST or None, request.FILES or None)
    verification = None
    if request.method == "POST" and form.is_valid():
        verification = resultat(form.cleaned_data["fichier"])
    cles = [{"etablissement": cle.etablissement, "url": signature.cle_url(cle.etablissement),
             "multibase": signature.multikey_publique(bytes(cle.publique))}
            for cle in CleSignature.objects.select_related("etablissement").order_by("etablissement__name")]
    return render(request, "tenants/verification.html", {"form": form, "verification": verification, "cles": cles},
                  status=400 if form.is_bound and not form.is_valid() else 200)
