-- Accounts of the bureau's dashboard (queue-server city create-user). Only the scrypt hash of
-- a password is kept. One role today, bureau (the hall's roles idea: a role per kind of work).
CREATE TABLE bureau_users (
    username text PRIMARY KEY,
    password_hash text NOT NULL,
    role text NOT NULL CHECK (role IN ('bureau')),
    display_name text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    last_login_at timestamptz
);
