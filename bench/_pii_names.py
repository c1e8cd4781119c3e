"""A labelled corpus of names and places for ``pii_quality``'s names section, generated
with a fixed seed from this project's own templates and word lists (no public PII or NER
data set is used or imitated). Names come in many forms and locales (western, Chinese in
pinyin and in Han characters, Indian, Arabic, Japanese, African, Spanish, German,
French), in greetings, signatures and mid-sentence; places after cues and on their own.
Every text also carries hard negatives: capitalised product and company names, street
names, months and weekdays. Gold labels are (entity, start, end) of PERSON and LOCATION.
"""

from __future__ import annotations

import random

FIRST = {
    "western": ["James", "Emily", "Oliver", "Sophie", "Daniel", "Hannah", "Michael",
                "Laura", "Thomas", "Rachel", "Peter", "Claire", "Robert", "Megan", "David"],
    "indian": ["Priya", "Rahul", "Ananya", "Vikram", "Sunita", "Arjun", "Deepa", "Rajesh",
               "Kavya", "Sanjay"],
    "arabic": ["Mohammed", "Fatima", "Omar", "Aisha", "Youssef", "Layla", "Khalid",
               "Nour", "Hassan", "Mariam"],
    "spanish": ["Lucía", "Javier", "Carmen", "Alejandro", "Isabel", "Diego", "Elena"],
    "german": ["Lukas", "Katrin", "Jürgen", "Anja", "Matthias", "Sabine", "Florian"],
    "french": ["Camille", "Julien", "Amélie", "Mathieu", "Céline", "Étienne", "Manon"],
    "japanese": ["Kenji", "Yuki", "Haruto", "Aiko", "Takeshi", "Sakura"],
    "african": ["Chinedu", "Amara", "Kwame", "Ngozi", "Tendai", "Zanele"],
}
LAST = {
    "western": ["Walker", "Bennett", "Hughes", "Fletcher", "Morrison", "Hayes", "Turner",
                "Gallagher", "Whitfield", "Sutton"],
    "indian": ["Sharma", "Patel", "Iyer", "Reddy", "Nair", "Gupta", "Menon", "Chatterjee"],
    "arabic": ["Al-Rashid", "Haddad", "Mansour", "El-Sayed", "Khoury", "bin Saleh",
               "Nasser"],
    "spanish": ["García", "Fernández", "Morales", "de la Cruz", "Romero", "Navarro"],
    "german": ["Schneider", "Becker", "Hoffmann", "Wagner", "von Bergen", "Krüger"],
    "french": ["Dubois", "Lefèvre", "Moreau", "Girard", "Fontaine", "Rousseau"],
    "japanese": ["Tanaka", "Suzuki", "Watanabe", "Kobayashi", "Yamamoto"],
    "african": ["Okafor", "Mensah", "Adeyemi", "Moyo", "Dlamini"],
}
PINYIN = [("Zhang", "Wei"), ("Wang", "Fang"), ("Li", "Na"), ("Liu", "Yang"),
          ("Chen", "Jing"), ("Huang", "Lei"), ("Zhao", "Min"), ("Zhou", "Ling")]
HAN_SURNAME = "王李张刘陈杨黄赵吴周徐孙马朱胡郭林何高罗"
HAN_GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "婷", "晓明", "建华", "丽娟", "志强",
             "雪梅", "海燕", "国庆", "子涵"]
CITIES = ["London", "Manchester", "Berlin", "Munich", "Hamburg", "Paris", "Lyon",
          "Madrid", "Barcelona", "Rome", "Milan", "Amsterdam", "Toronto", "Chicago",
          "Sydney", "Mumbai", "Bangalore", "Dubai", "Cairo", "Lagos", "Nairobi", "Tokyo",
          "Osaka", "Shanghai", "Singapore", "San Francisco", "New York", "Los Angeles",
          "Rio de Janeiro", "Mexico City", "Leeds", "Bristol", "Zurich", "Vienna"]
