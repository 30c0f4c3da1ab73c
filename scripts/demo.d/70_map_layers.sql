-- Counties on the map: the layers QGIS opens (views in scomm_data with an
-- integer key, one typed geometry column and plain columns), the numbers
-- behind them, and spatial clustering.  Runs after the latent class (50_)
-- and trajectory (60_) steps, whose tables the county layer joins.
SET search_path = public, scomm;
SET client_min_messages = warning;
-- the layers are re-created below, after the tables they read
DROP VIEW IF EXISTS scomm_data.county_layer, scomm_data.state_layer, scomm_data.field_office_layer;

-- The latent class and trajectory steps fill these (DELETE + INSERT); they
-- are created here too, with the same definitions, so that the layers can
-- join them on any checkout.
CREATE TABLE IF NOT EXISTS scomm_data.county_class (
	fips text PRIMARY KEY REFERENCES scomm_data.county,
	class int NOT NULL,
	posterior float8 NOT NULL
);
CREATE TABLE IF NOT EXISTS scomm_data.county_trajectory (
	fips text PRIMARY KEY REFERENCES scomm_data.county,
	group_id int NOT NULL,
	posterior float8 NOT NULL
);
-- their columns' comments (the steps that write them comment the tables)
COMMENT ON COLUMN scomm_data.county_class.fips IS '5-digit county FIPS code, 2010 vintage';
COMMENT ON COLUMN scomm_data.county_trajectory.fips IS '5-digit county FIPS code, 2010 vintage';
COMMENT ON COLUMN scomm_data.county_trajectory.group_id IS 'Most likely trajectory group (numbered by share, largest first)';
COMMENT ON COLUMN scomm_data.county_trajectory.posterior IS 'Posterior probability of that group';
-- and those of the trajectory step's model table, when that step ran
DO $$
BEGIN
	IF to_regclass('scomm_data.county_trajectory_model') IS NOT NULL THEN
		COMMENT ON COLUMN scomm_data.county_trajectory_model.model IS
			'The trajectory model (scomm.trajectory_model; read it with trajectory_fit, trajectory_shares, trajectory_coefficients, trajectory_curves)';
		COMMENT ON COLUMN scomm_data.county_trajectory_model.panel IS
			'The panel it was fitted to (scomm.trajectory_panel; trajectory_membership(model, panel) gives each county''s group)';
		COMMENT ON COLUMN scomm_data.county_trajectory_model.fitted_by IS 'The call that fitted the model';
	END IF;
END
$$;

-- No latent classes yet (the latent class step has not run): a PLACEHOLDER,
-- so that the class map has something to draw — each county's true class
-- in the removals simulator (simulate_removals, seed 1), posterior 1.
SELECT count(*) = 0 AS class_placeholder FROM scomm_data.county_class \gset
\if :class_placeholder
INSERT INTO scomm_data.county_class (fips, class, posterior)
SELECT DISTINCT r.fips, r.true_class, 1.0
FROM (SELECT array_agg(a.fips ORDER BY a.fips) AS f, array_agg(a.cohort ORDER BY a.fips) AS c,
             array_agg(coalesce(n.noncitizens, 0)::float8 ORDER BY a.fips) AS nc
      FROM scomm_data.county_activation a
      LEFT JOIN scomm_data.noncitizen n ON n.fips = a.fips AND n.year = 2010) x,
     simulate_removals(f, c, nc, seed => 1, through => '2013-06-30') r;
COMMENT ON TABLE scomm_data.county_class IS
	'PLACEHOLDER filled by scripts/demo.d/70_map_layers.sql because no latent class step ran: the SIMULATED true class of each county in simulate_removals (seed 1), posterior 1';
\echo
\echo 'NOTE: scomm_data.county_class was empty (no latent class step ran), so it holds a PLACEHOLDER:'
\echo '      the SIMULATED true class of each county in simulate_removals (seed 1), posterior 1.'
\endif

----------------------------------------------------------------------------
-- The numbers behind the county layer (tables, so QGIS redraws fast)
----------------------------------------------------------------------------

