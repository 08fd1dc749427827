"""The learner downloads their signed Open Badges credentials (bilans.credential): their own only, there is no
learner in the URL to change."""

import json

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.text import slugify

from accounts.access import role_required
from accounts.audit import audit_record
from accounts.roles import Role

from .access import apprenant_of
from .credential import AucunBlocAcquis, credentials_emettre


@role_required(Role.APPRENANT)
def mon_credential(request):
    apprenant = apprenant_of(request.user)
    if apprenant is None:
        raise Http404("Votre compte n'est rattaché à aucune fiche d'apprenant.")
    try:
        credentials = credentials_emettre(apprenant=apprenant)
    except AucunBlocAcquis as error:
        messages.error(request, str(error))
        return redirect("mes_bilans")
    audit_record(actor=request.user, action="credential_delivre", target=str(apprenant),
                 details={"blocs": [c["credentialSubject"]["achievement"]["name"] for c in credentials]})
    response = HttpResponse(json.dumps(credentials, ensure_ascii=False, indent=2).encode(),
                            content_type="application/json; charset=utf-8")
    nom = slugify(f"{apprenant.prenom} {apprenant.nom}") or "apprenant"
    response["Content-Disposition"] = f'attachment; filename="badges-competences-{nom}.json"'
    response["Cache-Control"] = "private, no-store"
    return response