COUNTRIES = ["Germany", "France", "Spain", "Italy", "Canada", "India", "Japan", "Brazil",
             "Kenya", "Nigeria", "Australia", "Mexico", "Egypt", "Netherlands",
             "Switzerland", "United Kingdom", "United States", "China"]
HAN_CITIES = ["北京", "上海", "广州", "深圳", "成都", "杭州", "武汉", "南京"]
NEGATIVES = [
    "My Apple Pay payment failed again.", "The Samsung Galaxy app keeps crashing.",
    "I use Microsoft Teams for work.", "Our office on Victoria Street is closed.",
    "Grace Labs Inc. sent the invoice.", "The parcel went to 12 Washington Avenue.",
    "It was ordered in March and paid on Monday.", "Jordan Road depot lost it.",
    "Amazon Prime shows a different price.", "The Lincoln Road branch was rude.",
    "Please check Google Chrome on Windows.", "Harper Logistics Ltd delivered it late.",
    "The Black Friday Sale price was wrong.", "Support told me to wait until Friday.",
    "Will you refund it? Thanks in advance.", "The Rose Garden Hotel booking is wrong.",
    "Florence Street parking is not included.", "Your Premium Plus plan is too expensive.",
    "The letter went to 64 rue Victor Hugo, BP 481.", "Calle Mayor 12 está cerrada.",
    "Hola, Por favor actualicen mis datos.", "Hallo, Meine Erstattung ist noch nicht da.",
    "Hallo, Wilt u mijn gegevens bijwerken?", "The router MAC C1:FA:AC:04:D5:5A changed.",
    "Postcode SW1A 1AA, UN 3584 are on the label.", "Victoria Mews 4 is my flat.",
]


class Gen:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.parts: list[str] = []
        self.gold: list[tuple[str, int, int]] = []
        self.pos = 0

    def put(self, text: str, entity: str | None = None) -> None:
        if entity:
            self.gold.append((entity, self.pos, self.pos + len(text)))
        self.parts.append(text)
        self.pos += len(text)

    def person(self) -> tuple[str, str, str]:
        """(first, last, full) in a random locale."""
        r = self.rng
        if r.random() < 0.15:
            last, first = r.choice(PINYIN)
            return first, last, f"{last} {first}"
        locale = r.choice(list(FIRST))
        first, last = r.choice(FIRST[locale]), r.choice(LAST[locale])
        return first, last, f"{first} {last}"

    def place(self) -> str:
        return self.rng.choice(CITIES if self.rng.random() < 0.65 else COUNTRIES)


def _latin(g: Gen) -> None:
    r = g.rng
    first, last, full = g.person()
    form = r.randrange(4)
    if form == 0:
        g.put(r.choice(["Hi ", "Hello ", "Dear "]))
        g.put(first, "PERSON")
        g.put(",\n")
    elif form == 1:
        g.put(r.choice(["Dear Mr ", "Dear Ms ", "Dear Dr "]))
        g.put(last.split(" ")[-1] if " " in last else last, "PERSON")
        g.put(",\n")
    else:
        g.put(r.choice(["Hello,\n", "Hi,\n", "Good morning,\n"]))
    lang = r.choice(["en", "en", "en", "de", "fr", "es"])
    full2 = g.person()[2]
    if lang == "en":
        lead = r.choice(["My name is ", "I am ", "This is "])
        g.put(lead)
        g.put(full2, "PERSON")
        g.put(r.choice([" and I live in ", " from ", ", writing from "]))
        g.put(g.place(), "LOCATION")
        g.put(". ")
    elif lang == "de":
        g.put(r.choice(["Ich bin ", "Mein Name ist "]))
        g.put(full2, "PERSON")
        g.put(" aus ")
        g.put(r.choice(["Berlin", "Hamburg", "Munich", "Vienna", "Zurich"]), "LOCATION")
        g.put(". ")
    elif lang == "fr":
        g.put("Je m'appelle ")
        g.put(full2, "PERSON")
        g.put(", j'habite à ")
        g.put(r.choice(["Paris", "Lyon", "Marseille", "Toulouse"]), "LOCATION")
        g.put(". ")
    else:
        g.put("Me llamo ")
        g.put(full2, "PERSON")
        g.put(" y vivo en ")
        g.put(r.choice(["Madrid", "Barcelona", "Seville", "Valencia"]), "LOCATION")
        g.put(". ")
    g.put(r.choice(NEGATIVES) + " ")
    mid = r.randrange(4)
    if mid == 0:
        g.put("I spoke with ")
        g.put(g.person()[2], "PERSON")
        g.put(" from your team last week. ")
    elif mid == 1:
        g.put("Please ship it to ")
        g.put(r.choice(CITIES), "LOCATION")
        g.put(", ")
        g.put(r.choice(COUNTRIES), "LOCATION")
        g.put(" instead. ")
    elif mid == 2:
        g.put("I moved from ")
        g.put(r.choice(CITIES), "LOCATION")
        g.put(" to ")
        g.put(r.choice(CITIES), "LOCATION")
        g.put(" in ")
        g.put(r.choice(["May", "June", "October"]))
        g.put(". ")
    else:
        g.put(g.person()[2], "PERSON")
        g.put(" told me to contact you. ")
    g.put(r.choice(NEGATIVES))
    if r.random() < 0.35:
        _odd_form(g)
    g.put("\n\n" + r.choice(["Regards,", "Thanks,", "Best wishes,", "Kind regards,",
                             "Viele Grüße,", "Cordialement,", "Saludos,"]) + "\n")
    g.put(full if r.random() < 0.7 else first, "PERSON")


