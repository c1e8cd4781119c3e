"""Postal addresses a person labels as theirs ("my address is …", "ship to: …", "地址：…").

An address has no shape a pattern can check, and free-text address parsing finds house
numbers everywhere. What a support message does have is the label: customers write
"address", "I live at", "deliver to" right before it. So the value is read after such a
label, up to the end of its clause, and kept only if it looks like an address: a number
and a word (a house number and a street), or Chinese address characters.
"""

from __future__ import annotations

import re

from trustdesk.pii.recognizers.base import AnchoredRecognizer, words_regex

# "IP address", "e-mail address", "MAC address" label something else.
_NOT_POSTAL = re.compile(r"(?<![A-Za-z])(?:ip|e-?mail|mac|web|wallet|server|host|return|"
                         r"bitcoin|btc|eth)[\s_-]*$", re.IGNORECASE)
# "address: …", "address is …": a noun label needs a separator ("the address bar shows").
_SEPARATED = re.compile(r"\s*(?:is|was|:|：|-|=)", re.IGNORECASE)
_VERB_LABEL = re.compile(r"(?:at|to|住址|地址)$", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-zÀ-ÿ]{3,}")
_DIGIT = re.compile(r"\d")
_CJK_ADDRESS = re.compile(r"[\u4e00-\u9fff]{2,}.*[路街道号弄巷区市县镇村楼室]")


class StreetAddressRecognizer(AnchoredRecognizer):
    name = "street_address"
    entities = ("STREET_ADDRESS",)
    score = 0.6  # below every validated number, which wins where spans overlap
    needles_ci = ("address", "live at", "lives at", "living at", "ship to", "deliver",
                  "send it to", "adresse", "anschrift", "dirección", "direccion", "地址",
                  "住址")
    anchor = words_regex(("address", "home address", "postal address", "mailing address",
                          "shipping address", "billing address", "delivery address",
                          "live at", "lives at", "living at", "ship to", "deliver to",
                          "send it to", "adresse", "anschrift", "dirección", "direccion",
                          "地址", "住址", "收货地址"))
    # After the label: a separator or "is", then the clause up to its end (line, sentence
    # punctuation, a bracket, or a word that starts the next clause).
    value = re.compile(
        r"(?:\s*(?:is|was|now|:|：|-|=)\s*){0,3}\s*(?P<value>[0-9A-Za-zÀ-ÿ\u4e00-\u9fff]"
        r"[^\n.;!?()<>@\[\]。；！？]{2,119}?)"
        r"(?=\s*(?:[\n.;!?()<>\[\]。；！？]|$)|\s+(?:and|but|or|please|thanks|call|phone|"
        r"tel|email|e-mail|if|so|because|since)\b|,\s*(?:and|but|please|thanks|call|phone|"
        r"email)\b)",
        re.IGNORECASE)

    def accept(self, text, m, start, end, opts):
        label = self._label_start(text, m)
        if _NOT_POSTAL.search(text, max(0, label - 32), label):
            return None
        if not _SEPARATED.match(text, m.start()) and \
                not _VERB_LABEL.search(text, max(0, m.start() - 4), m.start()):
            return None
        value = text[start:end]
        if _CJK_ADDRESS.search(value):
            return self.score
        if _DIGIT.search(value) and _WORD.search(value) and \
                sum(c.isdigit() for c in value) * 2 < len(value):
            return self.score
        return None

    @staticmethod
    def _label_start(text: str, m: re.Match) -> int:
        # The label ends where the value pattern starts; look at the words before it.
        pos = m.start()
        while pos > 0 and not text[pos - 1].isspace():
            pos -= 1
        return pos
