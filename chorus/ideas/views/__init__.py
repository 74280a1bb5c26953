"""Views of idea challenges: ``public`` for the people taking part, ``staff`` for those
who run the challenges."""
