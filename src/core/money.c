/*
 * Money: an integer count of minor units and an ISO 4217 code. The table of
 * codes gives each currency's minor-unit exponent, which is what turns
 * 2200000000000 USD cents into "22000000000.00" exactly. No floating point
 * anywhere: a double cannot hold every amount in cents above 2^53.
 */
#include "frontier/money.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct currency {
    char code[4];
    int exponent;
};

/*
 * ISO 4217 list one: the active currencies and funds codes that have a
 * minor unit. Precious metals, SDRs and the testing codes (XAU, XDR, XTS,
 * XXX, ...) have none and are left out, as are the withdrawn HRK, SLL and
 * ZWL. ANG stays beside its successor XCG while Curacao and Sint Maarten
 * change over. Sorted by code for bsearch: keep it sorted (the unit tests
 * check).
 */
static const struct currency currencies[] = {
    {"AED", 2}, {"AFN", 2}, {"ALL", 2}, {"AMD", 2}, {"ANG", 2}, {"AOA", 2}, {"ARS", 2},
    {"AUD", 2}, {"AWG", 2}, {"AZN", 2}, {"BAM", 2}, {"BBD", 2}, {"BDT", 2}, {"BGN", 2},
    {"BHD", 3}, {"BIF", 0}, {"BMD", 2}, {"BND", 2}, {"BOB", 2}, {"BOV", 2}, {"BRL", 2},
    {"BSD", 2}, {"BTN", 2}, {"BWP", 2}, {"BYN", 2}, {"BZD", 2}, {"CAD", 2}, {"CDF", 2},
    {"CHE", 2}, {"CHF", 2}, {"CHW", 2}, {"CLF", 4}, {"CLP", 0}, {"CNY", 2}, {"COP", 2},
    {"COU", 2}, {"CRC", 2}, {"CUC", 2}, {"CUP", 2}, {"CVE", 2}, {"CZK", 2}, {"DJF", 0},
    {"DKK", 2}, {"DOP", 2}, {"DZD", 2}, {"EGP", 2}, {"ERN", 2}, {"ETB", 2}, {"EUR", 2},
    {"FJD", 2}, {"FKP", 2}, {"GBP", 2}, {"GEL", 2}, {"GHS", 2}, {"GIP", 2}, {"GMD", 2},
    {"GNF", 0}, {"GTQ", 2}, {"GYD", 2}, {"HKD", 2}, {"HNL", 2}, {"HTG", 2}, {"HUF", 2},
    {"IDR", 2}, {"ILS", 2}, {"INR", 2}, {"IQD", 3}, {"IRR", 2}, {"ISK", 0}, {"JMD", 2},
    {"JOD", 3}, {"JPY", 0}, {"KES", 2}, {"KGS", 2}, {"KHR", 2}, {"KMF", 0}, {"KPW", 2},
    {"KRW", 0}, {"KWD", 3}, {"KYD", 2}, {"KZT", 2}, {"LAK", 2}, {"LBP", 2}, {"LKR", 2},
    {"LRD", 2}, {"LSL", 2}, {"LYD", 3}, {"MAD", 2}, {"MDL", 2}, {"MGA", 2}, {"MKD", 2},
    {"MMK", 2}, {"MNT", 2}, {"MOP", 2}, {"MRU", 2}, {"MUR", 2}, {"MVR", 2}, {"MWK", 2},
    {"MXN", 2}, {"MXV", 2}, {"MYR", 2}, {"MZN", 2}, {"NAD", 2}, {"NGN", 2}, {"NIO", 2},
    {"NOK", 2}, {"NPR", 2}, {"NZD", 2}, {"OMR", 3}, {"PAB", 2}, {"PEN", 2}, {"PGK", 2},
    {"PHP", 2}, {"PKR", 2}, {"PLN", 2}, {"PYG", 0}, {"QAR", 2}, {"RON", 2}, {"RSD", 2},
    {"RUB", 2}, {"RWF", 0}, {"SAR", 2}, {"SBD", 2}, {"SCR", 2}, {"SDG", 2}, {"SEK", 2},
    {"SGD", 2}, {"SHP", 2}, {"SLE", 2}, {"SOS", 2}, {"SRD", 2}, {"SSP", 2}, {"STN", 2},
    {"SVC", 2}, {"SYP", 2}, {"SZL", 2}, {"THB", 2}, {"TJS", 2}, {"TMT", 2}, {"TND", 3},
    {"TOP", 2}, {"TRY", 2}, {"TTD", 2}, {"TWD", 2}, {"TZS", 2}, {"UAH", 2}, {"UGX", 0},
    {"USD", 2}, {"USN", 2}, {"UYI", 0}, {"UYU", 2}, {"UYW", 4}, {"UZS", 2}, {"VED", 2},
    {"VES", 2}, {"VND", 0}, {"VUV", 0}, {"WST", 2}, {"XAF", 0}, {"XCD", 2}, {"XCG", 2},
    {"XOF", 0}, {"XPF", 0}, {"YER", 2}, {"ZAR", 2}, {"ZMW", 2}, {"ZWG", 2},
};

