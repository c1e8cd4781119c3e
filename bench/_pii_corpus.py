"""A labelled corpus of ticket-like texts for the PII benchmarks, generated with a fixed
seed (no public PII data set is used or imitated).

Each text is a short customer message in English, German, French, Spanish or Chinese:
greeting, problem, one to three pieces of PII written the way people write them (varied
separators, with or without a label, glued to Chinese text), some hard negatives that
look like PII but are not (order and tracking numbers, Luhn-invalid card-shaped numbers,
dates without a birth label, version strings, times, MAC addresses, amounts, UUIDs, ISBNs,
barcodes, specimen SSNs, IBANs with a wrong checksum, masked passwords), and a sign-off.
Gold labels are (entity, start, end) of the PII pieces only.
"""

from __future__ import annotations

import ipaddress
import random
import string

import phonenumbers as pn

from trustdesk.pii import validators as v

CARD_RANGES = [("4", 16), ("4", 16), ("4", 16), ("51", 16), ("53", 16), ("55", 16),
               ("2221", 16), ("34", 15), ("37", 15), ("6011", 16), ("65", 16),
               ("3528", 16), ("36", 14), ("62", 16), ("4", 13)]
IBAN_COUNTRIES = ["DE", "GB", "FR", "NL", "ES", "IT", "CH", "AT", "BE", "PL", "SE", "NO",
                  "IE", "PT", "DK", "FI"]
NATIONAL_REGIONS = ["US", "US", "US", "GB", "DE", "FR", "CN", "IN", "CA", "AU", "ES",
                    "IT", "NL"]
ANY_REGIONS = [*NATIONAL_REGIONS, "JP", "BR", "CH", "MX", "SG", "ZA", "KR", "SE", "PL"]
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
}
LABEL = {  # how each language introduces a piece of PII (may be empty: unlabelled)
    "card": {"en": ["my card is ", "card number: ", "Visa ", "charged to ", ""],
             "de": ["meine Kartennummer ist ", "Karte: "], "fr": ["ma carte ", "carte n° "],
             "es": ["mi tarjeta es ", "tarjeta: "], "zh": ["卡号", "我的信用卡是", "银行卡号："]},
    "iban": {"en": ["IBAN ", "my IBAN is ", "please refund to "], "de": ["IBAN: ", "an "],
             "fr": ["IBAN : ", "mon IBAN "], "es": ["IBAN ", "cuenta IBAN "],
             "zh": ["IBAN：", "退款账户 "]},
    "phone": {"en": ["call me at ", "my phone is ", "Tel: ", "mobile: ", "you can reach me on ",
                     "contact number ", ""],
              "de": ["Telefon: ", "rufen Sie mich an unter ", "Handy "],
              "fr": ["téléphone : ", "mon portable "], "es": ["teléfono: ", "móvil "],
              "zh": ["电话：", "手机", "联系电话 "]},
    "email": {"en": ["email me at ", "my address is ", "", "reply to "],
              "de": ["E-Mail: ", "schreiben Sie an "], "fr": ["mon e-mail : ", "écrivez à "],
              "es": ["correo: ", "escriban a "], "zh": ["邮箱", "邮箱：", "发邮件到"]},
    "ip": {"en": ["my IP is ", "from IP ", "logged in from ", "server "],
           "de": ["IP-Adresse ", "von "], "fr": ["adresse IP ", "depuis "],
           "es": ["IP ", "desde "], "zh": ["IP地址", "登录IP："]},
    "ssn": {"en": ["SSN ", "my social security number is ", "SSN: ", "social: ", ""]},
}


def luhn_complete(body: str) -> str:
    return next(body + d for d in "0123456789" if v.luhn(body + d))


