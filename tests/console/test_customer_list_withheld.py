"""The customer list says "withheld" where need-to-know withholds a field, as the
customer's page does, and leaves a field the customer has not got empty."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def test_withheld_not_blank(make_user, make_customer, console_client):
    make_customer(full_name="Ada Lovelace", email="ada@example.org", company="Engines")
    agent = make_user("agent")  # no ticket with Ada: no need to know
    html = console_client(agent).get("/customers/").content.decode()
    row = re.search(r"<tr data-href.*?</tr>", html, re.S).group(0)
    assert "ada@example.org" not in row
    assert "withheld" in row
    supervisor_html = console_client(make_user("supervisor")).get("/customers/").content
    assert b"withheld" not in supervisor_html  # sees them all, masked or in full
