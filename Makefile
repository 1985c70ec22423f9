# hinge: hinge loss and linear support vector machines in PostgreSQL

EXTENSION = hinge
MODULE_big = hinge
OBJS = \
	src/hinge.o \
	src/compat.o \
	src/vector.o \
	src/finite.o \
	src/validate.o \
	src/loss.o \
	src/multiclass.o \
	src/ranking.o \
	src/score.o \
	src/pegasos.o \
	src/state.o \
	src/line.o \
	src/accum.o \
	src/multiclass_accum.o \
	src/bundle.o \
	src/labels.o \
	src/passes.o \
	src/source.o \
	src/train.o \
	src/model.o \
	src/model_cache.o \
	src/predict.o \
	src/evaluate.o \
	src/calibrate.o \
	src/trigger.o

DATA = hinge--1.0.sql hinge--1.0--1.1.sql

# one file per feature, in the order they run
REGRESS = validation loss multiclass ranking score aggregates train multiclass_train calibrate trigger security bad_input readme
REGRESS_OPTS = --load-extension=hinge

EXTRA_CLEAN = results regression.diffs regression.out

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

$(OBJS): $(wildcard src/*.h)
