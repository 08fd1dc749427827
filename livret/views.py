from django.shortcuts import render

from accounts.access import role_required
from accounts.roles import Role

from .selectors import apprenant_dashboard


@role_required(Role.APPRENANT)
def apprenant_home(request):
    return render(request, "livret/apprenant_home.html", apprenant_dashboard(request.user))


@role_required(Role.INSPECTEUR)
def inspecteur_home(request):
    return render(request, "livret/inspecteur_home.html")
