-- One field of a cron expression, read as Vixie cron (and so pg_cron) reads it: a comma list
-- of `*`, a value, or a range `a-b`, each of the last two optionally with a step `/n` on a
-- range or `*` (not on a lone value, which cron refuses). Values are numbers from low to high
-- or, where `names` is given, names (case-insensitive) standing for low, low + 1, ...; a step
-- runs from 1 to high, as in pg_cron. Returns an array of high - low + 1 elements, element k
-- saying whether value low + k - 1 is selected. Errors name the field and the problem.
-- Stricter than cron in two places where cron's result is an accident: a backwards range
-- (cron sets a garbled set of values) and junk after a value (cron skips it) are refused.
CREATE FUNCTION pgagent.pga_cron_field(field text, label text, low int4, high int4, names text[] DEFAULT NULL)
RETURNS bool[]
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    selected bool[] := array_fill(false, ARRAY[high - low + 1]);
    item text;
    parts text[];
    first int4;
    last int4;
    step int4 := 1;
    value int4;
BEGIN
    FOREACH item IN ARRAY string_to_array(field, ',') LOOP
        IF item = '' THEN
            RAISE EXCEPTION '% field: empty item in list "%"', label, field USING ERRCODE = 'invalid_parameter_value';
        END IF;
        parts := regexp_match(item, '^(?:(\*)|([0-9A-Za-z]+)(?:-([0-9A-Za-z]+))?)(?:/([0-9A-Za-z]*))?$');
        IF parts IS NULL THEN
            RAISE EXCEPTION '% field: "%" is not a value, a range or a step', label, item
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'A field is a comma list of *, a value, a range a-b, or */n and a-b/n.';
        END IF;
        IF parts[1] IS NOT NULL THEN
            first := low;
            last := high;
        ELSE
            first := pgagent.pga_cron_value(parts[2], label, low, high, names);
            last := coalesce(pgagent.pga_cron_value(parts[3], label, low, high, names), first);
            IF last < first THEN
                RAISE EXCEPTION '% field: range %-% goes backwards', label, parts[2], parts[3]
                    USING ERRCODE = 'invalid_parameter_value',
                          HINT = CASE WHEN label = 'weekday' AND last = 0
                                      THEN format('Sunday is 7 too: write %s-7.', parts[2])
                                      ELSE format('Write it as two ranges, e.g. %s-%s,%s-%s.', parts[2], high, low, parts[3]) END;
            END IF;
        END IF;
        IF parts[4] IS NOT NULL THEN
            IF parts[1] IS NULL AND parts[3] IS NULL THEN
                RAISE EXCEPTION '% field: a step needs a range or * ("%")', label, item
                    USING ERRCODE = 'invalid_parameter_value',
                          HINT = format('Write %s-%s/%s or */%s.', parts[2], high, parts[4], parts[4]);
            END IF;
            IF parts[4] !~ '^[0-9]{1,9}$' THEN
                RAISE EXCEPTION '% field: step "%" is not a number', label, parts[4] USING ERRCODE = 'invalid_parameter_value';
            END IF;
            step := parts[4]::int4;
            IF step < 1 OR step > high THEN
                RAISE EXCEPTION '% field: step % is out of range 1-%', label, step, high USING ERRCODE = 'invalid_parameter_value';
            END IF;
        ELSE
            step := 1;
        END IF;
        value := first;
        WHILE value <= last LOOP
            selected[value - low + 1] := true;
            value := value + step;
        END LOOP;
    END LOOP;
    RETURN selected;
END
$$;
COMMENT ON FUNCTION pgagent.pga_cron_field(text, text, int4, int4, text[]) IS 'The values one field of a cron expression selects';
