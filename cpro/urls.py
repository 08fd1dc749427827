"""What an establishment's site serves (<schema>.<base domain>)."""

from django.urls import include, path

from accounts import views as accounts_views
from entreprise import views as entreprise_views
from evaluations import views as evaluations_views
from livret import views as livret_views
from referentiels import urls as referentiels_urls
from tenants import views as tenants_views
from tenants import views_verification

urlpatterns = [
    path("", accounts_views.home, name="home"),
    path("comptes/", include("allauth.urls")),
    path("direction/", accounts_views.direction_home, name="direction_home"),
    path("direction/personnes/", accounts_views.people, name="people_list"),
    path("direction/personnes/inviter/", accounts_views.invite, name="people_invite"),
    path("formateur/", evaluations_views.formateur_home, name="formateur_home"),
    path("formateur/scenarios/", include("evaluations.urls_scenario")),
    path("apprenant/", livret_views.apprenant_home, name="apprenant_home"),
    path("tuteur/", entreprise_views.tuteur_home, name="tuteur_home"),
    path("tuteur/aide/", entreprise_views.tuteur_aide, name="tuteur_aide"),
    path("inspection/", livret_views.inspecteur_home, name="inspecteur_home"),
    path("direction/imports/", include("scolarite.urls_import")),
    path("direction/transferts/", include("scolarite.urls_transfert")),
    path("direction/abonnement/", include("tenants.urls_abonnement")),
    path("direction/echelles/", include("evaluations.urls")),
    path("formateur/situations/", include("evaluations.urls_grille")),
    path("apprenant/situations/<int:pk>/", livret_views.apprenant_situation, name="apprenant_situation"),
    path("livret/", include("livret.urls")),
    path("", include("scolarite.urls")),
    path("", include("entreprise.urls")),
    path("journal/", include("entreprise.urls_journal")),
    path("periodes/", include("entreprise.urls_periodes")),
    path("visites/", include("entreprise.urls_visites")),
    path("fiches/", include("entreprise.urls_fiches")),
    path("bilans-entreprise/", include("entreprise.urls_bilan")),
    path("notifications/", include("entreprise.urls_digest")),
    path("bilans/", include("bilans.urls")),
    path("documents/", include("documents.urls")),
    path("ccf/", include("evaluations.urls_ccf")),
    path("referentiels/", include(referentiels_urls)),
    path("etablissement/logo/", tenants_views.logo, name="etablissement_logo"),
    path("etablissement/tampon/", tenants_views.tampon, name="etablissement_tampon"),
    path("verifier/", views_verification.verifier_page, name="credential_verifier"),  # also on the public site
    path("sante/", tenants_views.health, name="health"),
]

handler403 = "tenants.views.error_403"
handler404 = "tenants.views.error_404"
handler500 = "tenants.views.error_500"
