"""HTTP for served models: JSON requests to an OpenAI-compatible server, many at once (asyncio + httpx, at most
``max_concurrency`` in flight), each retried after a timeout, a dropped connection, HTTP 429 or 5xx, or an answer
that is not the JSON asked for, with exponential backoff and full jitter (a ``Retry-After`` header is honoured).
A request that still fails comes back as a `Failure` with its reason, in its place: the others carry on.

    client = ServerClient(spec, api_key=os.environ.get(spec.api_key_env))
    answers = client.post_many("/completions", bodies)      # each a dict, or a Failure
    client.usage                                             # requests, retries, failures, cache hits, tokens

An optional on-disk cache (``cache: FOLDER``) keeps every successful answer under the sha256 of the request's path
and full body, so a rerun after a crash does not pay for them again.  The API key is only ever an HTTP header.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import os
import random
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from .spec import ServerSpec

RETRY_AFTER_MAX_S = 300.0  # a Retry-After beyond this is read as this (a bogus header never stalls a run for hours)
BACKOFF_MAX_S = 60.0


@dataclass(frozen=True)
class Failure:
    """A request that did not succeed: why (the last problem met) and after how many attempts."""

    reason: str
    attempts: int

    def __str__(self) -> str:
        return f"{self.reason} (after {self.attempts} attempt{'s' if self.attempts != 1 else ''})"


class ResponseCache:
    """One JSON file per successful answer, named by the sha256 of the request (path + canonical body)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder).expanduser()

    @staticmethod
    def key(path: str, body: dict) -> str:
        blob = json.dumps({"path": path, "body": body}, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()

    def _file(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict | None:
        try:
            value = json.loads(self._file(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):  # absent, or cut short by a crash: a miss
            return None
        return value if isinstance(value, dict) else None

    def put(self, key: str, value: dict) -> None:
        path = self._file(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(value, f)
            os.replace(tmp, path)  # whole or absent
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)


def _message(response) -> str:
    """The server's own error message, short (vLLM and OpenAI: {"error": {"message": …}})."""
    try:
        data = response.json()
        err = data.get("error", data) if isinstance(data, dict) else data
        text = err.get("message", "") if isinstance(err, dict) else str(err)
    except ValueError:
        text = response.text
    text = " ".join(str(text).split())
    return text[:300] or response.reason_phrase or ""


def retry_after_s(response) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (a number of seconds or an HTTP date), or None."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return min(max(float(value), 0.0), RETRY_AFTER_MAX_S)
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime
    from datetime import datetime, timezone

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return min(max((when - datetime.now(timezone.utc)).total_seconds(), 0.0), RETRY_AFTER_MAX_S)


def backoff_s(attempt: int, base: float, rng: random.Random) -> float:
    """Full jitter: uniform in [0, base * 2**attempt], capped at a minute."""
    return rng.uniform(0.0, min(BACKOFF_MAX_S, base * 2**attempt))


def _well_formed(path: str, data) -> str:
    """"" when the answer has the shape the endpoint promises, else what is wrong with it."""
    if not isinstance(data, dict):
        return f"answer is JSON but not an object ({type(data).__name__})"
    want = "data" if path.rstrip("/").endswith("models") else "choices"
    if not isinstance(data.get(want), list) or (want == "choices" and not data[want]):
        err = data.get("error")
        extra = f": {err.get('message', err) if isinstance(err, dict) else err}" if err else ""
        return f"answer without {want}{extra}"
    return ""


class ServerClient:
    def __init__(self, spec: ServerSpec, api_key: str | None = None, seed: int = 0):
        self.spec = spec
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.cache = ResponseCache(spec.cache) if spec.cache else None
        self.usage = {"requests": 0, "retries": 0, "failed": 0, "cached": 0, "prompt_tokens": 0,
                      "completion_tokens": 0}
        self.progress: Callable[[int, int], None] | None = None  # (requests done, requests in this batch)
        self._rng = random.Random(seed)

    def post_many(self, path: str, bodies: Sequence[dict]) -> list[dict | Failure]:
        """POST every body (at most ``max_concurrency`` at once); answers in order, a `Failure` where one failed."""
        return asyncio.run(self._many("POST", path, list(bodies))) if bodies else []

    def get(self, path: str) -> dict | Failure:
        return asyncio.run(self._many("GET", path, [None]))[0]

    async def _many(self, method: str, path: str, bodies: list) -> list:
        import httpx

        gate = asyncio.Semaphore(self.spec.max_concurrency)
        limits = httpx.Limits(max_connections=self.spec.max_concurrency,
                              max_keepalive_connections=self.spec.max_concurrency)
        done, total = 0, len(bodies)

        async def one(client, body):
            nonlocal done
            async with gate:
                answer = await self._request(client, method, path, body)
            done += 1
            if self.progress is not None:
                self.progress(done, total)
            return answer

        async with httpx.AsyncClient(base_url=self.spec.base_url, headers=self._headers, limits=limits,
                                     timeout=httpx.Timeout(self.spec.timeout_s)) as client:
            return list(await asyncio.gather(*(one(client, b) for b in bodies)))

    async def _request(self, client, method: str, path: str, body: dict | None) -> dict | Failure:
        import httpx

        key = self.cache.key(path, body) if self.cache is not None and body is not None else None
        if key is not None and (hit := self.cache.get(key)) is not None:
            self.usage["cached"] += 1
            return hit
        why, attempts = "", 0
        for attempt in range(self.spec.retries + 1):
            attempts = attempt + 1
            wait = None
            self.usage["requests"] += 1
            self.usage["retries"] += attempt > 0
            try:
                r = await (client.post(path, json=body) if method == "POST" else client.get(path))
            except httpx.TimeoutException:
                why = f"no answer within {self.spec.timeout_s:g} s"
            except httpx.HTTPError as e:  # refused or dropped connection (never carries the headers)
                why = f"{type(e).__name__}: {' '.join(str(e).split())[:200]}"
            else:
                if r.status_code == 429 or r.status_code >= 500:
                    why, wait = f"HTTP {r.status_code}: {_message(r)}", retry_after_s(r)
                elif r.status_code >= 400:  # the request itself is refused: asking again cannot help
                    self.usage["failed"] += 1
                    return Failure(f"HTTP {r.status_code}: {_message(r)}", attempts)
                else:
                    try:
                        data = r.json()
                    except ValueError:
                        why = f"malformed JSON in the answer ({' '.join(r.text[:60].split())!r}…)"
                    else:
                        why = _well_formed(path, data)
                        if not why:
                            usage = data.get("usage") or {}
                            for k in ("prompt_tokens", "completion_tokens"):
                                self.usage[k] += int(usage.get(k) or 0)
                            if key is not None:
                                self.cache.put(key, data)
                            return data
            if attempt < self.spec.retries:
                delay = backoff_s(attempt, self.spec.backoff_s, self._rng)
                await asyncio.sleep(max(delay, wait) if wait is not None else delay)
        self.usage["failed"] += 1
        return Failure(why, attempts)


__all__ = ["Failure", "ResponseCache", "ServerClient", "backoff_s", "retry_after_s"]
