-- The database's own ceiling for a dose: what `POST /v1/immunizations` must write (the saved
-- answer, the access-log line, the book entry, the dose, the next-dose mail, the ledger row and
-- the balance's conditional decrement), all in one PL/pgSQL call, next to the raw conditional
-- UPDATE the campaign day compares against. No HTTP, no authorization or history reads, no
-- engine, no foreign keys: an optimistic bound no implementation of the dose can pass.
--
-- On a migrated database (`healthbook migrate`), with pgbench:
--   psql -q "$URL" -f tests/benches/booking_load/dose_writes.sql
--   printf '\\set id random(0, 49)\nUPDATE bench_ceiling SET n = n - 1 WHERE id = :id AND n >= 1 RETURNING n;\n' > /tmp/raw.sql
--   printf '\\set f random(0, 49)\nSELECT bench_dose(:f);\n' > /tmp/dose.sql
--   pgbench -n -M prepared -c 20 -j 2 -T 10 -f /tmp/raw.sql "$URL"
--   pgbench -n -M prepared -c 20 -j 2 -T 10 -f /tmp/dose.sql "$URL"
-- Twenty clients: the campaign's two processes' pools together.

CREATE TABLE bench_access (LIKE access_log INCLUDING ALL);
CREATE TABLE bench_book (LIKE book_entries INCLUDING ALL);
CREATE TABLE bench_immunizations (LIKE immunizations INCLUDING ALL);
CREATE TABLE bench_mail (LIKE mail_outbox INCLUDING ALL);
CREATE TABLE bench_movements (LIKE stock_movements INCLUDING ALL);
CREATE TABLE bench_balances (LIKE stock_balances INCLUDING ALL);
CREATE TABLE bench_answers (LIKE idempotency_records INCLUDING ALL);
CREATE TABLE bench_ceiling (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);

-- 50 facilities, one lot each, as the campaign day has.
INSERT INTO bench_ceiling SELECT g, 1000000000 FROM generate_series(0, 49) g;
INSERT INTO bench_balances
    SELECT md5(g::text)::uuid, md5('lot' || g)::uuid, 1000000000, now()
    FROM generate_series(0, 49) g;

-- Payload sizes are those of a campaign dose: answer ~600 bytes, entry ~400, screening ~300,
-- mail ~700.
CREATE FUNCTION bench_dose(facility int) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    fid uuid := md5(facility::text)::uuid;
    lid uuid := md5('lot' || facility)::uuid;
    cid uuid := gen_random_uuid();
    eid uuid := gen_random_uuid();
    iid uuid := gen_random_uuid();
    vaccinator uuid := gen_random_uuid();
    taken int;
BEGIN
    UPDATE bench_balances SET doses = doses - 1, updated_at = now()
        WHERE facility_id = fid AND lot_id = lid AND doses >= 1;
    GET DIAGNOSTICS taken = ROW_COUNT;
    IF taken = 0 THEN
        RETURN 0;
    END IF;
    INSERT INTO bench_answers VALUES (vaccinator::text, gen_random_uuid()::text,
        md5(random()::text) || md5(random()::text), 201, repeat('a', 600), now());
    INSERT INTO bench_access VALUES (gen_random_uuid(), cid, now(), vaccinator, 'vaccinator',
        fid, 'care', NULL, NULL, 'write', 'immunizations');
    INSERT INTO bench_book VALUES (gen_random_uuid(), eid, 1, cid, 'immunization', 'III',
        'current', NULL, repeat('b', 400), NULL, false, 'staff', 'vaccinator', vaccinator,
        'Nguyễn Văn A', fid, now());
    INSERT INTO bench_immunizations VALUES (iid, cid, fid, eid, 'hepa_hepb', NULL, lid, 1,
        current_date, 'paid', 'left_deltoid', 'intramuscular', repeat('s', 300), NULL,
        vaccinator, 'recorded', cid::text || 'hepa_hepb', now());
    INSERT INTO bench_mail (id, recipient, subject, body_text, created_at, next_attempt_at)
        VALUES (gen_random_uuid(), 'citizen@example.org', 'Mũi tiêm tiếp theo',
        repeat('m', 700), now(), now());
    INSERT INTO bench_movements VALUES (gen_random_uuid(), fid, lid, 'used', 1, NULL, iid,
        NULL, vaccinator, now(), current_date);
    RETURN 1;
END $$;
