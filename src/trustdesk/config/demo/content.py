"""Word lists and conversation scripts for the demo helpdesk. Email domains are the
reserved example domains (RFC 2606); phone numbers come from the numbering plans'
published example ranges."""

FIRST_NAMES = (
    "Amara", "Ben", "Chen", "Daniela", "Emeka", "Fatima", "Gustav", "Hana", "Ivan", "Jasmin",
    "Kenji", "Lucia", "Mateo", "Nadia", "Oliver", "Priya", "Quentin", "Rosa", "Sven", "Tariq",
    "Uma", "Viktor", "Wei", "Ximena", "Yusuf", "Zoe", "Aiko", "Bruno", "Carmen", "Dmitri",
)
LAST_NAMES = (
    "Okafor", "Schmidt", "Wang", "García", "Nakamura", "Haddad", "Lindqvist", "Novak",
    "Petrov", "Kaur", "Dubois", "Rossi", "Silva", "Kowalski", "O'Brien", "Müller", "Tanaka",
    "Mensah", "Jensen", "Costa", "Fischer", "Ahmed", "Moreau", "Park", "Yilmaz",
)
COMPANIES = (
    "Northwind Traders", "Globex", "Initech", "Umbrella Logistics", "Stark Analytics",
    "Wayne Foods", "Acme Retail", "Hooli", "Vandelay Imports", "Soylent Labs",
)
REGIONS = (("GB", "en"), ("US", "en"), ("DE", "de"), ("FR", "fr"), ("ES", "es"), ("IT", "it"),
           ("NL", "nl"), ("SE", "sv"), ("JP", "ja"), ("BR", "pt-BR"))
DOMAINS = ("example.com", "example.org", "example.net")
# The card networks' published test numbers: valid by Luhn, never real accounts.
TEST_CARDS = ("4111111111111111", "5555555555554444", "378282246310005", "6011111111111117")

AGENTS = (
    ("Maya Lindgren", "supervisor", ("Billing", "Technical")),
    ("Sam Okoye", "senior_agent", ("Technical",)),
    ("Lena Vogel", "agent", ("Billing",)),
    ("Ravi Menon", "agent", ("Technical",)),
    ("Jo Alvarez", "agent", ("Accounts",)),
    ("Noor Haddad", "billing", ("Billing",)),
    ("Ada Admin", "admin", ()),
    ("Sebastian Kraft", "security_officer", ()),
    ("Priya Raman", "privacy_officer", ()),
    ("Tom Auditor", "auditor", ()),
)
TEAMS = (
    ("Billing", "Invoices, refunds and subscriptions"),
    ("Technical", "The app, sync and integrations"),
    ("Accounts", "Sign-in, profile and account changes"),
)

# (team, subject, customer's first message, [follow-ups alternating agent/customer])
SCRIPTS = (
    ("Billing", "Charged twice for my subscription",
     "Hi, I was charged twice this month for the Pro plan. Could you look into it and refund "
     "the duplicate?",
     ["Thanks for letting us know, {first}. I can see two payments on the 3rd; the second one "
      "is a duplicate. I have started a refund, which takes 3–5 working days.",
      "Great, thank you for the quick help!"]),
    ("Billing", "Invoice needs our VAT number",
     "Could you reissue last month's invoice with our company VAT number on it?",
     ["Of course. Could you reply with the VAT number exactly as it should appear?",
      "It is on the attached registration letter, thanks."]),
    ("Billing", "How do I cancel the annual plan?",
     "We no longer need the annual plan after March. How do we cancel without losing data?",
     ["You can cancel from Settings → Plan at any time; your data stays exportable for 30 "
      "days after the plan ends."]),
    ("Technical", "App crashes when I open reports",
     "Since the last update the app closes as soon as I open the Reports tab. iPhone 14.",
     ["Sorry about that, {first}. Does it happen with every report or one in particular?",
      "Every report, even the empty ones.",
      "Thanks. Our engineers reproduced it; a fix ships in 4.2.1 later this week."]),
    ("Technical", "Calendar sync stopped working",
     "My calendar has not synced since Tuesday. I did not change anything.",
     ["Could you try disconnecting and reconnecting the calendar under Integrations?",
      "That fixed it. Thanks!"]),
    ("Technical", "Export to CSV is missing columns",
     "The CSV export no longer includes the 'region' column we rely on.",
     ["Good catch — the column moved to the 'Detailed' export format. Choose Export → "
      "Detailed and it will be there."]),
    ("Accounts", "Locked out after changing phones",
     "I got a new phone and can no longer sign in because my authenticator app is gone.",
     ["We can help you recover access. For your security we will never ask for your password "
      "or a code by email. We will call the number on your account to verify you.",
      "OK, I am available this afternoon."]),
    ("Accounts", "Please change the email on my account",
     "I am moving to a new email address. Can you change it on my account?",
     ["Happy to. To protect your account, please confirm the change from the link we just "
      "sent to your current address."]),
    ("Accounts", "Request a copy of my data",
     "Under GDPR I would like a copy of all personal data you hold about me.",
     ["We have received your request and will send the export within 30 days, usually much "
      "sooner. We will verify your identity first."]),
    ("Technical", "Two-factor codes arrive late",
     "SMS codes take several minutes to arrive, so they expire before I can use them.",
     ["Delays sometimes come from the carrier. You can switch to an authenticator app under "
      "Security for instant codes."]),
    ("Billing", "Refund for unused months",
     "I downgraded mid-year. Am I owed a refund for the unused months?",
     ["Downgrades are credited pro rata to your next invoices rather than refunded. Your "
      "credit is visible under Billing → Credits."]),
    ("Accounts", "Delete my account",
     "Please close my account and delete my data.",
     ["We are sorry to see you go. We will verify the request and confirm once erasure is "
      "complete."]),
)
NOTES = (
    "Checked the payment provider: duplicate confirmed.",
    "Escalated to engineering, bug TD-4821.",
    "Customer verified by callback to the registered number.",
    "Waiting on finance for the reissued invoice.",
)
