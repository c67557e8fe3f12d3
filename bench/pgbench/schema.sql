-- Schema of the pgbench anchor: what a carrier would build on PostgreSQL instead of npd.
-- psql variable :numbers = how many number rows to preload (msisdn 13900000000 + i).
CREATE TABLE numbers (msisdn text PRIMARY KEY, state int NOT NULL, serving text NOT NULL,
                      version bigint NOT NULL);
CREATE TABLE events (id bigserial PRIMARY KEY, msisdn text NOT NULL, at timestamptz NOT NULL,
                     state_before int NOT NULL, state_after int NOT NULL, payload text NOT NULL);
CREATE TABLE idempotency (request_id text PRIMARY KEY, answer text NOT NULL);
INSERT INTO numbers
  SELECT (13900000000 + g)::text, 0, 'cmcc', 0 FROM generate_series(0, :numbers - 1) AS g;
VACUUM ANALYZE;
CHECKPOINT;
