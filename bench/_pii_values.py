"""Values for the PII benchmark corpus, written the way people write them, and the
look-alikes that are not PII. Built from this file's own templates and from published
tables (issuer ranges, numbering plans via ``phonenumbers``' example numbers, postal
address formats); no public PII data set is used or imitated.

The issuer table here is written out again on purpose, from the same published IIN
table, rather than imported from ``trustdesk.pii.issuers``: a corpus generated from the
detector's own table would agree with any mistake in it.
"""

from __future__ import annotations

import datetime as dt
import random
import string

import phonenumbers as pn

from trustdesk.pii import validators as v

# (scheme, prefix, lengths, weight): one prefix drawn per row; a range "a-b" picks one.
CARD_TABLE = [
    ("visa", "4", (16,), 6), ("visa", "4", (13, 19), 1),
    ("mastercard", "51-55", (16,), 4), ("mastercard", "2221-2720", (16,), 2),
    ("amex", "34,37", (15,), 3), ("discover", "6011,644-649,65", (16, 19), 2),
    ("discover", "622126-622925", (16,), 1), ("jcb", "3528-3589", (16, 17, 18, 19), 2),
    ("jcb", "1800,2131", (15,), 2), ("diners", "300-305,36,38-39", (14,), 2),
    ("diners", "36", (16, 19), 1), ("maestro", "5018,5020,5038,5893,6304,6759,6761-6763",
                                    (12, 13, 15, 16, 19), 3),
    ("unionpay", "62", (16, 17, 18, 19), 2), ("mir", "2200-2204", (16,), 1),
    ("rupay", "60,81,82,508", (16,), 1), ("troy", "9792", (16,), 1),
    ("verve", "506099-506198,650002-650027", (16, 19), 1), ("dankort", "5019", (16,), 1),
    ("instapayment", "637-639", (16,), 1),
]
SHORT_CARD_WORDS = ["card ", "Maestro ", "card number ", "my Maestro card is ", "Karte "]


