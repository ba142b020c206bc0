-- The first value from `first` to `last` that a pga_selection() array selects, or NULL.
CREATE OR REPLACE FUNCTION pgagent.pga_next_selected(selected bool[], first int4, last int4) RETURNS int4
LANGUAGE sql IMMUTABLE AS $$
    SELECT nullif(least(array_position(selected, true, first), last + 1), last + 1)
$$;
COMMENT ON FUNCTION pgagent.pga_next_selected(bool[], int4, int4) IS 'The first value in a range that a schedule selection array selects';
