-- Rows derived from the events per hall and day, computed again by city_refresh(hall, day)
-- for the pairs in dirty_days (queue_server/city/derived.py). The figures of a day are
-- defined here once; the dashboard and the exports read these tables.

CREATE TABLE city_tickets (
    hall_id text NOT NULL,
    day date NOT NULL,
    number text NOT NULL,
    service text,                -- the service it was issued for (一票到底: kept on transfer)
    issued_at timestamptz,
    called_at timestamptz,       -- first call
    finished_at timestamptz,
    status text NOT NULL,        -- its last state; still open at day.closed = expired
    window_number integer,       -- the window of its last call
    priority boolean NOT NULL DEFAULT false,
    appointment boolean NOT NULL DEFAULT false,
    calls integer NOT NULL DEFAULT 0,  -- calls and recalls
    wait_s double precision,     -- issue → first call, the visit's wait as the hall reports it
    PRIMARY KEY (hall_id, day, number)
);

CREATE TABLE city_calls (
    hall_id text NOT NULL,
    day date NOT NULL,
    event_id bigint NOT NULL,
    at timestamptz NOT NULL,
    window_number integer,
    number text,
    service text,
    recall boolean NOT NULL,
    PRIMARY KEY (hall_id, day, event_id)
);

CREATE TABLE city_ratings (
    hall_id text NOT NULL,
    day date NOT NULL,
    event_id bigint NOT NULL,
    at timestamptz NOT NULL,
    window_number integer,
    service text,
    level smallint NOT NULL,     -- 5 非常满意 … 1 非常不满意 (§7.1)
    bad boolean NOT NULL,        -- 差评 (levels 1–2)
    PRIMARY KEY (hall_id, day, event_id)
);

CREATE TABLE city_daily (
    hall_id text NOT NULL,
    day date NOT NULL,
    issued integer NOT NULL,
    called integer NOT NULL,     -- calls, not recalls (a transfer is called again)
    served integer NOT NULL,
    no_show integer NOT NULL,    -- no-show events (a reinstated ticket may be served later)
    cancelled integer NOT NULL,
    expired integer NOT NULL,
    priority integer NOT NULL,
    appointment integer NOT NULL,
    wait_n integer NOT NULL,
    wait_mean_s double precision,
    wait_p90_s double precision,  -- the hall's definition (core.reports.histogram)
    wait_max_s double precision,
    ratings integer NOT NULL,
    bad_ratings integer NOT NULL,
    rating_mean double precision,
    ledger_created integer NOT NULL,
    ledger_answered integer NOT NULL,
    PRIMARY KEY (hall_id, day)
);