class Corpus:
    def __init__(self, seed: int = 20240601) -> None:
        self.r = random.Random(seed)

    def digits(self, n: int) -> str:
        return "".join(self.r.choice(string.digits) for _ in range(n))

    # --- PII values, formatted as people type them -------------------------------
    def card(self) -> str:
        prefix, n = self.r.choice(CARD_RANGES)
        d = luhn_complete(prefix + self.digits(n - len(prefix) - 1))
        return self._group_card(d)

    def _group_card(self, d: str) -> str:
        sep = self.r.choice(["", " ", " ", "-", "."])
        if not sep or len(d) == 13:
            return d
        if len(d) in (14, 15):
            return sep.join((d[:4], d[4:10], d[10:]))
        return sep.join(d[i:i + 4] for i in range(0, len(d), 4))

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
        if lang == "zh" and self.r.random() < 0.7:
            region = "CN"
        kind = self.r.choice([pn.PhoneNumberType.MOBILE, pn.PhoneNumberType.FIXED_LINE])
        example = pn.example_number_for_type(region, kind) or pn.example_number(region)
        nsn = pn.national_significant_number(example)  # keeps Italy's leading zero
        for _ in range(1000):
            tail = self.r.randint(3, min(6, len(nsn) - 2))
            num = pn.parse(f"+{example.country_code}{nsn[:-tail]}{self.digits(tail)}")
            if pn.is_valid_number(num):
                break
        else:
            raise RuntimeError(f"no valid {region} number near the example")
        if international:
            text = pn.format_number(num, pn.PhoneNumberFormat.INTERNATIONAL)
            style = self.r.random()
            if style < 0.15:
                text = pn.format_number(num, pn.PhoneNumberFormat.E164)
            elif style < 0.25:
                text = "00" + text[1:]
            elif style < 0.35:
                text = text.replace("-", " ")
            elif style < 0.42:
                cc, rest = text.split(" ", 1)
                text = f"({cc}) {rest}"  # "(+44) 20 7946 0958"
            elif style < 0.47 and region in ("GB", "DE", "CH", "NL"):
                cc, rest = text.split(" ", 1)
                text = f"{cc} (0){rest}"  # "+44 (0)20 7946 0958"
            return text
        text = pn.format_number(num, pn.PhoneNumberFormat.NATIONAL)
        if region in ("US", "CA") and self.r.random() < 0.5:
            d = str(num.national_number)
            text = self.r.choice([f"{d[:3]}-{d[3:6]}-{d[6:]}", f"{d[:3]}.{d[3:6]}.{d[6:]}"])
        if region == "CN" and self.r.random() < 0.6:
            text = text.replace(" ", "")
        return text

    def email(self) -> str:
        local = self.r.choice(FIRST) + self.r.choice(["", "", str(self.r.randint(1, 99)),
                                                       "+support", ".work"])
        value = f"{local}@{self.r.choice(DOMAINS)}"
        return value.title() if self.r.random() < 0.1 else value

    def email_wrapped(self) -> tuple[str, str, str]:
        """(before, address, after): addresses in brackets or a mailto: link."""
        value = self.email()
        return self.r.choice([("", value, ""), ("", value, ""), ("<", value, ">"),
                              ("mailto:", value, ""), ("(", value, ")")])

    def ip_wrapped(self) -> tuple[str, str, str]:
        """(before, address, after): some with a port or a prefix length."""
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

    # --- hard negatives: look like PII, are not ---------------------------------
    def negative(self, lang: str) -> str:
        r = self.r
        options = [
            lambda: f"Order #{r.randint(10**9, 10**10 - 1)}",
            lambda: f"order number {self.digits(10)}",
            lambda: f"invoice INV-{r.randint(2019, 2025)}-{self.digits(5)}",
            lambda: f"reference {self._luhn_invalid_card()}",
            lambda: f"tracking 1Z{self.digits(3)}AA1{self.digits(10)}",
            lambda: f"USPS {self.digits(4)} {self.digits(4)} {self.digits(4)} {self.digits(4)}"
                    f" {self.digits(4)} {self.digits(2)}",
            lambda: f"on {r.randint(2019, 2025)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}",
            lambda: f"delivered {r.randint(1, 28):02d}/{r.randint(1, 12):02d}/2024",
            lambda: f"version {r.randint(1, 12)}.{r.randint(0, 9)}.{r.randint(0, 30)}",
            lambda: f"build 10.0.{r.randint(10000, 22000)}.{r.randint(100, 3000)}",
            lambda: f"app v{r.randint(1, 5)}.{r.randint(0, 9)}.{r.randint(0, 9)}.{r.randint(0, 9)}",
            lambda: f"at {r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}",
            lambda: "MAC " + ":".join(f"{r.randint(0, 255):02X}" for _ in range(6)),
            lambda: f"amount ${r.randint(1, 9)},{self.digits(3)}.{self.digits(2)}",
            lambda: f"id {self._uuid()}",
            lambda: f"ISBN 978-3-{self.digits(2)}-{self.digits(6)}-{r.randint(0, 9)}",
            lambda: f"barcode {r.choice('4567')}{self.digits(12)}",
            lambda: "the SSN in the form was " + r.choice(["000-12-3456", "123-45-6789",
                                                            "987-65-4321", "666-01-2345"]),
            lambda: f"IBAN DE00 {self.digits(4)} {self.digits(4)} {self.digits(4)} "
                    f"{self.digits(4)} {self.digits(2)}",
            lambda: "password: ********",
            lambda: "I forgot my password again",
            lambda: f"ticket #{self.digits(6)}",
            lambda: f"case {r.randint(2019, 2025)}-{self.digits(4)}-{self.digits(4)}",
            lambda: f"{r.randint(2, 40)} items, {r.randint(100, 99999)} points",
            lambda: f"订单号{self.digits(15)}",
            lambda: f"快递单号 {self.digits(12)}",
        ]
        return r.choice(options)()

    def _luhn_invalid_card(self) -> str:
        prefix, n = self.r.choice(CARD_RANGES)
        d = luhn_complete(prefix + self.digits(n - len(prefix) - 1))
        d = d[:-1] + str((int(d[-1]) + self.r.randint(1, 9)) % 10)
        return self._group_card(d)

    def _uuid(self) -> str:
        h = "".join(self.r.choice("0123456789abcdef") for _ in range(32))
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    # --- whole texts --------------------------------------------------------------
    def form(self) -> tuple[str, str, list[tuple[str, int, int]]]:
        """A web-form submission: "Label: value" lines, PII mixed with look-alikes."""
        r = self.r
        rows = [("Name", r.choice(["Ada L.", "G. Hopper", "Wei Zhang", "Maria"]), None)]
        fields = {"card": ["Card number", "Card", "Credit card"], "iban": ["IBAN", "Bank"],
                  "phone": ["Phone", "Mobile", "Telephone", "Contact"],
                  "email": ["Email", "E-mail", "Reply-To"], "ip": ["IP", "Client IP"],
                  "ssn": ["SSN", "Social Security No."]}
        for kind in r.sample(sorted(fields), r.randint(1, 4)):
            value = self.phone("en") if kind == "phone" else getattr(self, kind)()
            rows.append((r.choice(fields[kind]), value, kind))
        negatives = [
            ("Order ID", lambda: self.digits(10)), ("Customer ID", lambda: self.digits(8)),
            ("Tracking", lambda: self.digits(12)), ("Postcode", lambda: self.digits(5)),
            ("Date", lambda: f"20{r.randint(10, 25)}-{r.randint(1, 12):02d}-"
                             f"{r.randint(1, 28):02d}"),
            ("Amount", lambda: f"{r.randint(1, 9999)}.{self.digits(2)}"),
            ("Reference", self._luhn_invalid_card),
            ("App version", lambda: f"{r.randint(1, 9)}.{r.randint(0, 20)}.{r.randint(0, 99)}"),
        ]
        for label, make in r.sample(negatives, r.randint(1, 4)):
            rows.append((label, make(), None))
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
        lang = r.choices(["en", "de", "fr", "es", "zh"], weights=[55, 12, 10, 8, 15])[0]
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
        kinds = ["card", "iban", "phone", "email", "ip"] + (["ssn"] if lang == "en" else [])
        items = [r.choice(kinds) for _ in range(r.choice([0, 1, 1, 2, 2, 3]))]
        items += [None] * r.choice([0, 1, 1, 2, 3])
        r.shuffle(items)
        for kind in items:
            if kind is None:
                add(self.negative(lang))
            else:
                label = r.choice(LABEL[kind].get(lang) or LABEL[kind]["en"])
                before = after = ""
                if kind == "email":
                    before, value, after = self.email_wrapped()
                elif kind == "ip":
                    before, value, after = self.ip_wrapped()
                else:
                    value = self.phone(lang) if kind == "phone" else getattr(self, kind)()
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


ENTITY = {"card": "CREDIT_CARD", "iban": "IBAN_CODE", "phone": "PHONE_NUMBER",
          "email": "EMAIL_ADDRESS", "ip": "IP_ADDRESS", "ssn": "US_SSN"}


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
