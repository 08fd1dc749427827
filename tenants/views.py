from django.conf import settings
from django.db import connection
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control

from accounts.access import role_required
from accounts.roles import Role

from .selectors import etablissement_list


def public_home(request):
    return render(request, "tenants/public_home.html")


def accessibilite(request):
    """The déclaration d'accessibilité, on the public site; every establishment's footer links here."""
    from . import accessibilite as declaration

    return render(request, "tenants/accessibilite.html", {
        "declaration": declaration,
        "exceptions": declaration.exceptions_declarees(),
        "contact": settings.CPRO_CONTACT_ACCESSIBILITE,
    })


@role_required(Role.OPERATEUR)
def operateur_home(request):
    return render(request, "tenants/operateur_home.html", {"etablissements": etablissement_list()})


def _image(field):
    if not field:
        raise Http404("Pas d'image.")
    try:
        return FileResponse(field.open("rb"))
    except FileNotFoundError:
        raise Http404("Pas d'image.") from None


@cache_control(private=True, max_age=3600)
def logo(request):
    return _image(request.tenant.logo)


@cache_control(private=True, max_age=0)
@role_required(Role.DIRECTION, Role.INSPECTEUR)
def tampon(request):
    """The stamp goes on documents; only the direction (and inspection, read-only) sees it on its own."""
    return _image(request.tenant.tampon)


def health(request):
    """For load balancers: the database answers, and which schema this host maps to."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "schema": connection.schema_name})


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    # No context processors: the failure may come from the database itself.
    from django.http import HttpResponseServerError
    from django.template.loader import get_template

    return HttpResponseServerError(get_template("500.html").render())
