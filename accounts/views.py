from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from .access import role_required
from .forms import InvitationForm
from .roles import ROLE_HOME, Role
from .selectors import people_count_by_role, people_list
from .services import user_invite


@login_required
def home(request):
    """Send each person to the home page of their first role."""
    for role, url_name in ROLE_HOME.items():
        if request.user.has_role(role) and role != Role.OPERATEUR:
            return redirect(url_name)
    return render(request, "accounts/no_role.html", status=403)


@role_required(Role.DIRECTION)
def direction_home(request):
    return render(request, "accounts/direction_home.html", {"role_counts": people_count_by_role()})


@role_required(Role.DIRECTION)
def people(request):
    return render(request, "accounts/people_list.html", {"people": people_list()})


@role_required(Role.DIRECTION)
def invite(request):
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = user_invite(invited_by=request.user, base_url=request.build_absolute_uri("/"),
                                     **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Invitation envoyée à {invitation.email}.")
            return redirect("people_list")
    return render(request, "accounts/invite.html", {"form": form})
