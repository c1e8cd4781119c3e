from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fresh_lists():
    # The compiled lists are cached per process: one test's lists (rolled back with its
    # database) must not answer for the next test.
    from trustdesk.mailgateway import authentication, gateway, lists

    lists.settled()
    authentication.forget()
    gateway.forget_routes()
    yield
    lists.settled()
    authentication.forget()
    gateway.forget_routes()
