/*
 * Unit tests of dates with precision (src/core/date.c): the calendar
 * arithmetic, strict parsing of every form, the interval each precision and
 * qualifier denotes, ordering, and display.
 */
#include "frontier/date.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "support.h"

/* The minute y-m-d h:mi UTC, computed independently of the parser. */
static int64_t at(int64_t y, unsigned m, unsigned d, unsigned h, unsigned mi)
{
    return fr_days_from_civil(y, m, d) * 1440 + (int64_t)h * 60 + mi;
}

/* Parses and checks the interval; fails the test with the reason otherwise. */
static void expect_interval(const char *value, const char *precision, const char *qualifier,
                            int64_t earliest, int64_t latest)
{
    struct fr_date d;
    const char *why = NULL;
    enum fr_status st = fr_date_parse(value, precision, qualifier, &d, &why);

    ck_assert_msg(st == FR_OK, "%s %s %s: %s", value, precision, qualifier ? qualifier : "-",
                  why ? why : "(no reason)");
    ck_assert_msg(d.earliest == earliest, "%s %s %s: earliest %lld, expected %lld", value,
                  precision, qualifier ? qualifier : "-", (long long)d.earliest,
                  (long long)earliest);
    ck_assert_msg(d.latest == latest, "%s %s %s: latest %lld, expected %lld", value, precision,
                  qualifier ? qualifier : "-", (long long)d.latest, (long long)latest);
    ck_assert_str_eq(d.value, value);
}

/* Expects FR_EINVAL, a reason, and out left untouched. */
static void expect_invalid(const char *value, const char *precision, const char *qualifier)
{
    struct fr_date d;
    const char *why = NULL;
    enum fr_status st;

    memset(&d, 0x5a, sizeof d);
    st = fr_date_parse(value, precision, qualifier, &d, &why);
    ck_assert_msg(st == FR_EINVAL, "accepted %s %s %s", value ? value : "(null)",
                  precision ? precision : "(null)", qualifier ? qualifier : "-");
    ck_assert_msg(why != NULL && why[0] != '\0', "no reason for %s", value ? value : "(null)");
    ck_assert_int_eq(((unsigned char *)&d)[0], 0x5a);
    ck_assert_int_eq(((unsigned char *)&d)[sizeof d - 1], 0x5a);
    /* A NULL why is allowed and changes nothing else. */
    ck_assert_int_eq(fr_date_parse(value, precision, qualifier, &d, NULL), FR_EINVAL);
}

static void expect_display(const char *value, const char *precision, const char *qualifier,
                           const char *expected)
{
    struct fr_date d;
    char out[80];
    const char *why = NULL;

    ck_assert_msg(fr_date_parse(value, precision, qualifier, &d, &why) == FR_OK, "%s: %s", value,
                  why);
    ck_assert_int_eq(fr_date_display(&d, out, sizeof out), FR_OK);
    ck_assert_str_eq(out, expected);
}

/* ---- calendar arithmetic ---- */

START_TEST(test_civil_known_days)
{
    int64_t y;
    unsigned m;
    unsigned d;

    ck_assert_int_eq(fr_days_from_civil(1970, 1, 1), 0);
    ck_assert_int_eq(fr_days_from_civil(1969, 12, 31), -1);
    ck_assert_int_eq(fr_days_from_civil(2000, 3, 1), 11017);
    ck_assert_int_eq(fr_days_from_civil(2024, 2, 29), 19782);
    ck_assert_int_eq(fr_days_from_civil(2025, 7, 10), 20279);
    ck_assert_int_eq(fr_days_from_civil(1, 1, 1), -719162);
    ck_assert_int_eq(fr_days_from_civil(0, 3, 1), -719468);
    ck_assert_int_eq(fr_days_from_civil(9999, 12, 31), 2932896);
    /* Year 0 is a leap year and year -1 ends the day before it starts. */
    ck_assert_int_eq(fr_days_from_civil(0, 3, 1) - fr_days_from_civil(0, 2, 28), 2);
    ck_assert_int_eq(fr_days_from_civil(-1, 12, 31) + 1, fr_days_from_civil(0, 1, 1));

    fr_civil_from_days(20279, &y, &m, &d);
    ck_assert_int_eq(y, 2025);
    ck_assert_uint_eq(m, 7);
    ck_assert_uint_eq(d, 10);
    fr_civil_from_days(-1, &y, &m, &d);
    ck_assert_int_eq(y, 1969);
    ck_assert_uint_eq(m, 12);
    ck_assert_uint_eq(d, 31);
    fr_civil_from_days(fr_days_from_civil(-400, 2, 29), &y, &m, &d);
    ck_assert_int_eq(y, -400);
    ck_assert_uint_eq(m, 2);
    ck_assert_uint_eq(d, 29);
}
END_TEST

/* Every day over a span crossing year 0 and 1970: consecutive, a valid date,
 * and the round trip is the identity. */
