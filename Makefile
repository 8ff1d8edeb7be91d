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
# MiniRocket (aeon) and the compiled 1-NN DTW of the classification benchmark
# need numba, which caps numpy below .venv's: an environment of their own.
UCR_BASELINE_VENV := .venv-ucr-baselines
UCR_BASELINE_STAMP := $(UCR_BASELINE_VENV)/.installed
UCR_BASELINE_PACKAGES := aeon==1.6.0 numba==0.63.1

.PHONY: demo test test-integration test-slow lint bench bench-accuracy bench-classification clean

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

# One global sklstm model against per-series models on panels (README "Panels");
# make bench-panel ARGS="--quick" (20 series, 5 epochs) or ARGS="--n-series 200"
.PHONY: bench-panel
bench-panel: $(BENCH_STAMP)
	$(PY) -m benchmarks.accuracy --panel $(ARGS)

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
	rm -rf $(VENV) $(INTEGRATION_VENV) $(UCR_BASELINE_VENV) build *.egg-info .pytest_cache .ruff_cache
