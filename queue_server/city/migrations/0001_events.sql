-- The city's copy of every hall's event log (docs/city.md). Events arrive masked by the
-- shipper (queue_server/city/outbound.py) and never change once stored.

CREATE TABLE halls (
    hall_id text PRIMARY KEY,
    name text NOT NULL DEFAULT '',
    -- The highest event id of this hall stored here. A shipper raises it in the transaction
    -- that inserts the events, holding this row's lock: two shippers of one hall take turns
    -- and neither stores an event the other has stored.
    shipped_through bigint NOT NULL DEFAULT 0,
    hall_last_id bigint NOT NULL DEFAULT 0,  -- the hall's newest event id when it last shipped
    last_event_at timestamptz,               -- the newest stored event's time
    shipped_at timestamptz,                  -- when the last batch arrived (the city's clock)
    -- The hall's live state, from the newest events: waiting per service, window states.
    waiting jsonb NOT NULL DEFAULT '{}',
    windows jsonb NOT NULL DEFAULT '{}',
    -- From the hall's config, for the §4.2 window check across halls.
    city_tier text,
    insured_population bigint,
    consulting_windows integer,
    windows_total integer
);

CREATE TABLE events (
    hall_id text NOT NULL,
    event_id bigint NOT NULL,
    day date NOT NULL,           -- the hall's calendar day (Asia/Shanghai) of at
    at timestamptz NOT NULL,
    type text NOT NULL,
    data jsonb NOT NULL,
    -- PostgreSQL wants the partition key in every unique index of a partitioned table. An
    -- event's day never changes, so this is unique per (hall_id, event_id) all the same; in
    -- this order it also serves the per-hall, per-day reads (one index to keep, not two).
    UNIQUE (hall_id, day, event_id)
) PARTITION BY RANGE (day);
-- Monthly partitions (events_yYYYYmMM) are created ahead by queue_server/city/migrate.py.

-- (hall, day) pairs whose derived rows must be computed again (queue_server/city/derived.py).
-- The shipper marks a pair in the transaction that stores its events; the refresher deletes
-- the mark only if its version is still the one it computed from.
CREATE SEQUENCE dirty_days_version;
CREATE TABLE dirty_days (
    hall_id text NOT NULL,
    day date NOT NULL,
    version bigint NOT NULL DEFAULT nextval('dirty_days_version'),
    PRIMARY KEY (hall_id, day)
);

-- Open consultation-ledger records (annex B) per due date: counts only, the records
-- themselves (names, ID numbers, phones) stay in the hall. Replaced whole by each shipment.
CREATE TABLE ledger_due (
    hall_id text NOT NULL,
    due_date date NOT NULL,
    open_count integer NOT NULL,
    provisional_count integer NOT NULL,
    PRIMARY KEY (hall_id, due_date)
);
