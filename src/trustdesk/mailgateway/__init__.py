"""The mail gateway: inbound mail, sender authentication and the gateway's policy.

``analysis`` is pure — no Django, no network of its own (DNS comes through a resolver the
caller passes) — so that a message can be judged in any process, quickly, and tested
without a server."""


def analyze_message(raw: bytes, *, resolver=None, context=None):
    """The phishing verdict on one raw message (``analysis.phishing.analyze``): pure, no
    network unless ``resolver`` is given. Imported on first use, so that importing the
    gateway's package stays cheap and free of Django."""
    from trustdesk.mailgateway.analysis.phishing.analyze import analyze_message as analyze

    return analyze(raw, resolver=resolver, context=context)
