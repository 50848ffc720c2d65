/*
 * Unit tests for request ids and the traceparent parser (src/http/trace.c):
 * which X-Request-Id values are echoed, what generated ids look like and
 * that they do not repeat, and every rule of W3C Trace Context Level 1 that
 * a receiver must check, valid and invalid, with the fields parsed.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "frontier/http.h"
#include "frontier/trace.h"
#include "support.h"

#define TRACE_ID "4bf92f3577b34da6a3ce929d0e0e4736"
#define PARENT_ID "00f067aa0ba902b7"
#define VALID_00 "00-" TRACE_ID "-" PARENT_ID "-01"

/* ---- request ids -------------------------------------------------------- */

START_TEST(test_request_id_valid)
{
    char longest[FR_REQUEST_ID_MAX + 1];
    char too_long[FR_REQUEST_ID_MAX + 2];

    memset(longest, 'a', FR_REQUEST_ID_MAX);
    longest[FR_REQUEST_ID_MAX] = '\0';
    memset(too_long, 'a', FR_REQUEST_ID_MAX + 1);
    too_long[FR_REQUEST_ID_MAX + 1] = '\0';

    ck_assert(fr_request_id_valid("a"));
    ck_assert(fr_request_id_valid("Az09._-"));
    ck_assert(fr_request_id_valid("f47ac10b-58cc-4372-a567-0e02b2c3d479"));
    ck_assert(fr_request_id_valid(longest));

    ck_assert(!fr_request_id_valid(NULL));
    ck_assert(!fr_request_id_valid(""));
    ck_assert(!fr_request_id_valid(too_long));
    static const char *const bad[] = {"a b",  "a/b",  "a\"b",     "a\nb", "a\rb", "a,b",
                                      "a;b",  "a:b",  "caf\xc3\xa9", "a+b", "a=b",  "{id}",
                                      " abc", "abc ", "a\tb",     "%41"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(!fr_request_id_valid(bad[i]), "'%s' was accepted", bad[i]);
}
END_TEST

static int compare_ids(const void *a, const void *b)
{
    return strcmp(a, b);
}

START_TEST(test_request_id_generated)
{
    enum { COUNT = 2000 };
    static char ids[COUNT][FR_REQUEST_ID_GENERATED_LEN + 1];

    for (size_t i = 0; i < COUNT; i++) {
        memset(ids[i], 'x', sizeof ids[i]);
        fr_request_id_generate(ids[i]);
        ck_assert_uint_eq(strlen(ids[i]), FR_REQUEST_ID_GENERATED_LEN);
        ck_assert_uint_eq(strspn(ids[i], "0123456789abcdef"), FR_REQUEST_ID_GENERATED_LEN);
        ck_assert(fr_request_id_valid(ids[i])); /* a generated id is one we would echo */
    }
    qsort(ids, COUNT, sizeof ids[0], compare_ids);
    for (size_t i = 1; i < COUNT; i++)
        ck_assert_msg(strcmp(ids[i - 1], ids[i]) != 0, "id %s repeated", ids[i]);
}
END_TEST

/* ---- traceparent: valid ------------------------------------------------- */

/* Most cases are NUL-terminated text; the length is what the adapter passes. */
static enum fr_status parse(const char *text, struct fr_traceparent *out)
{
    return fr_traceparent_parse(text, text ? strlen(text) : 0, out);
}

START_TEST(test_traceparent_version_00)
{
    struct fr_traceparent tp;

    ck_assert_int_eq(parse(VALID_00, &tp), FR_OK);
    ck_assert_uint_eq(tp.version, 0);
    ck_assert_str_eq(tp.trace_id, TRACE_ID);
    ck_assert_str_eq(tp.parent_id, PARENT_ID);
    ck_assert_uint_eq(tp.flags, 1);

    /* Flags other than "sampled" are not ours to refuse, even in 00. */
    ck_assert_int_eq(parse("00-" TRACE_ID "-" PARENT_ID "-00", &tp), FR_OK);
    ck_assert_uint_eq(tp.flags, 0);
    ck_assert_int_eq(parse("00-" TRACE_ID "-" PARENT_ID "-ff", &tp), FR_OK);
    ck_assert_uint_eq(tp.flags, 0xff);

    /* Ids with a single nonzero digit are not all zeros. */
    ck_assert_int_eq(parse("00-00000000000000000000000000000001-"
                                          "0000000000000001-01", &tp),
                     FR_OK);
    ck_assert_str_eq(tp.trace_id, "00000000000000000000000000000001");
    ck_assert_str_eq(tp.parent_id, "0000000000000001");
}
END_TEST

START_TEST(test_traceparent_later_versions)
{
    struct fr_traceparent tp;

    /* A later version is read as 00 is, and what follows a '-' at
     * position 55 is left for that version's readers. */
    ck_assert_int_eq(parse("01-" TRACE_ID "-" PARENT_ID "-01", &tp), FR_OK);
    ck_assert_uint_eq(tp.version, 1);
    ck_assert_int_eq(
        parse("cc-" TRACE_ID "-" PARENT_ID "-01-what-the-future-will-be-like",
                             &tp),
        FR_OK);
    ck_assert_uint_eq(tp.version, 0xcc);
    ck_assert_str_eq(tp.trace_id, TRACE_ID);
    ck_assert_str_eq(tp.parent_id, PARENT_ID);
    ck_assert_uint_eq(tp.flags, 1);
    ck_assert_int_eq(parse("fe-" TRACE_ID "-" PARENT_ID "-09-", &tp), FR_OK);
    ck_assert_uint_eq(tp.version, 0xfe);
    ck_assert_uint_eq(tp.flags, 9);
}
END_TEST

/* ---- traceparent: invalid ----------------------------------------------- */

START_TEST(test_traceparent_invalid)
{
    static const char *const bad[] = {
        "",
        "00",
        /* one character short, one too many for version 00 */
        "00-" TRACE_ID "-" PARENT_ID "-1",
        "00-" TRACE_ID "-" PARENT_ID "-011",
        "00-" TRACE_ID "-" PARENT_ID "-01-",
        "00-" TRACE_ID "-" PARENT_ID "-01-extra",
        /* version ff is forbidden; versions are lower-case hex */
        "ff-" TRACE_ID "-" PARENT_ID "-01",
        "0A-" TRACE_ID "-" PARENT_ID "-01",
        "0g-" TRACE_ID "-" PARENT_ID "-01",
        /* all-zero ids */
        "00-00000000000000000000000000000000-" PARENT_ID "-01",
        "00-" TRACE_ID "-0000000000000000-01",
        /* upper-case or non-hex digits in each field */
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-" PARENT_ID "-01",
        "00-" TRACE_ID "-00F067AA0BA902B7-01",
        "00-" TRACE_ID "-" PARENT_ID "-0A",
        "00-4bf92f3577b34da6a3ce929d0e0e473z-" PARENT_ID "-01",
        "00-" TRACE_ID "-00f067aa0ba902bx-01",
        "00-" TRACE_ID "-" PARENT_ID "-0x",
        /* wrong separators, or fields of the wrong length */
        "00_" TRACE_ID "-" PARENT_ID "-01",
        "00-" TRACE_ID "_" PARENT_ID "-01",
        "00-" TRACE_ID "-" PARENT_ID "_01",
        "00-4bf92f3577b34da6a3ce929d0e0e47366-00f067aa0ba902b-01",
        "00-4bf92f3577b34da6a3ce929d0e0e473-600f067aa0ba902b7-01",
        /* blanks are not trimmed here (libmicrohttpd trims the field) */
        " 00-" TRACE_ID "-" PARENT_ID "-01",
        "00-" TRACE_ID "-" PARENT_ID "-01 ",
        /* a later version must put a '-' before anything it adds */
        "01-" TRACE_ID "-" PARENT_ID "-01x",
        "cc-" TRACE_ID "-" PARENT_ID "-01what-the-future",
    };
    struct fr_traceparent tp, untouched;

    memset(&untouched, 0x5a, sizeof untouched);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tp = untouched;
        ck_assert_msg(parse(bad[i], &tp) == FR_EINVAL, "'%s' was accepted",
                      bad[i]);
        ck_assert_msg(memcmp(&tp, &untouched, sizeof tp) == 0, "'%s' wrote the output",
                      bad[i]);
    }
    ck_assert_int_eq(parse(NULL, &tp), FR_EINVAL);
}
END_TEST

