"""One exception type for every user-facing mistake.

The CLI turns a `ProbeError` into one line on stderr and exit code 2; anything else is a bug and keeps its
traceback.  Messages name the file, line or field that is wrong.
"""


class ProbeError(Exception):
    """A problem with the user's input (config, data row, model name, file) — reported as one line, exit 2."""


class WriteError(ProbeError, OSError):
    """A result file could not be written (a full disk, a quota, a folder where the file goes, no permission): one
    line naming the file, nothing replaced; no later cell can be written either, so a run stops at the first one
    instead of failing cell after cell.  Still an `OSError`, so code that tolerates a failed write keeps doing so."""