START_TEST(test_civil_round_trip)
{
    int64_t prev_y = 0;
    unsigned prev_m = 0;
    unsigned prev_d = 0;

    for (int64_t days = -800000; days <= 800000; days++) {
        int64_t y;
        unsigned m;
        unsigned d;

        fr_civil_from_days(days, &y, &m, &d);
        /* Plain checks: a Check assertion per day would dominate the run time. */
        if (m < 1 || m > 12 || d < 1 || d > 31)
            ck_abort_msg("%lld gave month %u day %u", (long long)days, m, d);
        if (fr_days_from_civil(y, m, d) != days)
            ck_abort_msg("round trip of %lld failed", (long long)days);
        if (days > -800000) {
            bool next = d == 1 ? prev_d >= 28 && (m == 1 ? prev_m == 12 && prev_y == y - 1
                                                         : prev_m == m - 1 && prev_y == y)
                               : prev_d == d - 1 && prev_m == m && prev_y == y;
            if (!next)
                ck_abort_msg("%lld does not follow the day before", (long long)days);
        }
        prev_y = y;
        prev_m = m;
        prev_d = d;
    }
}
END_TEST

/* ---- intervals by precision ---- */

START_TEST(test_year_quarter_month)
{
    expect_interval("2025", "year", NULL, at(2025, 1, 1, 0, 0), at(2025, 12, 31, 23, 59));
    expect_interval("2025-Q1", "quarter", NULL, at(2025, 1, 1, 0, 0), at(2025, 3, 31, 23, 59));
    expect_interval("2025-Q3", "quarter", NULL, at(2025, 7, 1, 0, 0), at(2025, 9, 30, 23, 59));
    expect_interval("2025-Q4", "quarter", NULL, at(2025, 10, 1, 0, 0),
                    at(2025, 12, 31, 23, 59));
    expect_interval("2025-05", "month", NULL, at(2025, 5, 1, 0, 0), at(2025, 5, 31, 23, 59));
    expect_interval("2025-04", "month", NULL, at(2025, 4, 1, 0, 0), at(2025, 4, 30, 23, 59));
    expect_interval("2025-12", "month", NULL, at(2025, 12, 1, 0, 0), at(2025, 12, 31, 23, 59));
    expect_interval("0000", "year", NULL, at(0, 1, 1, 0, 0), at(0, 12, 31, 23, 59));
    expect_interval("9999", "year", NULL, at(9999, 1, 1, 0, 0), at(9999, 12, 31, 23, 59));
}
END_TEST

START_TEST(test_leap_days)
{
    expect_interval("2024-02", "month", NULL, at(2024, 2, 1, 0, 0), at(2024, 2, 29, 23, 59));
    expect_interval("2025-02", "month", NULL, at(2025, 2, 1, 0, 0), at(2025, 2, 28, 23, 59));
    expect_interval("1900-02", "month", NULL, at(1900, 2, 1, 0, 0), at(1900, 2, 28, 23, 59));
    expect_interval("2000-02", "month", NULL, at(2000, 2, 1, 0, 0), at(2000, 2, 29, 23, 59));
    expect_interval("2024-02-29", "day", NULL, at(2024, 2, 29, 0, 0), at(2024, 2, 29, 23, 59));
    expect_interval("2000-02-29", "day", NULL, at(2000, 2, 29, 0, 0), at(2000, 2, 29, 23, 59));
    expect_interval("2024-02-29T23:59Z", "minute", NULL, at(2024, 2, 29, 23, 59),
                    at(2024, 2, 29, 23, 59));
    expect_invalid("2025-02-29", "day", NULL);
    expect_invalid("1900-02-29", "day", NULL);
    expect_invalid("2100-02-29", "day", NULL);
    expect_invalid("2023-02-29T12:00Z", "minute", NULL);
    /* A leap year is 366 days long, the others 365. */
    ck_assert_int_eq(fr_days_from_civil(2025, 1, 1) - fr_days_from_civil(2024, 1, 1), 366);
    ck_assert_int_eq(fr_days_from_civil(1901, 1, 1) - fr_days_from_civil(1900, 1, 1), 365);
    ck_assert_int_eq(fr_days_from_civil(2001, 1, 1) - fr_days_from_civil(2000, 1, 1), 366);
}
END_TEST

