-- Waits per hall, day and histogram bucket, so a range's 90th percentile is the hall's own:
-- core/reports/histogram.py's buckets (passed in as p_edges by queue_server/city/derived.py,
-- never copied here) and its percentile function, over the summed buckets of the range.
CREATE TABLE city_wait_buckets (
    hall_id text NOT NULL,
    day date NOT NULL,
    bucket smallint NOT NULL,    -- core.reports.histogram.bucket(wait_s)
    n integer NOT NULL,
    PRIMARY KEY (hall_id, day, bucket)
);

-- bucket(s) = the number of edges below s (Python's bisect_left), 0 for s <= 0. width_bucket
-- counts the edges at or below its operand: half a microsecond less turns "at or below" into
-- "below" for times kept to the microsecond.
CREATE FUNCTION city_refresh_buckets(p_hall text, p_day date, p_edges float8[]) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM city_wait_buckets WHERE hall_id = p_hall AND day = p_day;
    INSERT INTO city_wait_buckets
    SELECT p_hall, p_day, b.bucket, count(*)
    FROM (SELECT CASE WHEN t.wait_s > 0 THEN width_bucket(t.wait_s - 0.0000005, p_edges)
                      ELSE 0 END AS bucket
          FROM city_tickets t
          WHERE t.hall_id = p_hall AND t.day = p_day AND t.wait_s IS NOT NULL) b
    GROUP BY b.bucket;
$$;
