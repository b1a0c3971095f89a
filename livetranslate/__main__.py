"""``python -m livetranslate`` runs the command line."""

import sys

from livetranslate.cli import main

sys.exit(main())
