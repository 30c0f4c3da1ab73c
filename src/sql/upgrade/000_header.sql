-- scomm 1.0 -> 1.1 update script, assembled from src/sql/upgrade/*.sql in name
-- order: one piece per concern.  An updated 1.0 database must equal a fresh
-- 1.1 install (test/shell/test_upgrade.sh compares them).

\echo Use "ALTER EXTENSION scomm UPDATE TO '1.1'" to load this file. \quit
