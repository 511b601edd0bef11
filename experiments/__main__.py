"""`python -m experiments` is `adoptsim`."""

import sys

from experiments.cli import main

sys.exit(main())