static int compare_code(const void *key, const void *element)
{
    const struct currency *c = element;

    return strcmp(key, c->code);
}

/* Exact codes only: "usd" or "US" are not currencies, and a caller that
 * wants to accept them must say so by normalising first. */
int fr_currency_exponent(const char *code)
{
    const struct currency *found;

    if (code == NULL || strnlen(code, 4) != 3)
        return -1;
    found = bsearch(code, currencies, sizeof currencies / sizeof currencies[0],
                    sizeof currencies[0], compare_code);
    return found == NULL ? -1 : found->exponent;
}

/* The currency field is a fixed array: a code must end inside it. */
static bool currency_terminated(const struct fr_money *money)
{
    return memchr(money->currency, '\0', sizeof money->currency) != NULL;
}

enum fr_status fr_money_validate(const struct fr_money *money, const char **why)
{
    const char *ignored;

    if (why == NULL)
        why = &ignored;
    if (!currency_terminated(money) || fr_currency_exponent(money->currency) < 0) {
        *why = "currency must be an ISO 4217 code in capitals, such as USD or CNY";
        return FR_EINVAL;
    }
    if (money->minor < 0) {
        *why = "amount must not be negative";
        return FR_EINVAL;
    }
    return FR_OK;
}

/*
 * Splits the magnitude by a power of ten and prints both halves as integers;
 * the fraction is zero-padded to the exponent's width. The magnitude is taken
 * as unsigned so INT64_MIN has one too.
 */
enum fr_status fr_money_format_decimal(const struct fr_money *money, char *out, size_t size)
{
    uint64_t magnitude;
    uint64_t scale = 1;
    int exponent;
    int n;

    if (size == 0)
        return FR_EINVAL;
    out[0] = '\0';
    exponent = currency_terminated(money) ? fr_currency_exponent(money->currency) : -1;
    if (exponent < 0)
        return FR_EINVAL;
    for (int i = 0; i < exponent; i++)
        scale *= 10;

    magnitude = money->minor < 0 ? 0 - (uint64_t)money->minor : (uint64_t)money->minor;
    if (exponent == 0)
        n = snprintf(out, size, "%s%" PRIu64, money->minor < 0 ? "-" : "", magnitude);
    else
        n = snprintf(out, size, "%s%" PRIu64 ".%0*" PRIu64, money->minor < 0 ? "-" : "",
                     magnitude / scale, exponent, magnitude % scale);
    if (n < 0 || (size_t)n >= size) {
        out[0] = '\0';
        return FR_EINVAL;
    }
    return FR_OK;
}

enum fr_status fr_money_add(struct fr_money *a, const struct fr_money *b)
{
    int64_t sum;

    if (!currency_terminated(a) || !currency_terminated(b) ||
        strcmp(a->currency, b->currency) != 0)
        return FR_EINVAL;
    if (__builtin_add_overflow(a->minor, b->minor, &sum))
        return FR_EINVAL;
    a->minor = sum;
    a->approximate = a->approximate || b->approximate;
    return FR_OK;
}
