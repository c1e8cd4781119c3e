"""A labelled corpus of ticket-like texts for the PII benchmarks, generated with a fixed
seed from this project's own templates (no public PII data set is used or imitated).

Each text is a short customer message in English, German, French, Spanish, Italian,
Dutch or Chinese, or a web-form submission: greeting, problem, up to four pieces of PII
written the way people write them (``_pii_values``: every issuer range and length,
phones national and international with extensions, trunk prefixes in parentheses and odd
groupings, dates in many locales), street addresses of many countries and references
that look like PII but are not (``_pii_lookalikes``), and a sign-off. Gold labels are
(entity, start, end) of the PII pieces only; addresses and references are unlabelled.
"""

from __future__ import annotations

import ipaddress
import random
import string

from _pii_lookalikes import Lookalikes
from _pii_values import Values

from trustdesk.pii import validators as v

IBAN_COUNTRIES = ["DE", "GB", "FR", "NL", "ES", "IT", "CH", "AT", "BE", "PL", "SE", "NO",
                  "IE", "PT", "DK", "FI"]
# National numbers come from the regions a scan tries by default (a national number of
# another region is ambiguous without a locale); international ones from anywhere.
NATIONAL_REGIONS = ["US", "US", "US", "GB", "GB", "DE", "DE", "FR", "CN", "IN", "CA", "AU",
                    "ES", "IT", "NL"]
ANY_REGIONS = [*NATIONAL_REGIONS, "CH", "AT", "BE", "JP", "BR", "MX", "SG", "ZA", "KR",
               "SE", "PL", "HK", "RU", "AE"]
LANG_REGION = {"en": None, "de": "DE", "fr": "FR", "es": "ES", "it": "IT", "nl": "NL",
               "zh": "CN"}
FIRST = ["ada", "grace", "alan", "li", "wei", "maria", "jose", "anna", "lukas", "chloe",
         "mohammed", "priya", "kenji", "olga", "tom", "sarah", "zhang.wei", "j.smith"]
DOMAINS = ["example.com", "example.org", "mail.example.net", "corp.example.co.uk",
           "example.de", "example.fr", "example.cn", "uni.example.edu", "example.io"]

LANG = {
    "en": dict(hi=["Hi,", "Hello support,", "Dear team,", "Hey,"],
               problem=["I can't log in since yesterday.", "My refund has not arrived.",
                        "The app crashes when I open settings.",
                        "Please update my billing details.",
                        "I was charged twice this month.", "My parcel never arrived."],
               bye=["Thanks,", "Regards,", "Cheers,", "Thank you!"]),
    "de": dict(hi=["Hallo,", "Guten Tag,", "Liebes Support-Team,"],
               problem=["Ich kann mich seit gestern nicht anmelden.",
                        "Meine Erstattung ist noch nicht da.",
                        "Bitte aktualisieren Sie meine Zahlungsdaten."],
               bye=["Danke,", "Viele Grüße,", "Mit freundlichen Grüßen,"]),
    "fr": dict(hi=["Bonjour,", "Bonjour l'équipe,"],
               problem=["Je n'arrive plus à me connecter.",
                        "Mon remboursement n'est pas arrivé.",
                        "Merci de mettre à jour mes coordonnées bancaires."],
               bye=["Merci,", "Cordialement,"]),
    "es": dict(hi=["Hola,", "Buenos días,"],
               problem=["No puedo iniciar sesión desde ayer.",
                        "Mi reembolso no ha llegado.",
                        "Por favor actualicen mis datos de pago."],
               bye=["Gracias,", "Saludos,"]),
    "zh": dict(hi=["您好，", "客服你好，"],
               problem=["我从昨天开始无法登录。", "我的退款还没有到账。", "请更新我的付款信息。",
                        "这个月被重复扣款了。"],
               bye=["谢谢！", "此致。"]),
    "it": dict(hi=["Buongiorno,", "Salve,"],
               problem=["Non riesco ad accedere da ieri.", "Il rimborso non è arrivato.",
                        "Vi prego di aggiornare i miei dati di pagamento."],
               bye=["Grazie,", "Cordiali saluti,"]),
    "nl": dict(hi=["Hallo,", "Beste support,"],
               problem=["Ik kan sinds gisteren niet inloggen.",
                        "Mijn terugbetaling is er nog niet.",
                        "Wilt u mijn betaalgegevens bijwerken?"],
               bye=["Bedankt,", "Met vriendelijke groet,"]),
}


