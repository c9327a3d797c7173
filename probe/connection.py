"""Which settings of a served model say where it is and how it is talked to, not what is measured: they are left out
of cell ids, run ids and the "same config" check, so the same model served on another port resumes its run.

    from probe.connection import without_connection
    without_connection({"name": "m", "server": {"base_url": "http://h:1/v1", "allow_approximate_scores": False}})
    # {'name': 'm', 'server': {'allow_approximate_scores': False}}

A flat module with no toolkit imports: `probe.paths` (below the backends) and `probe.backends.spec` both read it.
"""
from __future__ import annotations

# where a server is and how it is talked to: not part of what is measured (cell ids, run ids, "same config")
CONNECTION_FIELDS = ("base_url", "api_key_env", "model_id", "max_concurrency", "timeout_s", "retries", "backoff_s",
                     "cache")


def without_connection(value):
    """A copy of a config, spec or cell as plain data (``dataclasses.asdict`` / JSON) with every server's
    `CONNECTION_FIELDS` left out; a ``server`` that is None is left out whole, so configs without a served model
    hash as they did before servers existed."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k == "server" and v is None:
                continue
            if k == "server" and isinstance(v, dict):
                v = {f: x for f, x in v.items() if f not in CONNECTION_FIELDS}
            out[k] = without_connection(v)
        return out
    if isinstance(value, (list, tuple)):
        return [without_connection(v) for v in value]
    return value


__all__ = ["CONNECTION_FIELDS", "without_connection"]
