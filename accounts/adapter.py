from allauth.account.adapter import DefaultAccountAdapter
from django.db import connection


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Accounts are created by the direction (invitations) or by the operator, never by open sign-up.
        return False

    def format_email_subject(self, subject) -> str:
        return f"[cpro · {self._etablissement_name()}] {subject}"

    def send_mail(self, template_prefix, email, context):
        # People must recognise their establishment in every email, not a bare host name.
        context = {**context, "etablissement_name": self._etablissement_name()}
        return super().send_mail(template_prefix, email, context)

    @staticmethod
    def _etablissement_name() -> str:
        tenant = getattr(connection, "tenant", None)
        if tenant is None or connection.schema_name == "public":
            return "plateforme cpro"
        return tenant.name
