# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
SHARED_MNIST := $(abspath ../shared/data/mnist)
ifneq ($(wildcard $(SHARED_MNIST)/train-images-idx3-ubyte.gz),)
export DIGITCAM_DATA ?= $(SHARED_MNIST)
endif
PYTEST_ARGS ?=

.PHONY: help demo test test-fast models clean

help:
	@echo "make demo    create .venv with the edge runtime and run it on the sample video"
	@echo "make test    create .venv with everything and run the whole test suite"
	@echo "make models  retrain and convert the shipped models from scratch (hours on a CPU)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade "pip>=24" "setuptools>=77" wheel

# Stamp files: reinstall only when the package definition changes.
$(VENV)/.edge: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) install -q -c constraints.txt -e ".[edge,onnx]"
	touch $@

$(VENV)/.all: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) install -q -c constraints.txt -e ".[train,edge,onnx,dev]"
	touch $@ $(VENV)/.edge

demo: $(VENV)/.edge
	$(BIN)/digitcam run --source samples/paper-digits.mp4 --save-video out/demo.mp4

test: $(VENV)/.all
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: $(VENV)/.all
	$(BIN)/python -m pytest -m "not slow and not gui" $(PYTEST_ARGS)

models: $(VENV)/.all
	PATH="$(abspath $(BIN)):$$PATH" bash scripts/make_models.sh

clean:
	rm -rf $(VENV) out .pytest_cache
