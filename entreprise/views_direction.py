"""Companies, their tuteurs and the contracts: the direction manages them, inspection and formateurs read them.

Every view: access (404 for what the person may not see) → one service → render.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.roles import Role
from scolarite.selectors import apprenants_visible

from .access import contrat_get_for, entreprise_get_for, tuteur_get_for
from .forms import ContratDatesForm, ContratForm, EntrepriseForm, RuptureForm, TuteurForm, add_service_error
from .models import Contrat
from .regles import contrat_alertes
from .selectors import ETATS, contrat_list, entreprise_detail, entreprise_list
from .services import (
    contrat_create,
    contrat_rompre,
    contrat_update,
    entreprise_create,
    entreprise_update,
    tuteur_create,
    tuteur_invite,
    tuteur_update,
)

READERS = (Role.DIRECTION, Role.INSPECTEUR, Role.FORMATEUR)
WRITERS = (Role.DIRECTION,)


def _can_write(request) -> bool:
    return request.user.has_role(Role.DIRECTION)


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


# Companies

@role_required(*READERS)
def entreprise_list_view(request):
    query = request.GET.get("q", "").strip()[:200]
    context = {"entreprises": entreprise_list(query=query), "query": query, "can_write": _can_write(request)}
    template = "entreprise/_entreprise_rows.html" if request.htmx else "entreprise/entreprise_list.html"
    return render(request, template, context)


@role_required(*READERS)
def entreprise_detail_view(request, pk):
    entreprise = entreprise_get_for(request.user, pk)
    return render(request, "entreprise/entreprise_detail.html", {
        "entreprise": entreprise, **entreprise_detail(entreprise, user=request.user),
        "can_write": _can_write(request),
    })


@role_required(*WRITERS)
def entreprise_create_view(request):
    form = EntrepriseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entreprise = entreprise_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Entreprise « {entreprise} » enregistrée.")
            return redirect("entreprise_detail", pk=entreprise.pk)
    return render(request, "entreprise/entreprise_form.html", {"form": form, "entreprise": None})


@role_required(*WRITERS)
def entreprise_edit_view(request, pk):
    entreprise = entreprise_get_for(request.user, pk)
    form = EntrepriseForm(request.POST or None, initial=EntrepriseForm.initial_from(entreprise))
    if request.method == "POST" and form.is_valid():
        try:
            changed = entreprise_update(entreprise=entreprise, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Modifications enregistrées." if changed else "Rien n'a changé.")
            return redirect("entreprise_detail", pk=entreprise.pk)
    return render(request, "entreprise/entreprise_form.html", {"form": form, "entreprise": entreprise})


# Tuteurs

@role_required(*WRITERS)
def tuteur_create_view(request, pk):
    entreprise = entreprise_get_for(request.user, pk)
    form = TuteurForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tuteur = tuteur_create(entreprise=entreprise, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"{tuteur} ajouté·e aux tuteurs de {entreprise}.")
            return redirect(_next_url(request, reverse("entreprise_detail", args=[entreprise.pk])))
    return render(request, "entreprise/tuteur_form.html", {
        "form": form, "entreprise": entreprise, "tuteur": None, "next": _next_url(request, "")})


@role_required(*WRITERS)
def tuteur_edit_view(request, pk, tuteur_pk):
    tuteur = tuteur_get_for(request.user, pk, tuteur_pk)
    form = TuteurForm(request.POST or None, initial=TuteurForm.initial_from(tuteur))
    if request.method == "POST" and form.is_valid():
        try:
            changed = tuteur_update(tuteur=tuteur, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Modifications enregistrées." if changed else "Rien n'a changé.")
            return redirect("entreprise_detail", pk=tuteur.entreprise_id)
    return render(request, "entreprise/tuteur_form.html", {
        "form": form, "entreprise": tuteur.entreprise, "tuteur": tuteur, "next": ""})


@role_required(*WRITERS)
@require_POST
def tuteur_invite_view(request, pk, tuteur_pk):
    tuteur = tuteur_get_for(request.user, pk, tuteur_pk)
    try:
        invitation = tuteur_invite(tuteur=tuteur, invited_by=request.user, base_url=request.build_absolute_uri("/"))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Invitation envoyée à {invitation.email} : {tuteur} pourra se connecter avec "
                                  "un code reçu par e-mail, ou choisir un mot de passe.")
    return redirect("entreprise_detail", pk=tuteur.entreprise_id)


# Contracts

@role_required(*READERS)
def contrat_list_view(request):
    etat = request.GET.get("etat", "en_cours")
    etat = etat if etat in ETATS else "en_cours"
    contrat_type = request.GET.get("type", "")
    query = request.GET.get("q", "").strip()[:200]
    return render(request, "entreprise/contrat_list.html", {
        "contrats": contrat_list(user=request.user, etat=etat, type=contrat_type, query=query),
        "etats": ETATS, "etat": etat, "types": Contrat.Type.choices, "type": contrat_type, "query": query,
        "can_write": _can_write(request),
    })


@role_required(*READERS)
def contrat_detail_view(request, pk):
    contrat = contrat_get_for(request.user, pk)
    return render(request, "entreprise/contrat_detail.html", {
        "contrat": contrat, "tuteurs": list(contrat.tuteurs.order_by("nom", "prenom")),
        "alertes": contrat_alertes(contrat), "can_write": _can_write(request),
    })


def _contrat_initial(request) -> dict:
    """`?entreprise=` from the company's page, `?apprenant=` from the learner's."""
    initial = {}
    for name, queryset in (("entreprise", None), ("apprenant", apprenants_visible(request.user))):
        value = request.GET.get(name, "")
        if value.isdigit():
            found = (entreprise_get_for(request.user, value) if queryset is None
                     else queryset.filter(pk=value).first())
            if found is not None:
                initial[name] = found
    return initial


@role_required(*WRITERS)
def contrat_create_view(request):
    initial = _contrat_initial(request)
    if request.method == "POST" and "_tuteurs" in request.POST:
        # Without JavaScript: the company was chosen, show its tuteurs and keep what was typed.
        form = ContratForm(initial={**initial, **request.POST.dict(), "tuteurs": []})
    else:
        form = ContratForm(request.POST or None, initial=initial)
    if request.method == "POST" and "_tuteurs" not in request.POST and form.is_valid():
        data = form.cleaned_data
        try:
            result = contrat_create(type=data["type"], apprenant=data["apprenant"], entreprise=data["entreprise"],
                                    tuteurs=data["tuteurs"], debut=data["debut"], fin=data["fin"],
                                    numero=data["numero"], prolonge_apres_echec=data["prolonge_apres_echec"],
                                    actor=request.user)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            _saved_message(request, "Contrat enregistré.", result.warnings)
            return redirect("contrat_detail", pk=result.contrat.pk)
    return render(request, "entreprise/contrat_form.html", {"form": form, "contrat": None})


def _saved_message(request, text: str, warnings: list[str]) -> None:
    if warnings:
        count = len(warnings)
        messages.warning(request, f"{text} Attention : {count} alerte{'s' if count > 1 else ''}, détaillée"
                                  f"{'s' if count > 1 else ''} ci-dessous.")
    else:
        messages.success(request, text)


@role_required(*WRITERS)
def contrat_tuteurs_field(request):
    """htmx: the tuteurs of the company just chosen in the contract form."""
    form = ContratForm(initial={"entreprise": request.GET.get("entreprise", "")})
    return render(request, "entreprise/_tuteurs_field.html", {"field": form["tuteurs"], "form": form})


@role_required(*WRITERS)
def contrat_edit_view(request, pk):
    contrat = contrat_get_for(request.user, pk)
    form = ContratDatesForm(request.POST or None, entreprise=contrat.entreprise,
                            initial=ContratDatesForm.initial_from(contrat))
    if request.method == "POST" and form.is_valid():
        try:
            result = contrat_update(contrat=contrat, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            _saved_message(request, "Contrat modifié.", result.warnings)
            return redirect("contrat_detail", pk=contrat.pk)
    return render(request, "entreprise/contrat_form.html", {"form": form, "contrat": contrat})


@role_required(*WRITERS)
def contrat_rupture_view(request, pk):
    contrat = contrat_get_for(request.user, pk)
    initial = {"rompu_le": contrat.rompu_le} if contrat.rompu_le else {}
    form = RuptureForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            contrat_rompre(contrat=contrat, le=form.cleaned_data["rompu_le"], actor=request.user)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Rupture enregistrée au {contrat.rompu_le:%d/%m/%Y}.")
            return redirect("contrat_detail", pk=contrat.pk)
    return render(request, "entreprise/contrat_rupture.html", {"form": form, "contrat": contrat})