-- before/after: offences known to every reporting agency of the county per
-- 100,000 residents (county totals, real FBI data), in the county-years
-- whose reporting agencies cover at least 90% of the residents, within three
-- years of activation, per county and offence
DROP TABLE IF EXISTS scomm_data.county_prepost;
CREATE TABLE scomm_data.county_prepost AS
SELECT c.fips, c.offense, r.n_before, r.n_after, r.mean_before, r.mean_after, r.change, r.p_value
FROM (SELECT c.fips, c.offense,
             prepost(crime_rate(c.count, c.population), make_date(c.year, 7, 1), a.cohort, '3 years') AS r
      FROM scomm_data.county_crime c
      JOIN scomm_data.county_activation a USING (fips)
      WHERE c.coverage >= 0.9
      GROUP BY c.fips, c.offense) c,
     LATERAL (SELECT (c.r).*) r;
ALTER TABLE scomm_data.county_prepost ADD PRIMARY KEY (fips, offense);
COMMENT ON TABLE scomm_data.county_prepost IS
	'Before/after activation, per county and offence: offences known to every reporting agency per 100,000 residents (scomm_data.county_crime, FBI CIUS Tables 8 and 10, real), county-years with coverage >= 0.9, years dated 1 July, within 3 years of activation (scomm.prepost); made by scripts/demo.d/70_map_layers.sql';
COMMENT ON COLUMN scomm_data.county_prepost.fips IS '5-digit county FIPS code, 2010 vintage';
COMMENT ON COLUMN scomm_data.county_prepost.offense IS 'FBI offense name (as in scomm_data.county_crime)';
COMMENT ON COLUMN scomm_data.county_prepost.n_before IS 'County-years before activation (within 3 years)';
COMMENT ON COLUMN scomm_data.county_prepost.n_after IS 'County-years from activation on (within 3 years)';
COMMENT ON COLUMN scomm_data.county_prepost.mean_before IS 'Mean offences per 100,000 residents before activation';
COMMENT ON COLUMN scomm_data.county_prepost.mean_after IS 'Mean offences per 100,000 residents after activation';
COMMENT ON COLUMN scomm_data.county_prepost.change IS 'mean_after - mean_before';
COMMENT ON COLUMN scomm_data.county_prepost.p_value IS 'Welch t-test p-value of change (NULL with fewer than 2 years on a side)';

-- SIMULATED removals by criminality level, October 2008 to March 2011
DROP TABLE IF EXISTS scomm_data.county_removals_simulated;
CREATE TABLE scomm_data.county_removals_simulated AS
SELECT r.fips, r.level::text AS level, sum(r.removals)::int AS removals
FROM (SELECT array_agg(a.fips ORDER BY a.fips) AS f, array_agg(a.cohort ORDER BY a.fips) AS c,
             array_agg(coalesce(n.noncitizens, 0)::float8 ORDER BY a.fips) AS nc
      FROM scomm_data.county_activation a
      LEFT JOIN scomm_data.noncitizen n ON n.fips = a.fips AND n.year = 2010) x,
     simulate_removals(f, c, nc, seed => 1) r
GROUP BY 1, 2;
ALTER TABLE scomm_data.county_removals_simulated ADD PRIMARY KEY (fips, level);
COMMENT ON TABLE scomm_data.county_removals_simulated IS
	'SIMULATED removals through Secure Communities by county and criminality level, October 2008 to March 2011 (scomm.simulate_removals, seed 1; county removals by level are not public)';
COMMENT ON COLUMN scomm_data.county_removals_simulated.fips IS '5-digit county FIPS code, 2010 vintage';
COMMENT ON COLUMN scomm_data.county_removals_simulated.level IS 'ICE criminality level as text: L1, L2, L3 or NC';
COMMENT ON COLUMN scomm_data.county_removals_simulated.removals IS 'SIMULATED removals of that level';

