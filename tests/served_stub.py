"""A stand-in for `vllm serve` on 127.0.0.1, for the openai backend's fault tests (no engine, no weights).

It answers ``/v1/models`` and ``/v1/completions`` the way vLLM does (token-id prompts, ``prompt_logprobs``,
``return_token_ids``, ``token_id:N`` tokens, a ``max allowed`` error above ``max_logprobs``) from a tiny byte-level
tokenizer (`tiny_model_folder`), and misbehaves on request: each fault names a substring of the decoded prompt and
the answer to give at each attempt of one request (the last repeats):

    stub = StubServer(tokenizer, key="sk-...")
    stub.fault("capital of Japan", "429", "ok")      # first attempt 429 (Retry-After: 0), then answered
    stub.fault("capital of Spain", "500")            # never answered
    url = stub.start(); ...; stub.stop()

Faults: ``429``, ``500``, ``slow`` (answers after ``slow_s``, past the client's timeout), ``malformed`` (HTTP 200
with a body that is not JSON).  ``prompt_logprobs=False`` plays a server without prompt logprobs (it ignores
``prompt_logprobs`` and ``echo``).  Every request is logged (path, decoded prompt, attempt, answer given).
"""
from __future__ import annotations

import hashlib
from contextlib import contextmanager
import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CHATML = ("{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n"
          "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")
SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]


def tiny_model_folder(folder: Path) -> Path:
    """A model folder holding only a tokenizer: byte-level BPE (any text round-trips) with a ChatML template."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    corpus = ["What is the capital of France? The capital of France is Paris.", "Are you sure? Yes, I am sure.",
              "So what is your final answer? Reply with just the answer. My answer is Paris."] * 20
    tok.train_from_iterator(corpus, trainers.BpeTrainer(vocab_size=400, special_tokens=SPECIALS,
                                                        initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<|im_start|>", eos_token="<|endoftext|>",
                                   chat_template=CHATML)
    folder.mkdir(parents=True, exist_ok=True)
    fast.save_pretrained(folder)
    (folder / "config.json").write_text("{}")
    return folder


def logprob(prefix: list[int], token: int) -> float:
    """The stub's 'model': a fixed logprob in (-5, 0) for each (position, token)."""
    h = int(hashlib.sha1(f"{len(prefix)}|{prefix[-1] if prefix else -1}|{token}".encode()).hexdigest(), 16)
    return -0.01 - (h % 1000) / 200


