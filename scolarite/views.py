"""Classes, formations, learners and formateurs. The direction writes; inspection reads everything; a formateur
reads their own classes and learners."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.models import User
from accounts.roles import Role
from tenants.annees import annee_scolaire_label, annee_scolaire_of
from tenants.selectors import abonnement_couverture

from . import selectors, services
from .access import apprenant_get_for, classe_get_for
from .forms import (
    ApprenantForm,
    ClasseEditForm,
    ClasseForm,
    FormateurProfilForm,
    FormateursForm,
    FormationForm,
    InscriptionForm,
    ReglagesForm,
)
from .historique import history_sections
from .models import Classe, Formation

READERS = (Role.DIRECTION, Role.INSPECTEUR, Role.FORMATEUR)


def _formateurs():
    return User.objects.filter(is_active=True, roles__contains=[Role.FORMATEUR]).order_by("last_name", "first_name")


def _attempt(form, call):
    """Run a service; its ValidationError becomes a form error and nothing is written."""
    try:
        return call()
    except ValidationError as error:
        form.add_error(None, error)
        return None


@role_required(*READERS)
def classe_list(request):
    current = annee_scolaire_of(timezone.localdate())
    annee = request.GET.get("annee", str(current))
    annee = int(annee) if annee.isdigit() else None  # "toutes" or anything else: every year
    return render(request, "scolarite/classe_list.html", {
        "classes": selectors.classe_list(user=request.user, annee_scolaire=annee),
        "annee": annee,
        "annees": [(a, annee_scolaire_label(a)) for a in range(current + 1, current - 3, -1)],
        "can_write": request.user.has_role(Role.DIRECTION),
    })


@role_required(Role.DIRECTION)
def classe_create(request):
    form = ClasseForm(request.POST or None, formations=Formation.objects.all(), formateurs=_formateurs())
    if request.method == "POST" and form.is_valid():
        classe = _attempt(form, lambda: services.classe_create(actor=request.user, **form.cleaned_data))
        if classe is not None:
            messages.success(request, f"Classe {classe.code} créée.")
            return redirect("classe_detail", pk=classe.pk)
    return render(request, "scolarite/classe_form.html", {"form": form})


@role_required(Role.DIRECTION)
def classe_edit(request, pk):
    classe = classe_get_for(request.user, pk)
    initial = {name: getattr(classe, name) for name in services.CLASSE_FIELDS}
    form = ClasseEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = _attempt(form, lambda: services.classe_update(classe=classe, actor=request.user,
                                                                **form.cleaned_data))
        if changed is not None:
            messages.success(request, f"Classe {classe.code} enregistrée." if changed else "Aucune modification.")
            return redirect("classe_detail", pk=classe.pk)
    return render(request, "scolarite/classe_form.html", {"form": form, "classe": classe})


@role_required(*READERS)
def classe_detail(request, pk):
    classe = classe_get_for(request.user, pk)
    can_write = request.user.has_role(Role.DIRECTION)
    return render(request, "scolarite/classe_detail.html", {
        "classe": classe,
        "inscriptions": selectors.classe_inscriptions(classe),
        "formateurs": list(classe.formateurs.order_by("last_name", "first_name")),
        "can_write": can_write,
        "formateurs_form": FormateursForm(formateurs=_formateurs(),
                                          initial={"formateurs": classe.formateurs.all()}) if can_write else None,
    })


@require_POST
@role_required(Role.DIRECTION)
def classe_formateurs(request, pk):
    classe = classe_get_for(request.user, pk)
    form = FormateursForm(request.POST, formateurs=_formateurs())
    if form.is_valid():
        services.classe_formateurs_set(classe=classe, formateurs=form.cleaned_data["formateurs"], actor=request.user)
        messages.success(request, "Formateurs de la classe enregistrés.")
    else:
        messages.error(request, "Choix de formateurs invalide : rien n'a changé.")
    return redirect("classe_detail", pk=classe.pk)


@role_required(Role.DIRECTION, Role.INSPECTEUR)
def formation_list(request):
    couverture = abonnement_couverture(connection.tenant)
    can_write = request.user.has_role(Role.DIRECTION)
    form = FormationForm(request.POST or None, referentiel_codes=couverture.referentiel_codes)
    if request.method == "POST":
        if not can_write:
            return render(request, "403.html", status=403)
        if form.is_valid():
            formation = _attempt(form, lambda: services.formation_create(actor=request.user, **form.cleaned_data))
            if formation is not None:
                messages.success(request, f"Formation « {formation.intitule} » créée.")
                return redirect("formation_list")
    return render(request, "scolarite/formation_list.html", {
        "formations": selectors.formation_list(), "form": form if can_write else None, "couverture": couverture,
    })


@role_required(*READERS)
def apprenant_list(request):
    query = request.GET.get("q", "").strip()[:100]
    return render(request, "scolarite/apprenant_list.html", {
        "apprenants": selectors.apprenant_list(user=request.user, query=query),
        "query": query,
        "can_write": request.user.has_role(Role.DIRECTION),
    })


@role_required(Role.DIRECTION)
def apprenant_create(request):
    form = ApprenantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        apprenant = _attempt(form, lambda: services.apprenant_create(actor=request.user, **form.cleaned_data))
        if apprenant is not None:
            messages.success(request, f"{apprenant} ajouté·e.")
            return redirect("apprenant_detail", pk=apprenant.pk)
    return render(request, "scolarite/apprenant_form.html", {"form": form})


@role_required(*READERS)
def apprenant_detail(request, pk):
    apprenant = apprenant_get_for(request.user, pk)
    can_write = request.user.has_role(Role.DIRECTION)
    return render(request, "scolarite/apprenant_detail.html", {
        "apprenant": apprenant,
        "inscriptions": selectors.apprenant_history(apprenant),
        "sections": history_sections(apprenant),
        "dossiers": list(apprenant.dossiers_anterieurs.all()),
        "can_read_dossiers": request.user.has_role(Role.DIRECTION) or request.user.has_role(Role.INSPECTEUR),
        "can_write": can_write,
        "inscription_form": InscriptionForm(classes=Classe.objects.all()) if can_write else None,
    })


@role_required(Role.DIRECTION)
def apprenant_edit(request, pk):
    apprenant = apprenant_get_for(request.user, pk)
    initial = {name: getattr(apprenant, name) for name in services.APPRENANT_FIELDS}
    form = ApprenantForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = _attempt(form, lambda: services.apprenant_update(apprenant=apprenant, actor=request.user,
                                                                   **form.cleaned_data))
        if changed is not None:
            messages.success(request, "Fiche enregistrée." if changed else "Aucune modification.")
            return redirect("apprenant_detail", pk=apprenant.pk)
    return render(request, "scolarite/apprenant_form.html", {"form": form, "apprenant": apprenant})


@require_POST
@role_required(Role.DIRECTION)
def apprenant_inviter(request, pk):
    apprenant = apprenant_get_for(request.user, pk)
    try:
        invitation = services.apprenant_invite(apprenant=apprenant, invited_by=request.user,
                                               base_url=request.build_absolute_uri("/"))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Invitation envoyée à {invitation.email}.")
    return redirect("apprenant_detail", pk=apprenant.pk)


@role_required(Role.DIRECTION)
def apprenant_inscrire(request, pk):
    """Put the learner in a classe, or change their classe or statut: the open inscription is closed, not edited."""
    apprenant = apprenant_get_for(request.user, pk)
    form = InscriptionForm(request.POST or None, classes=Classe.objects.all())
    if request.method == "POST" and form.is_valid():
        inscription = _attempt(form, lambda: services.inscription_open(apprenant=apprenant, actor=request.user,
                                                                       **form.cleaned_data))
        if inscription is not None:
            messages.success(request, f"{apprenant} : {inscription.get_statut_display().lower()} en "
                                      f"{inscription.classe.code} à partir du {inscription.debut:%d/%m/%Y}.")
            return redirect("apprenant_detail", pk=apprenant.pk)
    return render(request, "scolarite/inscription_form.html", {"form": form, "apprenant": apprenant})


@role_required(Role.DIRECTION, Role.INSPECTEUR)
def formateur_list(request):
    return render(request, "scolarite/formateur_list.html", {
        "formateurs": selectors.formateur_list_with_classes(),
        "can_write": request.user.has_role(Role.DIRECTION),
    })


@role_required(Role.DIRECTION)
def formateur_edit(request, pk):
    user = get_object_or_404(_formateurs(), pk=pk)
    profil = getattr(user, "formateur", None)
    form = FormateurProfilForm(request.POST or None, initial={
        "discipline": profil.discipline if profil else "", "telephone": profil.telephone if profil else ""})
    if request.method == "POST" and form.is_valid():
        services.formateur_profile_set(user=user, **form.cleaned_data)
        messages.success(request, f"Fiche de {user} enregistrée.")
        return redirect("formateur_list")
    return render(request, "scolarite/formateur_form.html", {"form": form, "formateur": user})


@role_required(Role.DIRECTION)
def reglages(request):
    etablissement = connection.tenant
    current = selectors.reglages_get()
    niveaux = selectors.niveaux_enseignes()
    initial = {"address": etablissement.address, "uai": etablissement.uai}
    initial.update({f"periodicite_{n}": current.periodicites.get(str(n), "trimestre") for n in niveaux})
    form = ReglagesForm(request.POST or None, request.FILES or None, initial=initial, niveaux=niveaux)
    if request.method == "POST" and form.is_valid():
        done = _attempt(form, lambda: services.reglages_update(
            periodicites=form.periodicites(), address=form.cleaned_data["address"], uai=form.cleaned_data["uai"],
            logo=form.cleaned_data.get("logo"), tampon=form.cleaned_data.get("tampon"), actor=request.user))
        if done is not None:
            messages.success(request, "Réglages enregistrés.")
            return redirect("reglages")
    return render(request, "scolarite/reglages.html", {"form": form, "etablissement": etablissement})
