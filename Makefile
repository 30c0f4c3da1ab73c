# scomm: PostgreSQL extension for evaluating the Secure Communities rollout (PGXS)

EXTENSION  = scomm
EXTVERSION = 1.1
# released versions: their install scripts are kept as they shipped
RELEASED   = 1.0

# C: glue files in src/, the PostgreSQL-free numerical core in src/core/
CORE_SRCS  = $(sort $(wildcard src/core/*.c))
GLUE_SRCS  = $(sort $(wildcard src/*.c))
MODULE_big = scomm
OBJS       = $(GLUE_SRCS:.c=.o) $(CORE_SRCS:.c=.o)

# The install script is built from per-concern pieces in src/sql/, in name
# order; the update script from the last release from src/sql/upgrade/
SQL_PIECES     = $(sort $(wildcard src/sql/*.sql))
UPGRADE_PIECES = $(sort $(wildcard src/sql/upgrade/*.sql))
DATA_built = $(EXTENSION)--$(EXTVERSION).sql $(EXTENSION)--$(RELEASED)--$(EXTVERSION).sql
DATA       = $(EXTENSION)--$(RELEASED).sql

# pg_regress: tests in sql/, expected output in expected/; drop_extension runs last
REGRESS      = $(filter-out drop_extension,$(sort $(basename $(notdir $(wildcard sql/*.sql))))) drop_extension
REGRESS_OPTS = --load-extension=postgis --load-extension=scomm

GSL_CFLAGS := $(shell gsl-config --cflags)
GSL_LIBS   := $(shell gsl-config --libs)
# GLPK (Debian libglpk-dev) solves the linear programs of the sensitivity
# bounds (src/core/honest_lp.c); see README "Sensitivity to parallel trends"
GLPK_LIBS   = -lglpk
PG_CPPFLAGS = -Isrc -Isrc/core $(GSL_CFLAGS)
SHLIB_LINK  = $(GSL_LIBS) $(GLPK_LIBS)

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# PGXS tracks no header dependencies here: rebuild every object when a
# header changes (a stale struct layout corrupts memory)
$(OBJS): $(wildcard src/*.h src/core/*.h)

# R's generator and its quantiles are reproduced bit for bit: no fused
# multiply-add contraction there (src/core/rrng.c, honest_fold.c)
src/core/rrng.o src/core/honest_fold.o: CFLAGS += -ffp-contract=off

# (the folders too: removing a piece changes them)
$(EXTENSION)--$(EXTVERSION).sql: $(SQL_PIECES) src/sql
	cat $(SQL_PIECES) > $@

$(EXTENSION)--$(RELEASED)--$(EXTVERSION).sql: $(UPGRADE_PIECES) src/sql/upgrade
	cat $(UPGRADE_PIECES) > $@

# Unit tests of the PostgreSQL-free core: plain C programs, TAP output
UNIT_SRCS  = $(sort $(wildcard test/unit/test_*.c))
UNIT_BINS  = $(UNIT_SRCS:.c=)
# reference data: data/reference/ of this tree (test/unit/refdata.h)
REF_CFLAGS  = -DSCOMM_REFERENCE_DEFAULT='"$(CURDIR)/data/reference"'
UNIT_CFLAGS = -O2 -g -Wall -Wextra -Wno-unused-parameter -std=gnu99 -ffp-contract=off -Isrc/core $(GSL_CFLAGS) $(REF_CFLAGS)

test/unit/%: test/unit/%.c $(CORE_SRCS) $(wildcard src/core/*.h) $(wildcard test/unit/*.h)
	$(CC) $(UNIT_CFLAGS) -o $@ $< $(CORE_SRCS) $(GSL_LIBS) $(GLPK_LIBS) -lm

unit: $(UNIT_BINS)

# The same unit tests under AddressSanitizer and UndefinedBehaviorSanitizer
SAN_BINS   = $(patsubst test/unit/%,test/unit/san/%,$(UNIT_BINS))
SAN_CFLAGS = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all \
             -Wall -std=gnu99 -ffp-contract=off -Isrc/core $(GSL_CFLAGS) $(REF_CFLAGS)

test/unit/san/%: test/unit/%.c $(CORE_SRCS) $(wildcard src/core/*.h) $(wildcard test/unit/*.h)
	@mkdir -p test/unit/san
	$(CC) $(SAN_CFLAGS) -o $@ $< $(CORE_SRCS) $(GSL_LIBS) $(GLPK_LIBS) -lm

unit-sanitize: $(SAN_BINS)

# libFuzzer harnesses of the core's decoders (clang); run them with scripts/fuzz
FUZZ_SRCS   = $(sort $(wildcard test/fuzz/fuzz_*.c))
FUZZ_BINS   = $(FUZZ_SRCS:.c=)
FUZZ_CFLAGS = -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Isrc/core $(GSL_CFLAGS)

test/fuzz/fuzz_%: test/fuzz/fuzz_%.c $(CORE_SRCS) $(wildcard src/core/*.h)
	clang $(FUZZ_CFLAGS) -o $@ $< $(CORE_SRCS) $(GSL_LIBS) $(GLPK_LIBS) -lm

fuzz: $(FUZZ_BINS)

EXTRA_CLEAN = $(UNIT_BINS) $(FUZZ_BINS) test/unit/san results/ regression.diffs regression.out

.PHONY: unit unit-sanitize fuzz
