-- Removals by criminality level, early and late counties.  County removals by
-- level are not public: these are SIMULATED by scomm.simulate_removals,
-- calibrated to ICE's published national figures (README, "Calibration").
SET search_path = public, scomm;
CREATE TEMP TABLE demo_removal AS
SELECT r.*
FROM (SELECT array_agg(a.fips ORDER BY a.fips) AS f, array_agg(a.cohort ORDER BY a.fips) AS c,
             array_agg(coalesce(n.noncitizens, 0)::float8 ORDER BY a.fips) AS nc
      FROM scomm_data.activation a
      LEFT JOIN scomm_data.noncitizen n ON n.fips = a.fips AND n.year = 2010) x,
     simulate_removals(f, c, nc, seed => 1) r;

\pset title 'SIMULATED removals by criminality level, October 2008 to March 2011, early and late activated counties'
SELECT CASE WHEN is_early(a.cohort) THEN 'early' ELSE 'late' END AS activation,
       (level_counts(t.tally)).n AS removals,
       round((level_counts(t.tally)).share_l1::numeric, 3) AS share_l1,
       round((level_counts(t.tally)).share_l2::numeric, 3) AS share_l2,
       round((level_counts(t.tally)).share_l3::numeric, 3) AS share_l3,
       round((level_counts(t.tally)).share_nc::numeric, 3) AS share_nc
FROM (SELECT fips, level_tally(level) AS tally
      FROM demo_removal, generate_series(1, removals) GROUP BY fips) t
JOIN scomm_data.activation a USING (fips)
GROUP BY 1 ORDER BY 1;
\pset title
