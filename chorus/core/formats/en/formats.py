"""How dates read on English pages: the GOV.UK style, "5 December 2026".

A date and time printed without a filter reads "5 December 2026 at 23:03"; templates
use ``|date_and_time`` (``chorus.core.dates``) for the GOV.UK "at 11:03pm", which Django's
format letters cannot write.
"""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = r"j F Y \a\t H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j F Y"
SHORT_DATETIME_FORMAT = r"j F Y \a\t H:i"
FIRST_DAY_OF_WEEK = 1
# Day first, never the American month first.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y"]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