LABEL = {  # how each language introduces a piece of PII (may be empty: unlabelled)
    "card": {"en": ["my card is ", "card number: ", "Visa ", "charged to ", "paid with ", ""],
             "de": ["meine Kartennummer ist ", "Karte: "], "fr": ["ma carte ", "carte n° "],
             "es": ["mi tarjeta es ", "tarjeta: "], "it": ["la mia carta ", "carta: "],
             "nl": ["mijn kaart ", ""], "zh": ["卡号", "我的信用卡是", "银行卡号："]},
    "iban": {"en": ["IBAN ", "my IBAN is ", "please refund to "], "de": ["IBAN: ", "an "],
             "fr": ["IBAN : ", "mon IBAN "], "es": ["IBAN ", "cuenta IBAN "],
             "zh": ["IBAN：", "退款账户 "]},
    "phone": {"en": ["call me at ", "my phone is ", "Tel: ", "mobile: ", "you can reach me on ",
                     "contact number ", "office line ", "", ""],
              "de": ["Telefon: ", "rufen Sie mich an unter ", "Handy ", "Tel. "],
              "fr": ["téléphone : ", "mon portable ", "tél. "], "es": ["teléfono: ", "móvil "],
              "it": ["telefono ", "cellulare "], "nl": ["telefoon ", "bel me op "],
              "zh": ["电话：", "手机", "联系电话 "]},
    "email": {"en": ["email me at ", "my address is ", "", "reply to "],
              "de": ["E-Mail: ", "schreiben Sie an "], "fr": ["mon e-mail : ", "écrivez à "],
              "es": ["correo: ", "escriban a "], "zh": ["邮箱", "邮箱：", "发邮件到"]},
    "ip": {"en": ["my IP is ", "from IP ", "logged in from ", "server "],
           "de": ["IP-Adresse ", "von "], "fr": ["adresse IP ", "depuis "],
           "es": ["IP ", "desde "], "zh": ["IP地址", "登录IP："]},
    "ssn": {"en": ["SSN ", "my social security number is ", "SSN: ", "social: ", ""]},
    "date": {"en": ["DOB ", "born on ", "date of birth: ", "on ", "since ", "dated ",
                    "the charge on ", "birthday ", ""],
             "de": ["Geburtsdatum: ", "am ", "seit dem ", "geboren am "],
             "fr": ["né le ", "le ", "depuis le ", "date de naissance : "],
             "es": ["fecha de nacimiento: ", "el ", "desde el "],
             "it": ["nato il ", "il ", "dal "], "nl": ["geboren op ", "op "],
             "zh": ["出生日期：", "日期：", "于", "生日"]},
    "address": {"en": ["I live at ", "ship to ", "my address: ", "billing address ", ""],
                "de": ["Adresse: ", "Lieferadresse "], "fr": ["adresse : ", "j'habite "],
                "es": ["dirección: ", "vivo en "], "it": ["indirizzo: ", ""],
                "nl": ["adres: ", ""], "zh": ["地址：", "寄到", "收货地址 "]},
}
ENTITY = {"card": "CREDIT_CARD", "iban": "IBAN_CODE", "phone": "PHONE_NUMBER",
          "email": "EMAIL_ADDRESS", "ip": "IP_ADDRESS", "ssn": "US_SSN", "date": "DATE_TIME"}


