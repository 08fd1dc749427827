from django.shortcuts import render

from accounts.access import role_required
from accounts.roles import Role


@role_required(Role.FORMATEUR)
def formateur_home(request):
    return render(request, "evaluations/formateur_home.html")
