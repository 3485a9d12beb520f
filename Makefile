# Every target sets itself up: a missing .venv is created and the project
# installed into it (editable, with the test extra) before anything runs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.bench-installed

.PHONY: install test test-long demo fuzz bench bench-quick bench-parallel bench-cfunc clean

N ?= 1000
SEED ?= 0
DTYPES ?= 64
MAX_TIME ?=

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# two workers on the 2-core machines: about 7 minutes (about 10 on the slower AVX2 ones).  The
# slowest parametrizations (more dtypes, layouts, orders and fuzz programs of tests that keep
# a case here; marked long, tests/long.py) run in test-long only.  An idle worker takes
# tests from the busy one's queue (worksteal): the suite's few tests of 20 to 60 s
# otherwise leave one waiting
test: $(STAMP)
	$(PY) -m pytest -n 2 --dist worksteal tests -m "not long"

test-long: $(STAMP)
	$(PY) -m pytest -n 2 --dist worksteal tests -m long

demo: $(STAMP)
	$(PY) examples/demo.py

fuzz: $(STAMP)
	$(PY) -m tests.fuzz.runner --count $(N) --seed $(SEED) --dtypes $(DTYPES) $(if $(MAX_TIME),--max-time $(MAX_TIME))

# the benchmarks also want Numba and matplotlib (the bench extra)
$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(PY) -m bench

bench-quick: $(BENCH_STAMP)
	$(PY) -m bench --quick

# prange kernels sequential against parallel=True, ours beside Numba's
bench-parallel: $(BENCH_STAMP)
	$(PY) -m bench.parallel

bench-cfunc: $(BENCH_STAMP)
	$(PY) -m bench.cfunc

# first calls in a new process, cold and from the disk cache, ours beside Numba's
bench-cache: $(BENCH_STAMP)
	$(PY) -m bench.cache

clean:
	rm -rf $(VENV) build *.egg-info
