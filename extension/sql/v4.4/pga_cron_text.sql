-- One cron field for a selection array (element k = value low + k - 1): `*` when every value
-- is selected, `*/n` when the values are low, low + n, ... up to the top and there are at
-- least `steps_from` of them, else a comma list of values and ranges.
CREATE FUNCTION pgagent.pga_cron_text(selected bool[], low int4, steps_from int4 DEFAULT 3)
RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    n int4 := cardinality(selected);
    picked int4[] := array_positions(selected, true);
    step int4;
    items text[] := '{}';
    run_start int4;
    k int4;
BEGIN
    IF cardinality(picked) = n THEN
        RETURN '*';
    END IF;
    IF cardinality(picked) >= steps_from AND picked[1] = 1 THEN
        step := picked[2] - picked[1];
        IF picked[cardinality(picked)] + step > n
           AND picked = ARRAY(SELECT generate_series(1, n, step)) THEN
            RETURN '*/' || step;
        END IF;
    END IF;
    FOR k IN 1 .. cardinality(picked) LOOP
        IF k = 1 OR picked[k] <> picked[k - 1] + 1 THEN
            run_start := picked[k];
        END IF;
        IF k = cardinality(picked) OR picked[k + 1] <> picked[k] + 1 THEN
            items := items || CASE WHEN picked[k] - run_start >= 2 THEN format('%s-%s', run_start + low - 1, picked[k] + low - 1)
                                   WHEN picked[k] > run_start THEN format('%s,%s', run_start + low - 1, picked[k] + low - 1)
                                   ELSE (picked[k] + low - 1)::text END;
        END IF;
    END LOOP;
    RETURN array_to_string(items, ',');
END
$$;
COMMENT ON FUNCTION pgagent.pga_cron_text(bool[], int4, int4) IS 'One cron field for a schedule selection array';
