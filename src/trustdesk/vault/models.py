from django.db import models


class CardToken(models.Model):
    """A tokenized payment card number. The PAN exists only here, sealed under its
    customer's key; everything else holds the token and the masked form."""

    token = models.CharField(max_length=40, unique=True)
    subject = models.CharField(max_length=80, db_index=True)
    field = models.CharField(max_length=64, blank=True)
    sealed_pan = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.token


class PiiToken(models.Model):
    """A value found in what a customer wrote (an SSN, an IBAN, a passport number…),
    replaced in the message by this token. The value exists only here, sealed under its
    customer's key and bound to the token; the row names the kind of value, never the
    value itself."""

    token = models.CharField(max_length=120, unique=True)
    subject = models.CharField(max_length=80, db_index=True)
    entity = models.CharField(max_length=64)
    sealed_value = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.token