class Values:
    def __init__(self, r: random.Random) -> None:
        self.r = r

    def digits(self, n: int) -> str:
        return "".join(self.r.choice(string.digits) for _ in range(n))

    # --- cards ------------------------------------------------------------------------
    def card_digits(self, *, luhn_ok: bool = True) -> str:
        r = self.r
        _, prefixes, lengths, _ = r.choices(CARD_TABLE, weights=[w[3] for w in CARD_TABLE])[0]
        part = r.choice(prefixes.split(","))
        lo, _, hi = part.partition("-")
        prefix = str(r.randint(int(lo), int(hi or lo))).zfill(len(lo))
        n = r.choice(lengths)
        body = prefix + self.digits(n - len(prefix) - 1)
        d = next(body + c for c in "0123456789" if v.luhn(body + c))
        if not luhn_ok:
            d = d[:-1] + str((int(d[-1]) + r.randint(1, 9)) % 10)
        return d

    def group_card(self, d: str) -> str:
        r = self.r
        sep = r.choice(["", " ", " ", " ", "-", "-", "."])
        if not sep:
            return d
        n = len(d)
        if n == 15 and r.random() < 0.7:
            return sep.join((d[:4], d[4:10], d[10:]))  # 4-6-5
        if n == 14 and r.random() < 0.5:
            return sep.join((d[:4], d[4:10], d[10:]))  # 4-6-4
        return sep.join(d[i:i + 4] for i in range(0, n, 4))  # 4-4-4-4(-3), 4-4-4

    def card(self, lang: str) -> tuple[str, str]:
        """(label, value): short numbers (12, 13 digits) come with a card word."""
        d = self.card_digits()
        words = ["卡号", "银行卡 ", "借记卡号："] if lang == "zh" else SHORT_CARD_WORDS
        label = self.r.choice(words) if len(d) <= 13 else None
        return label, self.group_card(d)

    # --- phones -----------------------------------------------------------------------
    def phone(self, region: str, international: bool) -> str:
        r = self.r
        kind = r.choice([pn.PhoneNumberType.MOBILE, pn.PhoneNumberType.FIXED_LINE])
        example = pn.example_number_for_type(region, kind) or pn.example_number(region)
        nsn = pn.national_significant_number(example)  # keeps Italy's leading zero
        for _ in range(1000):
            tail = r.randint(3, min(6, len(nsn) - 2))
            num = pn.parse(f"+{example.country_code}{nsn[:-tail]}{self.digits(tail)}")
            if pn.is_valid_number(num):
                break
        else:
            raise RuntimeError(f"no valid {region} number near the example")
        text = (self._international if international else self._national)(num, region)
        if r.random() < 0.15:
            text += self.extension(region)
        return text

    def _international(self, num, region: str) -> str:
        r = self.r
        text = pn.format_number(num, pn.PhoneNumberFormat.INTERNATIONAL)
        style = r.random()
        cc, _, rest = text.partition(" ")
        if style < 0.12:
            return pn.format_number(num, pn.PhoneNumberFormat.E164)
        if style < 0.22:
            return "00" + text[1:]
        if style < 0.30:
            return text.replace("-", " ")
        if style < 0.36:
            return f"({cc}) {rest}"  # "(+44) 20 7946 0958"
        if style < 0.55 and region in ("GB", "DE", "CH", "NL", "AT", "BE", "FR", "AU"):
            return f"{cc} (0){rest}" if r.random() < 0.6 else f"{cc} (0) {rest}"
        if style < 0.62:
            return cc + "." + ".".join(rest.replace("-", " ").split())
        return text

    def _national(self, num, region: str) -> str:
        r = self.r
        text = pn.format_number(num, pn.PhoneNumberFormat.NATIONAL)
        if region in ("US", "CA") and r.random() < 0.5:
            d = str(num.national_number)
            return r.choice([f"{d[:3]}-{d[3:6]}-{d[6:]}", f"{d[:3]}.{d[3:6]}.{d[6:]}",
                             f"{d[:3]} {d[3:6]} {d[6:]}", f"({d[:3]}){d[3:6]}-{d[6:]}"])
        if region == "DE" and r.random() < 0.4:
            area, _, rest = text.partition(" ")
            return f"{area}/{rest.replace(' ', '')}"  # "030/12345678"
        if region == "FR" and r.random() < 0.3:
            return text.replace(" ", ".")
        if region == "CN" and r.random() < 0.6:
            return text.replace(" ", "")
        if r.random() < 0.15:  # unusual grouping: the digits regrouped in twos and threes
            digits = "".join(c for c in text if c.isdigit())
            groups, i = [], 0
            while i < len(digits):
                step = r.choice([2, 3, 3, 4])
                groups.append(digits[i:i + step])
                i += step
            if len(groups[-1]) == 1:
                groups[-2:] = [groups[-2] + groups[-1]]
            return " ".join(groups)
        return text

    def extension(self, region: str) -> str:
        n = self.digits(self.r.randint(2, 4))
        if region == "CN":
            return self.r.choice([f"转{n}", f" 转 {n}", f" 分机{n}"])
        return self.r.choice([f" x{n}", f" ext. {n}", f" ext {n}", f" #{n}", f" x {n}",
                              f", ext. {n}", f" extension {n}"])

    # --- dates ------------------------------------------------------------------------
    def date(self, lang: str) -> str:
        r = self.r
        day = dt.date(1930, 1, 1) + dt.timedelta(days=r.randint(0, 365 * 95))
        d, m, y = day.day, day.month, day.year
        en = day.strftime("%B")
        forms = {
            "en": [f"{y}-{m:02d}-{d:02d}", f"{m}/{d}/{y}", f"{m:02d}/{d:02d}/{y}",
                   f"{d} {en} {y}", f"{en} {d}, {y}", f"{en[:3]} {d}, {y}",
                   f"{en[:3]}{'.' if len(en) > 3 else ''} {d}, {y}",
                   f"{d}{_ordinal(d)} of {en} {y}",
                   f"{en} {d}{_ordinal(d)}, {y}", f"{d}-{en[:3]}-{y}",
                   f"{d:02d}/{m:02d}/{y % 100:02d}",
                   f"{y}-{m:02d}-{d:02d}T{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:"
                   f"{r.randint(0, 59):02d}Z", f"{y}-{m:02d}-{d:02d} {r.randint(0, 23):02d}:"
                   f"{r.randint(0, 59):02d}"],
            "de": [f"{d:02d}.{m:02d}.{y}", f"{d}.{m}.{y}", f"{d}. {DE[m - 1]} {y}",
                   f"{d:02d}.{m:02d}.{y % 100:02d}"],
            "fr": [f"{d:02d}/{m:02d}/{y}", f"{'1er' if d == 1 else d} {FR[m - 1]} {y}"],
            "es": [f"{d} de {ES[m - 1]} de {y}", f"{d:02d}/{m:02d}/{y}",
                   f"{d}-{m:02d}-{y}"],
            "it": [f"{d} {IT[m - 1]} {y}", f"{d:02d}/{m:02d}/{y}"],
            "nl": [f"{d} {NL[m - 1]} {y}", f"{d:02d}-{m:02d}-{y}"],
            "zh": [f"{y}年{m}月{d}日", f"{y}年{m:02d}月{d:02d}日", f"{y}-{m:02d}-{d:02d}",
                   f"{y}/{m}/{d}"],
            "ko": [f"{y}년 {m}월 {d}일"],
        }
        forms["en"] += [f"{en} {d}{_ordinal(d)}", f"{d} {en}"]  # no year: "April 3rd"
        forms["de"] += [f"{d}. {DE[m - 1]}"]
        forms["fr"] += [f"{d} {FR[m - 1]}"]
        pool = forms.get(lang, forms["en"])
        if lang != "en" and r.random() < 0.25:
            pool = forms[r.choice(["en", "it", "nl", "ko"])]
        return r.choice(pool)

    def bad_date(self) -> str:
        """Date-shaped but no calendar date: 31 February, month 13, day 32."""
        r = self.r
        y = r.randint(1950, 2024)
        return r.choice([f"31/02/{y}", f"30.02.{y}", f"{y}-13-{r.randint(1, 28):02d}",
                         f"32/{r.randint(1, 12):02d}/{y}", f"{y}-02-30",
                         f"31 February {y}", f"{y}年2月30日"])


def _ordinal(d: int) -> str:
    return "th" if 11 <= d % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(d % 10, "th")


MONTHS = {
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November "
          "Dezember",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre "
          "décembre",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
          "diciembre",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre "
          "novembre dicembre",
    "nl": "januari februari maart april mei juni juli augustus september oktober november "
          "december",
}
DE, FR, ES, IT, NL = (MONTHS[k].split() for k in ("de", "fr", "es", "it", "nl"))
