"""The journal de bord, under /journal/: the learner writes, the tutor validates or sends back (one tap, HTMX when
available), the formateur comments, the direction and the inspection read. An entry one may not see is a 404;
a write by a role that only reads is a 403 (role_required)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.access import role_required
from accounts.roles import Role

from . import selectors_journal as selectors
from . import services_journal as services
from .access_journal import (
    apprenant_journal_get_for,
    apprenant_of,
    contrat_tuteur_get_for,
    entree_get_for,
    preuve_get_for,
)
from .forms_journal import CommentaireForm, EntreeForm
from .models import EntreeJournal
from .preuves import PDF

LECTEURS = (Role.APPRENANT, Role.TUTEUR, Role.FORMATEUR, Role.DIRECTION, Role.INSPECTEUR)


def _next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


@role_required(Role.APPRENANT)
def journal_apprenant(request):
    """The learner's journal: the form of a new entry, then the entries, newest first."""
    apprenant = apprenant_of(request.user)
    if apprenant is None:
        return render(request, "entreprise/journal/apprenant.html", {"apprenant": None})
    form = EntreeForm(request.POST or None, request.FILES or None, taches=selectors.taches_pour(apprenant))
    if request.method == "POST" and form.is_valid():
        try:
            entree = services.entree_create(apprenant=apprenant, auteur=request.user, **form.service_kwargs())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Entrée du {entree.date:%d/%m/%Y} enregistrée : votre tuteur va la "
                                      "relire.")
            return redirect("journal_apprenant")
    return render(request, "entreprise/journal/apprenant.html", {
        "apprenant": apprenant, "form": form, "entrees": selectors.journal_of(apprenant, user=request.user),
        "periodes": selectors.periodes_entreprise_of(apprenant),
    }, status=400 if form.errors else 200)


@role_required(Role.TUTEUR, Role.FORMATEUR, Role.DIRECTION, Role.INSPECTEUR)
def journal_of_apprenant(request, apprenant_pk: int):
    """One learner's journal as the others read it (a tutor: the entries of the contracts they supervise)."""
    apprenant = apprenant_journal_get_for(request.user, apprenant_pk)
    return render(request, "entreprise/journal/journal_apprenant.html", {
        "apprenant": apprenant, "entrees": selectors.journal_of(apprenant, user=request.user),
    })


@role_required(Role.TUTEUR)
def journal_tuteur(request):
    """What awaits the tutor: per apprentice, the entries to validate, each with « Valider » and « À revoir »."""
    return render(request, "entreprise/journal/tuteur.html", {"contrats": selectors.journal_tuteur(request.user)})


@role_required(Role.TUTEUR)
def tuteur_entree_create(request, contrat_pk: int):
    """The tutor writes an entry for their apprentice (one the learner could not write themself)."""
    contrat = contrat_tuteur_get_for(request.user, contrat_pk)
    form = EntreeForm(request.POST or None, request.FILES or None, taches=selectors.taches_pour(contrat.apprenant),
                      tuteur=True)
    if request.method == "POST" and form.is_valid():
        try:
            entree = services.entree_create(apprenant=contrat.apprenant, auteur=request.user,
                                            **form.service_kwargs())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Entrée du {entree.date:%d/%m/%Y} enregistrée dans le journal de "
                                      f"{contrat.apprenant.prenom}.")
            return redirect("journal_entree", pk=entree.pk)
    return render(request, "entreprise/journal/entree_form.html", {
        "form": form, "entree": None, "apprenant": contrat.apprenant, "contrat": contrat,
    }, status=400 if form.errors else 200)


def _detail_context(request, entree: EntreeJournal) -> dict:
    user = request.user
    historique = selectors.entree_historique(entree, cote_centre=selectors.voit_cote_centre(user, entree))
    courante = historique["courante"]
    is_tuteur = user.has_role(Role.TUTEUR) and entree.contrat.tuteurs.filter(user=user).exists()
    return {
        "entree": entree, **historique,
        "can_edit": services.entree_can_edit(entree, user),
        "can_decide": is_tuteur and courante is not None and not courante.validee,
        "comment_role": services.entree_comment_role(entree, user),
        "duree": selectors.duree_label(courante.duree_minutes) if courante else "",
    }


@role_required(*LECTEURS)
def entree_detail(request, pk: int):
    entree = entree_get_for(request.user, pk)
    return render(request, "entreprise/journal/entree_detail.html", _detail_context(request, entree))


