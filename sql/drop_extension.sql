-- the last test: the extension drops cleanly (no test left objects that
-- depend on it) and leaves nothing behind; it can be created again
DROP EXTENSION scomm;
SELECT (SELECT count(*) FROM pg_proc WHERE pronamespace = 'scomm'::regnamespace)
     + (SELECT count(*) FROM pg_type WHERE typnamespace = 'scomm'::regnamespace)
     + (SELECT count(*) FROM pg_operator WHERE oprnamespace = 'scomm'::regnamespace) AS objects_left;
CREATE EXTENSION scomm;
SELECT 'L1'::scomm.criminality_level;
DROP EXTENSION scomm;
