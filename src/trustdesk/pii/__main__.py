import sys

from trustdesk.pii.cli import main

sys.exit(main())
