"""Company visits and contacts with the tutor: the formateur records them (on a phone, during the visit), the
direction sees who has had none for N weeks, inspection reads.

Every view: access (404 for what the person may not see, 403 for who reads but may not write) → one service →
render.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from accounts.access import role_required
from accounts.roles import Role

from .access_visites import contrat_visites_get_for, visite_get_for, visite_record_check, visite_update_check
from .forms import add_service_error
from .forms_visites import SuiviForm, VisiteForm
from .selectors_visites import suivi_classes_choix, suivi_visites, visite_peut_enregistrer, visites_of
from .services_visites import visite_record, visite_update

READERS = (Role.DIRECTION, Role.FORMATEUR, Role.INSPECTEUR)
WRITERS = (Role.DIRECTION, Role.FORMATEUR)


@role_required(*READERS)
def visite_contrat_view(request, pk):
    """A contract's visits and contacts, newest first, under the form to record one."""
    contrat = contrat_visites_get_for(request.user, pk)
    can_record = visite_peut_enregistrer(request.user, contrat)
    if request.method == "POST":
        visite_record_check(request.user, contrat)
    tuteurs = list(contrat.tuteurs.order_by("nom", "prenom"))
    initial = {"participants": ", ".join(str(tuteur) for tuteur in tuteurs)}
    form = VisiteForm(request.POST or None, initial=initial) if can_record else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            visite = visite_record(contrat=contrat, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"{visite} enregistré·e pour {contrat.apprenant}.")
            return redirect("visite_contrat", pk=contrat.pk)
    return render(request, "entreprise/visites/contrat.html", {
        "contrat": contrat, "tuteurs": tuteurs, "visites": visites_of(contrat), "form": form,
        "can_record": can_record,
    }, status=400 if form is not None and form.errors else 200)


@role_required(*WRITERS)
def visite_edit_view(request, pk):
    """Its author corrects a visit; the audit keeps what it said before."""
    visite = visite_get_for(request.user, pk)
    visite_update_check(request.user, visite)
    contrat = visite.contrat
    form = VisiteForm(request.POST or None, initial=VisiteForm.initial_from(visite))
    if request.method == "POST" and form.is_valid():
        try:
            changed = visite_update(visite=visite, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Correction enregistrée." if changed else "Rien n'a changé.")
            return redirect("visite_contrat", pk=contrat.pk)
    return render(request, "entreprise/visites/visite_form.html", {"form": form, "visite": visite,
                                                                   "contrat": contrat},
                  status=400 if form.errors else 200)


def _suivi(request, *, seulement: bool):
    form = SuiviForm(request.GET or None, classes=suivi_classes_choix(request.user), seulement=seulement)
    filtres = form.filtres()
    groupes = suivi_visites(user=request.user, classe=filtres["classe"], semaines=filtres["semaines"],
                            seulement_a_relancer=filtres["seulement"])
    return {"form": form, "groupes": groupes, **filtres,
            "nb_a_relancer": sum(groupe.nb_a_relancer for groupe in groupes),
            "nb_lignes": sum(len(groupe.lignes) for groupe in groupes)}


@role_required(Role.FORMATEUR)
def visite_mes_apprenants_view(request):
    """The formateur's learners in company, with their last visit or contact, and a link to record one."""
    context = _suivi(request, seulement=False)
    return render(request, "entreprise/visites/mes_apprenants.html", context)


@role_required(Role.DIRECTION, Role.INSPECTEUR)
def visite_suivi_view(request):
    """Per classe, the learners with a running contract and no visit nor contact in the last N weeks."""
    context = {**_suivi(request, seulement=True), "can_record": request.user.has_role(Role.DIRECTION)}
    return render(request, "entreprise/visites/suivi.html", context)
