"""How dates read on Welsh pages: "5 Rhagfyr 2026" (the month names come from Django's
Welsh catalogue). See ``chorus/core/formats/en/formats.py``."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = r"j F Y \a\m H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j F Y"
SHORT_DATETIME_FORMAT = r"j F Y \a\m H:i"
FIRST_DAY_OF_WEEK = 1
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y"]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
