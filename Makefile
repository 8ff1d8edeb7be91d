# Two commands on a fresh machine: `make demo` and `make test`.
# Both create .venv/ in the repository on first use and reuse it afterwards.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.sklstm-installed
BENCH_STAMP := $(VENV)/.sklstm-bench-installed

.PHONY: demo test test-slow lint bench bench-accuracy clean

# torch is installed first, pinned to the CPU build available locally;
# the package's own range (torch<2.14) is then already satisfied.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

demo: $(STAMP)
	$(PY) examples/even_numbers.py

test: $(STAMP)
	$(PY) -m pytest

test-slow: $(STAMP)
	$(PY) -m pytest -m slow

lint: $(STAMP)
	$(PY) -m ruff check sklstm tests examples benchmarks
	$(PY) -m ruff format --check sklstm tests examples benchmarks

bench: $(STAMP)
	$(PY) benchmarks/run.py

$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e ".[bench]"
	touch $(BENCH_STAMP)

# Accuracy against naive/ETS/SARIMA/Ridge; options through ARGS, e.g.
# make bench-accuracy ARGS="--quick" or ARGS="--set hidden_size=64 --jobs 2"
bench-accuracy: $(BENCH_STAMP)
	$(PY) -m benchmarks.accuracy $(ARGS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
