"""The helpdesk the corpus is written to, and the people and companies that write to it.

Every name, domain and address here is made up for the benchmark. Brand domains are the
real brands' own (paypal.com, microsoft.com, ...), because a lookalike is only a lookalike
of something real; the mail "from" them in the ordinary class is the kind those brands
really send (receipts, sign-in notices) from their own domains.
"""

from __future__ import annotations

import random

COMPANY = "Acme"
OWN_DOMAINS = ("acme-support.example", "acme.example")
SUPPORT = "support@acme-support.example"
SITE = "acme.example"  # the company's own web site and shop
# The company's executives, whom CEO fraud borrows; the helpdesk knows them as its own
# people (in the context's names with the agents).
EXECUTIVES = ("James Carter", "Helen Marsh", "王建国")
AGENTS = (
    "Maria Lopez",
    "Daniel Okafor",
    "Priya Raman",
    "Tom Becker",
    "Chen Wei",
    "Liu Yang",
    "Sofia Rossi",
    "Jonas Lindqvist",
)

FREEMAIL = (
    "gmail.com",
    "outlook.com",
    "hotmail.com",
    "yahoo.com",
    "icloud.com",
    "gmx.de",
    "proton.me",
    "aol.com",
    "mail.com",
    "yandex.com",
)
FREEMAIL_ZH = ("qq.com", "163.com", "126.com", "sina.com", "foxmail.com", "aliyun.com")

# Companies whose staff are customers (their own domains, not free mail).
CUSTOMER_ORGS = (
    "brightlane.co.uk",
    "kestrel-labs.com",
    "northpoint-logistics.de",
    "harbourview.com.au",
    "tidewater-dental.com",
    "quillworks.io",
    "maplegrove-school.org",
    "oakridge-legal.com",
    "huaxin-tech.cn",
    "lanting-design.com.cn",
    "pinecrest-hotel.com",
    "saltmarsh.nl",
)

