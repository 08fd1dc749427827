"""Fiches activités, under /fiches/: the formateur prepares the fiche of a company period from the classe's
calendar and adjusts it per learner, then checks each learner's report; the learner writes their report and
ticks the tasks done; the tutor reads their apprentice's fiche (never the formateur's remark); the direction and
the inspection read. What one may not see is a 404; a write by a role that only reads is a 403.

Every view: access → one service → render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.roles import Role

from . import selectors_fiches as selectors
from .access_fiches import (
    apprenant_fiche_get_for,
    periode_apprenant_get_for,
    periode_fiche_get_for,
    realisation_get_for,
    voit_cote_centre,
)
from .access_journal import apprenant_of
from .forms_fiches import FicheForm, RealisationForm, RemarqueForm, add_service_error
from .models import FicheRealisation
from .selectors_bilan import bilan_of
from .services_fiches import (
    fiche_adjust_for,
    fiche_for,
    fiche_prepare,
    peut_preparer,
    realisation_check,
    realisation_save,
)

STAFF = (Role.DIRECTION, Role.FORMATEUR, Role.INSPECTEUR)
WRITERS = (Role.DIRECTION, Role.FORMATEUR)


def _write_check(user, periode) -> None:
    if not peut_preparer(user, periode.classe):
        raise PermissionDenied("La consultation seule vous est ouverte.")


@role_required(Role.APPRENANT, Role.TUTEUR)
def fiches_index(request):
    """The learner's fiches (one per company period), and those of a tutor's apprentices."""
    apprenant = apprenant_of(request.user)
    return render(request, "entreprise/fiches/index.html", {
        "apprenant": apprenant,
        "mes_fiches": selectors.fiches_apprenant(apprenant) if apprenant else [],
        "est_apprenant": request.user.has_role(Role.APPRENANT),
        "fiches_apprentis": selectors.fiches_tuteur(request.user) if request.user.has_role(Role.TUTEUR) else None,
    })


@role_required(*STAFF)
def fiche_periode(request, periode_pk: int):
    """The classe's fiche of a company period and, per learner, their report's state."""
    periode = periode_fiche_get_for(request.user, periode_pk)
    suivi = selectors.periode_suivi(periode)
    return render(request, "entreprise/fiches/periode.html", {
        "periode": periode, "classe": periode.classe, "suivi": suivi,
        "contenu": selectors.fiche_contenu(suivi["fiche"]) if suivi["fiche"] else None,
        "can_write": peut_preparer(request.user, periode.classe),
    })


def _choix_posted(request) -> tuple[list[str], list[str]]:
    return request.POST.getlist("taches"), request.POST.getlist("criteres")


@role_required(*WRITERS)
def fiche_preparer(request, periode_pk: int):
    periode = periode_fiche_get_for(request.user, periode_pk)
    _write_check(request.user, periode)
    fiche = selectors.periode_suivi(periode)["fiche"]
    initial = {"titre": fiche.titre, "consignes": fiche.consignes} if fiche else {
        "titre": f"Activités en entreprise{f' – {periode.libelle}' if periode.libelle else ''}"}
    form = FicheForm(request.POST or None, initial=initial)
    taches, criteres = selectors.fiche_choix(fiche)
    if request.method == "POST":
        taches, criteres = _choix_posted(request)
        if form.is_valid():
            try:
                fiche_prepare(periode=periode, titre=form.cleaned_data["titre"],
                              consignes=form.cleaned_data["consignes"], tache_ids=taches, critere_ids=criteres,
                              actor=request.user)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, "Fiche activités enregistrée pour la classe.")
                return redirect("fiche_periode", periode_pk=periode.pk)
    return render(request, "entreprise/fiches/preparer.html", {
        "form": form, "periode": periode, "classe": periode.classe, "fiche": fiche, "apprenant": None,
        "tree": selectors.arbre_choix(periode, taches=taches, criteres=criteres),
    }, status=400 if form.errors else 200)


@role_required(*STAFF, Role.TUTEUR)
def fiche_apprenant(request, periode_pk: int, apprenant_pk: int):
    """One learner's fiche and report. The staff of the classe see the formateur's remark (and, for the direction
    and the classe's formateurs, the check form); a tutor of the learner reads the rest."""
    periode, apprenant = apprenant_fiche_get_for(request.user, periode_pk, apprenant_pk)
    fiche = fiche_for(apprenant, periode)
    realisation = selectors.realisation_of(fiche, apprenant)
    centre = voit_cote_centre(request.user, periode)
    if not centre and realisation is not None and realisation.statut == FicheRealisation.Statut.BROUILLON:
        realisation = None  # a tutor reads the report once sent, not the learner's draft
    can_write = centre and peut_preparer(request.user, periode.classe)
    return render(request, "entreprise/fiches/apprenant.html", {
        "periode": periode, "classe": periode.classe, "apprenant": apprenant, "fiche": fiche,
        "realisation": realisation,
        "contenu": selectors.fiche_contenu(fiche, faites=selectors.taches_faites(realisation)) if fiche else None,
        "voit_remarque": centre, "can_write": can_write,
        "bilan": bilan_of(apprenant, periode, user=request.user),
        "remarque_form": RemarqueForm() if can_write and realisation
        and realisation.statut == FicheRealisation.Statut.RENDUE else None,
    })


@role_required(*WRITERS)
def fiche_ajuster(request, periode_pk: int, apprenant_pk: int):
    """The learner's own copy of the fiche (created from the classe's the first time)."""
    periode, apprenant = apprenant_fiche_get_for(request.user, periode_pk, apprenant_pk)
    if not voit_cote_centre(request.user, periode):
        raise PermissionDenied("Seuls la direction et les formateurs de la classe ajustent une fiche.")
    _write_check(request.user, periode)
    fiche = fiche_for(apprenant, periode)
    if fiche is None:
        messages.error(request, "Préparez d'abord la fiche de la classe ; vous l'ajusterez ensuite pour un apprenant.")
        return redirect("fiche_preparer", periode_pk=periode.pk)
    form = FicheForm(request.POST or None, initial={"titre": fiche.titre, "consignes": fiche.consignes})
    taches, criteres = selectors.fiche_choix(fiche)
    if request.method == "POST":
        taches, criteres = _choix_posted(request)
        if form.is_valid():
            try:
                fiche_adjust_for(fiche=fiche, apprenant=apprenant, tache_ids=taches, critere_ids=criteres,
                                 titre=form.cleaned_data["titre"], consignes=form.cleaned_data["consignes"],
                                 actor=request.user)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, f"Fiche ajustée pour {apprenant}.")
                return redirect("fiche_apprenant", periode_pk=periode.pk, apprenant_pk=apprenant.pk)
    return render(request, "entreprise/fiches/preparer.html", {
        "form": form, "periode": periode, "classe": periode.classe, "fiche": fiche, "apprenant": apprenant,
        "tree": selectors.arbre_choix(periode, taches=taches, criteres=criteres),
    }, status=400 if form.errors else 200)


