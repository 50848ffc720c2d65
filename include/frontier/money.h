/*
 * Money as an integer count of minor units plus an ISO 4217 currency code.
 * Never a float: US$22 billion is 2200000000000 cents.
 */
#ifndef FRONTIER_MONEY_H
#define FRONTIER_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frontier/status.h"

struct fr_money {
    int64_t minor;     /* amount in the currency's minor unit */
    char currency[4];  /* ISO 4217 alphabetic code, NUL-terminated */
    bool approximate;  /* reported as "about" */
};

/* The number of decimal places of the currency's minor unit (USD 2, CNY 2,
 * JPY 0, KWD 3, ...), or -1 when the code is not an ISO 4217 currency this
 * build knows. */
int fr_currency_exponent(const char *code);

/* Checks code, sign and range: FR_EINVAL with a static reason on failure.
 * Amounts are never negative in this dataset (a loss is its own metric). */
enum fr_status fr_money_validate(const struct fr_money *money, const char **why);

/* Writes the exact decimal amount in major units, e.g. "22000000000.00",
 * "30.00", "1500" for JPY. Fails with FR_EINVAL if out is too small
 * (32 bytes always suffice) or the currency is unknown. */
enum fr_status fr_money_format_decimal(const struct fr_money *money, char *out,
                                       size_t size);

/* Adds b to a (same currency, no overflow); FR_EINVAL otherwise. */
enum fr_status fr_money_add(struct fr_money *a, const struct fr_money *b);

#endif
