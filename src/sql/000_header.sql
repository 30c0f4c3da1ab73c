-- scomm install script, assembled from src/sql/*.sql in name order

\echo Use "CREATE EXTENSION scomm" to load this file. \quit