@role_required(*WRITERS)
@require_POST
def realisation_verifier(request, pk: int):
    realisation = realisation_get_for(request.user, pk)
    periode = realisation.fiche.periode
    _write_check(request.user, periode)
    form = RemarqueForm(request.POST)
    if form.is_valid():
        try:
            realisation_check(realisation=realisation, remarque=form.cleaned_data["remarque"], actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Compte rendu de {realisation.apprenant} vérifié.")
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("fiche_apprenant", periode_pk=periode.pk, apprenant_pk=realisation.apprenant_id)


@role_required(Role.APPRENANT)
def ma_fiche(request, periode_pk: int):
    """The learner's fiche of a company period: what is expected, their report and the tasks done."""
    periode, apprenant = periode_apprenant_get_for(request.user, periode_pk)
    fiche = fiche_for(apprenant, periode)
    realisation = selectors.realisation_of(fiche, apprenant)
    faites = selectors.taches_faites(realisation)
    form = RealisationForm(request.POST or None,
                           initial={"compte_rendu": realisation.compte_rendu if realisation else ""})
    if request.method == "POST" and fiche is not None:
        faites = {int(pk) for pk in request.POST.getlist("taches") if pk.isdigit()}
        if form.is_valid():
            rendre = request.POST.get("action") == "rendre"
            try:
                realisation_save(fiche=fiche, apprenant=apprenant, compte_rendu=form.cleaned_data["compte_rendu"],
                                 taches_realisees=request.POST.getlist("taches"), rendre=rendre, actor=request.user)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, "Compte rendu envoyé à votre formateur." if rendre
                                 else "Compte rendu enregistré.")
                return redirect("ma_fiche", periode_pk=periode.pk)
    return render(request, "entreprise/fiches/ma_fiche.html", {
        "periode": periode, "apprenant": apprenant, "fiche": fiche, "realisation": realisation, "form": form,
        "contenu": selectors.fiche_contenu(fiche, faites=faites) if fiche else None,
    }, status=400 if form.errors else 200)
