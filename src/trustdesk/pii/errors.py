"""The detector's errors, in the one error tree (``core/errors.py`` is Django-free)."""

from __future__ import annotations

from trustdesk.core.errors import ConfigurationError, Unavailable, ValidationError


class UnknownEntity(ValidationError):
    """An entity name nobody recognizes: refusing beats silently scanning for nothing."""

    code = "pii_unknown_entity"
    message = "Unknown PII entity."


class RecognizerConfigError(ConfigurationError):
    """A custom-recognizer file is wrong. ``message`` names the file and line, because the
    person who reads it is the one editing that file."""

    code = "pii_recognizer_config"


class NerUnavailable(Unavailable):
    """PERSON or LOCATION was asked for, but no named-entity backend is installed."""

    code = "pii_ner_unavailable"
    message = ("PERSON and LOCATION need a named-entity backend: install the gazetteer "
               "(pip install 'trustdesk[names]'), or spaCy and a model (pip install spacy; "
               "python -m spacy download en_core_web_sm), or pass ner= to the scanner.")
