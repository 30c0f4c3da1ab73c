-- pg_temp.best_ms(query, n): the fastest of n runs of a query, in milliseconds
-- (included by the benchmarks in scripts/bench.d with \i)
CREATE OR REPLACE FUNCTION pg_temp.best_ms(q text, n int) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
	best float8 := 'infinity';
	t0 timestamptz;
BEGIN
	FOR i IN 1 .. n LOOP
		t0 := clock_timestamp();
		EXECUTE q;
		best := least(best, 1000 * extract(epoch FROM clock_timestamp() - t0));
	END LOOP;
	RETURN best;
END $$;