-- clusters of activation timing: local Moran's I of the activation day
-- (days after 2008-10-27), queen contiguity, row-standardised, 999
-- permutations
DROP TABLE IF EXISTS scomm_data.county_neighbor;
CREATE TABLE scomm_data.county_neighbor AS SELECT * FROM contiguity();
ALTER TABLE scomm_data.county_neighbor ADD PRIMARY KEY (fips, neighbor);
COMMENT ON TABLE scomm_data.county_neighbor IS
	'Queen contiguity of the counties (scomm.contiguity()): each pair of touching counties in both directions; shares_edge for a common stretch of border';
COMMENT ON COLUMN scomm_data.county_neighbor.fips IS 'A county (5-digit FIPS code)';
COMMENT ON COLUMN scomm_data.county_neighbor.neighbor IS 'A county whose boundary touches it';
COMMENT ON COLUMN scomm_data.county_neighbor.shares_edge IS 'They share a stretch of border (rook neighbours), not only a point';
DROP TABLE IF EXISTS scomm_data.county_activation_lisa;
CREATE TABLE scomm_data.county_activation_lisa AS
SELECT l.id AS fips, l.value AS activation_day, l.lag, l.i, l.p_value, l.quadrant
FROM (SELECT array_agg(fips ORDER BY fips) AS f,
             array_agg((activation_date - date '2008-10-27')::float8 ORDER BY fips) AS x
      FROM scomm_data.county_activation WHERE activation_date IS NOT NULL) v,
     (SELECT array_agg(fips) AS a, array_agg(neighbor) AS b FROM scomm_data.county_neighbor) n,
     local_morans_i(v.f, v.x, n.a, n.b, permutations => 999, seed => 1) l;
ALTER TABLE scomm_data.county_activation_lisa ADD PRIMARY KEY (fips);
COMMENT ON TABLE scomm_data.county_activation_lisa IS
	'Local Moran''s I of the activation day (days after 2008-10-27) with queen contiguity, row-standardised weights, 999 permutations, seed 1 (scomm.local_morans_i)';
COMMENT ON COLUMN scomm_data.county_activation_lisa.fips IS '5-digit county FIPS code, 2010 vintage';
COMMENT ON COLUMN scomm_data.county_activation_lisa.activation_day IS 'Days from 2008-10-27 (the first activation) to the county''s activation';
COMMENT ON COLUMN scomm_data.county_activation_lisa.lag IS 'Spatial lag: mean activation day of the neighbours';
COMMENT ON COLUMN scomm_data.county_activation_lisa.i IS 'Local Moran''s I';
COMMENT ON COLUMN scomm_data.county_activation_lisa.p_value IS 'Conditional permutation p-value (999 permutations)';
COMMENT ON COLUMN scomm_data.county_activation_lisa.quadrant IS 'high-high, low-low, high-low or low-high; NULL without neighbours';

----------------------------------------------------------------------------
-- Layers
----------------------------------------------------------------------------

CREATE VIEW scomm_data.county_layer AS
SELECT c.fips::int AS id,
	c.fips, c.name, c.state, c.state_fips, o.aor AS field_office,
	c.land_area_sqmi,
	p.population AS population_2010,
	nc.noncitizens AS noncitizens_2010,
	a.cohort::text AS cohort,
	a.activation_date,
	extract(year FROM a.activation_date)::int AS activation_year,
	fiscal_year(a.cohort) AS activation_fiscal_year,
	is_early(a.cohort) AS early,
	CASE WHEN a.cohort = 'never' THEN 'never' WHEN is_early(a.cohort) THEN 'early' ELSE 'late' END AS early_late,
	k.class AS latent_class,
	k.posterior AS class_posterior,
	t.group_id AS trajectory_group,
	t.posterior AS trajectory_posterior,
	pp.murder_change, pp.murder_p_value,
	pp.rape_change, pp.rape_p_value,
	pp.robbery_change, pp.robbery_p_value,
	pp.aggravated_assault_change, pp.aggravated_assault_p_value,
	pp.burglary_change, pp.burglary_p_value,
	pp.larceny_change, pp.larceny_p_value,
	pp.motor_vehicle_theft_change, pp.motor_vehicle_theft_p_value,
	pp.arson_change, pp.arson_p_value,
	coalesce(rm.l1, 0) AS simulated_removals_l1,
	coalesce(rm.l2, 0) AS simulated_removals_l2,
	coalesce(rm.l3, 0) AS simulated_removals_l3,
	coalesce(rm.nc, 0) AS simulated_removals_nc,
	coalesce(rm.total, 0) AS simulated_removals_total,
	rm.nc::float8 / nullif(rm.total, 0) AS simulated_share_nc,
	l.i AS activation_lisa_i,
	l.p_value AS activation_lisa_p_value,
	CASE WHEN l.quadrant IS NULL THEN NULL WHEN l.p_value <= 0.05 THEN l.quadrant ELSE 'not significant' END
		AS activation_cluster,
	ST_WrapX(c.geom_simple, 0, -360)::geometry(MultiPolygon, 4326) AS geom
