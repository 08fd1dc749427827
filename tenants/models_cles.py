"""The establishment's signing key (Ed25519) for the credentials it issues (docs/credentials.md).

Stored in the public schema, next to the establishment, because the public verification page reads the public
key without entering any establishment. The private key is kept encrypted (Fernet, with a key derived from
CPRO_SIGNATURE_SECRET) and is never served: only `publique` leaves the database."""

from django.db import models


class CleSignature(models.Model):
    etablissement = models.OneToOneField("tenants.Etablissement", on_delete=models.PROTECT,
                                         related_name="cle_signature")
    publique = models.BinaryField("clé publique Ed25519 (32 octets)")
    privee_chiffree = models.BinaryField("clé privée chiffrée (Fernet)")
    creee_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "clé de signature"
        verbose_name_plural = "clés de signature"

    def __str__(self) -> str:
        return f"clé de {self.etablissement_id}"
