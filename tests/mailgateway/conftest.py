from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fresh_lists():
    # The compiled lists are cached per process: one test's lists (rolled back with its
    # database) must not answer for the next test.
    from trustdesk.mailgateway import lists

    lists.settled()
    yield
    lists.settled()
