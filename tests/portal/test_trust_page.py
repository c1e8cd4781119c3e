"""The public trust page: generated from the real state (registry, support addresses,
inventory, settings), in English and Chinese, under a CSP that allows no script, and
safe against what an admin or a setting could put into it."""

from __future__ import annotations

import pytest
from django.test import Client

from trustdesk.channels import services as channels
from trustdesk.mailgateway import routes

pytestmark = pytest.mark.django_db

INVENTORY = """version: 1
fields:
  - name: full_name
    label: Full name
    type: string
    category: identity
    sensitivity: confidential
    purpose: Address the customer
    legal_basis: contract
    required: true
    retention: 3y
"""


def _page(client=None, **headers) -> str:
    response = (client or Client()).get("/trust/", **headers)
    assert response.status_code == 200
    return response.content.decode()


def test_it_lists_registered_channels_and_support_addresses_with_their_promises(system):
    channels.channel_create(actor=system, kind="phone", value="+442079460000",
                            label="Billing line", may_ask=["order number", "postcode"],
                            never_asks=["remote_access"])
    channels.channel_create(actor=system, kind="web", value="https://old.example/",
                            active=False)
    routes.route_create(actor=system, address="support@example.com", name="Support",
                        dkim=False)
    routes.route_create(actor=system, address="off@example.com", dkim=False, active=False)
    page = _page()
    assert 'href="tel:+442079460000"' in page and "Billing line" in page
    assert "order number, postcode" in page and "remote access" in page
    assert 'href="mailto:support@example.com"' in page
    assert "old.example" not in page and "off@example.com" not in page
    assert page.count("your password") == 2  # the default, on both channels


def test_the_page_follows_the_inventory(settings, tmp_path):
    before = _page()
    assert "Date of birth" in before and "Shoe size" not in before
    path = tmp_path / "inventory.yaml"
    path.write_text(INVENTORY + """
  - name: shoe_size
    label: Shoe size
    type: string
    category: preferences
    sensitivity: internal
    purpose: Send shoes that fit
    legal_basis: consent
    required: false
    retention: 18m
""")
    settings.DATA_INVENTORY_PATH = path
    after = _page()
    assert "Shoe size" in after and "Send shoes that fit" in after and "18 months" in after
    assert "Your consent" in after and "Date of birth" not in after
    # No card field declared: no sentence about card tokens.
    assert "Card numbers are replaced by tokens" in before
    assert "Card numbers are replaced by tokens" not in after


def test_protection_sentences_follow_the_settings(settings):
    page = _page()
    assert "key file on our servers" in page and "hardware security module" not in page
    assert "administrative, supervisory, security or privacy roles" in page
    settings.VAULT_KEY_PROVIDER, settings.REQUIRE_MFA = "pkcs11", "all"
    settings.ACCESS_NEED_TO_KNOW = False
    page = _page()
    assert "hardware security module" in page and "key file" not in page
    assert "Every staff account must sign in with a second factor." in page
    assert "only while they work on a request" not in page


def test_privacy_requests_go_to_the_contact_and_the_portal_only_if_it_exists(settings):
    settings.PRIVACY_CONTACT = "privacy@example.com"
    page = _page()
    # The customer portal is served (/help/), so requests are also made there.
    assert 'href="mailto:privacy@example.com"' in page and 'href="/help/"' in page
    settings.PRIVACY_CONTACT = "javascript:alert(1)"
    page = _page()
    assert 'href="javascript' not in page and "javascript:alert(1)" in page  # text only


def test_security_section_links_security_txt_only_when_it_is_served(settings):
    settings.SECURITY_CONTACT = ""
    assert 'href="/.well-known/security.txt"' not in _page()
    settings.SECURITY_CONTACT = "mailto:security@example.com"
    assert 'href="/.well-known/security.txt"' in _page()


@pytest.mark.parametrize("how", [{"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"},
                                 {"QUERY_STRING": "lang=zh-hans"}])
def test_chinese_by_accept_language_or_the_switch(how):
    response = Client().get("/trust/", **how)
    page = response.content.decode()
    assert response["Content-Language"] == "zh-hans" and '<html lang="zh-hans">' in page
    assert "我们的官方渠道" in page and "我们与您的合同" in page and "3 年" in page
    assert "Address the customer and recognise them across tickets" in page  # free text
    assert "Accept-Language" in response["Vary"]


def test_english_is_the_default_and_the_switch_wins_over_the_browser():
    response = Client().get("/trust/?lang=en", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response["Content-Language"] == "en"
    assert "Our official channels" in response.content.decode()
    assert Client().get("/trust/?lang=xx")["Content-Language"] == "en"


def test_the_console_keeps_its_language(make_user, console_client):
    client = console_client(make_user("admin"))
    response = client.get("/channels/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == 200 and "Official channels" in response.content.decode()
    assert "Content-Language" not in response


def test_a_label_cannot_inject_markup_and_the_csp_forbids_script(system):
    channels.channel_create(actor=system, kind="web", value="https://example.com/",
                            label='<script>alert(1)</script><img src=x onerror=alert(2)>',
                            may_ask=['"><svg onload=alert(3)>'])
    response = Client().get("/trust/")
    page = response.content.decode()
    assert "<script>" not in page and "<img src=x" not in page and "<svg" not in page
    assert "&lt;script&gt;" in page
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert "frame-ancestors 'none'" in csp and "form-action 'none'" in csp


def test_nothing_about_a_signed_in_visitor_reaches_the_page(make_user, console_client):
    admin = make_user("admin", name="Adele Administrator")
    page = _page(console_client(admin))
    assert "Adele" not in page and admin.email not in page and "sidebar" not in page
    assert "csrf" not in page.lower()