START_TEST(test_iso_weeks)
{
    static const int long_years[] = {2015, 2020, 2026, 2032, 2037, 2043, 2048};
    char value[16];

    expect_interval("2025-W28", "week", NULL, at(2025, 7, 7, 0, 0), at(2025, 7, 13, 23, 59));
    /* 4 January 2025 is a Saturday: week 1 starts on Monday 30 December 2024. */
    expect_interval("2025-W01", "week", NULL, at(2024, 12, 30, 0, 0), at(2025, 1, 5, 23, 59));
    /* 4 January 2026 is a Sunday: week 1 starts on 29 December 2025. */
    expect_interval("2026-W01", "week", NULL, at(2025, 12, 29, 0, 0), at(2026, 1, 4, 23, 59));
    /* 4 January 2021 is a Monday: week 1 starts on it. */
    expect_interval("2021-W01", "week", NULL, at(2021, 1, 4, 0, 0), at(2021, 1, 10, 23, 59));
    expect_interval("2025-W52", "week", NULL, at(2025, 12, 22, 0, 0),
                    at(2025, 12, 28, 23, 59));
    expect_interval("2020-W53", "week", NULL, at(2020, 12, 28, 0, 0), at(2021, 1, 3, 23, 59));
    expect_interval("2026-W53", "week", NULL, at(2026, 12, 28, 0, 0), at(2027, 1, 3, 23, 59));
    expect_invalid("2025-W53", "week", NULL);
    expect_invalid("2024-W53", "week", NULL);
    expect_invalid("2021-W53", "week", NULL);

    /* A year has 53 weeks exactly when it starts on a Thursday, or is a leap
     * year starting on a Wednesday. */
    for (int y = 1900; y <= 2100; y++) {
        int64_t jan1 = fr_days_from_civil(y, 1, 1);
        int64_t weekday = ((jan1 + 3) % 7 + 7) % 7 + 1; /* Monday 1 */
        bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        bool long_year = weekday == 4 || (leap && weekday == 3);
        struct fr_date d;
        bool listed = false;

        snprintf(value, sizeof value, "%04d-W53", y);
        ck_assert_msg((fr_date_parse(value, "week", NULL, &d, NULL) == FR_OK) == long_year,
                      "%s", value);
        for (size_t i = 0; i < sizeof long_years / sizeof long_years[0]; i++)
            listed = listed || long_years[i] == y;
        if (y >= 2014 && y <= 2050)
            ck_assert_msg(listed == long_year, "%d", y);
        if (long_year) {
            /* Week 53 ends the day before the next year's week 1 starts. */
            struct fr_date next;
            char next_value[16];
            snprintf(next_value, sizeof next_value, "%04d-W01", y + 1);
            ck_assert_int_eq(fr_date_parse(next_value, "week", NULL, &next, NULL), FR_OK);
            ck_assert_int_eq(d.latest + 1, next.earliest);
        }
    }
}
END_TEST

START_TEST(test_day_and_minute)
{
    expect_interval("2025-07-10", "day", NULL, at(2025, 7, 10, 0, 0), at(2025, 7, 10, 23, 59));
    expect_interval("1969-12-31", "day", NULL, -1440, -1);
    expect_interval("2025-07-10T12:00+08:00", "minute", NULL, at(2025, 7, 10, 4, 0),
                    at(2025, 7, 10, 4, 0));
    expect_interval("2025-07-10T12:00Z", "minute", NULL, at(2025, 7, 10, 12, 0),
                    at(2025, 7, 10, 12, 0));
    expect_interval("2025-07-10T12:00+00:00", "minute", NULL, at(2025, 7, 10, 12, 0),
                    at(2025, 7, 10, 12, 0));
    expect_interval("2025-07-10T02:30-05:30", "minute", NULL, at(2025, 7, 10, 8, 0),
                    at(2025, 7, 10, 8, 0));
    /* The offset moves the minute across a year boundary both ways. */
    expect_interval("2025-01-01T03:00+08:00", "minute", NULL, at(2024, 12, 31, 19, 0),
                    at(2024, 12, 31, 19, 0));
    expect_interval("2024-12-31T23:30-01:00", "minute", NULL, at(2025, 1, 1, 0, 30),
                    at(2025, 1, 1, 0, 30));
    expect_interval("2025-07-10T00:00+14:00", "minute", NULL, at(2025, 7, 9, 10, 0),
                    at(2025, 7, 9, 10, 0));
    expect_interval("2025-07-10T23:59-14:59", "minute", NULL, at(2025, 7, 11, 14, 58),
                    at(2025, 7, 11, 14, 58));
}
END_TEST

/* ---- qualifiers ---- */

START_TEST(test_thirds)
{
    expect_interval("2025", "year", "early", at(2025, 1, 1, 0, 0), at(2025, 4, 30, 23, 59));
    expect_interval("2025", "year", "mid", at(2025, 5, 1, 0, 0), at(2025, 8, 31, 23, 59));
    expect_interval("2025", "year", "late", at(2025, 9, 1, 0, 0), at(2025, 12, 31, 23, 59));
    expect_interval("2025", "year", "end", at(2025, 9, 1, 0, 0), at(2025, 12, 31, 23, 59));
    expect_interval("2025-Q3", "quarter", "early", at(2025, 7, 1, 0, 0),
                    at(2025, 7, 31, 23, 59));
    expect_interval("2025-Q3", "quarter", "mid", at(2025, 8, 1, 0, 0), at(2025, 8, 31, 23, 59));
    expect_interval("2025-Q3", "quarter", "late", at(2025, 9, 1, 0, 0),
                    at(2025, 9, 30, 23, 59));
    expect_interval("2025-Q1", "quarter", "end", at(2025, 3, 1, 0, 0), at(2025, 3, 31, 23, 59));
    expect_interval("2025-05", "month", "early", at(2025, 5, 1, 0, 0), at(2025, 5, 10, 23, 59));
    expect_interval("2025-05", "month", "mid", at(2025, 5, 11, 0, 0), at(2025, 5, 20, 23, 59));
    expect_interval("2025-05", "month", "late", at(2025, 5, 21, 0, 0), at(2025, 5, 31, 23, 59));
    expect_interval("2025-04", "month", "end", at(2025, 4, 21, 0, 0), at(2025, 4, 30, 23, 59));
    expect_interval("2024-02", "month", "end", at(2024, 2, 21, 0, 0), at(2024, 2, 29, 23, 59));
    expect_interval("2025-02", "month", "late", at(2025, 2, 21, 0, 0), at(2025, 2, 28, 23, 59));
}
END_TEST

