# The README's two commands: `make demo` and `make test`. Each sets itself up first.
PY := .venv/bin/python
NETOPS := .venv/bin/netops
DEMO_OUT ?= out/demo

.PHONY: demo test setup-demo setup-test bench clean

setup-demo:
	@scripts/setup.sh demo

setup-test:
	@scripts/setup.sh test

demo: setup-demo
	@scripts/demo.sh

test: setup-test
	$(PY) -m pytest -q

# Benchmarks (not part of CI; figures go to bench/README.md). Needs root for the namespace labs.
bench: setup-test
	.venv/bin/pip install -q -e '.[test,bench]'
	for b in bench/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf .venv out bench/out
