from django.urls import path, re_path

from . import views

urlpatterns = [
    path("", views.referentiel_index, name="referentiel_index"),
    path("<uuid:uuid>/", views.referentiel_detail, name="referentiel_detail"),
    re_path(r"^(?P<uuid>[0-9a-f-]{36})/telecharger/(?P<fmt>yaml|case)/$", views.referentiel_download,
            name="referentiel_download"),
]