START_TEST(test_seasons)
{
    expect_interval("2025", "year", "spring", at(2025, 3, 1, 0, 0), at(2025, 5, 31, 23, 59));
    expect_interval("2025", "year", "summer", at(2025, 6, 1, 0, 0), at(2025, 8, 31, 23, 59));
    expect_interval("2025", "year", "autumn", at(2025, 9, 1, 0, 0), at(2025, 11, 30, 23, 59));
    /* Winter of Y runs from December Y into February Y+1. */
    expect_interval("2024", "year", "winter", at(2024, 12, 1, 0, 0), at(2025, 2, 28, 23, 59));
    expect_interval("2023", "year", "winter", at(2023, 12, 1, 0, 0), at(2024, 2, 29, 23, 59));
    expect_interval("9999", "year", "winter", at(9999, 12, 1, 0, 0), at(10000, 2, 29, 23, 59));
}
END_TEST

START_TEST(test_before_after_about)
{
    expect_interval("2025-07-10", "day", "before", FR_DATE_MIN_MINUTE, at(2025, 7, 9, 23, 59));
    expect_interval("2025-07-10", "day", "after", at(2025, 7, 11, 0, 0), FR_DATE_MAX_MINUTE);
    expect_interval("2025-07-10", "day", "about", at(2025, 7, 10, 0, 0),
                    at(2025, 7, 10, 23, 59));
    expect_interval("2025-05", "month", "before", FR_DATE_MIN_MINUTE, at(2025, 4, 30, 23, 59));
    expect_interval("2025", "year", "after", at(2026, 1, 1, 0, 0), FR_DATE_MAX_MINUTE);
    expect_interval("2025-Q2", "quarter", "about", at(2025, 4, 1, 0, 0),
                    at(2025, 6, 30, 23, 59));
    expect_interval("2025-W28", "week", "before", FR_DATE_MIN_MINUTE, at(2025, 7, 6, 23, 59));
    expect_interval("2025-W28", "week", "after", at(2025, 7, 14, 0, 0), FR_DATE_MAX_MINUTE);
    expect_interval("2025-07-10T12:00+08:00", "minute", "before", FR_DATE_MIN_MINUTE,
                    at(2025, 7, 10, 3, 59));
    expect_interval("2025-07-10T12:00+08:00", "minute", "after", at(2025, 7, 10, 4, 1),
                    FR_DATE_MAX_MINUTE);
    expect_interval("2025-07-10T12:00+08:00", "minute", "about", at(2025, 7, 10, 4, 0),
                    at(2025, 7, 10, 4, 0));
}
END_TEST

/* Every precision against every qualifier, checked against the header's table. */
START_TEST(test_qualifier_matrix)
{
    static const char *const values[] = {"2025", "2025-Q3", "2025-05", "2025-W28",
                                         "2025-07-10", "2025-07-10T12:00Z"};
    static const char *const precisions[] = {"year", "quarter", "month", "week", "day", "minute"};
    static const char *const qualifiers[] = {"early",  "mid",    "late",   "end",
                                             "spring", "summer", "autumn", "winter",
                                             "before", "after",  "about"};
    /* allowed[q][p] */
    static const bool allowed[11][6] = {
        {1, 1, 1, 0, 0, 0}, {1, 1, 1, 0, 0, 0}, {1, 1, 1, 0, 0, 0}, {1, 1, 1, 0, 0, 0},
        {1, 0, 0, 0, 0, 0}, {1, 0, 0, 0, 0, 0}, {1, 0, 0, 0, 0, 0}, {1, 0, 0, 0, 0, 0},
        {1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1},
    };

    for (size_t p = 0; p < 6; p++) {
        struct fr_date d;
        ck_assert_int_eq(fr_date_parse(values[p], precisions[p], NULL, &d, NULL), FR_OK);
        ck_assert_int_eq(d.precision, (int)p);
        ck_assert_int_eq(d.qualifier, FR_QUALIFIER_NONE);
        for (size_t q = 0; q < 11; q++) {
            if (allowed[q][p]) {
                const char *why = NULL;
                ck_assert_msg(fr_date_parse(values[p], precisions[p], qualifiers[q], &d,
                                            &why) == FR_OK,
                              "%s %s %s: %s", values[p], precisions[p], qualifiers[q], why);
                ck_assert_int_eq(d.qualifier, (int)q + 1);
                ck_assert_str_eq(fr_qualifier_name(d.qualifier), qualifiers[q]);
            } else {
                expect_invalid(values[p], precisions[p], qualifiers[q]);
            }
        }
    }
}
END_TEST