@role_required(Role.APPRENANT, Role.TUTEUR)
def entree_edit(request, pk: int):
    """A change makes a new version; the previous ones stay in the history."""
    entree = entree_get_for(request.user, pk)
    if not services.entree_can_edit(entree, request.user):
        raise Http404("Entrée introuvable.")
    version = entree.version_courante
    initial = {"date": version.date, "texte": version.texte, "duree_minutes": version.duree_minutes,
               "taches": list(version.tache_links.values_list("tache_id", flat=True))}
    form = EntreeForm(request.POST or None, request.FILES or None, initial=initial,
                      taches=selectors.taches_pour(entree.apprenant, version.date),
                      tuteur=entree.apprenant.user_id != request.user.pk)
    if request.method == "POST" and form.is_valid():
        try:
            nouvelle = services.entree_update(entree=entree, auteur=request.user, **form.service_kwargs())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Version {nouvelle.numero} enregistrée : l'entrée est à valider.")
            return redirect("journal_entree", pk=entree.pk)
    return render(request, "entreprise/journal/entree_form.html", {
        "form": form, "entree": entree, "apprenant": entree.apprenant, "contrat": entree.contrat,
    }, status=400 if form.errors else 200)


def _tuteur_answer(request, entree: EntreeJournal, *, error: str = "", done: str = ""):
    """After a tutor's decision: with HTMX, just the entry again (with its message); without, back to the page."""
    if request.htmx:
        row = selectors.entree_row(entree.pk)
        return render(request, "entreprise/journal/_entree_tuteur.html", {
            "entree": row, "error": error, "done": done, "next": _next(request, reverse("journal_tuteur"))})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect(_next(request, reverse("journal_tuteur")))


@role_required(Role.TUTEUR)
@require_POST
def entree_validate(request, pk: int):
    entree = entree_get_for(request.user, pk)
    try:
        services.entree_validate(entree=entree, auteur=request.user, version_id=request.POST.get("version"))
    except ValidationError as error:
        return _tuteur_answer(request, entree, error=" ".join(error.messages))
    return _tuteur_answer(request, entree, done=f"Entrée du {entree.date:%d/%m/%Y} validée.")


@role_required(Role.TUTEUR)
def entree_a_revoir(request, pk: int):
    entree = entree_get_for(request.user, pk)
    form = CommentaireForm(request.POST or None, label="Ce qui est à revoir")
    if request.method == "POST":
        if not form.is_valid():
            if request.htmx:
                return _tuteur_answer(request, entree, error="Dites ce qui est à revoir : l'apprenant lira "
                                                             "votre commentaire.")
        else:
            try:
                services.entree_a_revoir(entree=entree, auteur=request.user,
                                         commentaire=form.cleaned_data["commentaire"],
                                         version_id=request.POST.get("version"))
            except ValidationError as error:
                if request.htmx:
                    return _tuteur_answer(request, entree, error=" ".join(error.messages))
                form.add_error(None, error)
            else:
                return _tuteur_answer(request, entree, done=f"Entrée du {entree.date:%d/%m/%Y} renvoyée à "
                                                            f"{entree.apprenant.prenom} pour être revue.")
    return render(request, "entreprise/journal/commentaire_form.html", {
        "form": form, "entree": entree, "titre": "Demander une modification",
        "action": reverse("journal_entree_a_revoir", args=[entree.pk]), "bouton": "Renvoyer à l'apprenant",
        "next": _next(request, reverse("journal_tuteur")),
    }, status=400 if form.errors else 200)


@role_required(Role.FORMATEUR, Role.TUTEUR)
def entree_comment(request, pk: int):
    entree = entree_get_for(request.user, pk)
    role = services.entree_comment_role(entree, request.user)
    if role is None:
        raise Http404("Entrée introuvable.")
    form = CommentaireForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.entree_comment(entree=entree, auteur=request.user, commentaire=form.cleaned_data["commentaire"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Commentaire enregistré.")
            return redirect("journal_entree", pk=entree.pk)
    return render(request, "entreprise/journal/commentaire_form.html", {
        "form": form, "entree": entree, "titre": "Commenter l'entrée",
        "action": reverse("journal_entree_comment", args=[entree.pk]), "bouton": "Enregistrer le commentaire",
        "aide": "Visible par l'apprenant et l'équipe du centre, pas par le tuteur."
        if role == Role.FORMATEUR else "Visible par l'apprenant et l'équipe du centre.",
    }, status=400 if form.errors else 200)


@role_required(*LECTEURS)
def preuve_view(request, pk: int):
    """A piece of evidence, to whoever may see its entry, shown in the browser (never sniffed)."""
    preuve = preuve_get_for(request.user, pk)
    try:
        handle = preuve.fichier.open("rb")
    except FileNotFoundError:
        raise Http404("Fichier introuvable.") from None
    response = FileResponse(handle, as_attachment=False, filename=preuve.nom, content_type=preuve.type_mime)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    if preuve.type_mime != PDF:  # a browser's PDF viewer does not run in a sandboxed document
        response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response
