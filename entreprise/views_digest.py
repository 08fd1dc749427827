"""The unsubscribe link of the daily digest: works without logging in (the signed token says who).

GET shows a page with one button; POST unsubscribes. A GET never changes anything: mail scanners open links.
The same URL takes the RFC 8058 one-click POST that mail clients send (`List-Unsubscribe=One-Click`, without a
CSRF token: exempt, which risks nothing since only the holder of the signed link can use it)."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .services_digest import digest_preferences, digest_resubscribe, digest_token_user, digest_unsubscribe


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def desinscription(request, token):
    user = digest_token_user(token)
    if user is None:
        return render(request, "entreprise/digest/lien_invalide.html", status=400)
    if request.method == "POST":
        if request.POST.get("action") == "reabonner":
            preferences = digest_resubscribe(user=user)
        else:  # our button, or a mail client's one-click POST
            preferences = digest_unsubscribe(user=user)
        return render(request, "entreprise/digest/desinscription_faite.html",
                      {"preferences": preferences, "token": token})
    return render(request, "entreprise/digest/desinscription.html",
                  {"preferences": digest_preferences(user), "token": token, "destinataire": user.email})
