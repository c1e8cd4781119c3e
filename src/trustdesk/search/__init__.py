"""Search over sealed data: a keyed blind index of normalised words (docs/search.md)."""
