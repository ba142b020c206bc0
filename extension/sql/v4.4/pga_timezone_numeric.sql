-- A numeric TimeZone setting ('-7', '5.5', INTERVAL '-07:00') counts hours east of UTC, as SET
-- TimeZone reads it; AT TIME ZONE reads the same text as a POSIX zone, which counts hours west,
-- so a 12:00 schedule in a database at '-7' fired at 22:00 local. The schedule zone is now
-- spelled as the server shows such a setting (SHOW TimeZone: '<-07>+07'), which both read
-- alike. Zone names pass through unchanged. The 4.3 function keeps its body under a new name.
ALTER FUNCTION pgagent.pga_timezone_in(text[]) RENAME TO pga_timezone_setting;
COMMENT ON FUNCTION pgagent.pga_timezone_setting(text[]) IS 'The schedule time zone as the database''s settings write it (a numeric offset in SET TimeZone''s sign)';

CREATE FUNCTION pgagent.pga_timezone_posix(zone text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    east int4; -- seconds east of UTC
    hh int4;
    mm int4;
    ss int4;
    body text;
BEGIN
    IF zone ~ '^\s*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)\s*$' THEN
        east := round(zone::numeric * 3600);
    ELSIF zone ~* '^\s*interval\s*''[^'']*''\s*$' THEN
        east := extract(epoch FROM substring(zone FROM '''([^'']*)''')::interval);
    ELSE
        RETURN zone;
    END IF;
    hh := abs(east) / 3600;
    mm := abs(east) % 3600 / 60;
    ss := abs(east) % 60;
    body := lpad(hh::text, 2, '0')
        || CASE WHEN mm <> 0 OR ss <> 0 THEN ':' || lpad(mm::text, 2, '0') ELSE '' END
        || CASE WHEN ss <> 0 THEN ':' || lpad(ss::text, 2, '0') ELSE '' END;
    RETURN format('<%s%s>%s%s', CASE WHEN east < 0 THEN '-' ELSE '+' END, body, CASE WHEN east < 0 THEN '+' ELSE '-' END, body);
END
$$;
COMMENT ON FUNCTION pgagent.pga_timezone_posix(text) IS 'A time zone setting spelled so that AT TIME ZONE reads a numeric offset as SET TimeZone does';

CREATE FUNCTION pgagent.pga_timezone_in(settings text[]) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT pgagent.pga_timezone_posix(pgagent.pga_timezone_setting(settings))
$$;
COMMENT ON FUNCTION pgagent.pga_timezone_in(text[]) IS 'The time zone in which schedules are read, given the database''s settings';
