/*
 * Dates with precision. The article's dates are often fuzzy ("mid-May",
 * "this summer", "2024"); a date here is the text as written plus the
 * interval of minutes it may denote, so fuzzy dates sort and compare honestly
 * and are never silently turned into the 1st of a month.
 *
 *   precision  value                    interval
 *   year       "2025"                   the whole year
 *   quarter    "2025-Q3"                the quarter
 *   month      "2025-05"                the month
 *   week       "2025-W28"               the ISO 8601 week, Monday to Sunday
 *   day        "2025-07-10"             the day
 *   minute     "2025-07-10T12:00+08:00" that minute (UTC offset required)
 *
 * Qualifiers narrow or move the interval:
 *   early, mid, late  first, middle or last third of a year, quarter or month
 *                     (days 1-10, 11-20 and 21-end of a month)
 *   end               the last third, as "late" (the article's 月底/底)
 *   spring .. winter  Mar-May, Jun-Aug, Sep-Nov, Dec-Feb of a year (northern)
 *   before, after     everything strictly before or after the interval
 *   about             the interval, marked approximate
 * Calendar dates (year to day) are zone-less and counted as UTC days.
 */
#ifndef FRONTIER_DATE_H
#define FRONTIER_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frontier/status.h"

enum fr_precision {
    FR_PRECISION_YEAR = 0,
    FR_PRECISION_QUARTER,
    FR_PRECISION_MONTH,
    FR_PRECISION_WEEK,
    FR_PRECISION_DAY,
    FR_PRECISION_MINUTE,
};

enum fr_qualifier {
    FR_QUALIFIER_NONE = 0,
    FR_QUALIFIER_EARLY,
    FR_QUALIFIER_MID,
    FR_QUALIFIER_LATE,
    FR_QUALIFIER_END,
    FR_QUALIFIER_SPRING,
    FR_QUALIFIER_SUMMER,
    FR_QUALIFIER_AUTUMN,
    FR_QUALIFIER_WINTER,
    FR_QUALIFIER_BEFORE,
    FR_QUALIFIER_AFTER,
    FR_QUALIFIER_ABOUT,
};

/* Open ends of "before" and "after" intervals, in minutes since the epoch. */
#define FR_DATE_MIN_MINUTE INT64_MIN
#define FR_DATE_MAX_MINUTE INT64_MAX

struct fr_date {
    char value[32]; /* as given, e.g. "2025-05" */
    enum fr_precision precision;
    enum fr_qualifier qualifier;
    int64_t earliest; /* first minute of the interval (UTC, since 1970) */
    int64_t latest;   /* last minute of the interval, inclusive */
};

/* Parses a stored or seeded date. qualifier may be NULL (none). On failure
 * returns FR_EINVAL and, when why is not NULL, points it at a static English
 * sentence saying what is wrong (e.g. "month must be 01 to 12"). */
enum fr_status fr_date_parse(const char *value, const char *precision,
                             const char *qualifier, struct fr_date *out,
                             const char **why);

/* Parses a date given in a query parameter: "YYYY", "YYYY-MM" or
 * "YYYY-MM-DD", with the precision that its form implies. */
enum fr_status fr_date_parse_query(const char *text, struct fr_date *out,
                                   const char **why);

/* Orders by earliest minute, then latest, then value: a total order that
 * puts "May 2025" before "mid-May 2025" before "2025-05-20". */
int fr_date_compare(const struct fr_date *a, const struct fr_date *b);

/* Names as stored and served ("month", "mid"); static strings. The qualifier
 * name of FR_QUALIFIER_NONE is NULL. */
const char *fr_precision_name(enum fr_precision precision);
const char *fr_qualifier_name(enum fr_qualifier qualifier);

/* Writes the date as a person reads it: "2025", "Q3 2025", "mid-May 2025",
 * "summer 2025", "week 28 of 2025", "10 July 2025", "10 July 2025 12:00 UTC+08:00",
 * "before 10 July 2025", "about 10 July 2025 11:00 UTC+08:00". Returns FR_EINVAL
 * when the text does not fit in size bytes (it is then truncated). */
enum fr_status fr_date_display(const struct fr_date *date, char *out, size_t size);

/* Writes a minute since the epoch as the calendar day "YYYY-MM-DD" (UTC);
 * out must hold 11 bytes. Open ends are written as "" (empty). */
void fr_date_format_day(int64_t minute, char out[11]);

/* Days since 1970-01-01 of a proleptic Gregorian date, and its inverse. */
int64_t fr_days_from_civil(int64_t year, unsigned month, unsigned day);
void fr_civil_from_days(int64_t days, int64_t *year, unsigned *month, unsigned *day);

#endif