/* ---- rejection of malformed input ---- */

START_TEST(test_invalid_forms)
{
    static const char *const cases[][2] = {
        {"25", "year"},
        {"02025", "year"},
        {"2025 ", "year"},
        {" 2025", "year"},
        {"+202", "year"},
        {"-202", "year"},
        {"20a5", "year"},
        {"", "year"},
        {"2025-01", "year"},
        {"2025-Q0", "quarter"},
        {"2025-Q5", "quarter"},
        {"2025Q3", "quarter"},
        {"2025-q3", "quarter"},
        {"2025-Q10", "quarter"},
        {"2025-03", "quarter"},
        {"2025-5", "month"},
        {"2025-00", "month"},
        {"2025-13", "month"},
        {"2025/05", "month"},
        {"2025-1a", "month"},
        {"2025-05-01", "month"},
        {"2025", "month"},
        {"2025-W00", "week"},
        {"2025-W54", "week"},
        {"2025-W1", "week"},
        {"2025-w28", "week"},
        {"2025W28", "week"},
        {"2025-W280", "week"},
        {"2025-07-07", "week"},
        {"2025-02-30", "day"},
        {"2025-04-31", "day"},
        {"2025-00-10", "day"},
        {"2025-13-01", "day"},
        {"2025-07-00", "day"},
        {"2025-07-32", "day"},
        {"2025-7-10", "day"},
        {"2025-07-1", "day"},
        {"20250710", "day"},
        {"2025-07-10 ", "day"},
        {"2025/07/10", "day"},
        {"2025-07-10T12:00Z", "day"},
        {"2025-07-10", "minute"},
        {"2025-07-10T12:00", "minute"},
        {"2025-07-10T24:00Z", "minute"},
        {"2025-07-10T12:60Z", "minute"},
        {"2025-07-10 12:00Z", "minute"},
        {"2025-07-10t12:00Z", "minute"},
        {"2025-07-10T12:00z", "minute"},
        {"2025-07-10T12:00+15:00", "minute"},
        {"2025-07-10T12:00+08:60", "minute"},
        {"2025-07-10T12:00+0800", "minute"},
        {"2025-07-10T12:00+08", "minute"},
        {"2025-07-10T12:00*08:00", "minute"},
        {"2025-07-10T12:00:00Z", "minute"},
        {"2025-07-10T12:00 +08:00", "minute"},
        {"2025-07-10T1:00Z", "minute"},
        {"2025-02-30T12:00Z", "minute"},
        {"2025-7-10T12:00+08:00", "minute"},
        {"2025-07-10T12:00+08:00Z", "minute"},
        {"2025", "Year"},
        {"2025", "hour"},
        {"2025", ""},
        {"2025-05-20T12:00:00.000000000000Z", "minute"},
        {"2025-05-20T12:00+08:00 and some more text", "minute"},
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_invalid(cases[i][0], cases[i][1], NULL);
    expect_invalid("2025", NULL, NULL);
    expect_invalid(NULL, "year", NULL);
    expect_invalid("2025", "year", "");
    expect_invalid("2025", "year", "Mid");
    expect_invalid("2025", "year", "middle");
    expect_invalid("2025", "year", "fall");
    expect_invalid("2025", "year", "none");
}
END_TEST

START_TEST(test_invalid_reasons)
{
    struct fr_date d;
    const char *why = NULL;

    ck_assert_int_eq(fr_date_parse("2025-13", "month", NULL, &d, &why), FR_EINVAL);
    ck_assert_str_eq(why, "month must be 01 to 12");
    ck_assert_int_eq(fr_date_parse("2025-5", "month", NULL, &d, &why), FR_EINVAL);
    ck_assert_str_eq(why, "a month must be written YYYY-MM");
    ck_assert_int_eq(fr_date_parse("2025-W53", "week", NULL, &d, &why), FR_EINVAL);
    ck_assert_str_eq(why, "that year has no ISO week 53");
    ck_assert_int_eq(fr_date_parse("2025-02-29", "day", NULL, &d, &why), FR_EINVAL);
    ck_assert_str_eq(why, "day does not exist in that month");
    ck_assert_int_eq(fr_date_parse("2025-07-10T24:00Z", "minute", NULL, &d, &why), FR_EINVAL);
    ck_assert_str_eq(why, "hour must be 00 to 23");
    ck_assert_int_eq(fr_date_parse("2025-07-10T12:00+15:00", "minute", NULL, &d, &why),
                     FR_EINVAL);
    ck_assert_str_eq(why, "UTC offset hours must be 00 to 14");
    ck_assert_int_eq(fr_date_parse("2025-05", "month", "summer", &d, &why), FR_EINVAL);
    ck_assert_str_eq(why, "a season qualifies only a year");
    ck_assert_int_eq(fr_date_parse("2025-07-10", "day", "mid", &d, &why), FR_EINVAL);
    ck_assert_str_eq(why, "early, mid, late and end qualify only a year, quarter or month");
}
END_TEST

/* ---- query dates ---- */

START_TEST(test_parse_query)
{
    static const char *const bad[] = {"2025-5",  "2025-W28", "2025-Q3", "",        "2025-05-20T12:00Z",
                                      "abcd",    "2025-13",  "2025-02-29", "202",  "2025-05-2",
                                      "2025-05-20 ", "20250520"};
    struct fr_date d;
    const char *why = NULL;

    ck_assert_int_eq(fr_date_parse_query("2025", &d, &why), FR_OK);
    ck_assert_int_eq(d.precision, FR_PRECISION_YEAR);
    ck_assert_int_eq(d.qualifier, FR_QUALIFIER_NONE);
    ck_assert_int_eq(d.earliest, at(2025, 1, 1, 0, 0));
    ck_assert_int_eq(d.latest, at(2025, 12, 31, 23, 59));
    ck_assert_int_eq(fr_date_parse_query("2025-05", &d, &why), FR_OK);
    ck_assert_int_eq(d.precision, FR_PRECISION_MONTH);
    ck_assert_int_eq(d.latest, at(2025, 5, 31, 23, 59));
    ck_assert_int_eq(fr_date_parse_query("2025-05-20", &d, &why), FR_OK);
    ck_assert_int_eq(d.precision, FR_PRECISION_DAY);
    ck_assert_int_eq(d.earliest, at(2025, 5, 20, 0, 0));
    ck_assert_str_eq(d.value, "2025-05-20");

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        why = NULL;
        memset(&d, 0x5a, sizeof d);
        ck_assert_msg(fr_date_parse_query(bad[i], &d, &why) == FR_EINVAL, "accepted %s", bad[i]);
        ck_assert_msg(why != NULL, "no reason for %s", bad[i]);
        ck_assert_int_eq(((unsigned char *)&d)[0], 0x5a);
    }
    why = NULL;
    ck_assert_int_eq(fr_date_parse_query(NULL, &d, &why), FR_EINVAL);
    ck_assert_ptr_nonnull(why);
    ck_assert_int_eq(fr_date_parse_query("2025-5", &d, NULL), FR_EINVAL);
}
END_TEST

