#!/usr/bin/env python3
"""The hostile-input battery: several hundred adversarial cases against scomm.

Each case runs in a fresh psql session (a fresh backend) against the server in
the PG environment variables, in the database prepared by setup.sql, under a
statement timeout.  A case fails when

  - the backend crashed (the connection closed, the server restarted),
  - an internal error XX000 (or any XX class but XX001 where the case
    expects corrupt data) came back,
  - the statement ran longer than its timeout allows (the cancel was not
    honoured) or hung,
  - the backend's peak memory (VmHWM) went beyond the limit,
  - the answer was wrong: a case that returns booleans must return only
    true, a case comparing two answers must get equal ones, and a case that
    names an SQLSTATE must get it.

Families: text input of every type, binary input of every type, every
aggregate in parallel plans and window frames, degenerate panels, extreme
numbers, hostile geometries, search-path planting, long computations under a
timeout.  Cases are generated deterministically (no randomness between runs).

  battery.py [--timeout S] [--memory-mb N] [--family NAME...] [--sample N] [--list] [-v]

Prints one line per failed case and a summary; the exit status is non-zero
when a case failed.  test/hostile/run.sh starts a throwaway cluster for it.
"""
import argparse
import os
import re
import subprocess
import sys
import time

# ---------------------------------------------------------------------------
# cases


class Case:
    def __init__(self, family, name, sql, expect="any", timeout=None, memory_mb=None):
        self.family = family
        self.name = name
        self.sql = sql.strip().rstrip(";")
        # any: a clean answer or a clean error; ok: no error; error: a clean
        # error; true: no error and every output line 't' (or an error when
        # allow_error); same: two output lines equal (numbers to 1e-9);
        # a five-character SQLSTATE: that error
        self.expect = expect
        self.timeout = timeout
        self.memory_mb = memory_mb


CASES = []


def case(family, name, sql, expect="any", timeout=None, memory_mb=None):
    CASES.append(Case(family, name, sql, expect, timeout, memory_mb))


def q(s):
    """A dollar-quoted SQL literal."""
    tag = "$b$"
    while tag in s:
        tag = "$b" + tag[2:-1] + "x$"
    return tag + s + tag


TYPES = ["criminality_level", "activation_cohort", "level_tally", "prepost_state",
         "did_panel", "response_patterns", "lca_model", "trajectory_panel", "trajectory_model"]
# the stored value of each type in battery.kept (ppw: a windowed prepost state)
KEPT = {"criminality_level": "level", "activation_cohort": "cohort", "level_tally": "tally",
        "prepost_state": "pp", "did_panel": "panel", "response_patterns": "patterns",
        "lca_model": "model", "trajectory_panel": "tpanel", "trajectory_model": "tmodel"}