FROM scomm_data.county c
LEFT JOIN scomm_data.ice_aor o USING (fips)
LEFT JOIN scomm_data.population p ON p.fips = c.fips AND p.year = 2010
LEFT JOIN scomm_data.noncitizen nc ON nc.fips = c.fips AND nc.year = 2010
LEFT JOIN scomm_data.county_activation a ON a.fips = c.fips
LEFT JOIN scomm_data.county_class k ON k.fips = c.fips
LEFT JOIN scomm_data.county_trajectory t ON t.fips = c.fips
LEFT JOIN (SELECT fips,
		max(change) FILTER (WHERE offense = 'murder') AS murder_change,
		max(p_value) FILTER (WHERE offense = 'murder') AS murder_p_value,
		max(change) FILTER (WHERE offense = 'rape') AS rape_change,
		max(p_value) FILTER (WHERE offense = 'rape') AS rape_p_value,
		max(change) FILTER (WHERE offense = 'robbery') AS robbery_change,
		max(p_value) FILTER (WHERE offense = 'robbery') AS robbery_p_value,
		max(change) FILTER (WHERE offense = 'aggravated assault') AS aggravated_assault_change,
		max(p_value) FILTER (WHERE offense = 'aggravated assault') AS aggravated_assault_p_value,
		max(change) FILTER (WHERE offense = 'burglary') AS burglary_change,
		max(p_value) FILTER (WHERE offense = 'burglary') AS burglary_p_value,
		max(change) FILTER (WHERE offense = 'larceny') AS larceny_change,
		max(p_value) FILTER (WHERE offense = 'larceny') AS larceny_p_value,
		max(change) FILTER (WHERE offense = 'motor vehicle theft') AS motor_vehicle_theft_change,
		max(p_value) FILTER (WHERE offense = 'motor vehicle theft') AS motor_vehicle_theft_p_value,
		max(change) FILTER (WHERE offense = 'arson') AS arson_change,
		max(p_value) FILTER (WHERE offense = 'arson') AS arson_p_value
	FROM scomm_data.county_prepost GROUP BY fips) pp ON pp.fips = c.fips
LEFT JOIN (SELECT fips,
		sum(removals) FILTER (WHERE level = 'L1')::int AS l1,
		sum(removals) FILTER (WHERE level = 'L2')::int AS l2,
		sum(removals) FILTER (WHERE level = 'L3')::int AS l3,
		sum(removals) FILTER (WHERE level = 'NC')::int AS nc,
		sum(removals)::int AS total
	FROM scomm_data.county_removals_simulated GROUP BY fips) rm ON rm.fips = c.fips
LEFT JOIN scomm_data.county_activation_lisa l ON l.fips = c.fips;

COMMENT ON VIEW scomm_data.county_layer IS
	'Counties for maps (QGIS layer, key id): activation, latent class, trajectory group, before/after change in crime, SIMULATED removals by criminality level, activation clusters; simplified boundaries';
