/*
 * Fuzzes dates as they arrive: in a query (as_of, from, to:
 * fr_date_parse_query) and in a written record (value, precision and
 * qualifier: fr_date_parse). The input's lines are the value, the precision
 * and the qualifier (none when there is no third line); the value alone is
 * also read as a query date. A date that parses must denote an interval
 * (earliest not after latest), compare equal to itself, display as text,
 * and have its first and last days written as calendar days that a query
 * reads back as days holding those minutes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frontier/date.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* minute's calendar day, when it has one of four digits, must parse as a
 * query date whose interval holds minute. */
static void check_day_of(int64_t minute)
{
    char day[11];
    struct fr_date back;
    const char *why = NULL;

    fr_date_format_day(minute, day);
    if (day[0] == '\0')
        return; /* an open end, or a year outside 0000-9999 */
    FUZZ_CHECK(strlen(day) == 10, "day '%s' of minute %lld", day, (long long)minute);
    FUZZ_CHECK(fr_date_parse_query(day, &back, &why) == FR_OK, "day '%s' does not parse: %s",
               day, why ? why : "");
    FUZZ_CHECK(back.earliest <= minute && minute <= back.latest,
               "day '%s' does not hold minute %lld", day, (long long)minute);
}

static void check_date(const struct fr_date *date, const char *how)
{
    char text[128];

    FUZZ_CHECK(date->earliest <= date->latest, "%s '%s': earliest %lld after latest %lld", how,
               date->value, (long long)date->earliest, (long long)date->latest);
    FUZZ_CHECK(fr_date_compare(date, date) == 0, "%s '%s' differs from itself", how,
               date->value);
    FUZZ_CHECK(fr_date_display(date, text, sizeof text) == FR_OK && text[0] != '\0',
               "%s '%s' has no display text", how, date->value);
    FUZZ_CHECK(memchr(date->value, '\0', sizeof date->value) != NULL, "%s: value unterminated",
               how);
    check_day_of(date->earliest);
    check_day_of(date->latest);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_strndup(data, size);
    char *precision = NULL, *qualifier = NULL;
    struct fr_date date, other;
    const char *why = NULL;

    precision = strchr(text, '\n');
    if (precision != NULL) {
        *precision++ = '\0';
        qualifier = strchr(precision, '\n');
        if (qualifier != NULL)
            *qualifier++ = '\0';
    }

    if (fr_date_parse_query(text, &date, &why) == FR_OK) {
        check_date(&date, "query date");
        FUZZ_CHECK(date.precision == FR_PRECISION_YEAR || date.precision == FR_PRECISION_MONTH ||
                       date.precision == FR_PRECISION_DAY,
                   "query date '%s' has precision %s", text, fr_precision_name(date.precision));
        FUZZ_CHECK(date.qualifier == FR_QUALIFIER_NONE, "query date '%s' has a qualifier", text);
    } else {
        FUZZ_CHECK(why != NULL, "query date '%s' refused without a reason", text);
    }

    why = NULL;
    if (precision != NULL) {
        if (fr_date_parse(text, precision, qualifier, &date, &why) == FR_OK) {
            check_date(&date, "date");
            FUZZ_CHECK(strcmp(fr_precision_name(date.precision), precision) == 0,
                       "date '%s' parsed as %s, not %s", text, fr_precision_name(date.precision),
                       precision);
            /* The same text parses the same way twice. */
            FUZZ_CHECK(fr_date_parse(text, precision, qualifier, &other, NULL) == FR_OK &&
                           fr_date_compare(&date, &other) == 0,
                       "date '%s' parses differently the second time", text);
        } else {
            FUZZ_CHECK(why != NULL, "date '%s' (%s) refused without a reason", text, precision);
        }
    }
    free(text);
    return 0;
}
