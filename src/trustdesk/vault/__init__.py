"""The privacy vault. Other apps use only these recipes; primitives stay in ``crypto``."""

from trustdesk.vault.recipes import (
    blind_index,
    open,
    open_text,
    seal,
    seal_text,
    search_tokens,
    shred,
    version_of,
)

__all__ = ["blind_index", "open", "open_text", "seal", "seal_text", "search_tokens", "shred",
           "version_of"]