COMMENT ON COLUMN scomm_data.county_layer.id IS 'Integer key: the FIPS code as a number';
COMMENT ON COLUMN scomm_data.county_layer.fips IS '5-digit FIPS code, 2010 vintage';
COMMENT ON COLUMN scomm_data.county_layer.name IS 'County name';
COMMENT ON COLUMN scomm_data.county_layer.state IS 'USPS state abbreviation';
COMMENT ON COLUMN scomm_data.county_layer.state_fips IS '2-digit state FIPS code';
COMMENT ON COLUMN scomm_data.county_layer.field_office IS 'ICE ERO field office (area of responsibility) code';
COMMENT ON COLUMN scomm_data.county_layer.land_area_sqmi IS 'Land area in square miles';
COMMENT ON COLUMN scomm_data.county_layer.population_2010 IS 'Population estimate for 2010 (Census, vintage 2019)';
COMMENT ON COLUMN scomm_data.county_layer.noncitizens_2010 IS 'Non-citizen residents, ACS 5-year estimate for 2010';
COMMENT ON COLUMN scomm_data.county_layer.cohort IS 'Activation cohort as text: the activation date YYYY-MM-DD, or never';
COMMENT ON COLUMN scomm_data.county_layer.activation_date IS 'Day Secure Communities was activated for the county';
COMMENT ON COLUMN scomm_data.county_layer.activation_year IS 'Calendar year of activation';
COMMENT ON COLUMN scomm_data.county_layer.activation_fiscal_year IS 'US federal fiscal year of activation (FY2011 = 2010-10-01 to 2011-09-30)';
COMMENT ON COLUMN scomm_data.county_layer.early IS 'Activated before 2010-10-01 (scomm.is_early)';
COMMENT ON COLUMN scomm_data.county_layer.early_late IS 'early, late or never';
COMMENT ON COLUMN scomm_data.county_layer.latent_class IS 'Latent class of the county (scomm_data.county_class); NULL when not classified';
COMMENT ON COLUMN scomm_data.county_layer.class_posterior IS 'Posterior probability of the county''s latent class';
COMMENT ON COLUMN scomm_data.county_layer.trajectory_group IS 'Crime trajectory group (scomm_data.county_trajectory); NULL when not available';
COMMENT ON COLUMN scomm_data.county_layer.trajectory_posterior IS 'Posterior probability of the trajectory group';
COMMENT ON COLUMN scomm_data.county_layer.murder_change IS 'Murders per 100,000 residents known to every reporting agency of the county: mean of the 3 years after activation minus the 3 years before (real FBI data, county totals of scomm_data.county_crime, county-years with coverage >= 0.9)';
COMMENT ON COLUMN scomm_data.county_layer.murder_p_value IS 'Welch t-test p-value of murder_change';
COMMENT ON COLUMN scomm_data.county_layer.rape_change IS 'Rapes per 100,000 known to every reporting agency (county totals, coverage >= 0.9): after minus before activation, 3-year windows';
COMMENT ON COLUMN scomm_data.county_layer.rape_p_value IS 'Welch t-test p-value of rape_change';
COMMENT ON COLUMN scomm_data.county_layer.robbery_change IS 'Robberies per 100,000 known to every reporting agency (county totals, coverage >= 0.9): after minus before activation, 3-year windows';
COMMENT ON COLUMN scomm_data.county_layer.robbery_p_value IS 'Welch t-test p-value of robbery_change';
COMMENT ON COLUMN scomm_data.county_layer.aggravated_assault_change IS 'Aggravated assaults per 100,000 known to every reporting agency (county totals, coverage >= 0.9): after minus before activation, 3-year windows';
COMMENT ON COLUMN scomm_data.county_layer.aggravated_assault_p_value IS 'Welch t-test p-value of aggravated_assault_change';
COMMENT ON COLUMN scomm_data.county_layer.burglary_change IS 'Burglaries per 100,000 known to every reporting agency (county totals, coverage >= 0.9): after minus before activation, 3-year windows';
COMMENT ON COLUMN scomm_data.county_layer.burglary_p_value IS 'Welch t-test p-value of burglary_change';
COMMENT ON COLUMN scomm_data.county_layer.larceny_change IS 'Larcenies per 100,000 known to every reporting agency (county totals, coverage >= 0.9): after minus before activation, 3-year windows';
COMMENT ON COLUMN scomm_data.county_layer.larceny_p_value IS 'Welch t-test p-value of larceny_change';
COMMENT ON COLUMN scomm_data.county_layer.motor_vehicle_theft_change IS 'Motor vehicle thefts per 100,000 known to every reporting agency (county totals, coverage >= 0.9): after minus before activation, 3-year windows';
COMMENT ON COLUMN scomm_data.county_layer.motor_vehicle_theft_p_value IS 'Welch t-test p-value of motor_vehicle_theft_change';
COMMENT ON COLUMN scomm_data.county_layer.arson_change IS 'Arsons per 100,000 known to every reporting agency (county totals, coverage >= 0.9): after minus before activation, 3-year windows';
COMMENT ON COLUMN scomm_data.county_layer.arson_p_value IS 'Welch t-test p-value of arson_change';
COMMENT ON COLUMN scomm_data.county_layer.simulated_removals_l1 IS 'SIMULATED removals of Level 1 (aggravated felony, or two or more felonies), Oct 2008 - Mar 2011';
COMMENT ON COLUMN scomm_data.county_layer.simulated_removals_l2 IS 'SIMULATED removals of Level 2 (one felony, or three or more misdemeanors), Oct 2008 - Mar 2011';
COMMENT ON COLUMN scomm_data.county_layer.simulated_removals_l3 IS 'SIMULATED removals of Level 3 (misdemeanors), Oct 2008 - Mar 2011';
COMMENT ON COLUMN scomm_data.county_layer.simulated_removals_nc IS 'SIMULATED removals of non-criminals (no conviction), Oct 2008 - Mar 2011';
COMMENT ON COLUMN scomm_data.county_layer.simulated_removals_total IS 'SIMULATED removals, all levels, Oct 2008 - Mar 2011';
COMMENT ON COLUMN scomm_data.county_layer.simulated_share_nc IS 'SIMULATED share of non-criminals among the removals; NULL without removals';
COMMENT ON COLUMN scomm_data.county_layer.activation_lisa_i IS 'Local Moran''s I of the activation day (queen neighbours)';
COMMENT ON COLUMN scomm_data.county_layer.activation_lisa_p_value IS 'Permutation p-value of activation_lisa_i (999 permutations)';
COMMENT ON COLUMN scomm_data.county_layer.activation_cluster IS 'Cluster of activation timing: high-high (late among late), low-low (early among early), high-low, low-high at p <= 0.05, else not significant; NULL without neighbours';
COMMENT ON COLUMN scomm_data.county_layer.geom IS 'Boundary simplified for drawing (scomm_data.county.geom_simple; exact boundary in scomm_data.county.geom); the Aleutian islands east of 180 degrees are moved by -360 degrees of longitude, so that the layer''s extent is the United States (-188 to -65)';

