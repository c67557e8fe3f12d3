-- pgbench custom script: one npd transition done in PostgreSQL, in one transaction: lock the
-- number's row, update its state and version, append an event (~200 bytes of payload), record the
-- request's idempotency answer (~100 bytes). Needs -D numbers=N (rows preloaded by schema.sql).
\set n random(0, :numbers - 1)
\set rid random(1, 9223372036854775806)
BEGIN;
SELECT state, version FROM numbers WHERE msisdn = (13900000000 + :n)::text FOR UPDATE \gset
UPDATE numbers SET state = (:state + 1) % 8, version = :version + 1
  WHERE msisdn = (13900000000 + :n)::text;
INSERT INTO events (msisdn, at, state_before, state_after, payload)
  VALUES ((13900000000 + :n)::text, now(), :state, (:state + 1) % 8, repeat('e', 200));
INSERT INTO idempotency (request_id, answer)
  VALUES (:client_id::text || '-' || :rid::text, repeat('a', 100));
END;
