"""The mail gateway: inbound mail, sender authentication and the gateway's policy.

``analysis`` is pure — no Django, no network of its own (DNS comes through a resolver the
caller passes) — so that a message can be judged in any process, quickly, and tested
without a server."""
