"""The schedule and what the public sees of it: the working schedule (schedule.py), the
published programme (published.py), its feeds (feeds.py) and the public pages (views.py)."""
