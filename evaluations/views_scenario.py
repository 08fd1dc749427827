"""Scénarios pédagogiques and situations, under /formateur/scenarios/. Formateurs write (the author and the
co-authors of a scenario), the direction and inspection read, learners and tuteurs are refused."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.roles import Role
from referentiels.selectors import referentiel_tree

from . import selectors_scenario as selectors
from . import services_scenario as services
from .access_scenario import scenario_get_for, situation_get_for
from .forms_scenario import RessourceForm, ScenarioForm, SituationForm

LECTEURS = (Role.FORMATEUR, Role.DIRECTION, Role.INSPECTEUR)


@role_required(*LECTEURS)
def scenario_list(request):
    vue = request.GET.get("vue", "miens")
    if vue not in selectors.VUES:
        vue = "miens"
    if vue == "miens" and not request.user.has_role(Role.FORMATEUR):
        vue = "partages"
    return render(request, "evaluations/scenario_list.html", {
        "scenarios": selectors.scenario_list(user=request.user, vue=vue), "vue": vue, "vues": selectors.VUES,
        "formateur": request.user.has_role(Role.FORMATEUR),
        "situations": selectors.situation_list_formateur(request.user, limit=20)
        if request.user.has_role(Role.FORMATEUR) else [],
    })


def _contexte(form) -> dict:
    return {name: form.cleaned_data[name] for name in services.CONTEXTE_FIELDS}


@role_required(Role.FORMATEUR)
def scenario_create(request):
    form = ScenarioForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            scenario = services.scenario_create(
                auteur=request.user, referentiel=form.cleaned_data["referentiel"], titre=form.cleaned_data["titre"],
                co_intervention=form.cleaned_data["co_intervention"], co_auteurs=form.cleaned_data["co_auteurs"],
                **_contexte(form))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Scénario créé. Choisissez maintenant les tâches et les critères visés.")
            return redirect("scenario_liaison", pk=scenario.pk)
    return render(request, "evaluations/scenario_form.html", {"form": form, "scenario": None})


@role_required(Role.FORMATEUR)
def scenario_edit(request, pk: int):
    scenario = scenario_get_for(request.user, pk, write=True)
    form = ScenarioForm(request.POST or None, instance=scenario, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.scenario_update(scenario=scenario, actor=request.user, titre=form.cleaned_data["titre"],
                                     co_intervention=form.cleaned_data["co_intervention"],
                                     co_auteurs=form.cleaned_data["co_auteurs"], **_contexte(form))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Scénario enregistré.")
            return redirect("scenario_detail", pk=scenario.pk)
    return render(request, "evaluations/scenario_form.html", {"form": form, "scenario": scenario})


@role_required(*LECTEURS)
def scenario_detail(request, pk: int):
    scenario = scenario_get_for(request.user, pk)
    liaison = selectors.scenario_liaison(scenario)
    return render(request, "evaluations/scenario_detail.html", {
        "scenario": scenario, "liaison": liaison, "ressources": scenario.ressources.all(),
        "co_auteurs": scenario.co_auteurs.order_by("last_name", "first_name"),
        "situations": selectors.situation_list_scenario(scenario=scenario, user=request.user),
        "can_write": services.scenario_can_write(scenario, request.user),
        "formateur": request.user.has_role(Role.FORMATEUR), "ressource_form": RessourceForm(),
    })


def _tree_marked(scenario, posted=None):
    """The référentiel tree with what is chosen marked (from the refused form when there is one, so the
    formateur loses nothing), and the branches holding a choice open."""
    tree = referentiel_tree(scenario.referentiel)
    taches, criteres, indicateurs = selectors.scenario_choix(scenario)
    if posted is not None:
        taches, criteres = set(posted.getlist("taches")), set(posted.getlist("criteres"))
        indicateurs = {key.removeprefix("indicateurs-"): value for key, value in posted.items()
                       if key.startswith("indicateurs-")}
    as_text = {str(key) for key in taches}, {str(key) for key in criteres}
    indicateurs = {str(key): value for key, value in indicateurs.items()}
    for activite in tree.activites():
        for tache in activite.taches.all():
            tache.choisie = str(tache.pk) in as_text[0]
            activite.ouverte = getattr(activite, "ouverte", False) or tache.choisie
    for competence in tree.competences:
        for critere in competence.criteres.all():
            critere.choisi = str(critere.pk) in as_text[1]
            critere.indicateur = indicateurs.get(str(critere.pk), "")
            competence.ouverte = getattr(competence, "ouverte", False) or critere.choisi
    return tree


@role_required(Role.FORMATEUR)
def scenario_liaison(request, pk: int):
    scenario = scenario_get_for(request.user, pk, write=True)
    errors = []
    if request.method == "POST":
        indicateurs = {key.removeprefix("indicateurs-"): value for key, value in request.POST.items()
                       if key.startswith("indicateurs-") and key.removeprefix("indicateurs-").isdigit()}
        try:
            services.scenario_liaison_set(scenario=scenario, critere_ids=request.POST.getlist("criteres"),
                                          tache_ids=request.POST.getlist("taches"), indicateurs=indicateurs,
                                          actor=request.user)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, "Liaison avec le référentiel enregistrée.")
            return redirect("scenario_detail", pk=scenario.pk)
    return render(request, "evaluations/scenario_liaison.html", {
        "scenario": scenario, "tree": _tree_marked(scenario, request.POST if errors else None), "errors": errors,
        "liaison": selectors.scenario_liaison(scenario),
    }, status=400 if errors else 200)


@role_required(Role.FORMATEUR)
@require_POST
def scenario_duplicate(request, pk: int):
    scenario = scenario_get_for(request.user, pk)
    copie = services.scenario_duplicate(scenario=scenario, actor=request.user)
    messages.success(request, f"Copie créée : « {copie.titre} ». Elle est à vous et n'est pas partagée.")
    return redirect("scenario_detail", pk=copie.pk)


@role_required(Role.FORMATEUR)
@require_POST
def scenario_share(request, pk: int):
    scenario = scenario_get_for(request.user, pk, write=True)
    services.scenario_share(scenario=scenario, partage=request.POST.get("partage") == "1", actor=request.user)
    messages.success(request, "Scénario partagé avec les collègues." if scenario.partage
                     else "Le scénario n'est plus partagé.")
    return redirect("scenario_detail", pk=scenario.pk)


@role_required(Role.FORMATEUR)
@require_POST
def scenario_archive(request, pk: int):
    scenario = scenario_get_for(request.user, pk, write=True)
    services.scenario_archive(scenario=scenario, archive=request.POST.get("archive") == "1", actor=request.user)
    messages.success(request, "Scénario archivé." if scenario.archive else "Scénario sorti des archives.")
    return redirect("scenario_detail", pk=scenario.pk)


@role_required(Role.FORMATEUR)
@require_POST
def ressource_add(request, pk: int):
    scenario = scenario_get_for(request.user, pk, write=True)
    form = RessourceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choisissez un fichier.")
    else:
        try:
            ressource = services.ressource_add(scenario=scenario, upload=form.cleaned_data["fichier"],
                                               actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Ressource « {ressource.nom} » ajoutée.")
    return redirect("scenario_detail", pk=scenario.pk)


@role_required(Role.FORMATEUR)
@require_POST
def ressource_remove(request, pk: int, ressource_pk: int):
    scenario = scenario_get_for(request.user, pk, write=True)
    ressource = get_object_or_404(scenario.ressources, pk=ressource_pk)
    services.ressource_remove(ressource=ressource, actor=request.user)
    messages.success(request, f"Ressource « {ressource.nom} » supprimée.")
    return redirect("scenario_detail", pk=scenario.pk)


@role_required(*LECTEURS)
def ressource_download(request, pk: int, ressource_pk: int):
    scenario = scenario_get_for(request.user, pk)
    ressource = get_object_or_404(scenario.ressources, pk=ressource_pk)
    try:
        handle = ressource.fichier.open("rb")
    except FileNotFoundError:
        raise Http404("Fichier introuvable.") from None
    return FileResponse(handle, as_attachment=True, filename=ressource.nom, content_type=ressource.type_mime)


@role_required(Role.FORMATEUR)
def situation_create(request, pk: int):
    scenario = scenario_get_for(request.user, pk)
    classes = selectors.classes_pour_scenario(user=request.user, scenario=scenario)
    form = SituationForm(request.POST or None, classes=classes, referentiel_id=scenario.referentiel_id,
                         initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            situation = services.situation_create(scenario=scenario, created_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Situation lancée.")
            return redirect("situation_detail", pk=situation.pk)
    return render(request, "evaluations/situation_form.html", {
        "scenario": scenario, "form": form, "has_classes": classes.exists(),
    }, status=400 if form.errors else 200)


@role_required(*LECTEURS)
def situation_detail(request, pk: int):
    situation = situation_get_for(request.user, pk)
    return render(request, "evaluations/situation_detail.html", {
        "situation": situation, "liaison": selectors.scenario_liaison(situation.scenario),
        "apprenants": selectors.situation_apprenants(situation),
        "formateur": situation.classe.formateurs.filter(pk=request.user.pk).exists(),
    })
