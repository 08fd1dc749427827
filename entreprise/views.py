from django.shortcuts import render
from django.utils import timezone

from accounts.access import role_required
from accounts.roles import Role

from .models import Tuteur
from .selectors import tuteur_accueil


@role_required(Role.TUTEUR)
def tuteur_home(request):
    """One screen that says what awaits the tuteur, apprentice by apprentice."""
    from accounts.models import PreferencesNotification

    from .services_digest import digest_unsubscribe_url

    tuteur = Tuteur.objects.filter(user=request.user).select_related("entreprise").first()
    contrats = tuteur_accueil(request.user) if tuteur is not None else []
    preferences = PreferencesNotification.objects.filter(user=request.user).first()
    return render(request, "entreprise/tuteur_home.html", {
        "tuteur": tuteur, "contrats": contrats, "en_attente": sum(c.journal_a_valider for c in contrats),
        "today": timezone.localdate(),
        "digest_actif": preferences is None or preferences.digest_actif,
        "digest_url": digest_unsubscribe_url(request.user, base_url="/"),
    })


@role_required(Role.TUTEUR)
def tuteur_aide(request):
    """A short help page for a tuteur who has never used cpro."""
    return render(request, "entreprise/tuteur_aide.html")
