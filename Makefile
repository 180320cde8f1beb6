# zc-review: one Makefile does all set-up; every target creates the virtual environment first.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
export ZC_REVIEW_FONT_CHECK ?= 1

.PHONY: all venv demo test bench bench-scale bench-archive check lint types fuzz crash mutate clean tui screenshots

all: test

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check uv==0.13.9 || true
	if [ -x $(BIN)/uv ]; then \
	  $(BIN)/uv pip install -q --compile-bytecode --python $(BIN)/python -r requirements.txt && \
	  $(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e . ; \
	else \
	  $(BIN)/python -m pip install -q --disable-pip-version-check -r requirements.txt && \
	  $(BIN)/python -m pip install -q --disable-pip-version-check --no-deps -e . ; \
	fi
	touch $(STAMP)

venv: $(STAMP)

# The main job: pack data/demo, play the whole session through the real TUI (Pilot), verify and import.
demo: $(STAMP)
	$(BIN)/python -m zc_review demo data/demo --out reports/demo $(ARGS)

# The suite on every core (pytest-xdist, -n auto: 2 workers on a 2-core machine); each worker has its own
# temporary home, office keys and throw-away PostgreSQL server, tmux sessions are named by process.
# --dist worksteal: a worker that runs out takes half of the other's queue (with the default, one worker ran
# the last 2 minutes alone). Bytecode is written even where PYTHONDONTWRITEBYTECODE is set: each worker and
# each `python -m zc_review` a test starts would otherwise compile every module again (collection 14 s → 4.5 s).
test: $(STAMP)
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -n auto --dist worksteal

bench: $(STAMP)
	$(BIN)/python -m tests.bench.run_bench
	$(BIN)/python -m tests.bench.bench_grid

# The office archive at 100 sessions on a throw-away PostgreSQL server and on SQLite (tests/bench/bench_archive.py).
bench-archive: $(STAMP)
	$(BIN)/python -m tests.bench.bench_archive $(ARGS)

# Province scale (issue 9): a synthetic committee of N applicants × 31 reviewers through the service, per-action
# costs, growth and peak memory per size (ARGS=--sizes 100,300 to choose; tests/bench/bench_scale.py).
bench-scale: $(STAMP)
	$(BIN)/python -m tests.bench.bench_scale $(ARGS)

# Tamper fuzzing: ≥10,000 mutated packages and bundles, every one refused cleanly (tools/fuzz.py; ARGS=-n N).
fuzz: $(STAMP)
	$(BIN)/python -m tools.fuzz $(ARGS)

# Crash harness: SIGKILL at ≥100 random moments of the demo session, resume, compare (tools/crash.py; ARGS=--kills N).
crash: $(STAMP)
	$(BIN)/python tools/crash.py --report reports/crash.json $(ARGS)

# SVG screenshots of the main screens, played with Pilot through the real app (tests/tui/screenshots.py):
# docs/screenshots/<screen>-160x45.svg and -80x24.svg, shown in README.md. ARGS: --only NAME, --size 80x24, --text.
screenshots: $(STAMP)
	$(BIN)/python -m tests.tui.screenshots --out docs/screenshots $(ARGS)

# Mutation testing: mutmut over the rules, the outcome, the verifier and its paper checks, one worker under nice -n 10; prints
# killed / non-equivalent mutants per target (≥ 90 %), writes reports/mutate.json (tools/mutate.py, docs/MUTATION.md;
# ARGS=--sample 05 runs every fifth mutant, ARGS="--keep --survivors" only last run's survivors).
mutate: $(STAMP)
	$(BIN)/python tools/mutate.py $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check zc_review tests
	$(BIN)/lint-imports

types: $(STAMP)
	$(BIN)/mypy

check: lint types test

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# An interactive rehearsal of the demo: fresh keys, trust, package and letters in reports/try, then the TUI.
tui: $(STAMP)
	rm -rf reports/try
	$(BIN)/zc-review --home reports/try office keygen --keys reports/try/keys
	$(BIN)/zc-review --home reports/try trust add reports/try/keys/root-cert.pem
	$(BIN)/zc-review --home reports/try office pack data/demo --out reports/try/session.zcp --keys reports/try/keys --secrets-out reports/try/secrets.json
	@echo "凭证：reports/try/session-credentials.pdf（或 reports/try/secrets.json）"
	$(BIN)/zc-review --home reports/try open reports/try/session.zcp --out reports/try/usb