-- states and field offices: sums over their counties
CREATE VIEW scomm_data.state_layer AS
SELECT s.state_fips::int AS id, s.state_fips, s.state, s.counties, s.land_area_sqmi,
	x.population_2010::int AS population_2010, x.noncitizens_2010::int AS noncitizens_2010, x.first_activation, x.last_activation,
	x.counties_early, x.counties_early::float8 / s.counties AS share_early,
	x.simulated_removals_total, x.simulated_removals_nc,
	x.simulated_removals_nc::float8 / nullif(x.simulated_removals_total, 0) AS simulated_share_nc,
	ST_WrapX(s.geom_simple, 0, -360)::geometry(MultiPolygon, 4326) AS geom
FROM scomm_data.state s
JOIN (SELECT state_fips, sum(population_2010)::bigint AS population_2010,
		  sum(noncitizens_2010)::bigint AS noncitizens_2010,
		  min(activation_date) AS first_activation, max(activation_date) AS last_activation,
		  count(*) FILTER (WHERE early)::int AS counties_early,
		  sum(simulated_removals_total)::int AS simulated_removals_total,
		  sum(simulated_removals_nc)::int AS simulated_removals_nc
	  FROM scomm_data.county_layer GROUP BY state_fips) x USING (state_fips);
COMMENT ON VIEW scomm_data.state_layer IS
	'States for maps (QGIS layer, key id): activation and SIMULATED removals summed over their counties; dissolved, simplified boundaries';
