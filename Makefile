# Two commands on a fresh machine: `make demo` and `make test`.
# Both create .venv/ in the repository on first use and reuse it afterwards.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.sklstm-installed

.PHONY: demo test test-slow lint bench bench-classification clean

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

# Accuracy, not time: LSTMClassifier against 1-NN baselines on vendored UCR/UEA
# datasets (benchmarks/classification/README.md).
bench-classification: $(STAMP)
	$(PY) benchmarks/classification/run.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
