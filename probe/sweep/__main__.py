"""``python -m probe.sweep RUN_DIR MODEL``: one model's job (what the local executor runs)."""
import sys

from .runner import main

sys.exit(main())
