CREATE OR REPLACE FUNCTION pgagent.pga_is_leap_year(int2) RETURNS bool
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT $1 % 4 = 0 AND ($1 % 100 <> 0 OR $1 % 400 = 0)
$$;
COMMENT ON FUNCTION pgagent.pga_is_leap_year(int2) IS 'Returns TRUE if $1 is a leap year';
