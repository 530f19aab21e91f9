"""Email: the outbox (durable, claimed deliveries), the events' email texts, who gets which
email, the SMTP backend, and the delivery tasks."""
