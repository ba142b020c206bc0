# `make` builds the extension scripts and the agent; `make install` puts the extension into
# PostgreSQL's share directory (PGXS). PG_CONFIG picks the server version.
PG_CONFIG ?= pg_config

# Released scripts are frozen in extension/released/ exactly as they shipped (see
# extension/README.md); only versions not yet released are built from their lists.
VERSION_LISTS := $(wildcard extension/versions/*.list)
SQL_SOURCES   := $(shell find extension/sql -name '*.sql')
RELEASED      := $(wildcard extension/released/pgagent--*.sql)
UNRELEASED    := $(filter-out $(patsubst extension/released/pgagent--%.sql,extension/versions/%.list,$(RELEASED)),$(VERSION_LISTS))
EXT_SCRIPTS   := $(patsubst extension/versions/%.list,extension/build/pgagent--%.sql,$(UNRELEASED))

MODULEDIR  = extension
DATA       = extension/pgagent.control $(RELEASED)
DATA_built = $(EXT_SCRIPTS)
EXTRA_CLEAN = extension/build dist

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

all: agent

# Any source may feed any version, so every script depends on every source and list.
extension/build/pgagent--%.sql: extension/versions/%.list $(VERSION_LISTS) $(SQL_SOURCES) scripts/build-extension-script.sh
	scripts/build-extension-script.sh $< $@

.PHONY: agent
agent: node_modules
	npx tsc -p tsconfig.json
	chmod +x dist/agent/cli.js

node_modules: package.json
	npm install --no-audit --no-fund
	touch node_modules
