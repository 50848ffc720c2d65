/*
 * Unit tests of money (src/core/money.c): the ISO 4217 table, validation,
 * exact decimal formatting and checked addition.
 */
#include "frontier/money.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "support.h"

static struct fr_money money(int64_t minor, const char *currency, bool approximate)
{
    struct fr_money m;

    memset(&m, 0, sizeof m);
    m.minor = minor;
    snprintf(m.currency, sizeof m.currency, "%s", currency);
    m.approximate = approximate;
    return m;
}

static void expect_format(int64_t minor, const char *currency, const char *expected)
{
    struct fr_money m = money(minor, currency, false);
    char out[32];

    ck_assert_int_eq(fr_money_format_decimal(&m, out, sizeof out), FR_OK);
    ck_assert_str_eq(out, expected);
}

START_TEST(test_exponents)
{
    static const struct {
        const char *code;
        int exponent;
    } known[] = {
        {"USD", 2}, {"EUR", 2}, {"CNY", 2}, {"JPY", 0}, {"GBP", 2}, {"CHF", 2}, {"CAD", 2},
        {"AUD", 2}, {"HKD", 2}, {"SGD", 2}, {"KRW", 0}, {"INR", 2}, {"BRL", 2}, {"RUB", 2},
        {"SEK", 2}, {"NOK", 2}, {"DKK", 2}, {"ZAR", 2}, {"MXN", 2}, {"TWD", 2}, {"KWD", 3},
        {"BHD", 3}, {"JOD", 3}, {"OMR", 3}, {"TND", 3}, {"IQD", 3}, {"LYD", 3}, {"CLP", 0},
        {"ISK", 0}, {"VND", 0}, {"CLF", 4}, {"UYW", 4}, {"AED", 2}, {"ZWG", 2}, {"XOF", 0},
        {"SAR", 2}, {"ILS", 2}, {"TRY", 2}, {"PLN", 2}, {"NZD", 2}, {"THB", 2}, {"IDR", 2},
    };

    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        ck_assert_msg(fr_currency_exponent(known[i].code) == known[i].exponent, "%s",
                      known[i].code);
}
END_TEST

START_TEST(test_unknown_codes)
{
    static const char *const bad[] = {"usd", "Usd", "USd", "US",  "USDX", "",    "XXX",
                                      "XAU", "XTS", "ABC", "US ", " US", "RMB", "HRK"};

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(fr_currency_exponent(bad[i]) == -1, "accepted \"%s\"", bad[i]);
    ck_assert_int_eq(fr_currency_exponent(NULL), -1);
}
END_TEST

/* Lookup succeeds for every code the iteration over A..Z finds, and those
 * codes come out in ascending order: the table is sorted for bsearch. */
START_TEST(test_table_sorted_and_complete)
{
    char code[4] = {0};
    int found = 0;

    for (char a = 'A'; a <= 'Z'; a++)
        for (char b = 'A'; b <= 'Z'; b++)
            for (char c = 'A'; c <= 'Z'; c++) {
                code[0] = a;
                code[1] = b;
                code[2] = c;
                int e = fr_currency_exponent(code);
                if (e != -1 && e != 0 && e != 2 && e != 3 && e != 4)
                    ck_abort_msg("%s has exponent %d", code, e);
                if (e >= 0)
                    found++;
            }
    /* The table's size: an unsorted table would make bsearch miss some. */
    ck_assert_int_eq(found, 167);
}
END_TEST

START_TEST(test_validate)
{
    struct fr_money m;
    const char *why;

    m = money(2200000000000, "USD", false);
    why = NULL;
    ck_assert_int_eq(fr_money_validate(&m, &why), FR_OK);
    ck_assert_ptr_null(why);
    m = money(0, "JPY", true);
    ck_assert_int_eq(fr_money_validate(&m, &why), FR_OK);
    m = money(INT64_MAX, "CNY", false);
    ck_assert_int_eq(fr_money_validate(&m, &why), FR_OK);

    m = money(100, "ABC", false);
    why = NULL;
    ck_assert_int_eq(fr_money_validate(&m, &why), FR_EINVAL);
    ck_assert_ptr_nonnull(why);

    m = money(100, "usd", false);
    why = NULL;
    ck_assert_int_eq(fr_money_validate(&m, &why), FR_EINVAL);
    ck_assert_ptr_nonnull(why);

    m = money(-1, "USD", false);
    why = NULL;
    ck_assert_int_eq(fr_money_validate(&m, &why), FR_EINVAL);
    ck_assert_str_eq(why, "amount must not be negative");
    ck_assert_int_eq(fr_money_validate(&m, NULL), FR_EINVAL);

    /* A currency array without its terminator is refused, not over-read. */
    m = money(1, "USD", false);
    memcpy(m.currency, "USDX", 4);
    why = NULL;
    ck_assert_int_eq(fr_money_validate(&m, &why), FR_EINVAL);
    ck_assert_ptr_nonnull(why);
}
END_TEST

