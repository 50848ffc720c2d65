/*
 * Dates with precision: strict parsing of the stored forms, the interval of
 * UTC minutes each one denotes, ordering, and display as a person reads it.
 * Everything is integer arithmetic on a proleptic Gregorian calendar; nothing
 * here consults the C library's time zone, locale or mktime/timegm, so the
 * results are the same on every machine and in every process.
 */
#include "frontier/date.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define MINUTES_PER_DAY 1440

static const char *const precision_names[] = {
    [FR_PRECISION_YEAR] = "year",       [FR_PRECISION_QUARTER] = "quarter",
    [FR_PRECISION_MONTH] = "month",     [FR_PRECISION_WEEK] = "week",
    [FR_PRECISION_DAY] = "day",         [FR_PRECISION_MINUTE] = "minute",
};

static const char *const qualifier_names[] = {
    [FR_QUALIFIER_NONE] = NULL,         [FR_QUALIFIER_EARLY] = "early",
    [FR_QUALIFIER_MID] = "mid",         [FR_QUALIFIER_LATE] = "late",
    [FR_QUALIFIER_END] = "end",         [FR_QUALIFIER_SPRING] = "spring",
    [FR_QUALIFIER_SUMMER] = "summer",   [FR_QUALIFIER_AUTUMN] = "autumn",
    [FR_QUALIFIER_WINTER] = "winter",   [FR_QUALIFIER_BEFORE] = "before",
    [FR_QUALIFIER_AFTER] = "after",     [FR_QUALIFIER_ABOUT] = "about",
};

#define PRECISION_COUNT (sizeof precision_names / sizeof precision_names[0])
#define QUALIFIER_COUNT (sizeof qualifier_names / sizeof qualifier_names[0])

static const char *const month_names[] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December",
};

/* The parts of a value, as read by parse_value(). */
struct date_parts {
    int64_t year;
    unsigned quarter; /* 1-4, quarter precision only */
    unsigned month;   /* 1-12, month precision and finer */
    unsigned week;    /* 1-53, week precision only */
    unsigned day;     /* 1-31, day precision and finer */
    unsigned hour;    /* minute precision only, local time as written */
    unsigned minute;
    bool utc;         /* written with "Z" */
    int offset_sign;  /* +1 or -1 unless utc */
    unsigned offset_hours;
    unsigned offset_minutes;
};

/* ---- calendar arithmetic ---- */

/*
 * Howard Hinnant's days_from_civil: shifts the year to start in March so the
 * leap day is the last day of a 400-year era, and counts within the era.
 * Correct for every year whose result fits, negative ones included.
 */
int64_t fr_days_from_civil(int64_t year, unsigned month, unsigned day)
{
    int64_t y = year - (month <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                                       /* [0, 399] */
    int64_t mp = month > 2 ? (int64_t)month - 3 : (int64_t)month + 9; /* [0, 11] */
    int64_t doy = (153 * mp + 2) / 5 + (int64_t)day - 1;               /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;               /* [0, 146096] */

    return era * 146097 + doe - 719468;
}

/* Hinnant's civil_from_days, the exact inverse of fr_days_from_civil(). */
void fr_civil_from_days(int64_t days, int64_t *year, unsigned *month, unsigned *day)
{
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;                                        /* [0, 146096] */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                /* [0, 365] */
    int64_t mp = (5 * doy + 2) / 153;                                     /* [0, 11] */
    unsigned m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);

    *day = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *month = m;
    *year = yoe + era * 400 + (m <= 2);
}

