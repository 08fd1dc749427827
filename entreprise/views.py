from django.shortcuts import render

from accounts.access import role_required
from accounts.roles import Role


@role_required(Role.TUTEUR)
def tuteur_home(request):
    return render(request, "entreprise/tuteur_home.html")