START_TEST(test_format_decimal)
{
    expect_format(2200000000000, "USD", "22000000000.00");
    expect_format(3000, "USD", "30.00");
    expect_format(5, "USD", "0.05");
    expect_format(50, "EUR", "0.50");
    expect_format(0, "USD", "0.00");
    expect_format(1500, "JPY", "1500");
    expect_format(0, "JPY", "0");
    expect_format(1234, "KWD", "1.234");
    expect_format(1, "KWD", "0.001");
    expect_format(1000, "BHD", "1.000");
    expect_format(15790000000000, "CNY", "157900000000.00");
    expect_format(12345, "CLF", "1.2345");
    expect_format(INT64_MAX, "USD", "92233720368547758.07");
    expect_format(INT64_MAX, "JPY", "9223372036854775807");
    expect_format(-150, "USD", "-1.50");
    expect_format(INT64_MIN, "USD", "-92233720368547758.08");
}
END_TEST

START_TEST(test_format_errors)
{
    struct fr_money m = money(2200000000000, "USD", false);
    char out[32];

    /* "22000000000.00" is 14 characters: 15 bytes fit, 14 do not. */
    ck_assert_int_eq(fr_money_format_decimal(&m, out, 15), FR_OK);
    ck_assert_str_eq(out, "22000000000.00");
    ck_assert_int_eq(fr_money_format_decimal(&m, out, 14), FR_EINVAL);
    ck_assert_str_eq(out, "");
    out[0] = 'x';
    ck_assert_int_eq(fr_money_format_decimal(&m, out, 0), FR_EINVAL);
    ck_assert_int_eq(out[0], 'x');

    m = money(100, "XYZ", false);
    ck_assert_int_eq(fr_money_format_decimal(&m, out, sizeof out), FR_EINVAL);
    ck_assert_str_eq(out, "");
    m = money(100, "usd", false);
    ck_assert_int_eq(fr_money_format_decimal(&m, out, sizeof out), FR_EINVAL);
}
END_TEST

START_TEST(test_add)
{
    struct fr_money a = money(1000, "USD", false);
    struct fr_money b = money(250, "USD", false);
    struct fr_money about = money(1, "USD", true);

    ck_assert_int_eq(fr_money_add(&a, &b), FR_OK);
    ck_assert_int_eq(a.minor, 1250);
    ck_assert(!a.approximate);
    ck_assert_str_eq(a.currency, "USD");

    ck_assert_int_eq(fr_money_add(&a, &about), FR_OK);
    ck_assert_int_eq(a.minor, 1251);
    ck_assert(a.approximate);
    /* Once approximate, adding an exact amount keeps it approximate. */
    ck_assert_int_eq(fr_money_add(&a, &b), FR_OK);
    ck_assert_int_eq(a.minor, 1501);
    ck_assert(a.approximate);

    /* Adding zero and reaching exactly the maximum both work. */
    a = money(INT64_MAX - 5, "CNY", false);
    b = money(5, "CNY", false);
    ck_assert_int_eq(fr_money_add(&a, &b), FR_OK);
    ck_assert_int_eq(a.minor, INT64_MAX);
}
END_TEST

START_TEST(test_add_errors)
{
    struct fr_money a = money(INT64_MAX, "USD", false);
    struct fr_money b = money(1, "USD", true);
    struct fr_money cny = money(100, "CNY", false);

    /* Overflow leaves a untouched, approximate flag included. */
    ck_assert_int_eq(fr_money_add(&a, &b), FR_EINVAL);
    ck_assert_int_eq(a.minor, INT64_MAX);
    ck_assert(!a.approximate);

    a = money(INT64_MIN, "USD", false);
    b = money(-1, "USD", false);
    ck_assert_int_eq(fr_money_add(&a, &b), FR_EINVAL);
    ck_assert_int_eq(a.minor, INT64_MIN);

    a = money(100, "USD", false);
    ck_assert_int_eq(fr_money_add(&a, &cny), FR_EINVAL);
    ck_assert_int_eq(a.minor, 100);
    ck_assert_str_eq(a.currency, "USD");

    b = money(100, "usd", false);
    ck_assert_int_eq(fr_money_add(&a, &b), FR_EINVAL);
    ck_assert_int_eq(a.minor, 100);
}
END_TEST

static Suite *money_suite(void)
{
    Suite *s = suite_create("money");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_exponents);
    tcase_add_test(tc, test_unknown_codes);
    tcase_add_test(tc, test_table_sorted_and_complete);
    tcase_add_test(tc, test_validate);
    tcase_add_test(tc, test_format_decimal);
    tcase_add_test(tc, test_format_errors);
    tcase_add_test(tc, test_add);
    tcase_add_test(tc, test_add_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run_suite(money_suite()) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
