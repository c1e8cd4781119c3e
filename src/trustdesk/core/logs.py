"""The application log's formatter: one record, one line.

Messages and their arguments carry what people and clients sent (paths, e-mail
addresses, reasons, headers); a line break in one of them would let the sender write a
line that looks like a record of its own. The whole formatted record — message,
arguments and any traceback — is passed through ``core.lines.one_line``, so a traceback
arrives as one line with its breaks written ``\\n``.
"""

from __future__ import annotations

import logging

from trustdesk.core.lines import one_line


class OneLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return one_line(super().format(record))
