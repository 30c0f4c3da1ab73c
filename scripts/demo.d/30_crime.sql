-- Real FBI county-agency offence counts (CIUS Table 10: sheriffs and county
-- police only), by year, summed over counties before and after activation.
SET search_path = public, scomm;
\pset title 'Real FBI county-agency offences by year: counties not yet activated and activated (activation year counts as activated)'
SELECT c.year,
       sum(c.count) FILTER (WHERE event_time(a.cohort, make_date(c.year, 7, 1)) < 0) AS before_activation,
       sum(c.count) FILTER (WHERE event_time(a.cohort, make_date(c.year, 7, 1)) >= 0) AS after_activation,
       count(DISTINCT c.fips) FILTER (WHERE event_time(a.cohort, make_date(c.year, 7, 1)) < 0) AS counties_before,
       count(DISTINCT c.fips) FILTER (WHERE event_time(a.cohort, make_date(c.year, 7, 1)) >= 0) AS counties_after
FROM scomm_data.crime c
JOIN scomm_data.activation a USING (fips)
GROUP BY c.year ORDER BY c.year;
\pset title
