"""Insider-threat detection on the audit trail (docs/insider.md).

``detect`` is the pure core — events parsed from the audit export's JSON lines, the
detectors and their registry, the YAML configuration — importable without Django. The
``insider replay`` command runs it over an exported file."""
