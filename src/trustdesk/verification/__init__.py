"""Caller verification: a code to a channel on file, a signed link, knowledge of the
company's own records; each a method in ``methods``. Factors passed are recorded in
``customers.verified``, whose gate the actions an impostor wants ask."""
