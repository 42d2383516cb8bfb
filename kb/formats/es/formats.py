"""Spanish: "23 de noviembre de 2026", "23 de noviembre de 2026, 14:05"."""

DATE_FORMAT = r"j \d\e F \d\e Y"
DATETIME_FORMAT = r"j \d\e F \d\e Y, H:i"
SHORT_DATE_FORMAT = "d/m/Y"
