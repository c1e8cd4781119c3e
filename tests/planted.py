"""Distinctive customer values for access tests: each one easy to spot in a response."""

PAN = "4111111111111111"
PROFILE = {
    "full_name": "Ada Lovelace", "email": "ada.secret@example.org", "phone": "+442079460958",
    "account_number": "ACCT-99887766", "postal_address": "12 Secret Street, London",
    "date_of_birth": "1961-12-10", "payment_card": PAN, "company": "Engines Ltd",
}
