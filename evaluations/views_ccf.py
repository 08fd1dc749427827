"""The CCF grids of a certificative situation (/ccf/, docs/ccf.md): the list of its learners' grids, a grid page
(levels, barème, header, commission, adjustment), lock, new version with a reason, history, XLSX exports, and the
learner's own page (levels of their locked grids, never the barème nor the proposed grade)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.roles import Role

from .access_ccf import LECTEURS, apprenant_of, grille_for, situation_for_ccf
from .forms_ccf import GrilleEnteteForm, NouvelleVersionForm
from .selectors_ccf import (
    grille_derniere,
    grille_versions,
    grille_vue,
    grilles_base,
    grilles_verrouillees_of,
    situation_grilles,
)
from .selectors_grille import touches
from .services_ccf import (
    grille_ccf_bareme_set,
    grille_ccf_lock,
    grille_ccf_new_version,
    grille_ccf_save,
    grilles_ccf_create,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _erreurs(error: ValidationError) -> list[str]:
    return list(error.messages)


def _xlsx(contenu: bytes, nom: str) -> HttpResponse:
    response = HttpResponse(contenu, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{nom}.xlsx"'
    return response


@role_required(*LECTEURS)
def ccf_situation(request, pk: int):
    situation = situation_for_ccf(request.user, pk)
    return render(request, "evaluations/ccf/situation.html", {
        "situation": situation, "rangs": situation_grilles(situation), "epreuve": situation.epreuve,
    })


@require_POST
@role_required(Role.FORMATEUR)
def ccf_preparer(request, pk: int):
    situation = situation_for_ccf(request.user, pk, ecriture=True)
    try:
        nouvelles = grilles_ccf_create(situation=situation, actor=request.user)
    except ValidationError as error:
        for message in _erreurs(error):
            messages.error(request, message)
    else:
        messages.success(request, f"{len(nouvelles)} grille(s) préparée(s).")
    return redirect("ccf_situation", pk=situation.pk)


def _entete_initial(grille) -> dict:
    return {"numero_candidat": grille.numero_candidat, "session": grille.session, "date": grille.date,
            "commission": grille.commission, "commentaire": grille.commentaire,
            "ajustement": f"{grille.ajustement}".replace(".", ","), "justification": grille.justification}


def _grille_page(request, grille, *, form=None, erreurs=(), status=200, titre_erreurs="Rien n'est enregistré :"):
    vue = grille_vue(grille)
    return render(request, "evaluations/ccf/grille.html", {
        "vue": vue, "grille": grille, "situation": grille.situation, "form": form or GrilleEnteteForm(
            initial=_entete_initial(grille)), "erreurs": list(erreurs), "touches": touches(grille.version),
        "versions": grille_versions(grille), "derniere": grille_derniere(grille),
        "bareme_modifiable": grille.peut_ecrire and not grille.verrouillee and not any(
            ligne.niveau_id or ligne.etat_id for ligne in vue.lignes),
        "titre_erreurs": titre_erreurs,
    }, status=status)


@role_required(*LECTEURS)
def ccf_grille(request, pk: int):
    grille = grille_for(request.user, pk, ecriture=request.method == "POST")
    if request.method != "POST":
        return _grille_page(request, grille)
    form = GrilleEnteteForm(request.POST)
    if not form.is_valid():
        erreurs = [e for errs in form.errors.values() for e in errs]
        return _grille_page(request, grille, form=form, erreurs=erreurs, status=400)
    niveaux = {int(k.removeprefix("niveau-")): v for k, v in request.POST.items()
               if k.startswith("niveau-") and k.removeprefix("niveau-").isdigit()}
    data = form.cleaned_data
    try:
        grille_ccf_save(grille=grille, actor=request.user, niveaux=niveaux, numero_candidat=data["numero_candidat"],
                        session=data["session"], date=data["date"], commission=data["commission"],
                        commentaire=data["commentaire"], ajustement=data["ajustement"],
                        justification=data["justification"])
    except ValidationError as error:
        return _grille_page(request, grille, form=form, erreurs=_erreurs(error), status=400)
    if request.POST.get("action") == "verrouiller":
        return _verrouiller(request, grille, titre_erreurs="Grille enregistrée, mais pas verrouillée :")
    messages.success(request, "Grille enregistrée.")
    return redirect("ccf_grille", pk=grille.pk)


@require_POST
@role_required(Role.FORMATEUR)
def ccf_bareme(request, pk: int):
    grille = grille_for(request.user, pk, ecriture=True)
    points = {int(k.removeprefix("points-")): v for k, v in request.POST.items()
              if k.startswith("points-") and k.removeprefix("points-").isdigit()}
    try:
        grille_ccf_bareme_set(grille=grille, points=points, actor=request.user)
    except ValidationError as error:
        return _grille_page(request, grille, erreurs=_erreurs(error), status=400)
    messages.success(request, "Barème enregistré.")
    return redirect("ccf_grille", pk=grille.pk)


@require_POST
@role_required(Role.FORMATEUR)
def ccf_verrouiller(request, pk: int):
    return _verrouiller(request, grille_for(request.user, pk, ecriture=True))


def _verrouiller(request, grille, *, titre_erreurs="La grille n'est pas verrouillée :"):
    try:
        grille_ccf_lock(grille=grille, actor=request.user)
    except ValidationError as error:
        return _grille_page(request, grille, erreurs=_erreurs(error), status=400, titre_erreurs=titre_erreurs)
    messages.success(request, "Grille verrouillée : elle ne se modifie plus.")
    return redirect("ccf_grille", pk=grille.pk)


@role_required(*LECTEURS)
def ccf_nouvelle_version(request, pk: int):
    grille = grille_for(request.user, pk, ecriture=True)
    form = NouvelleVersionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            nouvelle = grille_ccf_new_version(grille=grille, motif=form.cleaned_data["motif"], actor=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Version {nouvelle.numero} créée : la version {grille.numero} reste dans "
                                      "l'historique.")
            return redirect("ccf_grille", pk=nouvelle.pk)
    return render(request, "evaluations/ccf/nouvelle_version.html", {"grille": grille, "form": form},
                  status=400 if form.errors else 200)


@role_required(*LECTEURS)
def ccf_grille_xlsx(request, pk: int):
    from .xlsx_ccf import classeur_of

    grille = grille_for(request.user, pk)
    a = grille.apprenant
    return _xlsx(classeur_of([grille_vue(grille)]), slugify(f"grille-ccf-{a.nom}-{a.prenom}-v{grille.numero}"))


@role_required(*LECTEURS)
def ccf_situation_xlsx(request, pk: int):
    from .xlsx_ccf import classeur_of

    situation = situation_for_ccf(request.user, pk)
    ids = [r.grille.pk for r in situation_grilles(situation) if r.grille is not None]
    grilles = {g.pk: g for g in grilles_base().filter(pk__in=ids)}
    vues = [grille_vue(grilles[i]) for i in ids]
    return _xlsx(classeur_of(vues), slugify(f"grilles-ccf-{situation.classe.code}-{situation.date:%Y-%m-%d}"))


@role_required(Role.APPRENANT)
def ccf_mes_grilles(request):
    """The learner's locked grids: the levels only (the barème and the grade are the jury's)."""
    apprenant = apprenant_of(request.user)
    return render(request, "evaluations/ccf/mes_grilles.html", {"grilles": grilles_verrouillees_of(apprenant)})
