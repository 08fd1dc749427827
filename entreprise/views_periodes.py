"""A classe's alternance calendar and its pupils' PFMP weeks. The direction and the classe's formateurs manage
the calendar, inspection reads it; the direction sees the pupils short of weeks and records aménagements.

Every view: access (404 for what the person may not see) → one service → render.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.roles import Role

from .access_periodes import (
    apprenant_amenagement_get_for,
    classe_periodes_get_for,
    periode_get_for,
    peut_ecrire,
)
from .forms_periodes import AmenagementPFMPForm, CoupeForm, PeriodeForm, add_service_error
from .pfmp import annee_terminale, pfmp_bareme
from .selectors_periodes import classe_calendrier, classe_famille, classe_pfmp, classes_periodes, pfmp_signales
from .services_periodes import (
    amenagement_pfmp_set,
    periode_couper,
    periode_create,
    periode_delete,
    periode_update,
)

READERS = (Role.DIRECTION, Role.FORMATEUR, Role.INSPECTEUR)
WRITERS = (Role.DIRECTION, Role.FORMATEUR)


def _classe_for_write(request, pk):
    """The classe, 404 when unseen; 403 for someone who sees it but may not change it (inspection)."""
    classe = classe_periodes_get_for(request.user, pk)
    if not peut_ecrire(request.user, classe):
        raise PermissionDenied("La consultation seule vous est ouverte.")
    return classe


def _periode_for_write(request, classe_pk, pk):
    periode = periode_get_for(request.user, classe_pk, pk)
    if not peut_ecrire(request.user, periode.classe):
        raise PermissionDenied("La consultation seule vous est ouverte.")
    return periode


@role_required(*READERS)
def periodes_index(request):
    """The classes of the current school year, each with a link to its calendar and PFMP weeks."""
    return render(request, "entreprise/periodes/index.html", {
        "classes": classes_periodes(user=request.user),
        "voit_signales": request.user.has_role(Role.DIRECTION),
    })


def _calendrier_render(request, classe, form, *, status=200):
    return render(request, "entreprise/periodes/calendrier.html", {
        "classe": classe, "calendrier": classe_calendrier(classe), "form": form,
        "can_write": peut_ecrire(request.user, classe),
    }, status=status)


@role_required(*READERS)
def periodes_classe(request, pk):
    classe = classe_periodes_get_for(request.user, pk)
    form = PeriodeForm(initial={"lieu": "entreprise"}) if peut_ecrire(request.user, classe) else None
    return _calendrier_render(request, classe, form)


@role_required(*WRITERS)
@require_POST
def periode_create_view(request, pk):
    classe = _classe_for_write(request, pk)
    form = PeriodeForm(request.POST)
    if form.is_valid():
        try:
            periode = periode_create(classe=classe, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Période « {periode} » ajoutée.")
            return redirect("periodes_classe", pk=classe.pk)
    return _calendrier_render(request, classe, form, status=400)


@role_required(*WRITERS)
def periode_edit_view(request, pk, periode_pk):
    periode = _periode_for_write(request, pk, periode_pk)
    form = PeriodeForm(request.POST or None, initial=PeriodeForm.initial_from(periode))
    if request.method == "POST" and form.is_valid():
        try:
            changed = periode_update(periode=periode, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Période modifiée." if changed else "Rien n'a changé.")
            return redirect("periodes_classe", pk=periode.classe_id)
    return render(request, "entreprise/periodes/periode_form.html", {
        "form": form, "periode": periode, "classe": periode.classe})


@role_required(*WRITERS)
def periode_couper_view(request, pk, periode_pk):
    periode = _periode_for_write(request, pk, periode_pk)
    form = CoupeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            premiere, seconde = periode_couper(periode=periode, le=form.cleaned_data["le"], actor=request.user)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Période coupée : du {premiere.debut:%d/%m/%Y} au {premiere.fin:%d/%m/%Y}, "
                                      f"puis du {seconde.debut:%d/%m/%Y} au {seconde.fin:%d/%m/%Y}.")
            return redirect("periodes_classe", pk=periode.classe_id)
    return render(request, "entreprise/periodes/periode_couper.html", {
        "form": form, "periode": periode, "classe": periode.classe})


@role_required(*WRITERS)
@require_POST
def periode_delete_view(request, pk, periode_pk):
    periode = _periode_for_write(request, pk, periode_pk)
    label = str(periode)
    try:
        periode_delete(periode=periode, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Période « {label} » supprimée.")
    return redirect("periodes_classe", pk=pk)


@role_required(*READERS)
def pfmp_classe_view(request, pk):
    classe = classe_periodes_get_for(request.user, pk)
    famille, code = classe_famille(classe)
    situations = classe_pfmp(classe)
    return render(request, "entreprise/periodes/pfmp_classe.html", {
        "classe": classe, "famille": famille, "semaines_famille": famille.semaines_pour(code) if famille else None,
        "situations": situations, "n_signales": sum(1 for s in situations if s.signale),
        "terminale": annee_terminale(famille=famille, classe=classe) is not None,
        "can_amenager": request.user.has_role(Role.DIRECTION),
    })


@role_required(Role.DIRECTION)
def pfmp_signales_view(request):
    return render(request, "entreprise/periodes/pfmp_signales.html", {"situations": pfmp_signales(user=request.user)})


@role_required(Role.DIRECTION)
def amenagement_pfmp_view(request, apprenant_pk):
    apprenant = apprenant_amenagement_get_for(request.user, apprenant_pk)
    amenagement = getattr(apprenant, "amenagement_pfmp", None)  # RelatedObjectDoesNotExist is an AttributeError
    initial = ({"semaines_requises": amenagement.semaines_requises, "motif": amenagement.motif,
                "decide_le": amenagement.decide_le} if amenagement else {})
    form = AmenagementPFMPForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            amenagement_pfmp_set(apprenant=apprenant, semaines_requises=data["semaines_requises"],
                                 motif=data["motif"], le=data["decide_le"], actor=request.user)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"{apprenant} doit désormais {data['semaines_requises']} semaine"
                                      f"{'s' if data['semaines_requises'] > 1 else ''} de PFMP.")
            back = request.POST.get("classe", "")
            if back.isdigit():
                return redirect("pfmp_classe", pk=int(back))
            return redirect("apprenant_detail", pk=apprenant.pk)
    return render(request, "entreprise/periodes/amenagement_form.html", {
        "form": form, "apprenant": apprenant, "amenagement": amenagement, "bareme": pfmp_bareme(),
        "classe_pk": next((v for v in (request.POST.get("classe", ""), request.GET.get("classe", "")) if v.isdigit()),
                          ""),
    })
