from django.shortcuts import render
from django.utils import timezone

from accounts.access import role_required
from accounts.roles import Role

from .models import Tuteur
from .selectors import tuteur_accueil
from .services_digest import digest_etat


@role_required(Role.TUTEUR)
def tuteur_home(request):
    """One screen that says what awaits the tuteur, apprentice by apprentice."""
    tuteur = Tuteur.objects.filter(user=request.user).select_related("entreprise").first()
    contrats = tuteur_accueil(request.user) if tuteur is not None else []
    return render(request, "entreprise/tuteur_home.html", {
        "tuteur": tuteur, "contrats": contrats, "en_attente": sum(c.journal_a_valider for c in contrats),
        "bilans_en_attente": sum(len(c.bilans_a_confirmer) for c in contrats),
        "today": timezone.localdate(), "digest": digest_etat(request.user),
    })


@role_required(Role.TUTEUR)
def tuteur_aide(request):
    """A short help page for a tuteur who has never used cpro."""
    return render(request, "entreprise/tuteur_aide.html")
