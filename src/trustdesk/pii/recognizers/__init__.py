"""The built-in recognizers, in priority order (earlier wins a tie in overlap resolution:
validated identifiers before guesses)."""

from trustdesk.pii.recognizers.base import (
    AnchoredRecognizer,
    Context,
    PatternRecognizer,
    Recognizer,
    ScanOptions,
)
from trustdesk.pii.recognizers.contact import (
    EmailRecognizer,
    IpAddressRecognizer,
    UrlRecognizer,
)
from trustdesk.pii.recognizers.dates import DateOfBirthRecognizer, DateRecognizer
from trustdesk.pii.recognizers.financial import (
    AbaRoutingRecognizer,
    BankAccountRecognizer,
    CreditCardRecognizer,
    IbanRecognizer,
)
from trustdesk.pii.recognizers.identity import (
    CnResidentIdRecognizer,
    DriverLicenseRecognizer,
    PassportRecognizer,
    UsSsnBareRecognizer,
    UsSsnRecognizer,
)
from trustdesk.pii.recognizers.phone import CnMobileRecognizer, PhoneRecognizer
from trustdesk.pii.recognizers.secrets import (
    ApiKeyRecognizer,
    PasswordRecognizer,
    PrivateKeyRecognizer,
    SecretAssignmentRecognizer,
)

BUILTIN: tuple[type[Recognizer], ...] = (
    PrivateKeyRecognizer,
    ApiKeyRecognizer,
    CnResidentIdRecognizer,
    CreditCardRecognizer,
    IbanRecognizer,
    UsSsnRecognizer,
    UsSsnBareRecognizer,
    AbaRoutingRecognizer,
    EmailRecognizer,
    IpAddressRecognizer,
    CnMobileRecognizer,
    PhoneRecognizer,
    PasswordRecognizer,
    SecretAssignmentRecognizer,
    PassportRecognizer,
    DriverLicenseRecognizer,
    DateOfBirthRecognizer,
    DateRecognizer,
    BankAccountRecognizer,
    UrlRecognizer,
)

__all__ = ["BUILTIN", "AnchoredRecognizer", "Context", "PatternRecognizer", "Recognizer",
           "ScanOptions"]
