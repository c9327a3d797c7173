"""``python -m probe.sweep RUN_DIR MODEL``: one model's job (what the local executor runs)."""
import sys

from .launch import job_main

sys.exit(job_main())
