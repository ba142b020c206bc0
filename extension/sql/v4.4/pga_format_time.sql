-- An instant as a person reads it in a zone: '2026-12-03 03:00 (Europe/Berlin)'.
CREATE FUNCTION pgagent.pga_format_time(instant timestamptz, zone text)
RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT format('%s (%s)', to_char(instant AT TIME ZONE zone, 'YYYY-MM-DD HH24:MI'), zone)
$$;
COMMENT ON FUNCTION pgagent.pga_format_time(timestamptz, text) IS 'An instant as wall-clock time in a zone';
