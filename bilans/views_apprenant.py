"""One learner's bilans: a bilan's page (levels and comments by bloc, and its validation), the archive (and
creating a bilan for this learner alone), and the learner's own page of validated bilans."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.roles import Role

from .access import LECTEURS, REFUS, apprenant_for_bilans, apprenant_of, bilan_for, enseigne_a
from .forms import DateBilanForm
from .selectors import bilan_archive, bilan_detail
from .selectors_feuille import choix_of
from .services import bilan_create, bilan_delete
from .services_saisie import bilans_enregistrer
from .views import enregistrement_messages, valeurs_of


@role_required(*LECTEURS)
def bilan_page(request, pk: int):
    """GET: the bilan by bloc; POST (the whole form): levels and comments, each line checked for concurrent
    changes, then with « Valider » the validation (only if every line was saved)."""
    bilan = bilan_for(request.user, pk, ecriture=request.method == "POST")
    if request.method == "POST":
        try:
            enregistrement_messages(request, bilans_enregistrer(
                bilans=[bilan], valeurs=valeurs_of(request.POST), actor=request.user,
                valider=request.POST.get("action") == "valider"))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("bilan_page", pk=bilan.pk)
    return render(request, "bilans/bilan.html", {
        "vue": bilan_detail(bilan), "bilan": bilan, "choix": choix_of({bilan.version_id}).get(bilan.version_id, []),
    })


@role_required(*LECTEURS)
@require_POST
def bilan_supprimer(request, pk: int):
    bilan = bilan_for(request.user, pk, ecriture=True)
    try:
        bilan_delete(bilan=bilan, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("bilan_page", pk=bilan.pk)
    messages.success(request, f"Le bilan en cours du {bilan.date:%d/%m/%Y} est supprimé.")
    return redirect("bilans_apprenant", pk=bilan.apprenant_id)


@role_required(*LECTEURS)
def bilans_apprenant(request, pk: int):
    """The learner's archive; POST creates a bilan for this learner alone."""
    apprenant = apprenant_for_bilans(request.user, pk)
    peut_creer = enseigne_a(request.user, apprenant)
    if request.method == "POST" and not peut_creer:
        raise PermissionDenied(REFUS)
    form = DateBilanForm(request.POST or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            bilan = bilan_create(apprenant=apprenant, date=form.cleaned_data["date"], actor=request.user)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, "Bilan créé, prérempli avec les niveaux suggérés.")
            return redirect("bilan_page", pk=bilan.pk)
    return render(request, "bilans/archive.html", {
        "apprenant": apprenant, "vues": bilan_archive(apprenant), "form": form, "errors": errors,
        "peut_creer": peut_creer,
    }, status=400 if request.method == "POST" else 200)


@role_required(Role.APPRENANT)
def mes_bilans(request):
    """The learner's validated bilans, the one in force first."""
    apprenant = apprenant_of(request.user)
    vues = bilan_archive(apprenant, valides_seulement=True) if apprenant else []
    return render(request, "bilans/mes_bilans.html", {"apprenant": apprenant, "vues": vues})
