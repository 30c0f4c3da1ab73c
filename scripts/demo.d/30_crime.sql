-- Real FBI crime counts before and after activation.  scomm 1.0 used the
-- offences known to county agencies only (FBI Table 10, scomm_data.crime:
-- sheriffs and county police, not city police); 1.1 adds county totals over
-- every reporting agency (Tables 8 and 10, scomm_data.county_crime), which the
-- analyses use where the agencies that reported cover at least 90% of the
-- county's residents (county_crime.coverage >= 0.9).
SET search_path = public, scomm;

\pset title 'County totals (scomm_data.county_crime, burglary): county-years whose reporting agencies cover at least 90% of the residents'
SELECT year, count(*) AS counties_with_data,
       count(*) FILTER (WHERE coverage >= 0.9) AS coverage_90,
       round(100.0 * count(*) FILTER (WHERE coverage >= 0.9) / (SELECT count(*) FROM scomm_data.county), 1) AS pct_of_counties,
       round(avg(coverage)::numeric, 3) AS mean_coverage
FROM scomm_data.county_crime
WHERE offense = 'burglary'
GROUP BY year ORDER BY year;

\pset title 'Counties kept at coverage >= 0.9 (burglary): in at least one year, and in every year 2006-2016'
SELECT count(DISTINCT fips) AS counties_any_year,
       (SELECT count(*) FROM (SELECT fips FROM scomm_data.county_crime WHERE offense = 'burglary'
                              GROUP BY fips HAVING count(*) FILTER (WHERE coverage >= 0.9) = 11) s) AS counties_every_year,
       (SELECT count(*) FROM scomm_data.county) AS counties
FROM scomm_data.county_crime
WHERE offense = 'burglary' AND coverage >= 0.9;

-- offences per 100,000 residents, each year dated 1 July, within three years
-- of activation: on county-agency counts (1.0) and on county totals (1.1)
CREATE TEMP TABLE crime_prepost AS
SELECT 'county agencies (1.0)' AS data, c.offense,
       prepost(crime_rate(c.count, p.population), make_date(c.year, 7, 1), a.cohort, '3 years') AS r
FROM scomm_data.crime c
JOIN scomm_data.population p USING (fips, year)
JOIN scomm_data.activation a USING (fips)
WHERE p.population > 0
GROUP BY c.offense
UNION ALL
SELECT 'county totals (1.1)', c.offense,
       prepost(crime_rate(c.count, c.population), make_date(c.year, 7, 1), a.cohort, '3 years')
FROM scomm_data.county_crime c
JOIN scomm_data.activation a USING (fips)
WHERE c.coverage >= 0.9
GROUP BY c.offense;

\pset title 'Before and after activation, side by side: mean offences per 100,000 in the 3 years before and after (Welch test), county agencies only (1.0) and county totals at coverage >= 0.9 (1.1)'
SELECT o.offense,
       (a.r).n_before + (a.r).n_after AS n_10, round((a.r).mean_before::numeric, 1) AS before_10,
       round((a.r).mean_after::numeric, 1) AS after_10, round((a.r).pct_change::numeric, 1) AS pct_10,
       round((a.r).p_value::numeric, 3) AS p_10,
       (b.r).n_before + (b.r).n_after AS n_11, round((b.r).mean_before::numeric, 1) AS before_11,
       round((b.r).mean_after::numeric, 1) AS after_11, round((b.r).pct_change::numeric, 1) AS pct_11,
       round((b.r).p_value::numeric, 3) AS p_11
FROM (VALUES (1, 'murder'), (2, 'rape'), (3, 'robbery'), (4, 'aggravated assault'), (5, 'burglary'),
             (6, 'larceny'), (7, 'motor vehicle theft')) o(k, offense)
JOIN crime_prepost a ON a.offense = o.offense AND a.data = 'county agencies (1.0)'
JOIN crime_prepost b ON b.offense = o.offense AND b.data = 'county totals (1.1)'
ORDER BY o.k;
\pset title
