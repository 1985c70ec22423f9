# hinge: hinge loss and linear support vector machines in PostgreSQL

EXTENSION = hinge
MODULE_big = hinge
OBJS = \
	src/hinge.o \
	src/compat.o \
	src/vector.o \
	src/sparse.o \
	src/encoding.o \
	src/encoding_sql.o \
	src/feature_stats.o \
	src/survey.o \
	src/scaled_oracle.o \
	src/finite.o \
	src/validate.o \
	src/loss.o \
	src/multiclass.o \
	src/ranking.o \
	src/score.o \
	src/online.o \
	src/state.o \
	src/wide_kernels.o \
	src/line.o \
	src/accum.o \
	src/multiclass_accum.o \
	src/cv_accum.o \
	src/bundle.o \
	src/solver.o \
	src/pass_oracle.o \
	src/rowset.o \
	src/memory_oracle.o \
	src/dual_cd.o \
	src/working_set.o \
	src/labels.o \
	src/passes.o \
	src/source.o \
	src/train.o \
	src/train_options.o \
	src/folds.o \
	src/cross_validate.o \
	src/model.o \
	src/model_cache.o \
	src/predict.o \
	src/explain.o \
	src/evaluate.o \
	src/calibrate.o \
	src/row_features.o \
	src/trigger.o \
	src/citus.o \
	src/model_value.o

# The install script of the current version, and the upgrade to it, are
# built from the SQL sources by concept (scripts/sqlgen.awk says how); the
# scripts of earlier versions are kept as they were released.
SQL_SOURCES = $(sort $(wildcard sql/[0-9]*.sql))

DATA = hinge--1.0.sql hinge--1.0--1.1.sql
DATA_built = hinge--1.2.sql hinge--1.1--1.2.sql

# one file per feature, in the order they run
REGRESS = validation loss multiclass ranking score drivers sparse aggregates train multiclass_train in_memory calibrate trigger labels model_cache security cv cv_passes lookalike features bad_input model_value readme
REGRESS_OPTS = --inputdir=test --load-extension=hinge

# sessions that race: other sessions' changes, locks (test/specs)
ISOLATION = model_changes calibrate_race relation_lock
ISOLATION_OPTS = --inputdir=test --load-extension=hinge

EXTRA_CLEAN = results regression.diffs regression.out output_iso

PG_CONFIG ?= pg_config
# PostgreSQL 13 or later, or a clear error before anything is compiled
HINGE_PG_VERSION := $(shell $(PG_CONFIG) --version 2>/dev/null)
HINGE_PG_MAJOR := $(shell echo '$(HINGE_PG_VERSION)' | sed -n -E 's/^PostgreSQL ([0-9]+).*/\1/p')
ifeq ($(HINGE_PG_MAJOR),)
$(error hinge: cannot run '$(PG_CONFIG) --version'; install PostgreSQL's server development files or set PG_CONFIG=/path/to/pg_config)
endif
ifneq ($(shell test $(HINGE_PG_MAJOR) -ge 13 && echo ok),ok)
$(error hinge needs PostgreSQL 13 or later, not $(HINGE_PG_VERSION) ($(PG_CONFIG)))
endif
PGXS := $(shell $(PG_CONFIG) --pgxs)
# PostgreSQL 13 does not install pg_isolation_regress for PGXS (14 and later
# do): there, when it is missing, installcheck runs the pg_regress tests and
# says that the isolation tests were left out
HINGE_ISOLATION_REGRESS := $(abspath $(dir $(PGXS))../test/isolation/pg_isolation_regress)
ifeq ($(HINGE_PG_MAJOR)$(wildcard $(HINGE_ISOLATION_REGRESS)),13)
HINGE_ISOLATION_LEFT_OUT := $(ISOLATION)
undefine ISOLATION
endif
include $(PGXS)

ifdef HINGE_ISOLATION_LEFT_OUT
installcheck: hinge-isolation-left-out
.PHONY: hinge-isolation-left-out
hinge-isolation-left-out:
	@echo "hinge: isolation tests left out ($(HINGE_ISOLATION_LEFT_OUT)): PostgreSQL $(HINGE_PG_MAJOR) did not install $(HINGE_ISOLATION_REGRESS)"
endif

$(OBJS): $(wildcard src/*.h)

hinge--1.2.sql: $(SQL_SOURCES) scripts/sqlgen.awk
	awk -f scripts/sqlgen.awk -v mode=full $(SQL_SOURCES) > $@

hinge--1.1--1.2.sql: sql/upgrades/1.1--1.2.sql $(SQL_SOURCES) scripts/sqlgen.awk
	{ cat sql/upgrades/1.1--1.2.sql; awk -f scripts/sqlgen.awk -v mode=upgrade -v since=1.2 $(SQL_SOURCES); } > $@

# make dist: the release archive for PGXN, hinge-<version>.zip with the
# version of META.json (checked first), made by git from the last commit: no
# build products, no uncommitted changes
DISTVERSION = $(shell python3 -c 'import json; print(json.load(open("META.json"))["version"])')
.PHONY: dist
dist:
	python3 scripts/check_meta.py
	git archive --format zip --prefix=$(EXTENSION)-$(DISTVERSION)/ -o $(EXTENSION)-$(DISTVERSION).zip HEAD
