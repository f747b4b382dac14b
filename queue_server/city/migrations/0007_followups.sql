-- 差评 follow-up (§9.3; issue #18 item 3) as counts only: the items themselves (the citizen's
-- phone, comment, the call's notes) stay in the hall. Both tables are replaced whole per hall
-- by its shipper (queue_server/city/followups.py) whenever they change.

-- Open items per stage (call / finding / rectify, core.followups) and the due date of that
-- step as the hall reckons it; overdue is a due date before the city's today, as for the ledger.
CREATE TABLE followup_due (
    hall_id text NOT NULL,
    stage text NOT NULL,
    due_date date,              -- NULL: a step without a deadline
    open_count integer NOT NULL
);
CREATE INDEX followup_due_hall ON followup_due (hall_id);

-- The hall's own follow-up report (FollowupService.report: on-time, late, overdue and pending
-- calls and rectifications, their on-time rates, the findings) over the ratings of day_from…
-- day_to, as the hall computed it on its day day_to.
CREATE TABLE followup_report (
    hall_id text PRIMARY KEY,
    day_from date NOT NULL,
    day_to date NOT NULL,
    figures jsonb NOT NULL
);