/* ---- ordering ---- */

static int compare_for_qsort(const void *a, const void *b)
{
    return fr_date_compare(a, b);
}

START_TEST(test_sort_mixed)
{
    /* Given out of order; expected order is by earliest, then latest. */
    static const char *const input[][3] = {
        {"2025-07-10T12:00+08:00", "minute", NULL},
        {"2025-05-20", "day", NULL},
        {"2025", "year", NULL},
        {"2025-05", "month", "mid"},
        {"2025-07-10", "day", "before"},
        {"2025-05", "month", NULL},
    };
    static const char *const expected[][2] = {
        {"2025-07-10", "before"}, {"2025", NULL},      {"2025-05", NULL},
        {"2025-05", "mid"},       {"2025-05-20", NULL}, {"2025-07-10T12:00+08:00", NULL},
    };
    struct fr_date dates[6];

    for (size_t i = 0; i < 6; i++)
        ck_assert_int_eq(fr_date_parse(input[i][0], input[i][1], input[i][2], &dates[i], NULL),
                         FR_OK);
    qsort(dates, 6, sizeof dates[0], compare_for_qsort);
    for (size_t i = 0; i < 6; i++) {
        const char *q = fr_qualifier_name(dates[i].qualifier);
        ck_assert_str_eq(dates[i].value, expected[i][0]);
        if (expected[i][1] == NULL)
            ck_assert_ptr_null(q);
        else
            ck_assert_str_eq(q, expected[i][1]);
    }
    /* The order is strict between neighbours and antisymmetric. */
    for (size_t i = 0; i + 1 < 6; i++) {
        ck_assert_int_lt(fr_date_compare(&dates[i], &dates[i + 1]), 0);
        ck_assert_int_gt(fr_date_compare(&dates[i + 1], &dates[i]), 0);
    }
}
END_TEST

