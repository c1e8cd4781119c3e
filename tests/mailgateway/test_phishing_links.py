"""Link extraction for the phishing analyser: the host a browser would really go to, the
text shown for it, bounded and never raising on hostile markup."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trustdesk.mailgateway.analysis.phishing import links
from trustdesk.mailgateway.analysis.phishing.base import Link


@pytest.mark.parametrize(("url", "host"), [
    ("https://Shop.Example.COM/orders/1", "shop.example.com"),
    ("https://shop.example.com./", "shop.example.com"),
    # The last "@" ends the user information: the host is what comes after it.
    ("https://paypal.com@evil.example/login", "evil.example"),
    ("https://paypal.com:secure@evil.example:443/", "evil.example"),
    ("https://a@b@evil.example/", "evil.example"),
    # Browsers read a backslash as a slash in web URLs.
    ("https:\\\\evil.example\\login", "evil.example"),
    ("https://paypal.com\\@evil.example/", "paypal.com"),
    ("https:evil.example/x", "evil.example"),
    ("https:///evil.example/x", "evil.example"),
    # Percent-escapes in the host are decoded before it is looked up.
    ("https://%65vil.example/", "evil.example"),
    ("https://ev%69l.EXAMPLE/", "evil.example"),
    # Internationalised names in punycode (full-width dots too).
    ("https://例子.中国/", "xn--fsqu00a.xn--fiqs8s"),
    ("https://bücher.example/", "xn--bcher-kva.example"),
    ("https://例子。中国/", "xn--fsqu00a.xn--fiqs8s"),
    ("https://xn--pypal-4ve.com/", "xn--pypal-4ve.com"),
    # IP literals stay addresses; the numeric disguises of IPv4 are read as browsers do.
    ("http://192.0.2.10/login", "192.0.2.10"),
    ("http://3221225994/login", "192.0.2.10"),
    ("http://0xc0.0.2.10/", "192.0.2.10"),
    ("http://0300.0.2.012/", "192.0.2.10"),
    ("http://0xc0000210/", "192.0.2.16"),
    ("http://[2001:DB8::1]:8080/", "[2001:db8::1]"),
    # Tabs and line breaks inside a URL are dropped, as browsers do.
    ("https://ev\nil.exa\tmple/", "evil.example"),
    ("  https://shop.example/  ", "shop.example"),
    ("//cdn.example/x", "cdn.example"),
    ("www.Shop.example/deals", "www.shop.example"),
    ("hxxps://evil[.]example/x", "evil.example"),
    ("mailto:ada@example.com", ""),
    ("javascript:alert(1)", ""),
    ("/relative/path", ""),
    ("", ""),
])
def test_host_is_where_a_browser_goes(url, host):
    assert links.host_of(url) == host


@pytest.mark.parametrize(("url", "field", "value"), [
    ("https://shop.example:8443/x?a=1#f", "port", 8443),
    ("https://shop.example/x?a=1#frag", "query", "a=1"),
    ("https://shop.example/x?a=1#frag", "path", "/x"),
    ("https://paypal.com@evil.example/", "userinfo", "paypal.com"),
    ("HXXPS://evil.example/", "scheme", "https"),
    ("JavaScript:alert(1)", "scheme", "javascript"),
    ("java\tscript:alert(1)", "scheme", "javascript"),
    ("data:text/html;base64,PGI+", "scheme", "data"),
    ("http://3221225994/", "numeric_ip", True),
    ("http://192.0.2.10/", "numeric_ip", False),
    ("http://192.0.2.10/", "ip", True),
    ("http://[::1]/", "ip", True),
    ("http://1.2.3.4.5/", "ip", False),
    ("http://256.1.1.1/", "ip", False),
    ("https://shop.example/", "port", None),
])
def test_parse(url, field, value):
    assert getattr(links.parse(url), field) == value


@pytest.mark.parametrize(("url", "defanged"), [
    ("https://example.com/a.html", "hxxps://example[.]com/a.html"),
    ("http://paypal.com@evil.example/", "hxxp://paypal[.]com[@]evil[.]example/"),
    ("HTTPS://Example.com", "hxxps://Example[.]com"),
    ("ftp://files.example/x", "fxp://files[.]example/x"),
    ("www.example.com/x.y", "www[.]example[.]com/x.y"),
    ("hxxps://example[.]com", "hxxps://example[.]com"),  # already defanged: unchanged
    ("http://192.0.2.1:8080/?q=a.b", "hxxp://192[.]0[.]2[.]1:8080/?q=a.b"),
])
def test_defang(url, defanged):
    assert links.defang(url) == defanged


HTML_CASES = [
    ('<a href="https://shop.example/o/1">Your <b>order</b></a>',
     [("https://shop.example/o/1", "Your order", "shop.example")]),
    # <base href> is where relative links point.
    ('<base href="https://shop.example/en/"><a href="orders/1">Order</a>',
     [("https://shop.example/en/orders/1", "Order", "shop.example")]),
    # An image's src is not a link; an image map's area and a form's action are.
    ('<img src="https://img.example/p.png"><map><area href="https://x.example/" alt="Map">'
     '</map><form action="https://collect.example/post"></form>',
     [("https://x.example/", "Map", "x.example"),
      ("https://collect.example/post", "", "collect.example")]),
    # Entities in attributes are decoded; white space in an href is dropped.
    ('<a href="https://shop.example/?a=1&amp;b=2">x</a><a href="https://ev\nil.example">y</a>',
     [("https://shop.example/?a=1&b=2", "x", "shop.example"),
      ("https://evil.example", "y", "evil.example")]),
    # Not links to the web: in-page anchors, mail and phone links.
    ('<a href="#top">top</a><a href="mailto:a@b.example">mail</a><a href="tel:+1">call</a>'
     '<a>no href</a>', []),
    # An <a> inside an <a> ends the first; an unclosed one ends with the document.
    ('<a href="https://one.example">one<a href="https://two.example">two',
     [("https://one.example", "one", "one.example"),
      ("https://two.example", "two", "two.example")]),
    # Script and style text is not what a reader sees.
    ('<a href="https://x.example"><style>.a{}</style>shown<script>hidden()</script></a>',
     [("https://x.example", "shown", "x.example")]),
    ('<a href="javascript:steal()">Open</a><a href="data:text/html,hi">Doc</a>',
     [("javascript:steal()", "Open", ""), ("data:text/html,hi", "Doc", "")]),
    ('<A HREF="HTTPS://PAYPAL.COM@EVIL.EXAMPLE/">www.paypal.com</A>',
     [("HTTPS://PAYPAL.COM@EVIL.EXAMPLE/", "www.paypal.com", "evil.example")]),
]


@pytest.mark.parametrize(("html", "expected"), HTML_CASES)
def test_links_of_html(html, expected):
    assert [(x.href, x.text, x.host) for x in links.extract(html, "")] == expected


TEXT_CASES = [
    ("See https://shop.example/orders/1.", ["https://shop.example/orders/1"]),
    ("Links: (https://shop.example/a), https://shop.example/b; www.shop.example!",
     ["https://shop.example/a", "https://shop.example/b", "www.shop.example"]),
    ("Wiki: https://en.wikipedia.org/wiki/Foo_(bar) ok",
     ["https://en.wikipedia.org/wiki/Foo_(bar)"]),
    ('"https://shop.example/q?x=1" and <https://shop.example/r>',
     ["https://shop.example/q?x=1", "https://shop.example/r"]),
    ("请点击http://evil.example/login。谢谢", ["http://evil.example/login"]),
    ("请访问 https://shop.example/a，或者 https://shop.example/b）", [
        "https://shop.example/a", "https://shop.example/b"]),
    ("defanged: hxxps://evil[.]example/x.", ["hxxps://evil[.]example/x"]),
    ("mail me at ada@shop.example or see notes.txt", []),
    ("no scheme: shop.example/page", []),
]


@pytest.mark.parametrize(("text", "hrefs"), TEXT_CASES)
def test_bare_urls_of_text(text, hrefs):
    found = links.extract("", text)
    assert [x.href for x in found] == hrefs
    assert all(x.text == "" for x in found)


def test_text_urls_already_in_the_html_are_not_repeated():
    html = '<a href="https://shop.example/o/1">Your order</a>'
    text = "Your order (https://shop.example/o/1) and https://other.example/"
    assert links.extract(html, text) == (
        Link("https://shop.example/o/1", "Your order", "shop.example"),
        Link("https://other.example/", "", "other.example"),
    )


def test_bounded_in_count_and_length():
    many = "".join(f'<a href="https://h{i}.example/">{i}</a>' for i in range(2000))
    assert len(links.extract(many, "https://more.example/ " * 100)) == links.MAX_LINKS
    long_text = "x" * 10_000
    long_href = "https://shop.example/" + "a" * 10_000
    (link,) = links.extract(f'<a href="{long_href}">{long_text}</a>', "")
    assert len(link.href) == links.MAX_HREF and len(link.text) == links.MAX_TEXT
    assert link.host == "shop.example"


def test_text_bounded():
    text = " ".join(f"https://a.example/{i}" for i in range(2000))
    assert len(links.extract("", text)) == links.MAX_LINKS
    # The same URL written many times is one link.
    assert len(links.extract("", "https://a.example/ " * 2000)) == 1


_TAGS = st.sampled_from(["a", "area", "form", "base", "img", "script", "style", "b", "p",
                         "template", "title", "!--", "![CDATA["])
_ATTR_VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["https://x.example/", "//[::1", "http://[", "https://@", "http://%zz/",
                     "hxxp://", "http://0x/", "http://999999999999/", "https://xn--/",
                     "https://a..b/", "www.", "\\\\", "java\nscript:"]),
)


@st.composite
def _markup(draw):
    pieces = []
    for _ in range(draw(st.integers(0, 12))):
        tag = draw(_TAGS)
        attrs = " ".join(f'{draw(st.sampled_from(["href", "action", "src", "alt"]))}='
                         f'"{draw(_ATTR_VALUES)}"' for _ in range(draw(st.integers(0, 2))))
        pieces.append(draw(st.sampled_from([f"<{tag} {attrs}>", f"</{tag}>", f"<{tag} {attrs}",
                                            draw(st.text(max_size=30))])))
    return "".join(pieces)


@settings(max_examples=300, deadline=None)
@given(html=st.one_of(_markup(), st.text(max_size=300)), text=st.text(max_size=200))
def test_extract_never_raises(html, text):
    found = links.extract(html, text)
    assert len(found) <= links.MAX_LINKS
    for link in found:
        assert isinstance(link, Link) and link.host == link.host.lower()
        assert len(link.href) <= links.MAX_HREF


@settings(max_examples=300, deadline=None)
@given(url=st.text(max_size=120))
def test_parse_and_defang_never_raise(url):
    target = links.parse(url)
    assert isinstance(target.host, str)
    assert isinstance(links.defang(url), str)
    assert isinstance(links.defang("https://" + url), str)