class Corpus:
    def __init__(self, seed: int = 20240601) -> None:
        self.r = random.Random(seed)
        self.values = Values(self.r)
        self.looks = Lookalikes(self.r)

    def digits(self, n: int) -> str:
        return self.values.digits(n)

    # --- PII values ---------------------------------------------------------------------
    def iban(self) -> str:
        cc = self.r.choice(IBAN_COUNTRIES)
        bank = "".join(self.r.choice(string.ascii_uppercase) for _ in range(4)) \
            if cc in ("GB", "NL", "IE") else ""
        bban = bank + self.digits(v.IBAN_LENGTHS[cc] - 4 - len(bank))
        check = 98 - int("".join(str(int(c, 36)) for c in bban + cc + "00")) % 97
        value = f"{cc}{check:02d}{bban}"
        if self.r.random() < 0.6:
            value = " ".join(value[i:i + 4] for i in range(0, len(value), 4))
        return value

    def ssn(self) -> str:
        while True:
            d = f"{self.r.randint(1, 899):03d}{self.r.randint(1, 99):02d}" \
                f"{self.r.randint(1, 9999):04d}"
            if v.us_ssn(d):
                break
        return self.r.choice([f"{d[:3]}-{d[3:5]}-{d[5:]}"] * 4 + [f"{d[:3]} {d[3:5]} {d[5:]}"])

    def phone(self, lang: str) -> str:
        international = self.r.random() < 0.45 or lang == "es"
        region = self.r.choice(ANY_REGIONS if international else NATIONAL_REGIONS)
        if LANG_REGION.get(lang) and self.r.random() < 0.6:
            region = LANG_REGION[lang]
        return self.values.phone(region, international)

    def email(self) -> str:
        local = self.r.choice(FIRST) + self.r.choice(["", "", str(self.r.randint(1, 99)),
                                                       "+support", ".work"])
        value = f"{local}@{self.r.choice(DOMAINS)}"
        return value.title() if self.r.random() < 0.1 else value

    def wrapped(self, kind: str) -> tuple[str, str, str]:
        """(before, value, after): addresses in brackets or a mailto: link, IPs with a
        port or a prefix length."""
        if kind == "email":
            value = self.email()
            return self.r.choice([("", value, ""), ("", value, ""), ("<", value, ">"),
                                  ("mailto:", value, ""), ("(", value, ")")])
        value = self.ip()
        if ":" in value:
            return self.r.choice([("", value, ""), ("", value, ""), ("[", value, "]:8443")])
        return self.r.choice([("", value, ""), ("", value, ""), ("", value, ":8080"),
                              ("", value, "/24")])

    def ip(self) -> str:
        if self.r.random() < 0.75:
            return str(ipaddress.IPv4Address(self.r.randint(0x01000000, 0xDFFFFFFF)))
        net = ipaddress.IPv6Network("2001:db8::/32")
        addr = net[self.r.randint(0, 2**96)]
        return addr.compressed if self.r.random() < 0.7 else addr.exploded

    def value(self, kind: str, lang: str) -> tuple[str, str, str, str | None]:
        """(before, value, after, label override) for a piece of PII of ``kind``."""
        if kind in ("email", "ip"):
            return (*self.wrapped(kind), None)
        if kind == "card":
            label, value = self.values.card(lang)
            return "", value, "", label
        if kind == "phone":
            return "", self.phone(lang), "", None
        if kind == "date":
            return "", self.values.date(self.r.choice(["ko", "zh"]) if lang == "zh"
                                        and self.r.random() < 0.1 else lang), "", None
        return "", getattr(self, kind)(), "", None

    def negative(self, lang: str) -> str:
        if self.r.random() < 0.4:
            address = self.looks.address()
            if self.r.random() < 0.6:
                labels = LABEL["address"].get(lang) or LABEL["address"]["en"]
                address = self.r.choice(labels) + address
            return address
        bad_card = lambda: self.values.group_card(self.values.card_digits(luhn_ok=False))  # noqa: E731
        return self.looks.reference(bad_card, self.values.bad_date)

    # --- whole texts --------------------------------------------------------------------
    def form(self) -> tuple[str, str, list[tuple[str, int, int]]]:
        """A web-form submission: "Label: value" lines, PII mixed with look-alikes."""
        r = self.r
        rows = [("Name", r.choice(["Ada L.", "G. Hopper", "Wei Zhang", "Maria"]), None)]
        fields = {"card": ["Card number", "Card", "Credit card"], "iban": ["IBAN", "Bank"],
                  "phone": ["Phone", "Mobile", "Telephone", "Contact"],
                  "email": ["Email", "E-mail", "Reply-To"], "ip": ["IP", "Client IP"],
                  "ssn": ["SSN", "Social Security No."],
                  "date": ["Date of birth", "DOB", "Order date", "Date"]}
        for kind in r.sample(sorted(fields), r.randint(1, 4)):
            _, value, _, _ = self.value(kind, "en")
            rows.append((r.choice(fields[kind]), value, kind))
        negatives = [
            ("Order ID", lambda: self.digits(10)), ("Customer ID", lambda: self.digits(8)),
            ("Tracking", lambda: self.digits(12)), ("Postcode", lambda: self.digits(5)),
            ("Address", self.looks.address),
            ("Amount", lambda: f"{r.randint(1, 9999)}.{self.digits(2)}"),
            ("Reference", lambda: self.values.group_card(
                self.values.card_digits(luhn_ok=False))),
            ("App version", lambda: f"{r.randint(1, 9)}.{r.randint(0, 20)}.{r.randint(0, 99)}"),
        ]
        for label, make in r.sample(negatives, r.randint(1, 4)):
            rows.append((label, make().replace("\n", ", "), None))
        r.shuffle(rows)
        text, gold = "", []
        for label, value, kind in rows:
            text += f"{label}: "
            if kind:
                gold.append((ENTITY[kind], len(text), len(text) + len(value)))
            text += value + "\n"
        return "form", text, gold

    def text(self) -> tuple[str, str, list[tuple[str, int, int]]]:
        r = self.r
        if r.random() < 0.15:
            return self.form()
        lang = r.choices(["en", "de", "fr", "es", "it", "nl", "zh"],
                         weights=[45, 12, 9, 7, 5, 5, 17])[0]
        words, zh = LANG[lang], lang == "zh"
        out: list[str] = []
        gold: list[tuple[str, int, int]] = []

        def add(chunk: str, *, space: bool = True, kind: str | None = None) -> None:
            if out and space and not zh:
                out.append(" ")
            start = sum(map(len, out))
            out.append(chunk)
            if kind:
                gold.append((ENTITY[kind], start, start + len(chunk)))

        add(r.choice(words["hi"]))
        add(r.choice(words["problem"]))
        kinds = ["card", "iban", "phone", "phone", "email", "ip", "date", "date"] + (
            ["ssn"] if lang == "en" else [])
        items = [r.choice(kinds) for _ in range(r.choice([0, 1, 1, 2, 2, 3, 4]))]
        items += [None] * r.choice([0, 1, 1, 2, 3])
        r.shuffle(items)
        for kind in items:
            if kind is None:
                add(self.negative(lang))
            else:
                before, value, after, label = self.value(kind, lang)
                if label is None:
                    label = r.choice(LABEL[kind].get(lang) or LABEL[kind]["en"])
                if label:
                    add(label.rstrip())
                if before:
                    add(before, space=label.endswith(" ") or not label)
                add(value, kind=kind, space=not before and (label.endswith(" ") or not label))
                if after:
                    add(after, space=False)
            add("。" if zh else r.choice([".", ",", "", "!"]), space=False)
        add(r.choice(words["bye"]))
        return lang, "".join(out), gold