START_TEST(test_compare_ties)
{
    struct fr_date a;
    struct fr_date b;
    struct fr_date c;

    ck_assert_int_eq(fr_date_parse("2025", "year", NULL, &a, NULL), FR_OK);
    ck_assert_int_eq(fr_date_parse("2025", "year", "about", &b, NULL), FR_OK);
    ck_assert_int_eq(fr_date_compare(&a, &a), 0);
    ck_assert_int_lt(fr_date_compare(&a, &b), 0);
    ck_assert_int_gt(fr_date_compare(&b, &a), 0);
    /* Same interval, different text: ordered by the text. */
    ck_assert_int_eq(fr_date_parse("2025-07-10T12:00+08:00", "minute", NULL, &a, NULL), FR_OK);
    ck_assert_int_eq(fr_date_parse("2025-07-10T04:00Z", "minute", NULL, &c, NULL), FR_OK);
    ck_assert_int_eq(a.earliest, c.earliest);
    ck_assert_int_gt(fr_date_compare(&a, &c), 0);
    ck_assert_int_lt(fr_date_compare(&c, &a), 0);
    /* Same start, shorter interval first: Q3 ends before the rest of the year. */
    ck_assert_int_eq(fr_date_parse("2025-07", "month", NULL, &a, NULL), FR_OK);
    ck_assert_int_eq(fr_date_parse("2025-Q3", "quarter", NULL, &b, NULL), FR_OK);
    ck_assert_int_lt(fr_date_compare(&a, &b), 0);
}
END_TEST

/* ---- names and display ---- */

START_TEST(test_names)
{
    ck_assert_str_eq(fr_precision_name(FR_PRECISION_YEAR), "year");
    ck_assert_str_eq(fr_precision_name(FR_PRECISION_QUARTER), "quarter");
    ck_assert_str_eq(fr_precision_name(FR_PRECISION_MONTH), "month");
    ck_assert_str_eq(fr_precision_name(FR_PRECISION_WEEK), "week");
    ck_assert_str_eq(fr_precision_name(FR_PRECISION_DAY), "day");
    ck_assert_str_eq(fr_precision_name(FR_PRECISION_MINUTE), "minute");
    ck_assert_ptr_null(fr_precision_name((enum fr_precision)6));
    ck_assert_ptr_null(fr_qualifier_name(FR_QUALIFIER_NONE));
    ck_assert_str_eq(fr_qualifier_name(FR_QUALIFIER_EARLY), "early");
    ck_assert_str_eq(fr_qualifier_name(FR_QUALIFIER_MID), "mid");
    ck_assert_str_eq(fr_qualifier_name(FR_QUALIFIER_END), "end");
    ck_assert_str_eq(fr_qualifier_name(FR_QUALIFIER_WINTER), "winter");
    ck_assert_str_eq(fr_qualifier_name(FR_QUALIFIER_ABOUT), "about");
    ck_assert_ptr_null(fr_qualifier_name((enum fr_qualifier)12));
}
END_TEST

START_TEST(test_display)
{
    expect_display("2025", "year", NULL, "2025");
    expect_display("2025-Q3", "quarter", NULL, "Q3 2025");
    expect_display("2025-05", "month", NULL, "May 2025");
    expect_display("2025-W28", "week", NULL, "week 28 of 2025");
    expect_display("2025-W01", "week", NULL, "week 1 of 2025");
    expect_display("2025-07-10", "day", NULL, "10 July 2025");
    expect_display("2025-07-01", "day", NULL, "1 July 2025");
    expect_display("2025-07-10T12:00+08:00", "minute", NULL, "10 July 2025 12:00 UTC+08:00");
    expect_display("2025-07-10T09:05-03:30", "minute", NULL, "10 July 2025 09:05 UTC-03:30");
    expect_display("2025-07-10T12:00Z", "minute", NULL, "10 July 2025 12:00 UTC");
    expect_display("2025-05", "month", "early", "early May 2025");
    expect_display("2025-05", "month", "mid", "mid-May 2025");
    expect_display("2025-05", "month", "late", "late May 2025");
    expect_display("2025-04", "month", "end", "end of April 2025");
    expect_display("2025", "year", "mid", "mid-2025");
    expect_display("2025", "year", "end", "end of 2025");
    expect_display("2025-Q1", "quarter", "early", "early Q1 2025");
    expect_display("2025", "year", "spring", "spring 2025");
    expect_display("2025", "year", "summer", "summer 2025");
    expect_display("2025", "year", "autumn", "autumn 2025");
    expect_display("2024", "year", "winter", "winter 2024");
    expect_display("2025-07-10", "day", "before", "before 10 July 2025");
    expect_display("2025-07-10", "day", "after", "after 10 July 2025");
    expect_display("2025-09", "month", "after", "after September 2025");
    expect_display("2025-07-10T11:00+08:00", "minute", "about",
                   "about 10 July 2025 11:00 UTC+08:00");
    expect_display("2025-01", "month", NULL, "January 2025");
    expect_display("2025-12", "month", NULL, "December 2025");
}
END_TEST

