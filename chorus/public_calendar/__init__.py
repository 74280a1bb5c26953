"""The public calendar of consultations and events, and its iCalendar feed.

It reads both engagement (events) and consultations, so it sits above both; neither
imports it. Not a Django app: it has no models, and its template is in the project's
``templates/calendar/``. Named ``public_calendar`` so that it never stands in for
Python's own ``calendar`` module; its URL names are ``calendar:...``.
"""
