# Entry points: `make demo`, `make test` (everything CI runs), `make check` (fast loop).
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
LAB := lab/lab.sh
COLLECTION_LINK := .collections/ansible_collections/lvs/cluster
VERSION := $(shell sed -n 's/^version: *//p' galaxy.yml)
DOCS_DIR := .build/docs
# Outside the checkout: inside it, ansible-test would see git ignoring the copy.
SANITY_DIR := $(or $(TMPDIR),/tmp)/lvs-cluster-sanity/ansible_collections/lvs/cluster
# What `make test` runs. lab_smoke (plain ipvsadm through the lab) is covered by
# default and topologies; run it alone to check a new lab: SCENARIOS=lab_smoke.
# The shortest last: the deadline net (LVS_TEST_DEADLINE) skips from the end.
SCENARIOS ?= default topologies ipvs_module

export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/.collections
export ANSIBLE_FORCE_COLOR := 0
export NO_COLOR := 1
export PY_COLORS := 0
# Fewer round trips into the (emulated) containers; per-task times in the logs.
export ANSIBLE_PIPELINING := True
export ANSIBLE_CALLBACKS_ENABLED := ansible.posix.profile_tasks
# The Docker API of an emulated, busy VM can take over a minute to start a container
# (community.docker's default timeout is 60 s).
export DOCKER_TIMEOUT := 300

.PHONY: help venv check lint changelog docs-lint docs galaxy unit examples hostile monitoring bgp sanity build test molecule model demo demo-clean lab-up lab-down lab-status fixtures

help:
	@echo "make demo        lab up, roll out the lab cluster, show traffic through the VIP"
	@echo "make test        lint, unit, ansible-test sanity, every Molecule scenario on the lab"
	@echo "make check       lint, changelog, docs and Galaxy import checks, unit tests, example inventories (minutes, no lab)"
	@echo "make docs        HTML docs of the modules, filters and roles in $(DOCS_DIR)/build/html"
	@echo "make model INV=inventories/examples/dr   what the roles make of an inventory, per host (no host contacted)"
	@echo "make lab-up | lab-down | lab-status"
	@echo "make fixtures    re-capture ipvsadm output from the lab kernel"

venv: $(VENV)/.installed $(COLLECTION_LINK)

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q -r requirements.txt
	touch $@

# Playbooks, Molecule and the unit tests find this checkout as the collection lvs.cluster.
$(COLLECTION_LINK):
	mkdir -p $(dir $@)
	ln -sfn ../../.. $@

check: lint changelog docs-lint galaxy unit examples hostile monitoring bgp

lint: venv
	yamllint --strict .
	ansible-lint

# Changelog fragments are valid, and a branch that changes plugins/, roles/ or playbooks/
# adds one (tools/check-changelog-fragment; base ref: LVS_CHANGELOG_BASE, else origin/main
# or main).
changelog: venv
	antsibull-changelog lint
	tools/check-changelog-fragment

# The modules', filters' and roles' docs as antsibull-docs renders them: schema, markup,
# references (to this collection, ansible.builtin and ansible.posix), rstcheck of the RST.
docs-lint: venv
	antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs dependent \
	  --disallow-unknown-collection-refs $(COLLECTION_LINK)

# HTML docs in $(DOCS_DIR)/build/html (not committed): antsibull-docs' Sphinx site, built
# offline. Its template maps intersphinx to docs.python.org and docs.ansible.com, which
# cannot be reached here: the mapping is emptied, and the two labels of Ansible's own docs
# that the generated pages link to (common return values, configuration settings) are let
# through unresolved. Any other broken reference or warning fails the build.
docs: venv
	rm -rf $(DOCS_DIR)
	mkdir -p .build && mkdir -m 0755 $(DOCS_DIR)
	antsibull-docs sphinx-init --use-current --squash-hierarchy --fail-on-error \
	  --sphinx-theme alabaster --project lvs.cluster --title lvs.cluster \
	  --copyright 'lvs.cluster contributors' --dest-dir $(DOCS_DIR) lvs.cluster >/dev/null
	printf '%s\n' 'intersphinx_mapping = {}' \
	  "nitpick_ignore = [('std:ref', 'common_return_values'), ('std:ref', 'ansible_configuration_settings')]" \
	  >> $(DOCS_DIR)/conf.py
	$(DOCS_DIR)/build.sh
	@echo "docs: $(DOCS_DIR)/build/html/index.html"

# Galaxy's own import checks (galaxy-importer) on the tarball `make build` makes, offline
# and without ansible-test or containers (tools/galaxy-importer.cfg). The log, without the
# "Loading ..." lines, is printed; a failed import or an ERROR line fails the target. Then
# what an execution environment would install for the collection (meta/execution-environment.yml).
galaxy: build
	cd .build && GALAXY_IMPORTER_CONFIG=$(CURDIR)/tools/galaxy-importer.cfg \
	  python -m galaxy_importer.main lvs-cluster-$(VERSION).tar.gz >galaxy-importer.log 2>&1 \
	  || { cat galaxy-importer.log; exit 1; }
	grep -v '^Loading ' .build/galaxy-importer.log
	! grep -q '^ERROR' .build/galaxy-importer.log
	ansible-builder introspect --sanitize .collections