CREATE FUNCTION city_refresh(p_hall text, p_day date) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM city_tickets WHERE hall_id = p_hall AND day = p_day;
    DELETE FROM city_calls WHERE hall_id = p_hall AND day = p_day;
    DELETE FROM city_ratings WHERE hall_id = p_hall AND day = p_day;
    DELETE FROM city_daily WHERE hall_id = p_hall AND day = p_day;

    INSERT INTO city_tickets
    SELECT p_hall, p_day, t.number, t.service, t.issued_at, t.called_at, t.finished_at,
           t.status, t.window_number, t.priority, t.appointment, t.calls,
           extract(epoch FROM t.called_at - t.issued_at)
    FROM (
        SELECT e.data->'ticket'->>'number' AS number,
               (array_agg(e.data->'ticket'->>'service' ORDER BY e.event_id))[1] AS service,
               coalesce(min(e.at) FILTER (WHERE e.type = 'ticket.issued'),
                        min((e.data->'ticket'->>'issued_at')::timestamptz)) AS issued_at,
               min(e.at) FILTER (WHERE e.type = 'ticket.called') AS called_at,
               max(e.at) FILTER (WHERE e.type = 'ticket.finished') AS finished_at,
               (array_agg(e.data->'ticket'->>'status' ORDER BY e.event_id DESC))[1] AS status,
               (array_agg((e.data->'ticket'->>'window')::integer ORDER BY e.event_id DESC)
                   FILTER (WHERE e.type IN ('ticket.called', 'ticket.recalled')))[1]
                   AS window_number,
               coalesce(bool_or((e.data->'ticket'->>'priority')::boolean), false) AS priority,
               coalesce(bool_or((e.data->'ticket'->>'appointment')::boolean), false)
                   AS appointment,
               count(*) FILTER (WHERE e.type IN ('ticket.called', 'ticket.recalled')) AS calls
        FROM events e
        WHERE e.hall_id = p_hall AND e.day = p_day AND e.type LIKE 'ticket.%'
          AND e.data->'ticket'->>'number' IS NOT NULL
        GROUP BY 1
    ) t;

    -- The day's close (at midnight at the latest, so possibly stored under the next day)
    -- expired what was still open.
    UPDATE city_tickets t SET status = 'expired'
    FROM (SELECT DISTINCT jsonb_array_elements_text(e.data->'expired') AS number
          FROM events e
          WHERE e.hall_id = p_hall AND e.day IN (p_day, p_day + 1) AND e.type = 'day.closed'
            AND e.data->>'day' = p_day::text) x
    WHERE t.hall_id = p_hall AND t.day = p_day AND t.number = x.number
      AND t.status IN ('waiting', 'called', 'serving');

    INSERT INTO city_calls
    SELECT p_hall, p_day, e.event_id, e.at, (e.data->'ticket'->>'window')::integer,
           e.data->'ticket'->>'number', e.data->'ticket'->>'service',
           e.type = 'ticket.recalled'
    FROM events e
    WHERE e.hall_id = p_hall AND e.day = p_day
      AND e.type IN ('ticket.called', 'ticket.recalled');

    INSERT INTO city_ratings
    SELECT p_hall, p_day, e.event_id, e.at, (e.data->'evaluation'->>'window')::integer,
           e.data->'evaluation'->>'service', (e.data->'evaluation'->>'level')::smallint,
           coalesce((e.data->'evaluation'->>'bad')::boolean,
                    (e.data->'evaluation'->>'level')::integer <= 2)
    FROM events e
    WHERE e.hall_id = p_hall AND e.day = p_day AND e.type = 'evaluation.recorded';

    INSERT INTO city_daily
    SELECT p_hall, p_day,
           count(*) FILTER (WHERE t.issued_at IS NOT NULL),
           -- calls as the hall counts them: a transferred ticket's second leg is called again
           (SELECT count(*) FROM city_calls c
            WHERE c.hall_id = p_hall AND c.day = p_day AND NOT c.recall),
           count(*) FILTER (WHERE t.status = 'done'),
           -- no-shows as the hall counts them: a reinstated one served later still was one
           (SELECT count(*) FROM events e WHERE e.hall_id = p_hall AND e.day = p_day
              AND e.type = 'ticket.no_show'),
           count(*) FILTER (WHERE t.status = 'cancelled'),
           count(*) FILTER (WHERE t.status = 'expired'),
           count(*) FILTER (WHERE t.priority),
           count(*) FILTER (WHERE t.appointment),
           count(t.wait_s),
           avg(t.wait_s),
           NULL,  -- wait_p90_s: set by queue_server/city/derived.py with core's histogram
           max(t.wait_s),
           (SELECT count(*) FROM city_ratings r WHERE r.hall_id = p_hall AND r.day = p_day),
           (SELECT count(*) FILTER (WHERE r.bad) FROM city_ratings r
            WHERE r.hall_id = p_hall AND r.day = p_day),
           (SELECT avg(r.level) FROM city_ratings r WHERE r.hall_id = p_hall AND r.day = p_day),
           (SELECT count(*) FROM events e WHERE e.hall_id = p_hall AND e.day = p_day
              AND e.type = 'ledger.changed' AND e.data->'ledger'->>'action' = 'created'),
           (SELECT count(*) FROM events e WHERE e.hall_id = p_hall AND e.day = p_day
              AND e.type = 'ledger.changed' AND e.data->'ledger'->>'action' = 'answered')
    FROM city_tickets t
    WHERE t.hall_id = p_hall AND t.day = p_day;
$$;