static bool is_leap(int64_t year)
{
    return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

static unsigned days_in_month(int64_t year, unsigned month)
{
    static const unsigned lengths[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    return month == 2 && is_leap(year) ? 29 : lengths[month - 1];
}

/* Division and remainder rounding towards minus infinity, for minutes and
 * days before 1970. */
static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;

    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* ISO weekday of a day count: Monday 1 .. Sunday 7 (1970-01-01 was a Thursday). */
static unsigned iso_weekday(int64_t days)
{
    return (unsigned)(days + 3 - floor_div(days + 3, 7) * 7) + 1;
}

/* The Monday that starts ISO week 1: the week holding the year's 4 January. */
static int64_t iso_week1_monday(int64_t year)
{
    int64_t jan4 = fr_days_from_civil(year, 1, 4);

    return jan4 - (iso_weekday(jan4) - 1);
}

static unsigned iso_weeks_in_year(int64_t year)
{
    return (unsigned)((iso_week1_monday(year + 1) - iso_week1_monday(year)) / 7);
}

/* The interval from the first minute of day first to the last minute of day
 * last (both day counts, inclusive). */
static void days_interval(int64_t first, int64_t last, int64_t *earliest, int64_t *latest)
{
    *earliest = first * MINUTES_PER_DAY;
    *latest = (last + 1) * MINUTES_PER_DAY - 1;
}

/* Months first..last of one year, whole. */
static void months_interval(int64_t year, unsigned first, unsigned last, int64_t *earliest,
                            int64_t *latest)
{
    days_interval(fr_days_from_civil(year, first, 1),
                  fr_days_from_civil(year, last, days_in_month(year, last)), earliest, latest);
}

/* ---- parsing ---- */

#define DAY_FORM "a day must be written YYYY-MM-DD"
#define MINUTE_FORM "a minute must be written YYYY-MM-DDTHH:MM followed by Z, +HH:MM or -HH:MM"

/* Reads exactly n decimal digits; no sign, no spaces. */
static bool read_digits(const char *s, size_t n, unsigned *out)
{
    unsigned v = 0;

    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *out = v;
    return true;
}

/* "YYYY-MM-DD" at s (10 characters), checked against the calendar; form is
 * the complaint when the characters are not of that shape. */
static enum fr_status read_calendar_day(const char *s, const char *form, struct date_parts *p,
                                        const char **why)
{
    unsigned year;

    if (!read_digits(s, 4, &year) || s[4] != '-' || !read_digits(s + 5, 2, &p->month) ||
        s[7] != '-' || !read_digits(s + 8, 2, &p->day)) {
        *why = form;
        return FR_EINVAL;
    }
    p->year = year;
    if (p->month < 1 || p->month > 12) {
        *why = "month must be 01 to 12";
        return FR_EINVAL;
    }
    if (p->day < 1 || p->day > days_in_month(p->year, p->month)) {
        *why = "day does not exist in that month";
        return FR_EINVAL;
    }
    return FR_OK;
}

/*
 * Reads value in exactly the form its precision requires. Every field must
 * have its full width ("2025-5" is not a month) and a real calendar value.
 */
static enum fr_status parse_value(const char *value, enum fr_precision precision,
                                  struct date_parts *p, const char **why)
{
    size_t len = strlen(value);
    unsigned year;

    memset(p, 0, sizeof *p);
    switch (precision) {
    case FR_PRECISION_YEAR:
        if (len != 4 || !read_digits(value, 4, &year)) {
            *why = "a year must be written YYYY";
            return FR_EINVAL;
        }
        p->year = year;
        return FR_OK;

    case FR_PRECISION_QUARTER:
        if (len != 7 || !read_digits(value, 4, &year) || value[4] != '-' || value[5] != 'Q' ||
            !read_digits(value + 6, 1, &p->quarter)) {
            *why = "a quarter must be written YYYY-Qn";
            return FR_EINVAL;
        }
        p->year = year;
        if (p->quarter < 1 || p->quarter > 4) {
            *why = "quarter must be Q1 to Q4";
            return FR_EINVAL;
        }
        return FR_OK;

    case FR_PRECISION_MONTH:
        if (len != 7 || !read_digits(value, 4, &year) || value[4] != '-' ||
            !read_digits(value + 5, 2, &p->month)) {
            *why = "a month must be written YYYY-MM";
            return FR_EINVAL;
        }
        p->year = year;
        if (p->month < 1 || p->month > 12) {
            *why = "month must be 01 to 12";
            return FR_EINVAL;
        }
        return FR_OK;

    case FR_PRECISION_WEEK:
        if (len != 8 || !read_digits(value, 4, &year) || value[4] != '-' || value[5] != 'W' ||
            !read_digits(value + 6, 2, &p->week)) {
            *why = "a week must be written YYYY-Www";
            return FR_EINVAL;
        }
        p->year = year;
        if (p->week < 1 || p->week > 53) {
            *why = "week must be 01 to 53";
            return FR_EINVAL;
        }
        if (p->week > iso_weeks_in_year(p->year)) {
            *why = "that year has no ISO week 53";
            return FR_EINVAL;
        }
        return FR_OK;

    case FR_PRECISION_DAY:
        if (len != 10) {
            *why = DAY_FORM;
            return FR_EINVAL;
        }
        return read_calendar_day(value, DAY_FORM, p, why);

    case FR_PRECISION_MINUTE:
        if ((len != 17 && len != 22) || value[10] != 'T' || value[13] != ':' ||
            !read_digits(value + 11, 2, &p->hour) || !read_digits(value + 14, 2, &p->minute) ||
            (len == 17 && value[16] != 'Z') ||
            (len == 22 && ((value[16] != '+' && value[16] != '-') || value[19] != ':' ||
                           !read_digits(value + 17, 2, &p->offset_hours) ||
                           !read_digits(value + 20, 2, &p->offset_minutes)))) {
            *why = MINUTE_FORM;
            return FR_EINVAL;
        }
        if (read_calendar_day(value, MINUTE_FORM, p, why) != FR_OK)
            return FR_EINVAL;
        if (p->hour > 23) {
            *why = "hour must be 00 to 23";
            return FR_EINVAL;
        }
        if (p->minute > 59) {
            *why = "minute must be 00 to 59";
            return FR_EINVAL;
        }
        p->utc = len == 17;
        p->offset_sign = value[16] == '-' ? -1 : 1;
        if (p->offset_hours > 14) {
            *why = "UTC offset hours must be 00 to 14";
            return FR_EINVAL;
        }
        if (p->offset_minutes > 59) {
            *why = "UTC offset minutes must be 00 to 59";
            return FR_EINVAL;
        }
        return FR_OK;
    }
    *why = "precision must be year, quarter, month, week, day or minute";
    return FR_EINVAL;
}

/* The interval a value denotes before any qualifier. */
static void base_interval(enum fr_precision precision, const struct date_parts *p,
                          int64_t *earliest, int64_t *latest)
{
    int64_t day;

    switch (precision) {
    case FR_PRECISION_YEAR:
        months_interval(p->year, 1, 12, earliest, latest);
        break;
    case FR_PRECISION_QUARTER:
        months_interval(p->year, 3 * p->quarter - 2, 3 * p->quarter, earliest, latest);
        break;
    case FR_PRECISION_MONTH:
        months_interval(p->year, p->month, p->month, earliest, latest);
        break;
    case FR_PRECISION_WEEK:
        day = iso_week1_monday(p->year) + 7 * ((int64_t)p->week - 1);
        days_interval(day, day + 6, earliest, latest);
        break;
    case FR_PRECISION_DAY:
        day = fr_days_from_civil(p->year, p->month, p->day);
        days_interval(day, day, earliest, latest);
        break;
    case FR_PRECISION_MINUTE:
        /* The value is local time at the written offset; the UTC minute is
         * local time minus the offset (12:00+08:00 is 04:00Z). */
        *earliest = fr_days_from_civil(p->year, p->month, p->day) * MINUTES_PER_DAY +
                    p->hour * 60 + p->minute;
        if (!p->utc)
            *earliest -= p->offset_sign * (int64_t)(p->offset_hours * 60 + p->offset_minutes);
        *latest = *earliest;
        break;
    }
}

/*
 * The first, second or last third (which 0..2) of a year, quarter or month:
 * four months of a year, one month of a quarter, days 1-10, 11-20 and
 * 21-last of a month.
 */
static void third_interval(enum fr_precision precision, const struct date_parts *p,
                           unsigned which, int64_t *earliest, int64_t *latest)
{
    unsigned first;
    unsigned last;

    switch (precision) {
    case FR_PRECISION_YEAR:
        months_interval(p->year, 4 * which + 1, 4 * which + 4, earliest, latest);
        break;
    case FR_PRECISION_QUARTER:
        first = 3 * p->quarter - 2 + which;
        months_interval(p->year, first, first, earliest, latest);
        break;
    default: /* month: parse checked that nothing else gets here */
        first = 10 * which + 1;
        last = which == 2 ? days_in_month(p->year, p->month) : first + 9;
        days_interval(fr_days_from_civil(p->year, p->month, first),
                      fr_days_from_civil(p->year, p->month, last), earliest, latest);
        break;
    }
}

/*
 * Meteorological seasons of the northern hemisphere. Winter of year Y is
 * December Y to February Y+1: the season that begins in Y, as spring, summer
 * and autumn do, so that the four seasons of a year follow each other and
 * "winter 2025" comes after "autumn 2025".
 */
static void season_interval(enum fr_qualifier season, int64_t year, int64_t *earliest,
                            int64_t *latest)
{
    switch (season) {
    case FR_QUALIFIER_SPRING:
        months_interval(year, 3, 5, earliest, latest);
        break;
    case FR_QUALIFIER_SUMMER:
        months_interval(year, 6, 8, earliest, latest);
        break;
    case FR_QUALIFIER_AUTUMN:
        months_interval(year, 9, 11, earliest, latest);
        break;
    default: /* winter */
        days_interval(fr_days_from_civil(year, 12, 1), fr_days_from_civil(year + 1, 3, 1) - 1,
                      earliest, latest);
        break;
    }
}

static bool lookup_name(const char *const *names, size_t count, const char *name, size_t *index)
{
    for (size_t i = 0; i < count; i++) {
        if (names[i] != NULL && strcmp(names[i], name) == 0) {
            *index = i;
            return true;
        }
    }
    return false;
}

/* Which qualifiers make sense for which precision, as the header's table says. */
static enum fr_status check_qualifier(enum fr_precision precision, enum fr_qualifier qualifier,
                                      const char **why)
{
    switch (qualifier) {
    case FR_QUALIFIER_EARLY:
    case FR_QUALIFIER_MID:
    case FR_QUALIFIER_LATE:
    case FR_QUALIFIER_END:
        if (precision != FR_PRECISION_YEAR && precision != FR_PRECISION_QUARTER &&
            precision != FR_PRECISION_MONTH) {
            *why = "early, mid, late and end qualify only a year, quarter or month";
            return FR_EINVAL;
        }
        return FR_OK;
    case FR_QUALIFIER_SPRING:
    case FR_QUALIFIER_SUMMER:
    case FR_QUALIFIER_AUTUMN:
    case FR_QUALIFIER_WINTER:
        if (precision != FR_PRECISION_YEAR) {
            *why = "a season qualifies only a year";
            return FR_EINVAL;
        }
        return FR_OK;
    case FR_QUALIFIER_NONE:
    case FR_QUALIFIER_BEFORE:
    case FR_QUALIFIER_AFTER:
    case FR_QUALIFIER_ABOUT:
        return FR_OK;
    }
    *why = "unknown qualifier";
    return FR_EINVAL;
}

/* Parses value at an already known precision; the shared body of the two
 * public parsers. out is written only on success. */
static enum fr_status parse_known(const char *value, enum fr_precision precision,
                                  enum fr_qualifier qualifier, struct fr_date *out,
                                  const char **why)
{
    struct date_parts parts;
    struct fr_date date;
    size_t len;

    if (check_qualifier(precision, qualifier, why) != FR_OK)
        return FR_EINVAL;
    len = strlen(value);
    if (len >= sizeof date.value) {
        *why = "date value is too long";
        return FR_EINVAL;
    }
    if (parse_value(value, precision, &parts, why) != FR_OK)
        return FR_EINVAL;

    memset(&date, 0, sizeof date);
    memcpy(date.value, value, len + 1);
    date.precision = precision;
    date.qualifier = qualifier;

    switch (qualifier) {
    case FR_QUALIFIER_EARLY:
        third_interval(precision, &parts, 0, &date.earliest, &date.latest);
        break;
    case FR_QUALIFIER_MID:
        third_interval(precision, &parts, 1, &date.earliest, &date.latest);
        break;
    case FR_QUALIFIER_LATE:
    case FR_QUALIFIER_END:
        third_interval(precision, &parts, 2, &date.earliest, &date.latest);
        break;
    case FR_QUALIFIER_SPRING:
    case FR_QUALIFIER_SUMMER:
    case FR_QUALIFIER_AUTUMN:
    case FR_QUALIFIER_WINTER:
        season_interval(qualifier, parts.year, &date.earliest, &date.latest);
        break;
    case FR_QUALIFIER_BEFORE:
        base_interval(precision, &parts, &date.earliest, &date.latest);
        date.latest = date.earliest - 1;
        date.earliest = FR_DATE_MIN_MINUTE;
        break;
    case FR_QUALIFIER_AFTER:
        base_interval(precision, &parts, &date.earliest, &date.latest);
        date.earliest = date.latest + 1;
        date.latest = FR_DATE_MAX_MINUTE;
        break;
    case FR_QUALIFIER_NONE:
    case FR_QUALIFIER_ABOUT:
        base_interval(precision, &parts, &date.earliest, &date.latest);
        break;
    }
    *out = date;
    return FR_OK;
}

enum fr_status fr_date_parse(const char *value, const char *precision,
                             const char *qualifier, struct fr_date *out,
                             const char **why)
{
    const char *ignored;
    size_t p = 0;
    size_t q = FR_QUALIFIER_NONE;

    if (why == NULL)
        why = &ignored;
    if (value == NULL) {
        *why = "date value is required";
        return FR_EINVAL;
    }
    if (precision == NULL || !lookup_name(precision_names, PRECISION_COUNT, precision, &p)) {
        *why = "precision must be year, quarter, month, week, day or minute";
        return FR_EINVAL;
    }
    if (qualifier != NULL && !lookup_name(qualifier_names, QUALIFIER_COUNT, qualifier, &q)) {
        *why = "qualifier must be early, mid, late, end, spring, summer, autumn, winter, "
               "before, after or about";
        return FR_EINVAL;
    }
    return parse_known(value, (enum fr_precision)p, (enum fr_qualifier)q, out, why);
}

enum fr_status fr_date_parse_query(const char *text, struct fr_date *out, const char **why)
{
    const char *ignored;
    enum fr_precision precision;

    if (why == NULL)
        why = &ignored;
    if (text == NULL) {
        *why = "date is required";
        return FR_EINVAL;
    }
    switch (strlen(text)) {
    case 4:
        precision = FR_PRECISION_YEAR;
        break;
    case 7:
        precision = FR_PRECISION_MONTH;
        break;
    case 10:
        precision = FR_PRECISION_DAY;
        break;
    default:
        *why = "date must be written YYYY, YYYY-MM or YYYY-MM-DD";
        return FR_EINVAL;
    }
    return parse_known(text, precision, FR_QUALIFIER_NONE, out, why);
}

/* ---- ordering and names ---- */

int fr_date_compare(const struct fr_date *a, const struct fr_date *b)
{
    int c;

    if (a->earliest != b->earliest)
        return a->earliest < b->earliest ? -1 : 1;
    if (a->latest != b->latest)
        return a->latest < b->latest ? -1 : 1;
    c = strcmp(a->value, b->value);
    if (c != 0)
        return c < 0 ? -1 : 1;
    /* Same text and interval ("2025" and "about 2025"): still a total order. */
    if (a->precision != b->precision)
        return a->precision < b->precision ? -1 : 1;
    if (a->qualifier != b->qualifier)
        return a->qualifier < b->qualifier ? -1 : 1;
    return 0;
}

const char *fr_precision_name(enum fr_precision precision)
{
    if ((size_t)precision >= PRECISION_COUNT)
        return NULL;
    return precision_names[precision];
}

const char *fr_qualifier_name(enum fr_qualifier qualifier)
{
    if ((size_t)qualifier >= QUALIFIER_COUNT)
        return NULL;
    return qualifier_names[qualifier];
}

/* ---- display ---- */

/* The unqualified date as words: "Q3 2025", "10 July 2025 12:00 UTC+08:00". */
static enum fr_status display_base(enum fr_precision precision, const struct date_parts *p,
                                   char *out, size_t size)
{
    int n = -1;

    switch (precision) {
    case FR_PRECISION_YEAR:
        n = snprintf(out, size, "%" PRId64, p->year);
        break;
    case FR_PRECISION_QUARTER:
        n = snprintf(out, size, "Q%u %" PRId64, p->quarter, p->year);
        break;
    case FR_PRECISION_MONTH:
        n = snprintf(out, size, "%s %" PRId64, month_names[p->month - 1], p->year);
        break;
    case FR_PRECISION_WEEK:
        n = snprintf(out, size, "week %u of %" PRId64, p->week, p->year);
        break;
    case FR_PRECISION_DAY:
        n = snprintf(out, size, "%u %s %" PRId64, p->day, month_names[p->month - 1], p->year);
        break;
    case FR_PRECISION_MINUTE:
        if (p->utc)
            n = snprintf(out, size, "%u %s %" PRId64 " %02u:%02u UTC", p->day,
                         month_names[p->month - 1], p->year, p->hour, p->minute);
        else
            n = snprintf(out, size, "%u %s %" PRId64 " %02u:%02u UTC%c%02u:%02u", p->day,
                         month_names[p->month - 1], p->year, p->hour, p->minute,
                         p->offset_sign < 0 ? '-' : '+', p->offset_hours, p->offset_minutes);
        break;
    }
    return n >= 0 && (size_t)n < size ? FR_OK : FR_EINVAL;
}

/*
 * Built from the value as written (re-read, so a date that did not come from
 * fr_date_parse() is checked too), never from the interval: "12:00 UTC+08:00"
 * stays the time the source gave.
 */
enum fr_status fr_date_display(const struct fr_date *date, char *out, size_t size)
{
    struct date_parts parts;
    char base[64];
    const char *why;
    const char *prefix = "";
    int n;

    if (size == 0)
        return FR_EINVAL;
    out[0] = '\0';
    if (memchr(date->value, '\0', sizeof date->value) == NULL ||
        check_qualifier(date->precision, date->qualifier, &why) != FR_OK ||
        parse_value(date->value, date->precision, &parts, &why) != FR_OK)
        return FR_EINVAL;

    switch (date->qualifier) {
    case FR_QUALIFIER_NONE:
        break;
    case FR_QUALIFIER_EARLY:
        prefix = "early ";
        break;
    case FR_QUALIFIER_MID:
        prefix = "mid-";
        break;
    case FR_QUALIFIER_LATE:
        prefix = "late ";
        break;
    case FR_QUALIFIER_END:
        prefix = "end of ";
        break;
    case FR_QUALIFIER_SPRING:
        prefix = "spring ";
        break;
    case FR_QUALIFIER_SUMMER:
        prefix = "summer ";
        break;
    case FR_QUALIFIER_AUTUMN:
        prefix = "autumn ";
        break;
    case FR_QUALIFIER_WINTER:
        prefix = "winter ";
        break;
    case FR_QUALIFIER_BEFORE:
        prefix = "before ";
        break;
    case FR_QUALIFIER_AFTER:
        prefix = "after ";
        break;
    case FR_QUALIFIER_ABOUT:
        prefix = "about ";
        break;
    }
    if (display_base(date->precision, &parts, base, sizeof base) != FR_OK)
        return FR_EINVAL;
    n = snprintf(out, size, "%s%s", prefix, base);
    return n >= 0 && (size_t)n < size ? FR_OK : FR_EINVAL;
}

/*
 * Only four-digit years fit the 11 bytes; a minute outside years 0000-9999
 * (never produced by the parsers except as an open end) is written as "" too.
 */
void fr_date_format_day(int64_t minute, char out[11])
{
    int64_t year;
    unsigned month;
    unsigned day;

    out[0] = '\0';
    if (minute == FR_DATE_MIN_MINUTE || minute == FR_DATE_MAX_MINUTE)
        return;
    fr_civil_from_days(floor_div(minute, MINUTES_PER_DAY), &year, &month, &day);
    if (year < 0 || year > 9999)
        return;
    /* At most 10 characters by the checks above, so never truncated. */
    (void)snprintf(out, 11, "%04" PRId64 "-%02u-%02u", year, month, day);
}
