"""Pure message analysis: importable without Django (an import contract holds it to
that), and no network except through the resolver the caller passes (``dns``).

Sender authentication: ``authenticate.authenticate()`` runs ``spf``, ``dkim_check``,
``arc``, ``dmarc`` and the DNS ``checks`` on one message and writes the
``Authentication-Results`` value (``authres``). Nothing is re-exported here: the
function shares its module's name, so import it from
``trustdesk.mailgateway.analysis.authenticate``.
"""
