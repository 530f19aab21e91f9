"""Webhooks: each change an organizer's endpoints subscribe to is POSTed to them, signed.

kinds.py (the event types and delivery states), payloads.py (the JSON bodies), queue.py
(webhook_queue, called by the services where the change happens), signing.py, sender.py
(the SSRF-safe HTTP POST), deliver.py (one attempt, its outcome, redelivery, the sweeper)
and tasks.py (the Celery tasks). This package's __init__ imports nothing: the models
import kinds.py.
"""