FIRST = (
    "Emma",
    "Oliver",
    "Ava",
    "Lucas",
    "Mia",
    "Noah",
    "Isla",
    "Leo",
    "Grace",
    "Ethan",
    "Chloe",
    "Samuel",
    "Hannah",
    "Mateo",
    "Zoe",
    "Arjun",
    "Fatima",
    "Kenji",
    "Ines",
    "Tobias",
    "Amara",
    "Declan",
    "Yuki",
    "Rosa",
    "Felix",
    "Nadia",
    "Owen",
    "Lena",
)
LAST = (
    "Walsh",
    "Patel",
    "Nguyen",
    "Schmidt",
    "Garcia",
    "Kowalski",
    "Murphy",
    "Haddad",
    "Jensen",
    "Moreau",
    "Silva",
    "Tanaka",
    "Brennan",
    "Osei",
    "Novak",
    "Ferreira",
    "Lindgren",
    "Abbott",
    "Castillo",
    "Dubois",
    "Kaur",
    "Müller",
    "O'Neill",
    "Romero",
)
ZH_SURNAMES = ("王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "马", "朱")
ZH_GIVEN = (
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "洋",
    "艳",
    "勇",
    "军",
    "杰",
    "婷",
    "雪梅",
    "建华",
    "晓明",
    "海燕",
    "志强",
    "丽娟",
)
ZH_PINYIN = {
    "王": "wang",
    "李": "li",
    "张": "zhang",
    "刘": "liu",
    "陈": "chen",
    "杨": "yang",
    "黄": "huang",
    "赵": "zhao",
    "周": "zhou",
    "吴": "wu",
    "徐": "xu",
    "孙": "sun",
    "马": "ma",
    "朱": "zhu",
}

# Shops and services that send receipts, newsletters and shipping notices from their
# own domains (and often through an ESP's bounce domain).
SHOPS = (
    ("Brightwater Coffee", "brightwatercoffee.com"),
    ("Fernhill Books", "fernhillbooks.co.uk"),
    ("Northwind Outfitters", "northwind-outfitters.com"),
    ("Pixel Pantry", "pixelpantry.io"),
    ("Cedar & Co", "cedarandco.com"),
    ("Lumen Lighting", "lumenlighting.de"),
    ("Harvest Table", "harvesttable.com"),
    ("Bluefin Travel", "bluefintravel.com"),
)
SHOPS_ZH = (
    ("青禾生活馆", "qinghe-life.cn"),
    ("悦读书店", "yuedu-books.com.cn"),
    ("云杉数码", "yunshan-digital.cn"),
    ("味道厨房", "weidao-kitchen.cn"),
)
CARRIERS = (
    ("Swiftline Parcel", "swiftline-parcel.com", "SLP"),
    ("Royal Post", "royalpost.example", "RP"),
    ("DHL", "dhl.com", "JD"),
    ("UPS", "ups.com", "1Z"),
)
CARRIERS_ZH = (("顺达快递", "shunda-express.cn", "SD"), ("安达快运", "anda-kuaiyun.cn", "AD"))
ESPS = ("sendgrid.net", "mailgun.org", "mcsv.net", "amazonses.com", "sparkpostmail.com")
LISTS = (
    ("python-announce", "python.org", "Mailman"),
    ("users", "lists.debian.org", "SmartList"),
    ("ops-discuss", "googlegroups.com", "Google Groups"),
    ("helpdesk-pros", "groups.io", "groups.io"),
    ("postgres-general", "lists.postgresql.org", "PGLister"),
)
# Brands as phishing borrows them, with their real domains.
BRANDS = (
    ("PayPal", "paypal.com"),
    ("Microsoft", "microsoft.com"),
    ("Apple", "apple.com"),
    ("Amazon", "amazon.com"),
    ("Google", "google.com"),
    ("DocuSign", "docusign.net"),
    ("Netflix", "netflix.com"),
    ("DHL", "dhl.com"),
    ("Dropbox", "dropbox.com"),
    ("Alipay", "alipay.com"),
    ("Office 365", "office.com"),
    ("LinkedIn", "linkedin.com"),
)

PHISH_TLDS = (
    "com",
    "net",
    "info",
    "xyz",
    "top",
    "online",
    "site",
    "co",
    "app",
    "example",
    "support",
    "live",
    "cn",
    "ru",
    "io",
)
SHORTENERS = ("bit.ly", "tinyurl.com", "t.co", "is.gd", "rb.gy", "cutt.ly", "t.cn", "ow.ly")
# Real sites' redirectors as phishing abuses them, the target in a parameter.
OPEN_REDIRECTS = (
    "https://www.google.com/url?q={u}&sa=D",
    "https://l.facebook.com/l.php?u={u}",
    "https://www.youtube.com/redirect?q={u}",
    "https://slack-redir.net/link?url={u}",
    "https://click.redirect-service.example/r?target={u}",
    "https://outlook.office365.com/owa/redir.aspx?URL={u}",
)


class Person:
    def __init__(self, name: str, address: str, zh: bool):
        self.name, self.address, self.zh = name, address, zh

    def __repr__(self) -> str:
        return f"Person({self.name!r}, {self.address!r})"

    @property
    def domain(self) -> str:
        return self.address.rsplit("@", 1)[1]


def _local(rng: random.Random, first: str, last: str) -> str:
    last = last.lower().replace("'", "").replace("ü", "ue")
    first = first.lower()
    return rng.choice(
        (
            f"{first}.{last}",
            f"{first}{last}",
            f"{first[0]}{last}",
            f"{first}_{last}{rng.randint(1, 99)}",
            f"{last}.{first}",
            f"{first}{rng.randint(70, 2005)}",
        )
    )


def person(rng: random.Random, *, zh: bool | None = None) -> Person:
    zh = rng.random() < 0.3 if zh is None else zh
    if zh:
        surname, given = rng.choice(ZH_SURNAMES), rng.choice(ZH_GIVEN)
        py = ZH_PINYIN[surname]
        local = rng.choice(
            (
                f"{py}{rng.randint(100, 99999)}",
                f"{py}.{rng.choice('xmjlhq')}",
                f"{rng.randint(10000000, 3999999999)}",
            )
        )
        if local.isdigit():
            domain = "qq.com"
        else:
            domain = rng.choice(
                (
                    *FREEMAIL_ZH,
                    "huaxin-tech.cn",
                    "lanting-design.com.cn",
                    "gmail.com",
                    "outlook.com",
                )
            )
        return Person(surname + given, f"{local}@{domain}", True)
    first, last = rng.choice(FIRST), rng.choice(LAST)
    domain = (
        rng.choice(FREEMAIL + CUSTOMER_ORGS) if rng.random() < 0.8 else rng.choice(CUSTOMER_ORGS)
    )
    return Person(f"{first} {last}", f"{_local(rng, first, last)}@{domain}", False)


class World:
    """The seeded population: the known customers (in the helpdesk's context) and the
    first-time writers (real customers too, not yet known)."""

    def __init__(self, seed: int):
        rng = random.Random(seed * 7919 + 1)
        self.customers: list[Person] = []
        self.newcomers: list[Person] = []
        seen, names = set(), set()
        # Every name once: a newcomer who shared a known customer's name would be the
        # customer-impostor case by accident (``second_address`` makes it on purpose).
        for group, size in ((self.customers, 240), (self.newcomers, 120)):
            while len(group) < size:
                p = person(rng)
                if p.address not in seen and p.name not in names:
                    seen.add(p.address)
                    names.add(p.name)
                    group.append(p)

    def second_address(self, rng: random.Random, p: Person) -> Person:
        """The same customer writing from another of their addresses (a personal one
        instead of work, or the reverse), one the helpdesk does not know yet."""
        pool = FREEMAIL_ZH if p.zh else FREEMAIL
        domain = rng.choice([d for d in pool if d != p.domain])
        local = p.address.split("@")[0]
        if not p.zh:
            first, _, last = p.name.partition(" ")
            local = _local(rng, first, last)
        return Person(
            p.name, f"{local}{rng.choice(('', '.home', str(rng.randint(1, 99))))}@{domain}", p.zh
        )

    def context_fields(self) -> dict:
        """The fields of ``phishing.base.Context`` (the brands left to the bundled table)."""
        return {
            "own_domains": frozenset(OWN_DOMAINS),
            "agent_names": frozenset(AGENTS + EXECUTIVES),
            "customer_addresses": frozenset(c.address for c in self.customers),
            "customer_names": frozenset(c.name for c in self.customers),
            "knows_senders": True,  # every customer is in customer_addresses
        }
