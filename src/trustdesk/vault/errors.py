from trustdesk.core.errors import Gone, NotFound, Unavailable, ValidationError


class VaultError(Unavailable):
    """Keys or ciphertexts cannot be used: the read or write is refused (fail closed)."""

    code = "vault_unavailable"
    message = "Protected data is temporarily unavailable."


class KeyProviderUnavailable(VaultError):
    code = "key_provider_unavailable"


class CiphertextInvalid(VaultError):
    """The ciphertext failed authentication: tampered, truncated or moved."""

    code = "ciphertext_invalid"
    message = "Protected data failed its integrity check."


class SubjectErased(Gone):
    """The subject's key was destroyed: its ciphertexts can never be opened again."""

    code = "erased"
    message = "This data has been erased."


class SensitiveAuthenticationData(ValidationError):
    """Card security codes and PINs are never stored (PCI DSS 3.3.1)."""

    code = "sensitive_authentication_data"


class InvalidCardNumber(ValidationError):
    code = "invalid_card_number"


class TokenUnknown(NotFound):
    """No such token for this customer: one answer for a token that never existed and
    one that belongs to someone else."""

    code = "not_found"
