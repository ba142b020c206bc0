# `make` builds the extension scripts and the agent. `make install` puts the extension into
# PostgreSQL's share directory (PGXS; PG_CONFIG picks the server version), the agent into
# $(PREFIX)/lib/pgagent with a `pgagent` command in $(PREFIX)/bin, and the systemd units into
# $(SYSTEMD_UNIT_DIR). It stops before writing anything when a target file belongs to a Debian
# package (scripts/check-owned.sh; FORCE=1 goes on). WITH_AGENT=no installs the extension only.
PG_CONFIG ?= pg_config
PREFIX ?= /usr/local
SYSTEMD_UNIT_DIR ?= $(PREFIX)/lib/systemd/system
WITH_AGENT ?= yes
PGAGENT_BINDIR = $(PREFIX)/bin
PGAGENT_LIBDIR = $(PREFIX)/lib/pgagent
UNITS = pgagent.service pgagent@.service

# Released scripts are frozen in extension/released/ exactly as they shipped (see
# extension/README.md); only versions not yet released are built from their lists.
VERSION_LISTS := $(wildcard extension/versions/*.list)
SQL_SOURCES   := $(shell find extension/sql -name '*.sql')
RELEASED      := $(wildcard extension/released/pgagent--*.sql)
UNRELEASED    := $(filter-out $(patsubst extension/released/pgagent--%.sql,extension/versions/%.list,$(RELEASED)),$(VERSION_LISTS))
EXT_SCRIPTS   := $(patsubst extension/versions/%.list,extension/build/pgagent--%.sql,$(UNRELEASED))
AGENT_SOURCES := $(shell find agent scripts -name '*.ts')

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
agent: dist/agent/cli.js

dist/agent/cli.js: $(AGENT_SOURCES) tsconfig.json node_modules
	npx tsc -p tsconfig.json
	chmod +x dist/agent/cli.js

node_modules: package.json
	npm install --no-audit --no-fund
	touch node_modules

# Every file install writes, as dpkg would know it (DESTDIR set means staging: nothing is owned).
INSTALLED_EXTENSION = $(addprefix $(DESTDIR)$(datadir)/$(datamoduledir)/,$(notdir $(DATA) $(DATA_built)))
INSTALLED_AGENT = $(DESTDIR)$(PGAGENT_BINDIR)/pgagent $(DESTDIR)$(PGAGENT_LIBDIR) $(addprefix $(DESTDIR)$(SYSTEMD_UNIT_DIR)/,$(UNITS))
INSTALLED = $(INSTALLED_EXTENSION) $(if $(filter yes,$(WITH_AGENT)),$(INSTALLED_AGENT))

.PHONY: check-owned-install check-owned-uninstall install-agent uninstall-agent
check-owned-install check-owned-uninstall: check-owned-%:
ifneq ($(FORCE),1)
	scripts/check-owned.sh $* $(INSTALLED)
endif

installdirs: check-owned-install
uninstall: uninstall-agent
ifeq ($(WITH_AGENT),yes)
install: install-agent
endif

# The agent is installed as its npm package holds it (package.json "files"), with the production
# dependencies of package-lock.json; the command is a relative link, so DESTDIR staging works.
install-agent: agent check-owned-install
	rm -rf '$(DESTDIR)$(PGAGENT_LIBDIR)'
	$(MKDIR_P) '$(DESTDIR)$(PGAGENT_LIBDIR)' '$(DESTDIR)$(PGAGENT_BINDIR)' '$(DESTDIR)$(SYSTEMD_UNIT_DIR)'
	pack=$$(mktemp -d) && trap 'rm -rf "$$pack"' EXIT && \
	  tarball=$$(npm pack --ignore-scripts --silent --pack-destination "$$pack") && \
	  tar -xzf "$$pack/$$tarball" --no-same-owner --strip-components=1 -C '$(DESTDIR)$(PGAGENT_LIBDIR)'
	cp package-lock.json '$(DESTDIR)$(PGAGENT_LIBDIR)/'
	cd '$(DESTDIR)$(PGAGENT_LIBDIR)' && npm ci --omit=dev --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error
	ln -sfr '$(DESTDIR)$(PGAGENT_LIBDIR)/dist/agent/cli.js' '$(DESTDIR)$(PGAGENT_BINDIR)/pgagent'
	for unit in $(UNITS); do \
	  sed 's|@BINDIR@|$(PGAGENT_BINDIR)|g' "packaging/systemd/$$unit" > '$(DESTDIR)$(SYSTEMD_UNIT_DIR)/'"$$unit" && \
	  chmod 644 '$(DESTDIR)$(SYSTEMD_UNIT_DIR)/'"$$unit" || exit 1; \
	done

uninstall-agent: check-owned-uninstall
ifeq ($(WITH_AGENT),yes)
	rm -rf '$(DESTDIR)$(PGAGENT_LIBDIR)'
	rm -f '$(DESTDIR)$(PGAGENT_BINDIR)/pgagent' $(addprefix '$(DESTDIR)$(SYSTEMD_UNIT_DIR)'/,$(UNITS))
endif