COMMENT ON COLUMN scomm_data.state_layer.id IS 'Integer key: the state FIPS code as a number';
COMMENT ON COLUMN scomm_data.state_layer.state_fips IS '2-digit state FIPS code';
COMMENT ON COLUMN scomm_data.state_layer.state IS 'USPS state abbreviation';
COMMENT ON COLUMN scomm_data.state_layer.counties IS 'Number of counties';
COMMENT ON COLUMN scomm_data.state_layer.land_area_sqmi IS 'Land area in square miles';
COMMENT ON COLUMN scomm_data.state_layer.population_2010 IS 'Population estimate for 2010, sum over the counties';
COMMENT ON COLUMN scomm_data.state_layer.noncitizens_2010 IS 'Non-citizen residents (ACS 2010), sum over the counties';
COMMENT ON COLUMN scomm_data.state_layer.first_activation IS 'First activation of a county';
COMMENT ON COLUMN scomm_data.state_layer.last_activation IS 'Last activation of a county: from then on the whole state was covered';
COMMENT ON COLUMN scomm_data.state_layer.counties_early IS 'Counties activated before 2010-10-01';
COMMENT ON COLUMN scomm_data.state_layer.share_early IS 'Share of the counties activated before 2010-10-01';
COMMENT ON COLUMN scomm_data.state_layer.simulated_removals_total IS 'SIMULATED removals, Oct 2008 - Mar 2011';
COMMENT ON COLUMN scomm_data.state_layer.simulated_removals_nc IS 'SIMULATED removals of non-criminals, Oct 2008 - Mar 2011';
COMMENT ON COLUMN scomm_data.state_layer.simulated_share_nc IS 'SIMULATED share of non-criminals among the removals';
COMMENT ON COLUMN scomm_data.state_layer.geom IS 'Boundary: union of the simplified county boundaries (exact union in scomm_data.state.geom); Aleutians east of 180 degrees moved by -360 degrees';

CREATE VIEW scomm_data.field_office_layer AS
SELECT ((ascii(substr(f.aor, 1, 1)) - 65) * 676 + (ascii(substr(f.aor, 2, 1)) - 65) * 26
		+ ascii(substr(f.aor, 3, 1)) - 65) AS id,
	f.aor, f.name, f.states, f.counties, f.land_area_sqmi,
	x.population_2010::int AS population_2010, x.noncitizens_2010::int AS noncitizens_2010, x.first_activation, x.last_activation,
	x.counties_early, x.counties_early::float8 / f.counties AS share_early,
	x.simulated_removals_total, x.simulated_removals_nc,
	x.simulated_removals_nc::float8 / nullif(x.simulated_removals_total, 0) AS simulated_share_nc,
	ST_WrapX(f.geom_simple, 0, -360)::geometry(MultiPolygon, 4326) AS geom
FROM scomm_data.field_office f
JOIN (SELECT field_office AS aor, sum(population_2010)::bigint AS population_2010,
		  sum(noncitizens_2010)::bigint AS noncitizens_2010,
		  min(activation_date) AS first_activation, max(activation_date) AS last_activation,
		  count(*) FILTER (WHERE early)::int AS counties_early,
		  sum(simulated_removals_total)::int AS simulated_removals_total,
		  sum(simulated_removals_nc)::int AS simulated_removals_nc
	  FROM scomm_data.county_layer GROUP BY field_office) x USING (aor);
COMMENT ON VIEW scomm_data.field_office_layer IS
	'ICE ERO field offices for maps (QGIS layer, key id): activation and SIMULATED removals summed over the counties of their area of responsibility; dissolved, simplified boundaries';
