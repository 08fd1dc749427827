from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.roles import Role
from scolarite.selectors import classe_list
from tenants.annees import annee_scolaire_of

from .forms import EtatFormSet, NiveauFormSet, initial_etats, initial_niveaux
from .models import Echelle
from .selectors import echelle_current_version, echelle_versions
from .selectors import echelle_list as echelle_list_select
from .selectors_scenario import situation_list_formateur
from .services import echelle_usage_set, echelle_version_create


@role_required(Role.FORMATEUR)
def formateur_home(request):
    annee = annee_scolaire_of(timezone.localdate())
    return render(request, "evaluations/formateur_home.html", {
        "classes": classe_list(user=request.user, annee_scolaire=annee),
        "situations": situation_list_formateur(request.user, limit=5),
    })


# --- Evaluation scales: direction writes, inspection and formateurs read -------------------------------------

LECTEURS = (Role.DIRECTION, Role.INSPECTEUR, Role.FORMATEUR)


@role_required(*LECTEURS)
def echelle_list(request):
    return render(request, "evaluations/echelle_list.html", {
        "echelles": echelle_list_select(),
        "peut_modifier": request.user.has_role(Role.DIRECTION),
    })


@role_required(*LECTEURS)
def echelle_detail(request, pk: int):
    echelle = get_object_or_404(Echelle, pk=pk)
    return render(request, "evaluations/echelle_detail.html", {
        "echelle": echelle,
        "versions": echelle_versions(echelle),
        "peut_modifier": request.user.has_role(Role.DIRECTION),
    })


@role_required(Role.DIRECTION)
def echelle_version_new(request, pk: int):
    echelle = get_object_or_404(Echelle, pk=pk)
    courante = echelle_current_version(echelle)
    niveaux = NiveauFormSet(request.POST or None, prefix="niveaux", initial=initial_niveaux(courante))
    etats = EtatFormSet(request.POST or None, prefix="etats", initial=initial_etats(courante))
    errors = []
    if request.method == "POST" and niveaux.is_valid() and etats.is_valid():
        try:
            version = echelle_version_create(echelle=echelle, niveaux=niveaux.rows(), etats=etats.rows(),
                                             actor=request.user)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, f"Version {version.numero} de l'échelle « {echelle.nom} » enregistrée. "
                                      "Les évaluations déjà saisies gardent la version qu'elles utilisaient.")
            return redirect("echelle_detail", pk=echelle.pk)
    return render(request, "evaluations/echelle_version_form.html", {
        "echelle": echelle, "courante": courante, "niveaux": niveaux, "etats": etats, "errors": errors,
    })


@role_required(Role.DIRECTION)
@require_POST
def echelle_usage(request, pk: int):
    echelle = get_object_or_404(Echelle, pk=pk)
    try:
        echelle = echelle_usage_set(echelle=echelle, en_usage=request.POST.get("en_usage") == "1",
                                    actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        etat = "est en usage" if echelle.en_usage else "n'est plus en usage (ses versions restent)"
        messages.success(request, f"L'échelle « {echelle.nom} » {etat}.")
    return redirect("echelle_list")
