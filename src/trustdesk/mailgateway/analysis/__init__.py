"""Pure message analysis: importable without Django (an import contract holds it to
that)."""
