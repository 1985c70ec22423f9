# hinge: hinge loss and linear support vector machines in PostgreSQL

EXTENSION = hinge
MODULE_big = hinge
OBJS = \
	src/validate.o \
	src/array.o \
	src/loss.o \
	src/multiclass.o \
	src/ranking.o \
	src/score.o \
	src/state.o \
	src/accum.o \
	src/multiclass_accum.o \
	src/bundle.o \
	src/source.o \
	src/train.o \
	src/model.o \
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

$(OBJS): src/hinge.h