COMMENT ON COLUMN scomm_data.field_office_layer.id IS 'Integer key: the three letters of the code as a base-26 number (ATL = 0 * 676 + 19 * 26 + 11 = 505)';
COMMENT ON COLUMN scomm_data.field_office_layer.aor IS 'Field office code (ICE ERO area of responsibility)';
COMMENT ON COLUMN scomm_data.field_office_layer.name IS 'The field office''s city';
COMMENT ON COLUMN scomm_data.field_office_layer.states IS 'States with counties in the area, USPS abbreviations';
COMMENT ON COLUMN scomm_data.field_office_layer.counties IS 'Number of counties in the area';
COMMENT ON COLUMN scomm_data.field_office_layer.land_area_sqmi IS 'Land area in square miles';
COMMENT ON COLUMN scomm_data.field_office_layer.population_2010 IS 'Population estimate for 2010, sum over the counties';
COMMENT ON COLUMN scomm_data.field_office_layer.noncitizens_2010 IS 'Non-citizen residents (ACS 2010), sum over the counties';
COMMENT ON COLUMN scomm_data.field_office_layer.first_activation IS 'First activation of a county in the area';
COMMENT ON COLUMN scomm_data.field_office_layer.last_activation IS 'Last activation of a county in the area';
COMMENT ON COLUMN scomm_data.field_office_layer.counties_early IS 'Counties activated before 2010-10-01';
COMMENT ON COLUMN scomm_data.field_office_layer.share_early IS 'Share of the counties activated before 2010-10-01';
COMMENT ON COLUMN scomm_data.field_office_layer.simulated_removals_total IS 'SIMULATED removals, Oct 2008 - Mar 2011';
COMMENT ON COLUMN scomm_data.field_office_layer.simulated_removals_nc IS 'SIMULATED removals of non-criminals, Oct 2008 - Mar 2011';
COMMENT ON COLUMN scomm_data.field_office_layer.simulated_share_nc IS 'SIMULATED share of non-criminals among the removals';
COMMENT ON COLUMN scomm_data.field_office_layer.geom IS 'Boundary: union of the simplified county boundaries (exact union in scomm_data.field_office.geom); Aleutians east of 180 degrees moved by -360 degrees';

----------------------------------------------------------------------------
-- What the demo prints
----------------------------------------------------------------------------
RESET client_min_messages;

\pset title 'Map layers in scomm_data (open them in QGIS, or scripts/scomm.qgs)'
SELECT g.f_table_name AS layer, g.type AS geometry, g.srid,
       (SELECT count(*) FROM information_schema.columns i
        WHERE i.table_schema = 'scomm_data' AND i.table_name = g.f_table_name) AS columns
FROM geometry_columns g
WHERE g.f_table_schema = 'scomm_data' AND g.f_table_name LIKE '%\_layer'
ORDER BY 1;

\pset title 'Is activation timing clustered in space? Global Moran''s I of the activation day, queen neighbours, 999 permutations (pairs: ordered neighbour pairs, each touching pair of counties counted in both directions)'
SELECT n, pairs, islands, round(i::numeric, 3) AS morans_i, round(expected::numeric, 5) AS expected,
       round(z::numeric, 1) AS z, p_permutation
FROM (SELECT array_agg(fips) AS f, array_agg(activation_day) AS x FROM scomm_data.county_activation_lisa) v,
     (SELECT array_agg(fips) AS a, array_agg(neighbor) AS b FROM scomm_data.county_neighbor) n,
     morans_i(v.f, v.x, n.a, n.b, permutations => 999, seed => 1);

\pset title 'Counties by activation cluster (local Moran''s I, p <= 0.05): high-high = late among late, low-low = early among early'
SELECT coalesce(activation_cluster, 'no neighbours') AS activation_cluster, count(*) AS counties,
       min(activation_date) AS first, max(activation_date) AS last
FROM scomm_data.county_layer GROUP BY 1 ORDER BY 2 DESC;

\pset title 'And the change in burglary after activation (real FBI county totals, coverage >= 0.9, per 100,000)?'
SELECT n, round(i::numeric, 3) AS morans_i, round(expected::numeric, 5) AS expected, p_permutation
FROM (SELECT array_agg(fips) AS f, array_agg(burglary_change) AS x
      FROM scomm_data.county_layer WHERE burglary_change IS NOT NULL) v,
     (SELECT array_agg(fips) AS a, array_agg(neighbor) AS b FROM scomm_data.county_neighbor) n,
     morans_i(v.f, v.x, n.a, n.b, permutations => 999, seed => 1);
\pset title
