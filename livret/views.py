from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from accounts.access import role_required
from accounts.roles import Role
from evaluations.access_grille import situation_for_apprenant
from evaluations.selectors_grille import apprenant_resultats, echelle_version_for
from evaluations.services_grille import positionnements_record

from .selectors import apprenant_dashboard
from .svg import barres_svg


@role_required(Role.APPRENANT)
def apprenant_home(request):
    """The learner's dashboard, then their formation, company and results."""
    context = apprenant_dashboard(request.user)
    progression = context["tableau"].progression if context["tableau"] else None
    if progression and progression.barres:
        context["progression_svg"] = barres_svg(progression.barres, ident="progression", titre=(
            "Compétences acquises par bloc, d'après mon dernier bilan validé" if progression.source == "bilan"
            else "Compétences acquises par bloc, d'après les niveaux suggérés par mes évaluations"))
    return render(request, "livret/apprenant_home.html", context)


@role_required(Role.APPRENANT)
def apprenant_situation(request, pk: int):
    """A formative situation's results for the learner, and their own positionnement per criterion."""
    apprenant, situation = situation_for_apprenant(request.user, pk)
    errors = []
    if request.method == "POST":
        valeurs = {int(key[7:]): value for key, value in request.POST.items()
                   if key.startswith("valeur-") and key[7:].isdigit() and len(key) < 25}
        try:
            if not valeurs:
                raise ValidationError("Choisissez un niveau pour au moins un critère.")
            nouveaux = positionnements_record(apprenant=apprenant, situation=situation, valeurs=valeurs,
                                              auteur=request.user)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, "Positionnement enregistré." if nouveaux else "Rien n'a changé.")
            return redirect("apprenant_situation", pk=situation.pk)
    version = echelle_version_for("critere")
    return render(request, "livret/apprenant_situation.html", {
        "resultat": apprenant_resultats(apprenant, situation_pk=situation.pk)[0],
        "niveaux": list(version.niveaux.all()) if version else [], "errors": errors,
    }, status=400 if errors else 200)


@role_required(Role.INSPECTEUR)
def inspecteur_home(request):
    return render(request, "livret/inspecteur_home.html")