class StubServer:
    def __init__(self, tokenizer, model_id: str = "stub-model", key: str | None = None, prompt_logprobs: bool = True,
                 max_logprobs: int = 20, slow_s: float = 3.0, answers: dict[str, str] | None = None):
        self.tok, self.model_id, self.key = tokenizer, model_id, key
        self.prompt_logprobs, self.max_logprobs, self.slow_s = prompt_logprobs, max_logprobs, slow_s
        self.answers = dict(answers or {})
        self.faults: list[tuple[str, list[str]]] = []
        self.log: list[dict] = []
        self.attempts: Counter = Counter()
        self.lock = threading.Lock()
        self.end = self.tok.convert_tokens_to_ids("<|im_end|>")

    def fault(self, needle: str, *answers: str) -> None:
        self.faults.append((needle, list(answers)))

    def start(self) -> str:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, code: int, body: bytes, headers: dict | None = None):
                try:
                    self.send_response(code)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(body)))
                    for k, v in (headers or {}).items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _json(self, code: int, value, headers=None):
                self._send(code, json.dumps(value).encode(), headers)

            def do_GET(self):
                if not stub._authorised(self.headers):
                    return self._json(401, {"error": {"message": "bad key"}})
                if self.path.rstrip("/") == "/v1/models":
                    return self._json(200, {"object": "list", "data": [{"id": stub.model_id, "max_model_len": 4096}]})
                self._json(404, {"error": {"message": "not found"}})

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
                if not stub._authorised(self.headers):
                    return self._json(401, {"error": {"message": "bad key"}})
                if self.path.rstrip("/") != "/v1/completions":
                    return self._json(404, {"error": {"message": "not found"}})
                code, value, headers = stub.answer(body)
                if value is None:
                    return self._send(code, b'{"choices": [{"text": "cut sho', headers)
                self._json(code, value, headers)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _authorised(self, headers) -> bool:
        return self.key is None or headers.get("authorization") == f"Bearer {self.key}"

    # -- the answers ---------------------------------------------------------------------------------------------
    def answer(self, body: dict):
        prompt = body.get("prompt")
        ids = list(self.tok(prompt, add_special_tokens=False)["input_ids"]) if isinstance(prompt, str) else prompt
        text = self.tok.decode(ids, skip_special_tokens=False)
        digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
        with self.lock:
            attempt = self.attempts[digest]
            self.attempts[digest] += 1
        action = "ok"
        for needle, answers in self.faults:
            if needle in text:
                action = answers[min(attempt, len(answers) - 1)]
                break
        with self.lock:
            self.log.append({"text": text, "attempt": attempt, "action": action, "digest": digest})
        if action == "429":
            return 429, {"error": {"message": "too many requests"}}, {"retry-after": "0"}
        if action == "500":
            return 500, {"error": {"message": "engine hiccup"}}, None
        if action == "malformed":
            return 200, None, None
        if action == "slow":
            time.sleep(self.slow_s)
        k = body.get("logprobs")
        if isinstance(k, int) and k > self.max_logprobs:
            return 400, {"error": {"message": f"Requested sample logprobs of {k}, which is greater than max allowed: "
                                              f"{self.max_logprobs}"}}, None
        return 200, self._completion(body, ids, text), None

    def _reply(self, text: str) -> list[int]:
        last_user = text.rsplit("<|im_start|>user\n", 1)[-1]
        reply = next((r for needle, r in self.answers.items() if needle in last_user), "I am not sure.")
        return list(self.tok(reply, add_special_tokens=False)["input_ids"]) + [self.end]

    def _completion(self, body: dict, ids: list[int], text: str) -> dict:
        n, k = int(body.get("n") or 1), body.get("logprobs")
        as_ids = bool(body.get("return_tokens_as_token_ids"))
        name = (lambda t: f"token_id:{t}") if as_ids else (lambda t: self.tok.decode([t]))
        choices = []
        for index in range(n):
            gen = self._reply(text)[: int(body.get("max_tokens") or 16)]
            choice = {"index": index, "text": self.tok.decode(gen, skip_special_tokens=True),
                      "finish_reason": "stop" if gen and gen[-1] == self.end else "length", "logprobs": None}
            if k is not None:
                toks, values, tops = [], [], []
                for j, t in enumerate(gen):
                    prefix = ids + gen[:j]
                    top = {name(a): logprob(prefix, a) for a in range(max(int(k), 1))}
                    top[name(t)] = logprob(prefix, t)
                    toks.append(name(t))
                    values.append(logprob(prefix, t))
                    tops.append(top)
                if body.get("echo") and self.prompt_logprobs:
                    toks = [name(t) for t in ids] + toks
                    values = [None] + [logprob(ids[:i], ids[i]) for i in range(1, len(ids))] + values
                    tops = [None] + [{name(ids[i]): logprob(ids[:i], ids[i])} for i in range(1, len(ids))] + tops
                choice["logprobs"] = {"tokens": toks, "token_logprobs": values, "top_logprobs": tops}
            if body.get("prompt_logprobs") is not None and self.prompt_logprobs:
                choice["prompt_logprobs"] = [None] + [
                    {str(ids[i]): {"logprob": logprob(ids[:i], ids[i]), "rank": 1, "decoded_token": ""}}
                    for i in range(1, len(ids))]
            if body.get("return_token_ids"):
                choice.update(token_ids=gen, prompt_token_ids=ids)
            choices.append(choice)
        return {"id": "cmpl-stub", "object": "text_completion", "model": self.model_id, "choices": choices,
                "usage": {"prompt_tokens": len(ids), "completion_tokens": sum(len(self._reply(text)) for _ in
                                                                              range(n))}}


@contextmanager
def serving(model_folder: Path, **kw):
    """A `StubServer` for the tokenizer in ``model_folder`` (`tiny_model_folder`), started on 127.0.0.1 with its
    ``url`` set, stopped however the block ends; ``kw`` as `StubServer` takes them (``answers=...``)."""
    from transformers import AutoTokenizer

    server = StubServer(AutoTokenizer.from_pretrained(model_folder), **kw)
    server.url = server.start()
    try:
        yield server
    finally:
        server.stop()

