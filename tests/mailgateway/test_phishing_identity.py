"""The phishing analyser's identity signals: who a message claims to be from. Each table
holds what a signal must flag and the ordinary mail it must leave alone."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trustdesk.mailgateway.analysis.dns import StubResolver
from trustdesk.mailgateway.analysis.phishing import identity, lookalike, senders, tables
from trustdesk.mailgateway.analysis.phishing.analyze import build_view
from trustdesk.mailgateway.analysis.phishing.base import Context, Link, MailView

from .phishmail import mail, reasons_of

BRANDS = [(n, d) for n, _, ds in tables.brands() for d in ds]
OWN = Context(own_domains=frozenset({"acme.example"}),
              agent_names=frozenset({"Grace Hopper", "王建国"}))


# -- look-alike domains -----------------------------------------------------------------

@pytest.mark.parametrize(("host", "kind", "owner"), [
    ("paypa1.com", lookalike.HOMOGLYPH, "PayPal"),
    ("xn--pypal-4ve.com", lookalike.HOMOGLYPH, "PayPal"),  # Cyrillic а
    ("rnicrosoft.com", lookalike.HOMOGLYPH, "Microsoft"),
    ("googIe.com", lookalike.HOMOGLYPH, "Google"),
    ("xn--80ak6aa92e.com", lookalike.HOMOGLYPH, "Apple"),  # аррӏе, all Cyrillic
    ("b0c.cn", lookalike.HOMOGLYPH, "Bank of China"),
    ("1cbc.com.cn", lookalike.HOMOGLYPH, "ICBC"),
    ("paypall.com", lookalike.EDIT, "PayPal"),
    ("amazom.com", lookalike.EDIT, "Amazon"),
    ("micorsoft.com", lookalike.EDIT, "Microsoft"),  # a swap of neighbours
    ("paypal-secure-login.com", lookalike.WORDS, "PayPal"),
    ("securepaypal.com", lookalike.WORDS, "PayPal"),
    ("micros0ft-support.net", lookalike.WORDS, "Microsoft"),
    ("ups-delivery.com", lookalike.WORDS, "UPS"),
    ("jd-login.com", lookalike.WORDS, "JD.com"),
    ("icbc-secure.cn", lookalike.WORDS, "ICBC"),
    ("secure-paypal.com.verify.example", lookalike.SUBDOMAIN, "PayPal"),
    ("paypal.com.verify.example", lookalike.SUBDOMAIN, "PayPal"),
    ("login.netflix.account-check.example", lookalike.SUBDOMAIN, "Netflix"),
    ("ups.com.track.example", lookalike.SUBDOMAIN, "UPS"),
    ("docusign.info", lookalike.SUFFIX, "DocuSign"),  # a generic ending
    ("up5.com", lookalike.HOMOGLYPH, "UPS"),  # a digit for a letter
    ("4pple.com", lookalike.HOMOGLYPH, "Apple"),
    ("o-ffice.com", lookalike.HOMOGLYPH, "Microsoft"),  # a hyphen splitting the name
    ("deskpaypalsecure.info", lookalike.WORDS, "PayPal"),  # the name inside another
    # another owner's host named after a brand
    ("paypal-login.s3.amazonaws.com", lookalike.WORDS, "PayPal"),
    ("paypal-secure.onmicrosoft.com", lookalike.SUBDOMAIN, "PayPal"),
])
def test_lookalikes_of_brands(host, kind, owner):
    match = lookalike.compare(host, BRANDS)
    assert match is not None
    assert (match.kind, match.owner) == (kind, owner)


@pytest.mark.parametrize("host", [
    "paypal.com", "www.paypal.com", "amazon.de", "apple.co.jp", "mail.google.com",
    "gmail.com", "example.com", "mailchimp.com", "sendgrid.net", "applegrowers.com",
    # short names: one letter off a three-letter brand is another ordinary name
    "ops.com", "jb.com", "bob.com", "dhi.com", "ubs.com", "qz.com", "ccb.org",
    # everyday words that are also brand labels
    "outlook.acme.org", "live-help.com", "office-supplies.com", "apple.farm.example",
    "ups.example.org", "xn--mnchen-3ya.de", "xn--fiqs8s.cn",
    # a letter off, but another word: the first letter differs, or the brand is a word
    "cloud.com", "webchat.example", "offices.com", "amazon-seller-tools.example",
    # a short or everyday brand name under another ending is another owner
    "ccb.org", "apple.farm", "amazon.org", "apple.news", "paypal.co.uk", "l5.com",
    "mybucket.s3.amazonaws.com", "contoso.onmicrosoft.com", "raw.githubusercontent.com",
    "googleplex.example", "appleton.example",
])
def test_ordinary_domains_are_not_lookalikes(host):
    assert lookalike.compare(host, BRANDS) is None


@pytest.mark.parametrize(("host", "kind"), [
    ("acme.co", lookalike.SUFFIX), ("acrne.example", lookalike.HOMOGLYPH),
    ("acme-support.net", lookalike.WORDS), ("acme.example.login.test", lookalike.SUBDOMAIN),
])
def test_lookalikes_of_the_helpdesks_own_domain(host, kind):
    match = lookalike.compare(host, [("", "acme.example")])
    assert match is not None and (match.kind, match.owner) == (kind, "")


@pytest.mark.parametrize("host", ["acme.example", "mail.acme.example", "acne.example"])
def test_the_own_domain_and_a_short_neighbour_are_not(host):
    assert lookalike.compare(host, [("", "acme.example")]) is None


@pytest.mark.parametrize(("a", "b", "distance"), [
    ("paypal", "paypal", 0), ("paypal", "paypla", 1), ("paypal", "paypa", 1),
    ("kitten", "sitting", 3), ("ab", "ba", 1), ("", "abc", 3),
    ("abcdef", "a", 4),  # past the limit: limit + 1
])
def test_damerau_levenshtein(a, b, distance):
    assert lookalike.damerau(a, b, limit=3) == distance


def test_skeleton_maps_confusables_to_latin():
    assert lookalike.skeleton("xn--pypal-4ve") == "paypal"
    assert lookalike.skeleton("rnicrosoft") == "microsoft"
    assert lookalike.skeleton("paypa1") == "paypal"
    assert lookalike.skeleton("café") == "cafe"


@pytest.mark.parametrize(("sender", "reply_to", "weight"), [
    ("service@paypa1.com", None, 50),
    ("billing@paypal-secure-login.com", None, 40),
    ("notice@paypall.com", None, 35),  # one letter off a name of 6
    ("notice@micosoft.com", None, 45),  # of 7 or more
    ("orders@paypal-shop-news.com", None, 25),  # a neutral word: weak alone
    ("ada@customer.example", "help@paypa1.com", 50),  # replies to a look-alike
])
def test_lookalike_domain_signal(sender, reply_to, weight):
    got = reasons_of(identity.LookalikeDomain(), mail(sender=sender, reply_to=reply_to))
    assert [w for w, _ in got] == [weight]


@pytest.mark.parametrize("sender", ["service@paypal.com", "auto-confirm@amazon.com",
                                    "ada@customer.example", "noreply@github.com"])
def test_lookalike_domain_signal_leaves_real_domains(sender):
    assert reasons_of(identity.LookalikeDomain(), mail(sender=sender)) == []


@pytest.mark.parametrize(("name", "sender", "weight"), [
    ("Amazon", "security@amazon.info", 35),  # claims Amazon, its name under .info
    ("UPS", "track@upss.com", 35),  # one letter off a short brand it claims
    ("Amazon", "store@amazon.de", None),  # the brand in another country
    ("Sam Taylor", "sam@amazon.info", None),  # claims no brand: amazon is also a word
])
def test_a_sender_domain_near_the_brand_it_claims(name, sender, weight):
    got = reasons_of(identity.LookalikeDomain(), mail(name=name, sender=sender))
    assert [w for w, _ in got] == ([weight] if weight else [])



def _view(links: tuple[Link, ...], raw: bytes | None = None) -> MailView:
    view = build_view(raw or mail())
    return MailView(raw=view.raw, parsed=view.parsed, html=view.html, text=view.text,
                    links=links, auth=None, findings=())


def test_lookalike_link_signal():
    bad = _view((Link("https://paypa1.com/login", "Log in", "paypa1.com"),))
    got = identity.LookalikeLink().check(bad, Context())
    assert [r.weight for r in got] == [40] and "paypa1.com" in got[0].text
    good = _view((Link("https://www.paypal.com/", "PayPal", "www.paypal.com"),
                  Link("https://click.mailchimp.com/x", "", "click.mailchimp.com")))
    assert identity.LookalikeLink().check(good, Context()) == []


@pytest.mark.parametrize(("name", "sender", "host", "weight"), [
    ("UPS", "tracking@parcel-news.example", "upps.com", 30),  # claims UPS, links off it
    ("UPS", "tracking@parcel-news.example", "ups.com", None),  # the real one
    ("Sam Taylor", "sam@customer.example", "upps.com", None),  # claims no brand
    ("UPS", "tracking@parcel-news.example", "ops.com", None),  # the first letter differs
])
def test_a_link_misspelling_the_brand_the_sender_claims(name, sender, host, weight):
    view = _view((Link(f"https://{host}/track", "Track", host),),
                 mail(name=name, sender=sender))
    got = [r.weight for r in identity.LookalikeLink().check(view, Context())]
    assert got == ([weight] if weight else [])


# -- internationalised domains --------------------------------------------------------

@pytest.mark.parametrize(("sender", "weight"), [
    ("a@xn--pypal-4ve.com", 30),  # Latin and Cyrillic in one label
    ("a@xn--80ak6aa92e.com", 30),  # Cyrillic that reads as "apple"
    ("a@xn--mnchen-3ya.de", None),  # münchen: Latin only
    ("a@xn--fiqs8s.cn", None),  # 中国: Han only
    ("a@example.com", None),
    ("a@p\u0430ypal.com", 30),  # an internationalised address, not yet in punycode
])
def test_deceptive_idn(sender, weight):
    got = reasons_of(identity.DeceptiveIdn(), mail(sender=sender))
    assert [w for w, _ in got] == ([weight] if weight else [])


def test_deceptive_idn_in_a_link():
    view = _view((Link("https://xn--pypal-4ve.com/", "", "xn--pypal-4ve.com"),))
    assert [r.weight for r in identity.DeceptiveIdn().check(view, Context())] == [20]


# -- display names --------------------------------------------------------------------

@pytest.mark.parametrize(("name", "sender", "weight"), [
    ("Acme IT Helpdesk", "it.acme@gmail.com", 40),  # the company's name
    ("Grace Hopper", "grace.hopper.acme@gmail.com", 40),  # an agent's name
    ("PayPal", "service@pp-mail.example", 30),  # a brand's
    ("支付宝", "notice@alipay-cn.example", 30),
    ("service@paypal.com", "x@evil.example", 60),  # a brand, and an address it is not
    ("IT Support", "helper@vendor.example", 15),  # a role: weak alone
    ("IT Support", "helper@outlook.com", 30),  # stronger on free mail
    ("PayPal", "paypal.service@gmail.com", 40),  # brands do not send from free mail
    ("李总", "boss59@qq.com", 30),  # how Chinese mail names an executive
    ("王建国", "wang.jg@163.com", 40),  # an executive's Chinese name
    ("P\u0430yP\u0430l Service", "service@pp-mail.example", 30),  # Cyrillic а
    ("Pay\u200bPal", "service@pp-mail.example", 30),  # a zero-width space inside
])
def test_display_name_impersonation(name, sender, weight):
    got = reasons_of(identity.DisplayName(), mail(name=name, sender=sender), OWN)
    assert sum(w for w, _ in got) == weight


@pytest.mark.parametrize(("name", "sender"), [
    ("PayPal", "service@paypal.com"),
    ("Amazon.com", "auto-confirm@amazon.com"),
    ("Apple Growers Ltd", "info@applegrowers.com"),  # named like a brand, own domain
    ("Acme Support", "support@acme.example"),
    ("Grace Hopper", "grace@acme.example"),
    ("Ada Lovelace", "ada@customer.example"),
    ("王建", "wang.j@163.com"),  # not the executive 王建国
    ("李总", "li@acme.example"),  # the executive, on the company's address
    ("Chase Miller", "chase.miller@gmail.com"),  # a first name, not the bank
    ("PayPal", "service@paypal.co.uk"),  # the brand under another country's ending
    ("", "ada@customer.example"),
])
def test_display_names_that_borrow_nothing(name, sender):
    assert reasons_of(identity.DisplayName(), mail(name=name, sender=sender), OWN) == []


def test_a_mailing_list_may_show_the_posters_address():
    raw = mail(name="'ada@customer.example' via devel", sender="devel@googlegroups.com",
               headers={"List-Id": "<devel.googlegroups.com>"})
    assert reasons_of(identity.DisplayName(), raw, OWN) == []


# -- replies to free mail -------------------------------------------------------------

@pytest.mark.parametrize(("sender", "reply_to", "return_path", "weight"), [
    ("billing@vendor.example", "billing.dept@gmail.com", None, 35),
    ("forms@typeform.example", "visitor@gmail.com", None, 35),  # a form service: a warning
    ("ceo.acme@gmail.com", "ceo.private@outlook.com", None, 25),  # free mail to free mail
    ("alerts@bank.example", None, "x123@yahoo.com", 20),
    ("alerts@bank.example", "help@qq.com", "x123@163.com", 55),
    ("news@bakery.example", "bakery.owner@gmail.com", None, 25),  # a small newsletter
])
def test_freemail_reply(sender, reply_to, return_path, weight):
    headers = {"List-Unsubscribe": "<https://bakery.example/u>"} if "news@" in sender else {}
    raw = mail(sender=sender, reply_to=reply_to, return_path=return_path, headers=headers)
    assert sum(w for w, _ in reasons_of(senders.FreemailReply(), raw, OWN)) == weight


@pytest.mark.parametrize(("sender", "reply_to", "return_path"), [
    ("ada@gmail.com", "ada@gmail.com", "ada@gmail.com"),  # a customer on free mail
    ("forms@acme.example", "visitor@gmail.com", None),  # the helpdesk's own web form
    ("jane@uni.example", "devel@lists.example.org", "devel-bounces@lists.example.org"),
    ("devel@lists.example.org", "jane@gmail.com", None),  # a list that rewrote From
    ("sales@company.example", "orders@company.example", "bounce@mail.company.example"),
    ("news@shop.example", None, "bounce-123@em.sendgrid.net"),
])
def test_replies_that_are_ordinary(sender, reply_to, return_path):
    headers = {"X-Mailing-List": "devel@lists.example.org"} if "lists" in sender else {}
    raw = mail(sender=sender, reply_to=reply_to, return_path=return_path, headers=headers)
    assert reasons_of(senders.FreemailReply(), raw, OWN) == []


# -- a customer's name on a new address -----------------------------------------------

CUSTOMERS = Context(customer_addresses=frozenset({"ada@customer.example"}),
                    customer_names=frozenset({"Ada Lovelace", "李娜", "Bo"}))


@pytest.mark.parametrize(("name", "sender", "weight"), [
    ("Ada Lovelace", "ada.lovelace.billing@gmail.com", 30),
    ("ADA  LOVELACE", "a.l@outlook.com", 30),
    ("李娜", "lina@163.com", 30),
    ("Ada Lovelace", "ada@customer.example", None),  # her known address
    ("Bo", "bo@gmail.com", None),  # too short a name to tell anyone apart
    ("Charles Babbage", "cb@gmail.com", None),
])
def test_new_address_with_a_customers_name(name, sender, weight):
    got = reasons_of(senders.NewAddressCustomerName(), mail(name=name, sender=sender),
                     CUSTOMERS)
    assert [w for w, _ in got] == ([weight] if weight else [])


def test_no_known_customers_no_claim():
    raw = mail(name="Ada Lovelace", sender="x@gmail.com")
    assert reasons_of(senders.NewAddressCustomerName(), raw,
                      Context(customer_names=frozenset({"Ada Lovelace"}))) == []


# -- sender authentication ------------------------------------------------------------

RECEIVED = "from mx.sender.example (mx.sender.example [192.0.2.9]) by mx.acme.example"


def _resolver(policy: str = "reject", spf: str = "v=spf1 ip4:198.51.100.0/24 -all"):
    return StubResolver({"bank.example": [spf],
                         "_dmarc.bank.example": [f"v=DMARC1; p={policy}"]})


@pytest.mark.parametrize(("policy", "spf", "headers", "expected"), [
    ("reject", "v=spf1 ip4:198.51.100.0/24 -all", {}, [40, 15]),
    ("none", "v=spf1 ip4:198.51.100.0/24 -all", {}, [20, 15]),
    ("reject", "v=spf1 ip4:198.51.100.0/24 -all", {"List-Id": "<devel.lists.example>"},
     [15, 15]),  # a mailing list breaks alignment
    ("reject", "v=spf1 ip4:192.0.2.0/24 -all", {}, []),  # passes
])
def test_authentication_signal(policy, spf, headers, expected):
    raw = mail(sender="alerts@bank.example", received=RECEIVED,
               return_path="bounce@bank.example", headers=headers)
    got = reasons_of(identity.Authentication(), raw, resolver=_resolver(policy, spf))
    assert [w for w, _ in got] == expected


def test_no_resolver_no_authentication_reasons():
    raw = mail(sender="alerts@bank.example", received=RECEIVED)
    assert reasons_of(identity.Authentication(), raw) == []


def test_an_unusable_from_is_a_permerror():
    raw = (b"From: a@bank.example, b@bank.example\r\nSubject: x\r\n"
           b"Received: " + RECEIVED.encode() + b"\r\n\r\nhello\r\n")
    got = reasons_of(identity.Authentication(), raw, resolver=_resolver())
    assert [w for w, _ in got][:1] == [30]
    assert [w for w, _ in reasons_of(identity.Structure(), raw)] == [25]


def test_a_known_customer_whose_domain_vouches_is_a_good_sign():
    raw = mail(sender="alerts@bank.example", received=RECEIVED,
               return_path="bounce@bank.example")
    known = Context(customer_addresses=frozenset({"alerts@bank.example"}))
    passing = _resolver(spf="v=spf1 ip4:192.0.2.0/24 -all")
    assert [w for w, _ in reasons_of(senders.KnownSender(), raw, known,
                                     resolver=passing)] == [-15]
    # without authentication the From address proves nothing
    assert reasons_of(senders.KnownSender(), raw, known) == []
    assert reasons_of(senders.KnownSender(), raw, known, resolver=_resolver()) == []


# -- what agents reported ---------------------------------------------------------------

REPORTED = Context(own_domains=frozenset({"acme.example"}), reputation={
    "senders": {"x@gmail.com": 2},
    "domains": {"evil.example": 1, "gmail.com": 5, "acme.example": 1}})


@pytest.mark.parametrize(("sender", "weight"), [
    ("x@gmail.com", 40),  # the reported address
    ("billing@mail.evil.example", 30),  # a reported domain
    ("y@gmail.com", None),  # another account at a reported free-mail provider
    ("grace@acme.example", None),  # the helpdesk's own domain is never tainted
    ("ada@customer.example", None),
])
def test_reported_senders_and_domains(sender, weight):
    got = reasons_of(senders.Reputation(), mail(sender=sender), REPORTED)
    assert [w for w, _ in got] == ([weight] if weight else [])


def test_context_brands_replace_the_bundled_table():
    mine = Context(brands=(("Acme Pay", ("acmepay.example",)),))
    raw = mail(sender="service@acmepay-secure.example")
    assert [w for w, _ in reasons_of(identity.LookalikeDomain(), raw, mine)] == [40]
    assert reasons_of(identity.LookalikeDomain(), mail(sender="a@paypa1.com"), mine) == []
    both = Context(brands=(*tables.bundled_brands(), ("Acme Pay", ("acmepay.example",))))
    assert reasons_of(identity.LookalikeDomain(), mail(sender="a@paypa1.com"), both) != []
    named = reasons_of(identity.DisplayName(), mail(name="Acme Pay", sender="a@b.example"),
                       mine)
    assert [w for w, _ in named] == [30]


@given(st.one_of(st.text(max_size=80), st.text("paylomicrsftgu01345-.аοрxn", max_size=40)))
def test_compare_never_raises(host):
    match = lookalike.compare(host, [*BRANDS, ("", "acme.example")])
    assert match is None or match.kind in identity.HOW
