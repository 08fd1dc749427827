from django.shortcuts import render

from accounts.access import role_required
from accounts.roles import Role

from .models import Tuteur
from .selectors import tuteur_contrats


@role_required(Role.TUTEUR)
def tuteur_home(request):
    """The apprentices a tuteur supervises, running or to come: their record is linked by the invitation."""
    tuteur = Tuteur.objects.filter(user=request.user).select_related("entreprise").first()
    contrats = tuteur_contrats(request.user) if tuteur is not None else []
    return render(request, "entreprise/tuteur_home.html", {"tuteur": tuteur, "contrats": contrats})