START_TEST(test_display_errors)
{
    struct fr_date d;
    char out[16];

    ck_assert_int_eq(fr_date_parse("2025-05", "month", "mid", &d, NULL), FR_OK);
    /* "mid-May 2025" is 12 characters: 13 bytes fit, 12 do not. */
    ck_assert_int_eq(fr_date_display(&d, out, 13), FR_OK);
    ck_assert_str_eq(out, "mid-May 2025");
    ck_assert_int_eq(fr_date_display(&d, out, 12), FR_EINVAL);
    ck_assert_str_eq(out, "mid-May 202");
    out[0] = 'x';
    ck_assert_int_eq(fr_date_display(&d, out, 0), FR_EINVAL);
    ck_assert_int_eq(out[0], 'x');

    /* A struct that fr_date_parse() would not have produced is refused. */
    d.qualifier = FR_QUALIFIER_SUMMER;
    ck_assert_int_eq(fr_date_display(&d, out, sizeof out), FR_EINVAL);
    ck_assert_str_eq(out, "");
    ck_assert_int_eq(fr_date_parse("2025-05", "month", NULL, &d, NULL), FR_OK);
    d.precision = FR_PRECISION_DAY;
    ck_assert_int_eq(fr_date_display(&d, out, sizeof out), FR_EINVAL);
    memset(d.value, '7', sizeof d.value);
    d.precision = FR_PRECISION_MONTH;
    ck_assert_int_eq(fr_date_display(&d, out, sizeof out), FR_EINVAL);
}
END_TEST

START_TEST(test_format_day)
{
    struct fr_date d;
    char out[11];

    fr_date_format_day(0, out);
    ck_assert_str_eq(out, "1970-01-01");
    fr_date_format_day(1439, out);
    ck_assert_str_eq(out, "1970-01-01");
    fr_date_format_day(-1, out);
    ck_assert_str_eq(out, "1969-12-31");
    fr_date_format_day(-1440, out);
    ck_assert_str_eq(out, "1969-12-31");
    fr_date_format_day(-1441, out);
    ck_assert_str_eq(out, "1969-12-30");
    fr_date_format_day(FR_DATE_MIN_MINUTE, out);
    ck_assert_str_eq(out, "");
    fr_date_format_day(FR_DATE_MAX_MINUTE, out);
    ck_assert_str_eq(out, "");
    fr_date_format_day(at(10000, 1, 1, 0, 0), out);
    ck_assert_str_eq(out, "");
    fr_date_format_day(at(-1, 12, 31, 23, 59), out);
    ck_assert_str_eq(out, "");
    fr_date_format_day(at(0, 1, 1, 0, 0), out);
    ck_assert_str_eq(out, "0000-01-01");
    fr_date_format_day(at(9999, 12, 31, 23, 59), out);
    ck_assert_str_eq(out, "9999-12-31");

    ck_assert_int_eq(fr_date_parse("2025-01-01T03:00+08:00", "minute", NULL, &d, NULL), FR_OK);
    fr_date_format_day(d.earliest, out);
    ck_assert_str_eq(out, "2024-12-31");
    ck_assert_int_eq(fr_date_parse("2025-07-10", "day", "before", &d, NULL), FR_OK);
    fr_date_format_day(d.earliest, out);
    ck_assert_str_eq(out, "");
    fr_date_format_day(d.latest, out);
    ck_assert_str_eq(out, "2025-07-09");
    ck_assert_int_eq(fr_date_parse("2025", "year", "summer", &d, NULL), FR_OK);
    fr_date_format_day(d.earliest, out);
    ck_assert_str_eq(out, "2025-06-01");
    fr_date_format_day(d.latest, out);
    ck_assert_str_eq(out, "2025-08-31");
}
END_TEST

/* Every day of two years parses, starts on its own day and formats back. */
START_TEST(test_every_day)
{
    char value[16];
    char out[11];

    for (int64_t days = fr_days_from_civil(2024, 1, 1); days < fr_days_from_civil(2026, 1, 1);
         days++) {
        int64_t y;
        unsigned m;
        unsigned dd;
        struct fr_date d;

        fr_civil_from_days(days, &y, &m, &dd);
        snprintf(value, sizeof value, "%04d-%02u-%02u", (int)y, m, dd);
        ck_assert_int_eq(fr_date_parse(value, "day", NULL, &d, NULL), FR_OK);
        ck_assert_int_eq(d.earliest, days * 1440);
        ck_assert_int_eq(d.latest, days * 1440 + 1439);
        fr_date_format_day(d.latest, out);
        ck_assert_str_eq(out, value);
    }
}
END_TEST

static Suite *date_suite(void)
{
    Suite *s = suite_create("date");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_civil_known_days);
    tcase_add_test(tc, test_civil_round_trip);
    tcase_add_test(tc, test_year_quarter_month);
    tcase_add_test(tc, test_leap_days);
    tcase_add_test(tc, test_iso_weeks);
    tcase_add_test(tc, test_day_and_minute);
    tcase_add_test(tc, test_thirds);
    tcase_add_test(tc, test_seasons);
    tcase_add_test(tc, test_before_after_about);
    tcase_add_test(tc, test_qualifier_matrix);
    tcase_add_test(tc, test_invalid_forms);
    tcase_add_test(tc, test_invalid_reasons);
    tcase_add_test(tc, test_parse_query);
    tcase_add_test(tc, test_sort_mixed);
    tcase_add_test(tc, test_compare_ties);
    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_display);
    tcase_add_test(tc, test_display_errors);
    tcase_add_test(tc, test_format_day);
    tcase_add_test(tc, test_every_day);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run_suite(date_suite()) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