def corpus(n: int = 2500, seed: int = 20240601) -> list[tuple[str, str, list]]:
    """``n`` texts as (language or "form", text, gold spans)."""
    c = Corpus(seed)
    return [c.text() for _ in range(n)]


AGENT_REPLIES = [
    "Thanks for reaching out. I have passed this to our billing team; they will get back "
    "to you within one business day. Please do not send card numbers or passwords by "
    "e-mail: we will never ask for them.",
    "Sorry for the trouble! Could you try clearing the app cache and signing in again? If "
    "the problem persists, reply to this message and we will look into the logs.",
    "I can see the refund was issued on our side. Banks usually take three to five working "
    "days to show it on your statement.",
    "We have updated your account as requested. You will receive a confirmation e-mail "
    "shortly, and nothing else is needed from you.",
    "Danke für Ihre Nachricht. Wir haben den Fall an die zuständige Abteilung "
    "weitergeleitet und melden uns so bald wie möglich.",
    "Merci pour votre message. Notre équipe examine votre demande et reviendra vers vous "
    "rapidement.",
    "您好，感谢您的耐心等待。我们已经将您的问题转交给技术团队，预计一个工作日内回复您。",
    "Closing this ticket as resolved. If anything else comes up, just reply and it will "
    "reopen automatically.",
]


def threads(n: int, seed: int, messages: int = 4) -> list[str]:
    """``n`` ticket threads: customer messages from the corpus with agent replies between
    them, as a ticket reads in a helpdesk (most text is prose, some is PII)."""
    r = random.Random(seed)
    texts = [t for _, t, _ in corpus(n * messages, seed=seed)]
    out = []
    for i in range(n):
        parts = []
        for text in texts[i * messages:(i + 1) * messages]:
            parts += [text, r.choice(AGENT_REPLIES)]
        out.append("\n\n".join(parts))
    return out
