"""What the public site serves (the base domain): the platform's front page and the operators' space."""

from django.urls import include, path

from referentiels import views_import
from tenants import views, views_devis, views_operateur, views_verification

urlpatterns = [
    path("", views.public_home, name="home"),
    path("accessibilite/", views.accessibilite, name="accessibilite"),
    path("comptes/", include("allauth.urls")),
    path("operateur/", views.operateur_home, name="operateur_home"),
    path("operateur/abonnements/", views_operateur.operateur_abonnements, name="operateur_abonnements"),
    path("operateur/etablissements/<int:pk>/abonnements/", views_operateur.operateur_etablissement,
         name="operateur_etablissement"),
    path("operateur/abonnements/<int:pk>/payer/", views_operateur.operateur_abonnement_payer,
         name="operateur_abonnement_payer"),
    path("operateur/abonnements/<int:pk>/annuler/", views_operateur.operateur_abonnement_annuler,
         name="operateur_abonnement_annuler"),
    path("referentiels/importer/", views_import.import_upload, name="referentiel_import"),
    path("referentiels/importer/confirmer/", views_import.import_confirm, name="referentiel_import_confirm"),
    path("referentiels/", include("referentiels.urls")),
    path("verifier/", views_verification.verifier_page, name="credential_verifier"),
    path("etablissements/<slug:schema>/", views_verification.emetteur_profil, name="credential_emetteur"),
    path("etablissements/<slug:schema>/cle.json", views_verification.cle_publique, name="credential_cle"),
    path("operateur/abonnements/<int:pk>/devis.pdf", views_devis.operateur_devis, name="operateur_abonnement_devis"),
    path("operateur/abonnements/<int:pk>/facture.pdf", views_devis.operateur_facture,
         name="operateur_abonnement_facture"),
    path("sante/", views.health, name="health"),
]

handler403 = "tenants.views.error_403"
handler404 = "tenants.views.error_404"
handler500 = "tenants.views.error_500"
