"""Phishing, impersonation and lookalike detection for inbound mail (pure: no Django, no
network except through the resolver the caller passes).

``analyze.analyze_message(raw, resolver=..., context=...)`` builds one ``MailView`` of the
message, runs every signal in ``registry`` over it, and sums their reasons' weights into a
score and a verdict. The contract signals follow is in ``base``.
"""