def _odd_form(g: Gen) -> None:
    """Names as people also write them: initials, a title with its full stop, a web
    form's label with capitals or "surname, first name", lowercase, a mail signature."""
    r = g.rng
    first, last, full = g.person()
    form = r.randrange(9)
    if form == 6:
        g.put(" I think ")
        g.put(first, "PERSON")
        g.put("'s card was charged twice.")
        return
    if form == 7:
        g.put("\n")
        g.put(first, "PERSON")
        g.put(", can you check this today?")
        return
    if form == 8:
        g.put(" Please ask for ")
        g.put(full, "PERSON")
        g.put(" at the front desk, or ")
        g.put(first, "PERSON")
        g.put(" will forget.")
        return
    if form == 0:
        g.put(" Please ask ")
        g.put(f"{first[0]}. {last}", "PERSON")
        g.put(" to call me back.")
    elif form == 1:
        g.put(" " + r.choice(["Mrs.", "Mr.", "Dr.", "Prof."]) + " ")
        g.put(last, "PERSON")
        g.put(" already knows about it.")
    elif form == 2:
        g.put("\nFull name: ")
        g.put(full.upper(), "PERSON")
        g.put("\n")
    elif form == 3:
        g.put("\nName: ")
        g.put(f"{last}, {first}", "PERSON")
        g.put("\n")
    elif form == 4:
        g.put(" my name is ")
        g.put(full.lower(), "PERSON")
        g.put(" btw.")
    else:
        g.put("\n-- \n")
        g.put(full, "PERSON")
        g.put("\nSent from my phone")


def _han(g: Gen) -> None:
    r = g.rng
    name = r.choice(HAN_SURNAME) + r.choice(HAN_GIVEN)
    g.put("您好，")
    g.put(r.choice(["我叫", "我是", "本人"]))
    g.put(name, "PERSON")
    g.put("，住在")
    g.put(r.choice(HAN_CITIES), "LOCATION")
    g.put("。我的订单三月就付款了，但是还没有收到。请尽快处理。\n\n谢谢，\n")
    g.put(r.choice(HAN_SURNAME) + r.choice(HAN_GIVEN), "PERSON")


def corpus(n: int, *, seed: int) -> list[tuple[str, str, list[tuple[str, int, int]]]]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        g = Gen(rng)
        lang = "zh" if rng.random() < 0.15 else "latin"
        (_han if lang == "zh" else _latin)(g)
        out.append((lang, "".join(g.parts), g.gold))
    return out