def text_mutations(s):
    """Deterministic mutations of a valid text form s."""
    out = []
    n = len(s)
    for frac in (0, 1, 2, 3, 5, 8, 13):
        k = n * frac // 16
        out.append(("truncate %d" % k, s[:k]))
    out.append(("last char dropped", s[:-1]))
    out.append(("empty", ""))
    out.append(("spaces", "   "))
    out.append(("appended garbage", s + "x"))
    out.append(("appended comma", s + ","))
    out.append(("doubled", s + s))
    out.append(("upper", s.upper()))
    out.append(("lower", s.lower()))
    nums = list(re.finditer(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", s))
    for i, m in enumerate(nums[:40:max(1, len(nums[:40]) // 6)]):
        for label, rep in (("huge", "9" * 40), ("negative", "-" + m.group(0).lstrip("-")),
                           ("NaN", "NaN"), ("infinity", "Infinity"), ("1e400", "1e400"),
                           ("2^31", "2147483648"), ("zero", "0"), ("hex", "0x1f")):
            out.append(("number %d %s" % (i, label), s[:m.start()] + rep + s[m.end():]))
    for ch in ";,:=}{|":
        k = s.find(ch)
        if k >= 0:
            out.append(("first %r removed" % ch, s[:k] + s[k + 1:]))
            out.append(("first %r doubled" % ch, s[:k] + ch + s[k:]))
    out.append(("non-ASCII", s[:n // 2] + "\u00e9\u4e2d" + s[n // 2:]))
    out.append(("control char", s[:n // 3] + "\x01" + s[n // 3:]))
    out.append(("long", s + " " * 2000000))
    return out


# literals of the small types besides the stored ones
LITERALS = {"criminality_level": ["Level 2", "none"], "activation_cohort": ["never"]}


def add_text_cases(fetch):
    for t in TYPES:
        bases = [fetch("SELECT %s::text FROM battery.kept" % KEPT[t])] + LITERALS.get(t, [])
        if t == "prepost_state":
            bases.append(fetch("SELECT ppw::text FROM battery.kept"))
        for b, base in enumerate(bases):
            for label, m in text_mutations(base):
                # accepted values must round-trip exactly
                case("text input", "%s #%d %s" % (t, b, label),
                     "SELECT v::text::scomm.%s::text = v::text FROM (SELECT %s::scomm.%s AS v) s" % (t, q(m), t),
                     "true_or_error")


def binary_mutations(h):
    """Deterministic mutations of a valid binary form (hex)."""
    b = bytes.fromhex(h)
    n = len(b)
    out = [("empty", b""), ("one byte", b[:1])]
    for frac in (1, 2, 3, 5, 8, 13, 15):
        out.append(("truncate %d" % (n * frac // 16), b[:n * frac // 16]))
    out.append(("extra byte", b + b"\x00"))
    for pos in sorted({0, 1, 2, 3, 4, 5, 8, 9, 12, n // 2, n - 9, n - 1}):
        if 0 <= pos < n:
            out.append(("byte %d flipped" % pos, b[:pos] + bytes([b[pos] ^ 0xFF]) + b[pos + 1:]))
            out.append(("byte %d zero" % pos, b[:pos] + b"\x00" + b[pos + 1:]))
    for pos in sorted({1, 4, 5, 8, 9}):
        if pos + 4 <= n:
            out.append(("count at %d huge" % pos, b[:pos] + b"\x7f\xff\xff\xff" + b[pos + 4:]))
            out.append(("count at %d negative" % pos, b[:pos] + b"\xff\xff\xff\xfe" + b[pos + 4:]))
    if n >= 8:
        out.append(("NaN double at end", b[:n - 8] + bytes.fromhex("7ff8000000000000")))
        out.append(("infinite double at end", b[:n - 8] + bytes.fromhex("7ff0000000000000")))
    x = 12345
    junk = bytearray()
    for _ in range(64):
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        junk.append(x >> 16 & 0xFF)
    out.append(("64 pseudo-random bytes", bytes(junk)))
    out.append(("first byte kept, rest pseudo-random", b[:1] + bytes(junk)))
    return [(label, m.hex()) for label, m in out]


def add_binary_cases(fetch):
    for t in TYPES:
        cols = [KEPT[t]] + (["ppw"] if t == "prepost_state" else [])
        for c in cols:
            h = fetch("SELECT encode(scomm.%s_send(%s), 'hex') FROM battery.kept" % (t, c))
            case("binary input", "%s %s valid" % (t, c), "SELECT battery.recv('%s', '%s')" % (t, h), "true")
            for label, m in binary_mutations(h):
                case("binary input", "%s %s %s" % (t, c, label),
                     "SELECT battery.recv('%s', '%s')" % (t, m), "true_or_error")


# aggregate calls over battery.rows (r) and battery.states (s)
AGGREGATES = [
    ("max(level)", "max(level)", "rows", "md5"),
    ("min(level)", "min(level)", "rows", "md5"),
    ("level_counts(level)", "level_counts(level)", "rows", "md5"),
    ("level_counts(tally)", "level_counts(tally)", "states", "md5"),
    ("level_tally(level)", "level_tally(level)", "rows", "md5"),
    ("level_tally(tally)", "level_tally(tally)", "states", "md5"),
    ("prepost(value, at, cohort)", "prepost(value, at, cohort)", "rows", "num"),
    ("prepost within", "prepost(value, at, cohort, '1 year')", "rows", "num"),
    ("prepost(pp)", "prepost(pp)", "states", "num"),
    ("prepost_state(value, at, cohort)", "prepost_result(prepost_state(value, at, cohort))", "rows", "num"),
    ("prepost_state within", "prepost_result(prepost_state(value, at, cohort, '1 year'))", "rows", "num"),
    ("prepost_state(pp)", "prepost_result(prepost_state(ppw))", "states", "num"),
    ("did_panel(unit, period, ...)", "did_panel(unit, period, value, first_period)", "rows", "md5"),
    ("did_panel(unit, at, ...)", "did_panel(unit, at, value, coalesce(cohort, 'never'), 'month')", "rows", "md5"),
    ("did_panel(panel)", "did_panel(panel)", "states", "md5"),
    ("response_patterns(items)", "response_patterns(items)", "rows", "md5"),
    ("response_patterns(patterns)", "response_patterns(patterns)", "states", "md5"),
    ("trajectory_panel(u, t, y, e)", "trajectory_panel(unit, period, count, 1 + id % 3)", "rows", "md5"),
    ("trajectory_panel(u, t, y)", "trajectory_panel(unit, period, count)", "rows", "md5"),
    ("trajectory_panel(tp)", "trajectory_panel(tp)", "states", "md5"),
]

PARALLEL = ("SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0; "
            "SET max_parallel_workers_per_gather = 2; SET parallel_leader_participation = off; ")


def shown(expr, how):
    return "md5((%s)::text)" % expr if how == "md5" else "(%s)::text" % expr


def add_aggregate_cases():
    for name, expr, table, how in AGGREGATES:
        t = "battery." + table
        # serial against a parallel plan (Partial Aggregate, two workers)
        case("aggregates", "%s parallel = serial" % name,
             "SELECT %s FROM %s; %s SELECT %s FROM %s" % (shown(expr, how), t, PARALLEL, shown(expr, how), t), "same")
        case("aggregates", "%s grouped, parallel = serial" % name,
             "SELECT string_agg(x, ',' ORDER BY g) FROM (SELECT %s AS g, %s AS x FROM %s GROUP BY 1) s; %s"
             "SELECT string_agg(x, ',' ORDER BY g) FROM (SELECT %s AS g, %s AS x FROM %s GROUP BY 1) s"
             % (("id % 7" if table == "rows" else "grp % 7"), shown(expr, how), t, PARALLEL,
                ("id % 7" if table == "rows" else "grp % 7"), shown(expr, how), t), "same")
        case("aggregates", "%s forced parallel" % name,
             "SET force_parallel_mode = regress; SELECT %s IS NOT NULL OR true FROM %s" % (shown(expr, how), t), "true")
        case("aggregates", "%s empty input" % name, "SELECT (%s) IS NULL OR true FROM %s WHERE false" % (expr, t), "true")
        order = "id" if table == "rows" else "grp"
        # window frames against the same aggregate over the frame's rows
        for frame in WINDOW_FRAMES:
            case("aggregates", "%s window %s" % (name, frame), window_sql(expr, table, how, frame), "true_or_error")
        # NULL-only input (rows with NULL arguments are skipped or counted)
        if table == "rows":
            case("aggregates", "%s all-NULL arguments" % name,
                 "SELECT (%s) IS NULL OR true FROM (SELECT id, NULL::criminality_level AS level, unit, period, first_period, at, "
                 "NULL::activation_cohort AS cohort, NULL::float8 AS value, NULL::int4[] AS items, NULL::float8 AS count "
                 "FROM battery.rows WHERE id < 50) r" % expr, "true_or_error")


WINDOW_FRAMES = {"ROWS BETWEEN 2 PRECEDING AND CURRENT ROW": (-2, 0),
                 "ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING": (-1, 1),
                 "ROWS BETWEEN CURRENT ROW AND 3 FOLLOWING": (0, 3)}


def window_sql(expr, table, how, frame):
    """The aggregate over a window frame, against a subquery over the frame's rows."""
    lo, hi = WINDOW_FRAMES[frame]
    order = "id" if table == "rows" else "grp"
    t = "battery." + table
    # the OVER goes on the aggregate itself, inside a final function call;
    # the recomputation feeds the frame's rows in the window's order (the
    # merge of floating-point states depends on the order in its last bits)
    m = re.match(r"^(prepost_result)\((.*)\)$", expr)
    outer, inner = (m.group(1) + "(%s)", m.group(2)) if m else ("%s", expr)
    over = outer % ("%s OVER (ORDER BY %s %s)" % (inner, order, frame))
    ordered = outer % ("%s ORDER BY x.%s)" % (inner[:-1], order))
    return ("SELECT bool_and(w.v IS NOT DISTINCT FROM (SELECT (%s)::text FROM (SELECT * FROM %s WHERE %s <= 40) x "
            "WHERE x.%s BETWEEN w.k + %d AND w.k + %d)) "
            "FROM (SELECT %s AS k, (%s)::text AS v FROM (SELECT * FROM %s WHERE %s <= 40) y) w"
            % (ordered, t, order, order, lo, hi, order, over, t, order))


# degenerate panels for the estimators
PANELS = {
    "one unit": "'did_panel:1:2;1,1,2,1.5;1,2,2,2.5'",
    "one period": "'did_panel:1:2;1,1,2,1.5;2,1,never,2.5'",
    "all never": "(SELECT did_panel(unit, period, outcome, NULL) FROM battery.sim)",
    "all treated at first": "(SELECT did_panel(unit, period, outcome, 1) FROM battery.sim)",
    "all one cohort": "(SELECT did_panel(unit, period, outcome, 4) FROM battery.sim)",
    "treated after last": "(SELECT did_panel(unit, period, outcome, CASE WHEN unit % 2 = 0 THEN 99 END) FROM battery.sim)",
    "constant outcome": "(SELECT did_panel(unit, period, 7, first_period) FROM battery.sim)",
    "zero outcome": "(SELECT did_panel(unit, period, 0, first_period) FROM battery.sim)",
    "huge outcome": "(SELECT did_panel(unit, period, outcome * 1e150, first_period) FROM battery.sim)",
    "outcome 1e308": "(SELECT did_panel(unit, period, sign(outcome) * 1e308, first_period) FROM battery.sim)",
    "tiny outcome": "(SELECT did_panel(unit, period, outcome * 1e-300, first_period) FROM battery.sim)",
    "unbalanced": "(SELECT did_panel(unit, period, outcome, first_period) FROM battery.sim WHERE (unit + period) % 5 <> 0)",
    "gaps in periods": "(SELECT did_panel(unit, period * 1000, outcome, first_period * 1000) FROM battery.sim)",
    "negative periods": "(SELECT did_panel(unit, period - 2147483000, outcome, first_period - 2147483000) FROM battery.sim)",
    "int4 extremes": "'did_panel:1:4;1,-2147483648,-2147483647,1;1,2147483646,-2147483647,5;2,-2147483648,never,2;2,2147483646,never,3'",
    "two units": "'did_panel:1:4;1,1,2,1;1,2,2,5;2,1,never,2;2,2,never,3'",
    "empty aggregate": "(SELECT did_panel(unit, period, outcome, first_period) FROM battery.sim WHERE false)",
    "units bigint extremes": "(SELECT did_panel(CASE WHEN unit % 2 = 0 THEN -9223372036854775808 + unit ELSE 9223372036854775807 - unit END, period, outcome, first_period) FROM battery.sim)",
}
ESTIMATORS = [
    ("att_gt", "SELECT count(*), bool_and(att IS NULL OR abs(att) < 1e300) FROM att_gt(%s)"),
    ("att_gt never", "SELECT count(*) FROM att_gt(%s, control => 'nevertreated', base_period => 'universal')"),
    ("att_gt bootstrap", "SELECT count(*) FROM att_gt(%s, bootstrap => 99, seed => 3)"),
    ("att_gt anticipation", "SELECT count(*) FROM att_gt(%s, anticipation => 2147483647)"),
    ("simple", "SELECT count(*) FROM att_aggregate(%s, 'simple')"),
    ("dynamic", "SELECT count(*) FROM att_aggregate(%s, 'dynamic', bootstrap => 49)"),
    ("group", "SELECT count(*) FROM att_aggregate(%s, 'group')"),
    ("calendar", "SELECT count(*) FROM att_aggregate(%s, 'calendar')"),
    ("pretest", "SELECT * FROM pretest(%s)"),
    ("twfe", "SELECT * FROM twfe(%s)"),
    ("event study", "SELECT count(*) FROM twfe_event_study(%s, 3, 3)"),
    ("event study wide", "SELECT count(*) FROM twfe_event_study(%s, 10000, 10000)"),
    ("rows", "SELECT rows(%s)"),
]


def add_panel_cases():
    for pname, p in PANELS.items():
        for ename, tmpl in ESTIMATORS:
            case("degenerate panels", "%s: %s" % (pname, ename), tmpl % p)
    # trajectory and latent class degenerate inputs
    tp = {
        "one unit": "(SELECT trajectory_panel(1, t, t) FROM generate_series(1, 5) t)",
        "one time": "(SELECT trajectory_panel(u, 1, u % 3) FROM generate_series(1, 50) u)",
        "all zero": "(SELECT trajectory_panel(u, t, 0) FROM generate_series(1, 50) u, generate_series(1, 5) t)",
        "huge counts": "(SELECT trajectory_panel(u, t, 1e15) FROM generate_series(1, 50) u, generate_series(1, 5) t)",
        "huge t": "(SELECT trajectory_panel(u, t * 1e150, u % 4) FROM generate_series(1, 50) u, generate_series(1, 5) t)",
        "negative y": "(SELECT trajectory_panel(u, t, -u) FROM generate_series(1, 50) u, generate_series(1, 5) t)",
        "fractional y": "(SELECT trajectory_panel(u, t, 0.5) FROM generate_series(1, 50) u, generate_series(1, 5) t)",
        "exposure 0": "(SELECT trajectory_panel(u, t, u % 3, 0) FROM generate_series(1, 50) u, generate_series(1, 5) t)",
        "exposure huge": "(SELECT trajectory_panel(u, t, u % 3, 1e300) FROM generate_series(1, 50) u, generate_series(1, 5) t)",
        "empty": "(SELECT trajectory_panel(u, t, 1) FROM generate_series(1, 5) u, generate_series(1, 5) t WHERE false)",
        "stored": "(SELECT tp FROM battery.tpanel)",
    }
    for name, p in tp.items():
        for fam in ("poisson", "zip", "cnorm"):
            case("degenerate panels", "trajectory %s %s" % (name, fam),
                 "SELECT trajectory_fit(trajectory_groups(%s, 2, degree => 2, family => '%s', starts => 3))" % (p, fam))
        case("degenerate panels", "trajectory %s membership" % name,
             "SELECT count(*) FROM trajectory_membership((SELECT tmodel FROM battery.kept), %s)" % p)
    rp = {
        "one item": "'{J=1;1:5;2:3}'",
        "one pattern": "'{J=3;1,1,1:5}'",
        "all missing": "'{J=2;0,0:7}'",
        "sparse": "'{J=3;0,0,0:50;0,0,1:1;0,2,0:1;1,0,0:1}'",
        "counts 1e300": "'{J=2;1,1:1e300;1,2:1e300;2,1:1e300;2,2:1e300}'",
        "counts 1e-300": "'{J=2;1,1:1e-300;1,2:1e-300;2,1:1e-300;2,2:1e-300}'",
        "255 categories": "(SELECT response_patterns(ARRAY[1 + i % 255, 1 + i % 2]) FROM generate_series(1, 600) i)",
        "stored": "(SELECT r FROM battery.patterns)",
    }
    for name, p in rp.items():
        for k in (1, 2, 5):
            case("degenerate panels", "lca %s %d classes" % (name, k), "SELECT lca_fit(lca(%s, %d, starts => 4))" % (p, k))
        case("degenerate panels", "lca_select %s" % name, "SELECT count(*) FROM lca_select(%s, 3, starts => 3)" % p)
        case("degenerate panels", "pattern_counts %s" % name, "SELECT count(*) FROM pattern_counts(%s)" % p)


EXTREME_FLOATS = ["'NaN'", "'Infinity'", "'-Infinity'", "1e308", "-1e308", "1e-308", "0", "-0.0", "4.9e-324"]
EXTREME_INTS = ["-2147483648", "2147483647", "0", "-1"]
EXTREME_BIGINTS = ["-9223372036854775808", "9223372036854775807", "0"]
EXTREME_DATES = ["'infinity'", "'-infinity'", "'4713-11-24 BC'", "'5874897-12-31'", "'2000-02-29'"]

# calls with one argument left as {}: every extreme value goes there
EXTREME_CALLS = [
    ("crime_rate offenses", "SELECT crime_rate({}, 1000)", "bigint"),
    ("crime_rate population", "SELECT crime_rate(10, {})", "bigint"),
    ("crime_rate per", "SELECT crime_rate(10, 1000, {})", "int"),
    ("event_time at", "SELECT event_time('2010-01-01', {}::date, 'day')", "date"),
    ("event_time cohort", "SELECT event_time({}::date::activation_cohort, '2010-01-01', 'month')", "date"),
    ("period_of", "SELECT period_of({}::date, 'quarter')", "date"),
    ("period_start", "SELECT period_start({}, 'month')", "int"),
    ("period_start day", "SELECT period_start({}, 'day')", "int"),
    ("is_early cutoff", "SELECT is_early('2010-01-01', {}::date)", "date"),
    ("level from int", "SELECT ({})::criminality_level", "int"),
    ("prepost value", "SELECT prepost({}::float8, '2010-01-01', '2009-01-01')", "float"),
    ("prepost date", "SELECT prepost(1.0, {}::date, '2009-01-01')", "date"),
    ("prepost within", "SELECT prepost(1.0, '2010-01-01', '2009-01-01', make_interval(days => {}))", "int"),
    ("prepost within years", "SELECT prepost(1.0, '2010-01-01', '2009-01-01', make_interval(years => {}))", "int"),
    ("baseline value", "SELECT baseline_change(v, d, '2010-01-01') OVER () FROM (VALUES ({}::float8, '2009-01-01'::date), (1, '2011-01-01')) x(v, d)", "float"),
    ("baseline ratio", "SELECT baseline_ratio(v, d, '2010-01-01') OVER () FROM (VALUES ({}::float8, '2009-01-01'::date), (1e-300, '2009-02-01'), (1e300, '2011-01-01')) x(v, d)", "float"),
    ("did_panel outcome", "SELECT did_panel(1, 1, {}::float8, NULL)", "float"),
    ("did_panel period", "SELECT did_panel(1, {}, 1.0, NULL)", "int"),
    ("did_panel first_period", "SELECT did_panel(1, 1, 1.0, {})", "int"),
    ("did_panel unit", "SELECT did_panel({}, 1, 1.0, NULL)", "bigint"),
    ("did_panel date", "SELECT did_panel(1, {}::date, 1.0, '2010-01-01', 'day')", "date"),
    ("att_gt alpha", "SELECT count(*) FROM att_gt((SELECT p FROM battery.panel), alpha => {}::float8)", "float"),
    ("att_gt anticipation", "SELECT count(*) FROM att_gt((SELECT p FROM battery.panel), anticipation => {})", "int"),
    ("att_gt bootstrap", "SELECT count(*) FROM att_gt((SELECT p FROM battery.panel), bootstrap => {})", "int"),
    ("att_gt seed", "SELECT count(*) FROM att_gt((SELECT p FROM battery.panel), bootstrap => 19, seed => {})", "bigint"),
    ("pretest leads", "SELECT * FROM pretest((SELECT p FROM battery.panel), leads => {})", "int"),
    ("twfe alpha", "SELECT * FROM twfe((SELECT p FROM battery.panel), alpha => {}::float8)", "float"),
    ("event study leads", "SELECT count(*) FROM twfe_event_study((SELECT p FROM battery.panel), {}, 2)", "int"),
    ("event study lags", "SELECT count(*) FROM twfe_event_study((SELECT p FROM battery.panel), 2, {})", "int"),
    ("lca classes", "SELECT lca((SELECT r FROM battery.patterns), {}, starts => 2)", "int"),
    ("lca starts", "SELECT lca((SELECT r FROM battery.patterns), 2, starts => {})", "int"),
    ("lca seed", "SELECT lca((SELECT r FROM battery.patterns), 2, starts => 2, seed => {})", "bigint"),
    ("lca max_iter", "SELECT lca((SELECT r FROM battery.patterns), 2, starts => 2, max_iter => {})", "int"),
    ("lca tolerance", "SELECT lca((SELECT r FROM battery.patterns), 2, starts => 2, tolerance => {}::float8)", "float"),
    ("lca_select max", "SELECT count(*) FROM lca_select((SELECT r FROM battery.patterns), {}, starts => 2)", "int"),
    ("lca_classify item", "SELECT lca_classify((SELECT model FROM battery.kept), ARRAY[{}, 1, 1, 1])", "int"),
    ("lca_posterior item", "SELECT lca_posterior((SELECT model FROM battery.kept), ARRAY[1, {}, NULL, 1])", "int"),
    ("response_patterns item", "SELECT response_patterns(ARRAY[{}, 1])", "int"),
    ("trajectory groups", "SELECT trajectory_groups((SELECT tp FROM battery.tpanel), {}, starts => 2)", "int"),
    ("trajectory degree", "SELECT trajectory_groups((SELECT tp FROM battery.tpanel), 2, degree => {}, starts => 2)", "int"),
    ("trajectory starts", "SELECT trajectory_groups((SELECT tp FROM battery.tpanel), 2, starts => {})", "int"),
    ("trajectory lower", "SELECT trajectory_groups((SELECT tp FROM battery.tpanel), 2, family => 'cnorm', starts => 2, lower => {}::float8)", "float"),
    ("trajectory_panel t", "SELECT trajectory_panel(1, {}::float8, 1)", "float"),
    ("trajectory_panel y", "SELECT trajectory_panel(1, 1, {}::float8)", "float"),
    ("trajectory_panel exposure", "SELECT trajectory_panel(1, 1, 1, {}::float8)", "float"),
    ("county_of lon", "SELECT county_of({}::float8, 1, 'battery.grid')", "float"),
    ("county_of point x", "SELECT county_of(ST_MakePoint({}::float8, 1), 'battery.grid')", "float"),
    ("morans_i x", "SELECT * FROM morans_i(ARRAY['a', 'b', 'c', 'd'], ARRAY[1, {}::float8, 3, 4], ARRAY['a', 'b', 'c'], ARRAY['b', 'c', 'd'])", "float"),
    ("morans_i all x", "SELECT * FROM morans_i(ARRAY['a', 'b', 'c', 'd'], ARRAY[({0})::float8, -(({0})::float8), ({0})::float8, 1], ARRAY['a', 'b', 'c'], ARRAY['b', 'c', 'd'])", "float"),
    ("morans_i permutations", "SELECT * FROM morans_i(ARRAY['a', 'b', 'c', 'd'], ARRAY[1, 2, 3, 5], ARRAY['a', 'b', 'c'], ARRAY['b', 'c', 'd'], permutations => {})", "int"),
    ("local_morans_i x", "SELECT count(*) FROM local_morans_i(ARRAY['a', 'b', 'c', 'd'], ARRAY[1, {}::float8, 3, 4], ARRAY['a', 'b', 'c'], ARRAY['b', 'c', 'd'], permutations => 9)", "float"),
    ("simulate_crime population", "SELECT count(*), max(count) FROM simulate_crime(ARRAY['01001'], ARRAY['2010-01-01']::activation_cohort[], ARRAY[{}::float8])", "float"),
    ("simulate_crime effect", "SELECT count(*), max(count) FROM simulate_crime(ARRAY['01001'], ARRAY['2010-01-01']::activation_cohort[], ARRAY[1e5], effect => {}::float8)", "float"),
    ("simulate_crime years", "SELECT count(*) FROM simulate_crime(ARRAY['01001'], ARRAY['never']::activation_cohort[], ARRAY[1e5], first_year => {})", "int"),
    ("simulate_removals total", "SELECT count(*), max(removals) FROM simulate_removals(ARRAY['01001'], ARRAY['2009-01-01']::activation_cohort[], ARRAY[100], total => {}::float8)", "float"),
    ("simulate_removals noncitizens", "SELECT count(*), max(removals) FROM simulate_removals(ARRAY['01001', '01003'], ARRAY['2009-01-01', '2009-06-01']::activation_cohort[], ARRAY[{}::float8, 1])", "float"),
    ("simulate_removals through", "SELECT count(*) FROM simulate_removals(ARRAY['01001'], ARRAY['2009-01-01']::activation_cohort[], ARRAY[100], through => {}::date)", "date"),
    ("simulate_panel units", "SELECT count(*) FROM simulate_panel({}, 4, cohorts => 2)", "int"),
    ("simulate_panel periods", "SELECT count(*) FROM simulate_panel(2, {})", "int"),
    ("simulate_panel effect", "SELECT count(*), max(outcome) FROM simulate_panel(20, 5, cohorts => 2, effect => {}::float8)", "float"),
    ("simulate_panel noise", "SELECT count(*), max(outcome) FROM simulate_panel(20, 5, cohorts => 2, noise => {}::float8)", "float"),
    ("simulate_panel never_share", "SELECT count(*) FROM simulate_panel(20, 5, cohorts => 2, never_share => {}::float8)", "float"),
]


def add_extreme_cases():
    values = {"float": EXTREME_FLOATS, "int": EXTREME_INTS, "bigint": EXTREME_BIGINTS, "date": EXTREME_DATES}
    for name, tmpl, kind in EXTREME_CALLS:
        for v in values[kind]:
            sql = tmpl.replace("{0}", v).replace("{}", v)
            case("extreme numbers", "%s = %s" % (name, v.strip("'")), sql)
    # NULL for each argument of the functions that are not STRICT
    nulls = [
        "SELECT * FROM simulate_panel(NULL, 4)", "SELECT * FROM simulate_panel(4, NULL)",
        "SELECT * FROM simulate_panel(4, 4, NULL)", "SELECT * FROM simulate_panel(4, 4, cohorts => NULL)",
        "SELECT * FROM simulate_panel(4, 4, cohorts => 2, noise => NULL)",
        "SELECT * FROM simulate_crime(NULL, ARRAY['never']::activation_cohort[], ARRAY[1e5])",
        "SELECT * FROM simulate_crime(ARRAY['01001'], ARRAY['never']::activation_cohort[], ARRAY[1e5], seed => NULL)",
        "SELECT * FROM simulate_crime(ARRAY['01001'], ARRAY['never']::activation_cohort[], ARRAY[1e5], last_year => NULL)",
        "SELECT * FROM simulate_removals(ARRAY['01001'], ARRAY['2009-01-01']::activation_cohort[], ARRAY[1], total => NULL)",
        "SELECT * FROM simulate_removals(ARRAY['01001'], ARRAY['2009-01-01']::activation_cohort[], ARRAY[1], through => NULL)",
        "SELECT * FROM simulate_removals(ARRAY['01001'], ARRAY[NULL]::activation_cohort[], ARRAY[1])",
        "SELECT lca(NULL, 2)", "SELECT lca((SELECT r FROM battery.patterns), NULL)",
        "SELECT lca((SELECT r FROM battery.patterns), 2, starts => NULL)",
        "SELECT lca((SELECT r FROM battery.patterns), 2, seed => NULL)",
        "SELECT lca((SELECT r FROM battery.patterns), 2, tolerance => NULL)",
        "SELECT * FROM lca_select((SELECT r FROM battery.patterns), NULL)",
        "SELECT trajectory_groups((SELECT tp FROM battery.tpanel), NULL)",
        "SELECT trajectory_groups((SELECT tp FROM battery.tpanel), 2, starts => NULL)",
        "SELECT trajectory_groups((SELECT tp FROM battery.tpanel), 2, family => NULL)",
        "SELECT trajectory_groups(NULL, 2)",
        "SELECT * FROM pretest((SELECT p FROM battery.panel), control => NULL)",
        "SELECT * FROM pretest(NULL)",
        "SELECT * FROM morans_i(NULL, ARRAY[1, 2, 3]::float8[], ARRAY['a'], ARRAY['b'])",
        "SELECT * FROM morans_i(ARRAY['a', 'b', 'c'], ARRAY[1, 2, 3]::float8[], ARRAY['a'], ARRAY['b'], seed => NULL)",
        "SELECT * FROM local_morans_i(ARRAY['a', 'b', 'c'], ARRAY[1, 2, 3]::float8[], ARRAY['a'], ARRAY['b'], weights => NULL)",
        "SELECT * FROM contiguity(NULL)",
        "SELECT prepost(1.0, '2010-01-01', '2009-01-01', NULL::interval)",
        "SELECT did_panel(NULL::bigint, 1, 1.0, 1)", "SELECT did_panel(1, NULL::int, 1.0, 1)",
        "SELECT did_panel(1, '2010-01-01'::date, 1.0, '2009-01-01', NULL)",
        "SELECT trajectory_panel(NULL::bigint, 1, 1)", "SELECT trajectory_panel(1, NULL::float8, 1)",
        "SELECT level_tally_retract(NULL, NULL)", "SELECT level_tally_merge(NULL, NULL)", "SELECT counts(NULL)",
        "SELECT prepost_result(NULL)", "SELECT prepost_state_merge(NULL, NULL)",
        "SELECT response_patterns_merge(NULL, NULL)", "SELECT did_panel_merge(NULL, NULL)",
        "SELECT trajectory_panel_merge(NULL, NULL)",
        "SELECT prepost_accum(NULL, NULL, NULL, NULL)", "SELECT level_tally_accum(NULL, NULL)",
    ]
    for i, s in enumerate(nulls):
        case("extreme numbers", "NULL argument %d: %s" % (i, s[:60]), s)


GEOMS = {
    "wide box": "ST_MakeEnvelope(-1e308, 0, 1e308, 1, 4326)",
    "tall box": "ST_MakeEnvelope(0, -1e308, 1, 1e308, 4326)",
    "box at 1e99": "ST_MakeEnvelope(1e99, 1e99, 2e99, 2e99, 4326)",
    "box at -1e99": "ST_MakeEnvelope(-2e99, -2e99, -1e99, -1e99, 4326)",
    "NaN vertex": "ST_MakePolygon(ST_MakeLine(ARRAY[ST_MakePoint(0, 0), ST_MakePoint('NaN', 1), ST_MakePoint(1, 1), ST_MakePoint(0, 0)]))",
    "infinite vertex": "ST_MakePolygon(ST_MakeLine(ARRAY[ST_MakePoint(0, 0), ST_MakePoint('Infinity', 1), ST_MakePoint(1, 1), ST_MakePoint(0, 0)]))",
    "empty polygon": "'POLYGON EMPTY'::geometry",
    "empty multipolygon": "'MULTIPOLYGON EMPTY'::geometry",
    "multipolygon with an empty part": "ST_Collect(ST_MakeEnvelope(0, 0, 1, 1), 'POLYGON EMPTY'::geometry)",
    "degenerate: a line as polygon": "'POLYGON((0 0, 1 1, 1 1, 0 0))'::geometry",
    "zero area": "'POLYGON((0 0, 1 0, 2 0, 0 0))'::geometry",
    "bow tie": "'POLYGON((0 0, 1 1, 1 0, 0 1, 0 0))'::geometry",
    "spikes": "'POLYGON((0 0, 2 0, 2 2, 1 2, 1 5, 1 2, 0 2, 0 0))'::geometry",
    "hole touching shell": "'POLYGON((0 0, 4 0, 4 4, 0 4, 0 0), (0 0, 2 1, 1 2, 0 0))'::geometry",
    "hole outside shell": "'POLYGON((0 0, 1 0, 1 1, 0 1, 0 0), (5 5, 6 5, 6 6, 5 6, 5 5))'::geometry",
    "100 holes": "(SELECT ST_MakePolygon(ST_ExteriorRing(ST_MakeEnvelope(0, 0, 101, 2)), array_agg(ST_ExteriorRing(ST_MakeEnvelope(i + 0.25, 0.5, i + 0.75, 1.5)))) FROM generate_series(0, 99) i)",
    "tiny at 1e15": "ST_MakeEnvelope(1e15, 1e15, 1e15 + 0.125, 1e15 + 0.125)",
    "tiny at 1e-300": "ST_MakeEnvelope(0, 0, 1e-300, 1e-300)",
    "subnormal": "ST_MakeEnvelope(0, 0, 4.9e-324, 4.9e-324)",
    "3D polygon": "'POLYGON Z((0 0 1, 1 0 1, 1 1 1, 0 1 1, 0 0 1))'::geometry",
    "4D polygon": "'POLYGON ZM((0 0 1 2, 1 0 1 2, 1 1 1 2, 0 1 1 2, 0 0 1 2))'::geometry",
    "measured polygon": "'POLYGON M((0 0 1, 1 0 1, 1 1 1, 0 1 1, 0 0 1))'::geometry",
    "star of 20001": "(SELECT ST_MakePolygon(ST_MakeLine(array_agg(ST_MakePoint(cos(2 * pi() * ((k * 10000) % 20001) / 20001), sin(2 * pi() * ((k * 10000) % 20001) / 20001)) ORDER BY k) || ARRAY[ST_MakePoint(1, 0)])) FROM generate_series(0, 20000) k)",
    "comb of 30000": "(SELECT ST_MakePolygon(ST_MakeLine(array_agg(ST_MakePoint(k / 2, CASE WHEN k % 4 IN (1, 2) THEN 100 ELSE 0 END) ORDER BY k) || ARRAY[ST_MakePoint(15000, -1), ST_MakePoint(0, -1), ST_MakePoint(0, 0)])) FROM generate_series(0, 29999) k)",
    "unclosed-looking ring": "'POLYGON((0 0, 1 0, 1 1, 0 1, 0 0.0000000001, 0 0))'::geometry",
    "collection": "ST_Collect(ST_MakeEnvelope(0, 0, 1, 1), ST_MakePoint(5, 5))",
    "line": "'LINESTRING(0 0, 1 1)'::geometry",
    "point": "'POINT(0 0)'::geometry",
    "curve polygon": "'CURVEPOLYGON(CIRCULARSTRING(0 0, 1 1, 2 0, 1 -1, 0 0))'::geometry",
    "triangle": "'TRIANGLE((0 0, 1 0, 0 1, 0 0))'::geometry",
    "polyhedral surface": "'POLYHEDRALSURFACE(((0 0 0, 0 1 0, 1 1 0, 0 0 0)))'::geometry",
}


def add_geometry_cases():
    for gname, g in GEOMS.items():
        tbl = "(SELECT 'a'::text AS fips, %s AS geom)" % g
        setup = "CREATE TEMP TABLE layer AS SELECT 'a'::text AS fips, (%s) AS geom UNION ALL SELECT fips, geom FROM battery.grid; " % g
        for px, py in ((0.5, 0.5), (0, 0), (1e99 + 1e98, 1.5e99), (1e15, 1e15), (2.5, 3.5), (-1, -1)):
            case("hostile geometries", "%s: county_of(%g, %g)" % (gname, px, py),
                 setup + "SELECT county_of(ST_MakePoint(%r, %r), 'layer')" % (px, py))
        case("hostile geometries", "%s: contiguity" % gname, setup + "SELECT count(*) FROM contiguity('layer')")
        # answers against the even-odd rule where the layer is readable
        case("hostile geometries", "%s: as the even-odd rule" % gname,
             "CREATE TEMP TABLE layer AS SELECT 'a'::text AS fips, (%s) AS geom; "
             "SELECT coalesce(bool_and((county_of(ST_SetSRID(ST_MakePoint(x, y), ST_SRID(geom)), 'layer') IS NOT NULL) = battery.parity(geom, x, y)), true) "
             "FROM layer, (SELECT (i %% 7) / 3.0 - 0.5 AS x, (i / 7) / 3.0 - 0.5 AS y FROM generate_series(0, 48) i) p "
             "WHERE ST_GeometryType(geom) IN ('ST_Polygon', 'ST_MultiPolygon') AND NOT ST_IsEmpty(geom) AND ST_NPoints(geom) < 1000" % g,
             "true_or_error")
    # layers made hostile in other ways
    layers = {
        "duplicate fips": "SELECT '1'::text AS fips, ST_MakeEnvelope(0, 0, 1, 1, 4326) AS geom UNION ALL SELECT '1', ST_MakeEnvelope(1, 0, 2, 1, 4326)",
        "NULL fips": "SELECT NULL::text AS fips, ST_MakeEnvelope(0, 0, 1, 1, 4326) AS geom",
        "NULL geom": "SELECT '1'::text AS fips, NULL::geometry AS geom",
        "empty layer": "SELECT '1'::text AS fips, ST_MakeEnvelope(0, 0, 1, 1, 4326) AS geom WHERE false",
        "mixed SRIDs": "SELECT '1'::text AS fips, ST_MakeEnvelope(0, 0, 1, 1, 4326) AS geom UNION ALL SELECT '2', ST_MakeEnvelope(0, 0, 1, 1, 3857)",
        "no SRID": "SELECT '1'::text AS fips, ST_MakeEnvelope(0, 0, 1, 1) AS geom",
        "integer fips": "SELECT 1 AS fips, ST_MakeEnvelope(0, 0, 1, 1, 4326) AS geom",
        "text geom": "SELECT '1'::text AS fips, 'x'::text AS geom",
        "geography geom": "SELECT '1'::text AS fips, ST_MakeEnvelope(0, 0, 1, 1, 4326)::geography AS geom",
        "1000 overlapping squares": "SELECT i::text AS fips, ST_MakeEnvelope(i % 37 / 2.0, i % 41 / 2.0, i % 37 / 2.0 + 10, i % 41 / 2.0 + 10, 4326) AS geom FROM generate_series(1, 1000) i",
        "3000 identical squares": "SELECT i::text AS fips, ST_MakeEnvelope(0, 0, 1, 1, 4326) AS geom FROM generate_series(1, 3000) i",
        "long fips": "SELECT repeat('x', 100000) AS fips, ST_MakeEnvelope(0, 0, 1, 1, 4326) AS geom",
        "quoted name": None,
    }
    for lname, sel in layers.items():
        if sel is None:
            setup = "CREATE TEMP TABLE \"we\"\"ird; name\" AS SELECT '1'::text AS fips, ST_MakeEnvelope(0, 0, 1, 1, 4326) AS geom; "
            ref = "'\"we\"\"ird; name\"'"
        else:
            setup = "CREATE TEMP TABLE layer AS %s; " % sel
            ref = "'layer'"
        case("hostile geometries", "layer %s: county_of" % lname, setup + "SELECT county_of(0.5, 0.5, %s)" % ref)
        case("hostile geometries", "layer %s: contiguity" % lname, setup + "SELECT count(*) FROM contiguity(%s)" % ref,
             timeout=10)
    case("hostile geometries", "view of the grid with renamed columns",
         "CREATE TEMP VIEW v AS SELECT fips AS fips, geom FROM battery.grid; SELECT county_of(0.5, 0.5, 'v') = '00'", "true")
    case("hostile geometries", "points of every kind",
         "SELECT county_of(g, 'battery.grid') FROM (VALUES ('POINT EMPTY'::geometry), ('POINT(0.5 0.5)'), "
         "('SRID=4326;POINT(0.5 0.5)'), ('POINT Z(0.5 0.5 9)'), ('MULTIPOINT(0.5 0.5)'), ('SRID=3857;POINT(0.5 0.5)')) v(g)")


def add_search_path_cases():
    plant = ("CREATE SCHEMA IF NOT EXISTS evil; "
             "CREATE OR REPLACE FUNCTION evil.text(geometry) RETURNS text LANGUAGE sql AS $$ SELECT 'planted' $$; "
             "CREATE OR REPLACE FUNCTION evil.sqrt(float8) RETURNS float8 LANGUAGE sql AS $$ SELECT -1::float8 $$; "
             "CREATE OR REPLACE FUNCTION evil.lower(text) RETURNS text LANGUAGE sql AS $$ SELECT 'planted' $$; "
             "CREATE OR REPLACE FUNCTION evil.texteq(text, text) RETURNS bool LANGUAGE sql AS $$ SELECT false $$; "
             "DROP OPERATOR IF EXISTS evil.= (text, text); "
             "CREATE OPERATOR evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.texteq); "
             "CREATE OR REPLACE FUNCTION evil.level_counts(scomm.criminality_level) RETURNS int LANGUAGE sql AS $$ SELECT 0 $$; "
             "CREATE OR REPLACE FUNCTION evil.county_of(float8, float8) RETURNS text LANGUAGE sql AS $$ SELECT 'planted' $$; ")
    queries = [
        "SELECT md5(scomm.level_counts(level)::text) FROM battery.rows",
        "SELECT md5(scomm.prepost(value, at, cohort)::text) FROM battery.rows",
        "SELECT md5(scomm.did_panel(unit, period, value, first_period)::text) FROM battery.rows",
        "SELECT md5(scomm.response_patterns(items)::text) FROM battery.rows",
        "SELECT md5(string_agg(x::text, ',')) FROM scomm.att_gt((SELECT p FROM battery.panel)) x",
        "SELECT md5(string_agg(x::text, ',')) FROM scomm.contiguity('battery.grid') x",
        "SELECT scomm.county_of(0.5, 0.5, 'battery.grid')",
        "SELECT scomm.county_of(public.ST_MakePoint(2.5, 1.5), 'battery.grid')",
        "SELECT md5(x::text) FROM scomm.morans_i((SELECT array_agg(fips ORDER BY fips) FROM battery.grid), (SELECT array_agg(x ORDER BY fips) FROM battery.grid), (SELECT array_agg(fips) FROM battery.grid_nb), (SELECT array_agg(neighbor) FROM battery.grid_nb), 99) x",
        "SELECT scomm.lca_classify((SELECT model FROM battery.kept), ARRAY[1, 2, 1, 3])",
        "SELECT md5(scomm.trajectory_fit((SELECT tmodel FROM battery.kept))::text)",
        "SELECT 'L1'::scomm.criminality_level OPERATOR(scomm.>) 'L2'",
        "SELECT md5(string_agg(x::text, ',')) FROM scomm.simulate_crime(ARRAY['01001'], ARRAY['2010-01-01']::scomm.activation_cohort[], ARRAY[1e5]) x",
    ]
    for i, qry in enumerate(queries):
        for path in ("evil, public, scomm, pg_catalog", "evil, pg_catalog", "pg_catalog", "''"):
            case("search path", "query %d under search_path %s" % (i, path),
                 "SET search_path = public, scomm; %s; %s; SET search_path = %s; %s" % (plant, qry, path, qry), "same")


def add_long_cases():
    """Long computations: they must stop at the timeout (57014) or finish."""
    longs = [
        ("bootstrap 400 x 12", "SELECT count(*) FROM att_gt((SELECT p FROM battery.big_panel), bootstrap => 300000)"),
        ("aggregate bootstrap", "SELECT count(*) FROM att_aggregate((SELECT p FROM battery.big_panel), 'dynamic', bootstrap => 1000000)"),
        ("lca many starts", "SELECT lca((SELECT r FROM battery.big_patterns), 6, starts => 100000, tolerance => 0)"),
        ("lca_select", "SELECT count(*) FROM lca_select((SELECT r FROM battery.big_patterns), 8, starts => 10000)"),
        ("trajectory many starts", "SELECT trajectory_groups((SELECT tp FROM battery.big_tpanel), 5, degree => 3, family => 'zip', starts => 100000)"),
        ("contiguity of 3000 overlapping squares",
         "CREATE TEMP TABLE layer AS SELECT i::text AS fips, ST_MakeEnvelope(i % 53 / 3.0, i % 59 / 3.0, i % 53 / 3.0 + 20, i % 59 / 3.0 + 20, 4326) AS geom FROM generate_series(1, 3000) i; "
         "SET statement_timeout = '3s'; SELECT count(*) FROM contiguity('layer')"),
        ("county_of over 3 million points", "SELECT count(county_of(i % 4 + 0.5, i % 3 + 0.5, 'battery.grid')) FROM generate_series(1, 3000000) i"),
        ("morans_i 1e6 permutations", "SELECT * FROM morans_i((SELECT array_agg(i::text) FROM generate_series(1, 20000) i), (SELECT array_agg((i * 7 % 13)::float8) FROM generate_series(1, 20000) i), (SELECT array_agg(i::text) FROM generate_series(1, 19999) i), (SELECT array_agg((i + 1)::text) FROM generate_series(1, 19999) i), 1000000)"),
        ("local_morans_i 1e6 permutations", "SELECT count(*) FROM local_morans_i((SELECT array_agg(i::text) FROM generate_series(1, 3000) i), (SELECT array_agg((i * 7 % 13)::float8) FROM generate_series(1, 3000) i), (SELECT array_agg(i::text) FROM generate_series(1, 2999) i), (SELECT array_agg((i + 1)::text) FROM generate_series(1, 2999) i), 1000000)"),
        ("simulate_panel 1 x 10,000,000", "SELECT count(*) FROM simulate_panel(1, 10000000)"),
        ("simulate_panel 50,000 x 10,000", "SELECT count(*) FROM simulate_panel(50000, 10000)"),
        ("simulate_crime 200,000 counties", "SELECT count(*) FROM simulate_crime((SELECT array_agg(i::text) FROM generate_series(1, 200000) i), (SELECT array_agg('never'::activation_cohort) FROM generate_series(1, 200000) i), (SELECT array_agg(1e5::float8) FROM generate_series(1, 200000) i))"),
        ("simulate_removals to 2038", "SELECT count(*) FROM simulate_removals((SELECT array_agg(i::text) FROM generate_series(1, 30000) i), (SELECT array_agg('2009-01-01'::activation_cohort) FROM generate_series(1, 30000) i), (SELECT array_agg(100::float8) FROM generate_series(1, 30000) i), through => '2038-09-01')"),
        ("did_panel of 5 million rows", "SELECT rows(did_panel(i, i % 7, 1.0, NULL)) FROM generate_series(1, 5000000) i"),
        ("pretest wide", "SELECT * FROM pretest((SELECT did_panel(u, t, (u * t) % 7, 2 + u % 30) FROM generate_series(1, 200) u, generate_series(1, 40) t))"),
        ("event study wide", "SELECT count(*) FROM twfe_event_study((SELECT did_panel(u, t, (u * t) % 7, 2 + u % 300) FROM generate_series(1, 3000) u, generate_series(1, 400) t), 390, 390)"),
        ("response_patterns of 1000 items", "SELECT pattern_size(response_patterns(a)) FROM generate_series(1, 3000) i, LATERAL (SELECT array_agg(1 + (i * j) % 2) AS a FROM generate_series(1, 1000) j) x"),
        ("baseline over 2 million rows", "SELECT count(b) FROM (SELECT baseline_change(i::float8, '2000-01-01'::date + i % 3000, '2004-01-01') OVER () AS b FROM generate_series(1, 2000000) i) x"),
    ]
    for name, sql in longs:
        if "statement_timeout" not in sql:
            sql = "SET statement_timeout = '3s'; " + sql
        case("long computations", name, sql, "any", timeout=3)


def build_cases(fetch):
    add_text_cases(fetch)
    add_binary_cases(fetch)
    add_aggregate_cases()
    add_panel_cases()
    add_extreme_cases()
    add_geometry_cases()
    add_search_path_cases()
    add_long_cases()


# ---------------------------------------------------------------------------
# running


def psql_fetch(sql):
    r = subprocess.run(["psql", "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-c",
                        "SET search_path = public, scomm; " + sql],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("battery: fixture query failed: %s\n%s" % (sql, r.stderr))
    return r.stdout.strip()


ERROR_RE = re.compile(r"^(?:psql:[^:]*:\d+: )?(ERROR|FATAL|PANIC):\s+([0-9A-Z]{5}): (.*)$", re.M)
CRASH_RE = re.compile(r"server closed the connection unexpectedly|terminating connection because of crash|"
                      r"the database system is in recovery mode|connection to server .* failed")


def numbers_equal(a, b):
    """The two lines equal, numbers compared to 1e-9 relative."""
    if a == b:
        return True
    ta = re.split(r"([-+]?\d+\.?\d*(?:[eE][-+]?\d+)?)", a)
    tb = re.split(r"([-+]?\d+\.?\d*(?:[eE][-+]?\d+)?)", b)
    if len(ta) != len(tb):
        return False
    for i, (x, y) in enumerate(zip(ta, tb)):
        if i % 2 == 0:
            if x != y:
                return False
        else:
            fx, fy = float(x), float(y)
            if abs(fx - fy) > 1e-9 * max(1.0, abs(fx), abs(fy)):
                return False
    return True


def wait_ready():
    for _ in range(120):
        r = subprocess.run(["pg_isready", "-q"], capture_output=True)
        if r.returncode == 0:
            s = subprocess.run(["psql", "-X", "-A", "-t", "-c", "SELECT 1"], capture_output=True, text=True)
            if s.stdout.strip() == "1":
                return
        time.sleep(0.5)


def run_case(c, timeout, memory_mb):
    timeout = c.timeout or timeout
    memory_mb = c.memory_mb or memory_mb
    script = ("\\set VERBOSITY verbose\n"
              "SELECT pg_backend_pid() AS scomm_pid \\gset\n"
              "\\setenv SCOMM_PID :scomm_pid\n"
              "SET search_path = public, scomm;\n"
              "SET client_min_messages = error;\n"
              "SET statement_timeout = '%ds';\n"
              "\\echo @@BEGIN\n"
              "%s;\n"
              "\\echo @@END\n"
              "\\! grep VmHWM /proc/$SCOMM_PID/status\n"
              "SELECT 'alive' || 1;\n" % (timeout, c.sql))
    t0 = time.monotonic()
    hung = False
    try:
        r = subprocess.run(["psql", "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=0"], input=script,
                           capture_output=True, text=True, timeout=timeout + 30)
        out, err = r.stdout, r.stderr
    except subprocess.TimeoutExpired as e:
        hung = True
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        err = e.stderr.decode() if isinstance(e.stderr, bytes) else (e.stderr or "")
        subprocess.run(["psql", "-X", "-c", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND datname = current_database()"],
                       capture_output=True)
    elapsed = time.monotonic() - t0
    problems = []
    body = out.split("@@BEGIN\n", 1)[-1].split("@@END", 1)[0] if "@@BEGIN" in out else ""
    errors = ERROR_RE.findall(err)
    state = errors[0][1] if errors else None
    hwm = re.search(r"VmHWM:\s+(\d+) kB", out)
    if hung:
        problems.append("hung: no answer %d s after the timeout" % 30)
    if CRASH_RE.search(err) or (not hung and "alive1" not in out):
        problems.append("backend crashed or lost: %s" % err.strip().splitlines()[-1:] if err.strip() else "backend lost")
        wait_ready()
    for level, st, msg in errors:
        if st.startswith("XX") and not (st == "XX001" and c.expect == "XX001"):
            problems.append("internal error %s: %s" % (st, msg))
    if elapsed > timeout + 3 and not hung:
        problems.append("took %.1f s with a %d s timeout" % (elapsed, timeout))
    if hwm and int(hwm.group(1)) > memory_mb * 1024:
        problems.append("peak memory %d MB (limit %d MB)" % (int(hwm.group(1)) // 1024, memory_mb))
    lines = [l for l in body.splitlines() if l.strip() != ""]
    e = c.expect
    if e == "ok" and state:
        problems.append("failed with %s: %s" % (state, errors[0][2]))
    elif e == "error" and not state:
        problems.append("no error")
    elif e in ("true", "true_or_error"):
        if state and e == "true":
            problems.append("failed with %s: %s" % (state, errors[0][2]))
        elif not state and (not lines or any(l != "t" for l in lines)):
            problems.append("wrong answer: %s" % " | ".join(lines)[:200])
    elif e == "same":
        if state:
            problems.append("failed with %s: %s" % (state, errors[0][2]))
        elif len(lines) != 2 or not numbers_equal(lines[0], lines[1]):
            problems.append("answers differ: %s" % " || ".join(lines)[:300])
    elif re.fullmatch(r"[0-9A-Z]{5}", e) and state != e:
        problems.append("expected %s, got %s" % (e, state or "no error"))
    return problems, state, elapsed, (int(hwm.group(1)) // 1024 if hwm else None)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--timeout", type=int, default=5, help="statement timeout of a case in seconds (default 5)")
    ap.add_argument("--memory-mb", type=int, default=1024, help="peak backend memory allowed (default 1024 MB)")
    ap.add_argument("--family", action="append", help="run only these families")
    ap.add_argument("--sample", type=int, default=1,
                    help="run every Nth case of each family (long computations: every (N/2)th); default 1, all")
    ap.add_argument("--list", action="store_true", help="list the cases")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every case")
    args = ap.parse_args()
    build_cases(psql_fetch)
    cases = [c for c in CASES if not args.family or c.family in args.family]
    if args.sample > 1:
        seen = {}
        kept = []
        for c in cases:
            i = seen[c.family] = seen.get(c.family, -1) + 1
            step = max(1, args.sample // 2) if c.family == "long computations" else args.sample
            if i % step == 0:
                kept.append(c)
        cases = kept
    if args.list:
        for c in cases:
            print("%s | %s | %s" % (c.family, c.name, c.expect))
        print("%d cases" % len(cases))
        return 0
    failed = 0
    stats = {}
    peak = (0, "")
    slowest = (0.0, "")
    for c in cases:
        problems, state, elapsed, hwm = run_case(c, args.timeout, args.memory_mb)
        fam = stats.setdefault(c.family, {"cases": 0, "answers": 0, "errors": 0, "failed": 0, "states": {}})
        fam["cases"] += 1
        if state:
            fam["errors"] += 1
            fam["states"][state] = fam["states"].get(state, 0) + 1
        else:
            fam["answers"] += 1
        if hwm and hwm > peak[0]:
            peak = (hwm, c.name)
        if elapsed > slowest[0]:
            slowest = (elapsed, c.name)
        if problems:
            failed += 1
            fam["failed"] += 1
            print("FAILED [%s] %s: %s" % (c.family, c.name, "; ".join(problems)))
            print("    %s" % c.sql[:400].replace("\n", " "))
        elif args.verbose:
            print("ok [%s] %s: %s (%.2f s)" % (c.family, c.name, state or "answer", elapsed))
        sys.stdout.flush()
    print("\n%-20s %6s %8s %7s %7s  SQLSTATEs" % ("family", "cases", "answers", "errors", "failed"))
    for name, f in stats.items():
        print("%-20s %6d %8d %7d %7d  %s" % (name, f["cases"], f["answers"], f["errors"], f["failed"],
                                            " ".join("%s:%d" % kv for kv in sorted(f["states"].items()))))
    print("peak backend memory %d MB (%s); slowest case %.1f s (%s)" % (peak[0], peak[1], slowest[0], slowest[1]))
    print("%d cases, %d clean, %d failed" % (len(cases), len(cases) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
