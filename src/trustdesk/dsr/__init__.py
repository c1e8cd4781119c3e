"""Fulfilling data-subject requests (docs/dsr.md): identity, the access export, and
carrying out rectification, erasure, restriction and objection."""
