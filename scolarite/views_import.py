"""The direction imports learners, classes, companies and contracts: upload, preview, confirm or abandon, history."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.roles import Role

from .imports.forms import ImportUploadForm
from .imports.plan import ACTION_LABELS, CREE, IGNORE, INCHANGE, MODIFIE, REJETE
from .imports.rapport import LABELS, LABELS_FAITS
from .imports.selectors import import_get, import_list
from .models import ImportFichier
from .services_import import (
    SYNC_MAX_ROWS,
    import_abandon,
    import_apply,
    import_preview,
    import_rows_to_write,
    import_schedule,
)

ENTITES = [("lignes", "Lignes du fichier"), ("apprenants", "Apprenants"), ("inscriptions", "Inscriptions"),
           ("classes", "Classes"), ("formations", "Formations"), ("entreprises", "Entreprises"),
           ("tuteurs", "Tuteurs"), ("contrats", "Contrats")]
COLONNES = [CREE, MODIFIE, INCHANGE, REJETE, IGNORE]
FEMININ = {CREE: "créée", MODIFIE: "mise à jour"}
ENTITE_SINGULIER = {"apprenants": "apprenant", "inscriptions": "inscription", "classes": "classe",
                    "entreprises": "entreprise", "tuteurs": "tuteur", "contrats": "contrat"}


def _tableau(compte: dict) -> list[dict]:
    return [{"label": label, "cells": [compte.get(entite, {}).get(action, 0) for action in COLONNES]}
            for entite, label in ENTITES if compte.get(entite)]


def _detail(ligne: dict) -> str:
    if ligne["statut"] in (REJETE, IGNORE):
        return " ".join(ligne["raisons"])
    parts = [f"{ENTITE_SINGULIER[e]} {FEMININ.get(a) if e in ('classes', 'inscriptions') else ACTION_LABELS[a]}"
             for e, a in ligne["actions"].items() if a != INCHANGE and e in ENTITE_SINGULIER]
    if ligne["champs"]:
        parts.append(f"champs modifiés : {', '.join(ligne['champs'])}")
    return "; ".join(parts + ligne["alertes"]) or "rien à changer"


def _classes_url() -> str | None:
    try:
        return reverse("classe_list")
    except NoReverseMatch:
        return None


@role_required(Role.DIRECTION)
def import_index(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        nom, contenu = form.cleaned_data["fichier"]
        fichier = import_preview(contenu=contenu, nom_fichier=nom, user=request.user,
                                 referentiel_defaut=form.cleaned_data["referentiel_defaut"])
        return redirect("import_detail", pk=fichier.pk)
    return render(request, "scolarite/import_index.html", {"form": form, "imports": import_list(),
                                                           "colonnes": [ACTION_LABELS[a] for a in COLONNES]})


@role_required(Role.DIRECTION)
def import_detail(request, pk):
    fichier = import_get(pk)
    rapport = fichier.rapport
    lignes = [{**ligne, "statut_label": ACTION_LABELS[ligne["statut"]], "detail": _detail(ligne)}
              for ligne in rapport.get("lignes", [])]
    by_statut = {statut: [ligne for ligne in lignes if ligne["statut"] == statut] for statut in COLONNES}
    return render(request, "scolarite/import_detail.html", {
        "fichier": fichier, "rapport": rapport, "tableau": _tableau(rapport.get("compte", {})),
        "colonnes": [(LABELS if fichier.statut != ImportFichier.Statut.APPLIQUE else LABELS_FAITS)[a]
                     for a in COLONNES],
        "rejetees": by_statut[REJETE], "changements": by_statut[CREE] + by_statut[MODIFIE],
        "inchangees": by_statut[INCHANGE], "ignorees": by_statut[IGNORE],
        "apercu": fichier.statut in (ImportFichier.Statut.APERCU, ImportFichier.Statut.EN_COURS),
        "en_cours": fichier.statut == ImportFichier.Statut.EN_COURS,
        "confirmable": fichier.statut == ImportFichier.Statut.APERCU and not rapport.get("erreurs")
        and (by_statut[CREE] or by_statut[MODIFIE]),
        "classes_url": _classes_url(),
    })


@require_POST
@role_required(Role.DIRECTION)
def import_confirm(request, pk):
    fichier = import_get(pk)
    skip_rejected = request.POST.get("skip_rejected") == "1"
    rows = import_rows_to_write(fichier)
    try:
        if rows > SYNC_MAX_ROWS:  # a minute of writes for 2,000 rows: out of the request
            import_schedule(import_fichier=fichier, actor=request.user, skip_rejected=skip_rejected)
            fichier.refresh_from_db(fields=["statut", "rapport"])
            if fichier.statut == ImportFichier.Statut.EN_COURS:
                messages.info(request, f"L'écriture des {rows} lignes a commencé : cette page se met à jour "
                                       "d'elle-même quand elle est finie.")
                return redirect("import_detail", pk=pk)
        else:
            fichier = import_apply(import_fichier=fichier, actor=request.user, skip_rejected=skip_rejected)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if fichier.statut != ImportFichier.Statut.APPLIQUE:  # the task ran at once and refused
            return redirect("import_detail", pk=pk)
        lignes = fichier.rapport["compte"]["lignes"]
        messages.success(request, f"Import appliqué : {lignes.get(CREE, 0)} apprenant·e·s ajouté·e·s, "
                                  f"{lignes.get(MODIFIE, 0)} mis·es à jour, {lignes.get(INCHANGE, 0)} inchangé·e·s.")
    return redirect("import_detail", pk=pk)


@require_POST
@role_required(Role.DIRECTION)
def import_abandon_view(request, pk):
    fichier = import_get(pk)
    try:
        import_abandon(import_fichier=fichier, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("import_detail", pk=pk)
    messages.success(request, f"Import de {fichier.nom_fichier} abandonné : rien n'a été écrit.")
    return redirect("import_index")
