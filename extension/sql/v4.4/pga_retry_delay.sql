-- How long to wait after failed attempt n: delay doubled per attempt, capped, then ±jitter of
-- it at random, so jobs failing together do not retry in lockstep.
CREATE FUNCTION pgagent.pga_retry_delay(attempt int4, delay interval, max_delay interval, jitter float8)
RETURNS interval
LANGUAGE sql VOLATILE AS $$
    SELECT least(max_delay, delay * power(2, least(attempt - 1, 30))) * (1 + jitter * (2 * random() - 1))
$$;
COMMENT ON FUNCTION pgagent.pga_retry_delay(int4, interval, interval, float8) IS 'Exponential back-off with a cap and jitter';
