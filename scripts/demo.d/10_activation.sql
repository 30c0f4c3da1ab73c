-- The rollout: when counties were activated (real data, scomm_data.activation)
SET search_path = public, scomm;
\pset title 'Counties activated per calendar year (Secure Communities, real activation dates)'
SELECT extract(year FROM activated_on(cohort))::int AS year, count(*) AS counties
FROM scomm_data.activation
WHERE cohort <> 'never'
GROUP BY 1 ORDER BY 1;

\pset title 'Early (activated before 2010-10-01, the start of FY2011) and late counties'
SELECT CASE WHEN is_early(cohort) THEN 'early' ELSE 'late' END AS activation, count(*) AS counties,
       min(activated_on(cohort)) AS first, max(activated_on(cohort)) AS last
FROM scomm_data.activation
WHERE cohort <> 'never'
GROUP BY 1 ORDER BY 1;

\pset title 'Activations by US federal fiscal year'
SELECT 'FY' || fiscal_year(cohort) AS fiscal_year, count(*) AS counties,
       sum(count(*)) OVER (ORDER BY fiscal_year(cohort)) AS cumulative
FROM scomm_data.activation
WHERE cohort <> 'never'
GROUP BY fiscal_year(cohort) ORDER BY fiscal_year(cohort);
\pset title
