"""The built-in recognizers, in priority order (earlier wins a tie in overlap resolution:
validated identifiers before guesses)."""

from trustdesk.pii.recognizers.address import StreetAddressRecognizer
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
from trustdesk.pii.recognizers.http import (
    HttpHeaderRecognizer,
    JwtRecognizer,
    SessionIdRecognizer,
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
    # HTTP credentials (recognizers/http.py): before the card and number guesses, so a
    # digit run inside a session id or token goes with it.
    HttpHeaderRecognizer,
    SessionIdRecognizer,
    JwtRecognizer,
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
    StreetAddressRecognizer,
)

__all__ = ["BUILTIN", "AnchoredRecognizer", "Context", "PatternRecognizer", "Recognizer",
           "ScanOptions"]
