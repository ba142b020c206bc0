-- A schedule's selection array made ready for the search: element k (by subscript) selects
-- value k (the k-th minute, hour, ... counting from 1), NULL or missing elements select
-- nothing, and an array that selects none of its n values selects them all (as in pgAgent,
-- "any"). One-dimensional arrays only: callers turn away others, which array_position()
-- would raise on.
CREATE OR REPLACE FUNCTION pgagent.pga_selection(selected bool[], n int4) RETURNS bool[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN array_position(selected, true, 1) <= n THEN selected ELSE array_fill(true, ARRAY[n]) END
$$;
COMMENT ON FUNCTION pgagent.pga_selection(bool[], int4) IS 'A schedule selection array ready for the next-run search (all true when it selects nothing)';