/* Only len bytes are read, and a NUL within them is invalid, wherever it
 * is: shorter lengths of a valid header, and a NUL in each position. */
START_TEST(test_traceparent_length_and_nul)
{
    static const char text[] = VALID_00 "-tail";
    struct fr_traceparent tp;

    for (size_t len = 0; len < 55; len++)
        ck_assert_msg(fr_traceparent_parse(text, len, &tp) == FR_EINVAL, "length %zu accepted",
                      len);
    ck_assert_int_eq(fr_traceparent_parse(text, 55, &tp), FR_OK);
    ck_assert_str_eq(tp.trace_id, TRACE_ID);
    /* The same bytes with more after them are version 00 too long. */
    ck_assert_int_eq(fr_traceparent_parse(text, sizeof text - 1, &tp), FR_EINVAL);

    char later[] = "cc-" TRACE_ID "-" PARENT_ID "-01-tail";
    for (size_t at = 0; at < sizeof later - 1; at++) {
        char copy[sizeof later];
        memcpy(copy, later, sizeof later);
        copy[at] = '\0';
        ck_assert_msg(fr_traceparent_parse(copy, sizeof later - 1, &tp) == FR_EINVAL,
                      "NUL at %zu accepted", at);
    }
    ck_assert_int_eq(fr_traceparent_parse(later, sizeof later - 1, &tp), FR_OK);
    ck_assert_int_eq(fr_traceparent_parse(NULL, 55, &tp), FR_EINVAL);
}
END_TEST

static Suite *trace_suite(void)
{
    Suite *s = suite_create("trace");
    TCase *tc = tcase_create("request ids");
    tcase_add_test(tc, test_request_id_valid);
    tcase_add_test(tc, test_request_id_generated);
    suite_add_tcase(s, tc);

    tc = tcase_create("traceparent");
    tcase_add_test(tc, test_traceparent_version_00);
    tcase_add_test(tc, test_traceparent_later_versions);
    tcase_add_test(tc, test_traceparent_invalid);
    tcase_add_test(tc, test_traceparent_length_and_nul);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run_suite(trace_suite()) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
