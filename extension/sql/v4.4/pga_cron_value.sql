-- A value in a cron field: a number from low to high, or one of `names` (case-insensitive;
-- the first stands for low). NULL for NULL. Errors name the field and the problem.
CREATE FUNCTION pgagent.pga_cron_value(token text, label text, low int4, high int4, names text[])
RETURNS int4
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    found_at int4;
BEGIN
    IF token IS NULL THEN
        RETURN NULL;
    ELSIF token ~ '^[0-9]+$' THEN
        IF token::numeric NOT BETWEEN low AND high THEN
            RAISE EXCEPTION '% field: % is out of range %-%', label, token, low, high USING ERRCODE = 'invalid_parameter_value';
        END IF;
        RETURN token::int4;
    END IF;
    found_at := array_position(names, lower(token));
    IF found_at IS NULL THEN
        RAISE EXCEPTION '% field: "%" is not a number%', label, token,
                        CASE WHEN names IS NOT NULL THEN format(' or a %s name (%s)', label, array_to_string(names, ', ')) ELSE '' END
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN low + found_at - 1;
END
$$;
COMMENT ON FUNCTION pgagent.pga_cron_value(text, text, int4, int4, text[]) IS 'A number or name in a cron field';