unit: venv
	pytest -q tests/unit

# Hostile values in every role's variables (tests/hostile): the roles' checks and real
# templates, read back by Debian 12's keepalived, nft and exportfs (unpacked into ~/.cache
# by tests/hostile/tools.sh; run as root, in namespaces of their own made with unshare).
hostile: venv
	LVS_HOSTILE_ROOT=$$(tests/hostile/tools.sh) pytest -q -p no:cacheprovider tests/hostile

# Alert rules and their unit tests with Debian 12's promtool (unpacked by
# tests/monitoring/tools.sh), and the Grafana dashboard's queries against the scraped names.
monitoring: venv
	promtool=$$(tests/monitoring/tools.sh) && $$promtool check rules monitoring/prometheus/lvs-cluster.rules.yml \
	  && $$promtool test rules tests/monitoring/lvs-cluster.test.yml
	python tests/monitoring/check_dashboard.py

# BGP VIPs (tests/bgp): the role's checks, keepalived and vtysh reading the rendered files,
# real FRR in network namespaces of its own (as root; FRR unpacked by tests/bgp/tools.sh).
bgp: venv
	LVS_FRR_ROOT=$$(tests/bgp/tools.sh) LVS_HOSTILE_ROOT=$$(tests/hostile/tools.sh) pytest -q -s -p no:cacheprovider tests/bgp

# What the roles make of the inventory INV, per host: the cluster model's resolution
# (tools/model; facts made up, no host contacted).
model: venv
	@[ -n "$(INV)" ] || { echo "make model INV=<inventory directory>"; exit 2; }
	python tools/model $(INV)

# Every inventory in inventories/examples lists and passes site.yml --syntax-check.
examples: venv
	tests/examples.sh

# ansible-test needs the tree under ansible_collections/lvs/cluster and, offline,
# a get-pip stand-in in its cache (it would download get-pip.py otherwise).
sanity: venv
	rm -rf $(SANITY_DIR)
	mkdir -p $(SANITY_DIR)
	git ls-files -co --exclude-standard | while read -r f; do [ ! -e "$$f" ] || echo "$$f"; done \
	  | tar -cf - -T - | tar -xf - -C $(SANITY_DIR)
	pip_version=$$(python -c 'from ansible_test._internal.python_requirements import get_venv_packages as g; import inspect, re; print(re.search(r"pip=.([0-9.]+)", inspect.getsource(g)).group(1))'); \
	  install -D -m 0644 tools/ansible-test-get-pip.py ~/.ansible/test/cache/get_pip_$${pip_version//./_}.py
	cd $(SANITY_DIR) && ansible-test sanity --venv --python $$(python -c 'import sys; print("%d.%d" % sys.version_info[:2])') --color no

build: venv
	ansible-galaxy collection build --force --output-path .build

lab-up:
	$(LAB) up

lab-down:
	$(LAB) down

lab-status:
	$(LAB) status

fixtures: venv lab-up
	eval "$$($(LAB) env)" && tests/fixtures/capture.sh

# Every scenario in turn on the lab (tools/run-scenarios: per-scenario logs with times,
# the deadline safety net of .ci/run, a table of where the time went at the end).
molecule: venv lab-up
	eval "$$($(LAB) env)"; tools/run-scenarios $(SCENARIOS)

# The lab's start (on a cold cache: the VM's and the containers' images built, minutes
# of downloads and emulation) runs beside the venv, check and sanity, which need no lab; its
# output follows theirs. The scenarios start once all three have succeeded.
test:
	mkdir -p .build
	$(LAB) up >.build/lab-up.log 2>&1 & lab=$$!; \
	checked=0; $(MAKE) check sanity || checked=$$?; \
	started=0; wait $$lab || started=$$?; \
	cat .build/lab-up.log; \
	[ $$checked -eq 0 ] || { echo "make test: check or sanity failed"; exit $$checked; }; \
	[ $$started -eq 0 ] || { echo "make test: the lab did not start"; exit $$started; }
	$(MAKE) molecule

# The lab cluster: the containers of inventories/lab (made by the default scenario's
# create step), site.yml against that inventory, then traffic and a failover shown.
# Containers left by an earlier run, finished or failed, are replaced, so a plain
# `make demo` recovers from any earlier one.
demo: venv lab-up
	eval "$$($(LAB) env)"; \
	molecule destroy -s default && molecule create -s default && molecule prepare -s default && \
	(eval "$$(tools/mitogen-env)" && ansible-playbook -i inventories/lab site.yml) && \
	ansible-playbook -i inventories/lab lab/demo.yml
	@echo "Containers stay up for you to explore: make demo-clean removes them."

demo-clean: venv
	eval "$$($(LAB) env)" && molecule destroy -s default
