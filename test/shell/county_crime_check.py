#!/usr/bin/env python3
"""Recompute scomm_data.county_crime from the FBI files (Tables 8 and 10),
the city-to-county matches (city_agency) and the county populations, and
compare with the table the loader made.  Arguments: DATA_DIR (decompressed
files) MATCHES POPULATION COUNTY_CRIME (psql -At -F'|' dumps).  Prints one
line per kind of mismatch and "ok N rows"; exit status 1 on any mismatch."""
import csv, sys, math
from collections import defaultdict

data, matches_f, pop_f, got_f = sys.argv[1:5]
STATES = {}
for line in """AL Alabama|AK Alaska|AZ Arizona|AR Arkansas|CA California|CO Colorado|CT Connecticut|DE Delaware|DC District of Columbia|FL Florida|GA Georgia|HI Hawaii|ID Idaho|IL Illinois|IN Indiana|IA Iowa|KS Kansas|KY Kentucky|LA Louisiana|ME Maine|MD Maryland|MA Massachusetts|MI Michigan|MN Minnesota|MS Mississippi|MO Missouri|MT Montana|NE Nebraska|NV Nevada|NH New Hampshire|NJ New Jersey|NM New Mexico|NY New York|NC North Carolina|ND North Dakota|OH Ohio|OK Oklahoma|OR Oregon|PA Pennsylvania|RI Rhode Island|SC South Carolina|SD South Dakota|TN Tennessee|TX Texas|UT Utah|VT Vermont|VA Virginia|WA Washington|WV West Virginia|WI Wisconsin|WY Wyoming""".split('|'):
    STATES[line[3:]] = line[:2]
OFFENSES = ['murder', 'rape', 'robbery', 'aggravated assault', 'burglary', 'larceny', 'motor vehicle theft', 'arson']
COLS = {'murder': 'murder', 'robbery': 'robbery', 'aggravated assault': 'agg_assault', 'burglary': 'burglary',
        'larceny': 'larceny', 'motor vehicle theft': 'motor_vehicle_theft', 'arson': 'arson'}

def counts(row, year):
    out = {}
    for o in OFFENSES:
        if o == 'rape':
            v = row['rape_legacy'] if year <= 2012 else row['rape_revised']
        else:
            v = row[COLS[o]]
        if v != '':
            out[o] = int(v)
    return out

match = defaultdict(list)                      # (state, agency) -> [(fips, share)]
median = {}
for l in open(matches_f):
    st, ag, fips, share, pop = l.rstrip('\n').split('|')
    match[(st, ag)].append((fips, float(share)))
    median[(st, ag)] = int(pop) if pop else None
population = {}
for l in open(pop_f):
    fips, year, p = l.rstrip('\n').split('|')
    population[(fips, int(year))] = int(p)

# city agencies: every line of a matched agency, split by its shares
cities = []                                    # (fips, year, share, population, counts)
pop_by_agency_year = {}
for row in csv.DictReader(open(f'{data}/fbi_cius_table8_city_offenses_2006_2016.csv', newline='')):
    key = (STATES[row['state_clean']], row['city_clean'])
    if key not in match:
        continue
    year = int(row['year'])
    pop = int(row['population']) if row['population'] else None
    pop_by_agency_year[(key, year)] = pop
    c = counts(row, year)
    for fips, share in match[key]:
        cities.append((fips, year, share, pop, c))
# the population of each county's cities with a police department of their
# own, in every year: that year's figure (none: 0), or, in a year the city did
# not report, the median of the years it did
city_pop = defaultdict(float)
for key, places in match.items():
    for year in range(2006, 2017):
        p = (pop_by_agency_year[(key, year)] or 0) if (key, year) in pop_by_agency_year else median[key]
        if p is not None:
            for fips, share in places:
                city_pop[(fips, year)] += p * share
# county agencies: Table 10, 46102 read as 46113, a repeated county, year and
# kind dropped
counties = []
seen = set()
for row in csv.DictReader(open(f'{data}/fbi_cius_table10_county_agency_offenses_2006_2016.csv', newline='')):
    fips = '46113' if row['county_fips'] == '46102' else row['county_fips']
    year = int(row['year'])
    k = (fips, year, row['agency_kind'])
    if k in seen:
        continue
    seen.add(k)
    pop = population.get((fips, year))
    jur = None if pop is None else max(0, pop - round(city_pop[(fips, year)]))
    counties.append((fips, year, jur, counts(row, year)))

want = {}
acc = defaultdict(lambda: [0.0, 0, 0, 0, 0.0, 0])  # count, cities, counties, split, city pop, county pop
for fips, year, share, pop, c in cities:
    for o, v in c.items():
        a = acc[(fips, year, o)]
        a[0] += v * share; a[1] += 1; a[3] += share < 1; a[4] += (pop or 0) * share
for fips, year, jur, c in counties:
    for o, v in c.items():
        a = acc[(fips, year, o)]
        a[0] += v; a[2] += 1; a[5] = max(a[5], jur or 0)
got = {}
for l in open(got_f):
    fips, year, o, cnt, ag, ca, ka, sa, cov, pop, coverage = l.rstrip('\n').split('|')
    got[(fips, int(year), o)] = (int(cnt), int(ag), int(ca), int(ka), int(sa), int(cov),
                                 int(pop) if pop else None, float(coverage) if coverage else None)
bad = defaultdict(int)
examples = {}
for k in set(acc) | set(got):
    if k not in got or k not in acc:
        bad['row missing ' + ('in the table' if k not in got else 'in the recomputation')] += 1
        examples.setdefault('row', k)
        continue
    a, g = acc[k], got[k]
    if abs(a[0] - g[0]) > 0.5 + 1e-6:
        bad['count'] += 1; examples.setdefault('count', (k, a[0], g[0]))
    if (a[1] + a[2], a[1], a[2], a[3]) != g[1:5]:
        bad['agencies'] += 1; examples.setdefault('agencies', (k, a[1:4], g[1:5]))
    covered = a[4] + a[5]
    if abs(covered - g[5]) > 0.5 + 1e-6:
        bad['population_covered'] += 1; examples.setdefault('population_covered', (k, covered, g[5]))
    pop = population.get((k[0], k[1]))
    if pop != g[6]:
        bad['population'] += 1
    if pop and abs(g[5] / pop - g[7]) > 1e-12:
        bad['coverage'] += 1
for what, n in sorted(bad.items()):
    print(f'  county_crime recomputed: {n} rows differ in {what}, e.g. {examples.get(what.split()[0])}')
print(f'ok {len(got)} rows' if not bad else 'FAILED')
sys.exit(1 if bad else 0)
