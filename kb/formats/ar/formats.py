"""Arabic: day, month name and year, "23 نوفمبر 2026"; digits stay Western Arabic, as
Django's Arabic formats and most Arabic-language news sites write them."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y، H:i"
SHORT_DATE_FORMAT = "d/m/Y"
