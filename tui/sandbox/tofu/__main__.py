"""`python -m tui.sandbox.tofu ARGS` runs the stand-in."""

import sys

from tui.sandbox.tofu.cli import main

sys.exit(main())
