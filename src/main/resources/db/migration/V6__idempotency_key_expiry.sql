-- Idempotency keys expire (bookings.idempotency_key_ttl_seconds): an expired key is taken over by the next
-- request that sends it, and a periodic cleanup deletes expired keys, oldest first, through this index.
CREATE INDEX booking_idempotency_keys_by_age ON booking_idempotency_keys (created_at);
