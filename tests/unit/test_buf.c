/*
 * Unit tests of the growable buffer and base64url (src/core/buf.c), and of
 * the status names and HTTP statuses (src/core/status.c), which have no test
 * executable of their own.
 */
#include "frontier/buf.h"
#include "frontier/status.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "support.h"

/* ---- the buffer ---- */

START_TEST(test_init_cleanup)
{
    struct fr_buf b;

    fr_buf_init(&b);
    ck_assert_ptr_null(b.data);
    ck_assert_uint_eq(b.len, 0);
    ck_assert_uint_eq(b.cap, 0);
    fr_buf_cleanup(&b); /* cleaning an empty buffer is fine */
    ck_assert_ptr_null(b.data);

    ck_assert_int_eq(fr_buf_append_str(&b, "abc"), FR_OK);
    fr_buf_cleanup(&b);
    ck_assert_ptr_null(b.data);
    ck_assert_uint_eq(b.len, 0);
    ck_assert_uint_eq(b.cap, 0);
    /* and reusable afterwards */
    ck_assert_int_eq(fr_buf_append_str(&b, "xyz"), FR_OK);
    ck_assert_str_eq(b.data, "xyz");
    fr_buf_cleanup(&b);
}
END_TEST

START_TEST(test_append)
{
    struct fr_buf b;
    static const char bytes[] = {'a', '\0', 'b'};

    fr_buf_init(&b);
    /* An empty append still leaves a valid, terminated string. */
    ck_assert_int_eq(fr_buf_append(&b, NULL, 0), FR_OK);
    ck_assert_ptr_nonnull(b.data);
    ck_assert_str_eq(b.data, "");
    ck_assert_int_eq(fr_buf_append_str(&b, "hello"), FR_OK);
    ck_assert_int_eq(fr_buf_append_char(&b, ','), FR_OK);
    ck_assert_int_eq(fr_buf_append_char(&b, ' '), FR_OK);
    ck_assert_int_eq(fr_buf_append(&b, "world!!", 5), FR_OK);
    ck_assert_str_eq(b.data, "hello, world");
    ck_assert_uint_eq(b.len, 12);
    ck_assert_uint_ge(b.cap, b.len + 1);

    /* Embedded NUL bytes are data like any other. */
    ck_assert_int_eq(fr_buf_append(&b, bytes, sizeof bytes), FR_OK);
    ck_assert_uint_eq(b.len, 15);
    ck_assert_mem_eq(b.data + 12, bytes, 3);
    ck_assert_int_eq(b.data[15], '\0');
    fr_buf_cleanup(&b);
}
END_TEST

START_TEST(test_growth)
{
    struct fr_buf b;
    size_t grows = 0;
    size_t last_cap = 0;

    fr_buf_init(&b);
    for (int i = 0; i < 100000; i++) {
        /* Plain checks: a Check assertion per append would dominate the run time. */
        if (fr_buf_append_char(&b, (char)('a' + i % 26)) != FR_OK || b.data[b.len] != '\0')
            ck_abort_msg("append %d failed", i);
        if (b.cap != last_cap) {
            grows++;
            last_cap = b.cap;
        }
    }
    ck_assert_uint_eq(b.len, 100000);
    for (int i = 0; i < 100000; i++)
        if (b.data[i] != 'a' + i % 26)
            ck_abort_msg("byte %d is wrong", i);
    /* Geometric growth: a handful of reallocations, not one per append. */
    ck_assert_uint_le(grows, 20);
    ck_assert_uint_le(b.cap, 2 * (b.len + 1));
    fr_buf_cleanup(&b);
}
END_TEST

/* Appending a part of the buffer to itself survives the move that growing
 * causes. */
START_TEST(test_append_self)
{
    struct fr_buf b;

    fr_buf_init(&b);
    ck_assert_int_eq(fr_buf_append_str(&b, "0123456789"), FR_OK);
    for (int i = 0; i < 10; i++)
        ck_assert_int_eq(fr_buf_append(&b, b.data, b.len), FR_OK);
    ck_assert_uint_eq(b.len, 10u << 10);
    for (size_t i = 0; i < b.len; i++)
        if (b.data[i] != '0' + (int)(i % 10))
            ck_abort_msg("byte %zu is wrong", i);
    ck_assert_int_eq(fr_buf_append(&b, b.data + 3, 4), FR_OK);
    ck_assert_str_eq(b.data + b.len - 4, "3456");
    fr_buf_cleanup(&b);
}
END_TEST

START_TEST(test_overflow_refused)
{
    struct fr_buf b;

    fr_buf_init(&b);
    ck_assert_int_eq(fr_buf_append_str(&b, "keep"), FR_OK);
    /* A size that cannot be represented fails before anything is read. */
    ck_assert_int_eq(fr_buf_append(&b, "x", SIZE_MAX), FR_ENOMEM);
    ck_assert_int_eq(fr_buf_append(&b, "x", SIZE_MAX - 4), FR_ENOMEM);
    ck_assert_int_eq(fr_base64url_encode(&b, "x", SIZE_MAX), FR_ENOMEM);
    ck_assert_str_eq(b.data, "keep");
    ck_assert_uint_eq(b.len, 4);
    fr_buf_cleanup(&b);
}
END_TEST

START_TEST(test_appendf)
{
    struct fr_buf b;
    char *big;

    fr_buf_init(&b);
    ck_assert_int_eq(fr_buf_appendf(&b, "%d-%s-%05.1f", 42, "x", 3.5), FR_OK);
    ck_assert_str_eq(b.data, "42-x-003.5");
    ck_assert_int_eq(fr_buf_appendf(&b, "%s", ""), FR_OK);
    ck_assert_uint_eq(b.len, 10);
    ck_assert_int_eq(fr_buf_appendf(&b, "|%lld|", (long long)INT64_MIN), FR_OK);
    ck_assert_str_eq(b.data, "42-x-003.5|-9223372036854775808|");

    /* Longer than the first allocation and than several doublings. */
    big = malloc(10001);
    ck_assert_ptr_nonnull(big);
    memset(big, 'q', 10000);
    big[10000] = '\0';
    fr_buf_cleanup(&b);
    ck_assert_int_eq(fr_buf_appendf(&b, "<%s>", big), FR_OK);
    ck_assert_uint_eq(b.len, 10002);
    ck_assert_int_eq(b.data[0], '<');
    ck_assert_int_eq(b.data[10001], '>');
    ck_assert_int_eq(b.data[10002], '\0');
    ck_assert_int_eq(memcmp(b.data + 1, big, 10000), 0);
    ck_assert_int_eq(fr_buf_appendf(&b, "%s%s", big, big), FR_OK);
    ck_assert_uint_eq(b.len, 30002);
    ck_assert_uint_eq(strlen(b.data), 30002);
    free(big);
    fr_buf_cleanup(&b);
}
END_TEST

START_TEST(test_steal)
{
    struct fr_buf b;
    size_t len = 99;
    char *s;

    fr_buf_init(&b);
    s = fr_buf_steal(&b, &len);
    ck_assert_ptr_nonnull(s);
    ck_assert_str_eq(s, "");
    ck_assert_uint_eq(len, 0);
    free(s);

    ck_assert_int_eq(fr_buf_append_str(&b, "taken"), FR_OK);
    s = fr_buf_steal(&b, &len);
    ck_assert_str_eq(s, "taken");
    ck_assert_uint_eq(len, 5);
    ck_assert_ptr_null(b.data);
    ck_assert_uint_eq(b.len, 0);
    ck_assert_uint_eq(b.cap, 0);
    free(s);

    ck_assert_int_eq(fr_buf_append_str(&b, "again"), FR_OK);
    s = fr_buf_steal(&b, NULL);
    ck_assert_str_eq(s, "again");
    free(s);
    fr_buf_cleanup(&b);
}
END_TEST

/* ---- base64url ---- */

/* RFC 4648 section 10 vectors, without padding. */
START_TEST(test_base64url_vectors)
{
    static const char *const plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *const coded[] = {"", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy"};
    static const unsigned char url_bytes[] = {0xfb, 0xff, 0xbf};

    for (size_t i = 0; i < 7; i++) {
        struct fr_buf b;
        fr_buf_init(&b);
        ck_assert_int_eq(fr_base64url_encode(&b, plain[i], strlen(plain[i])), FR_OK);
        ck_assert_str_eq(b.data, coded[i]);
        fr_buf_cleanup(&b);
        ck_assert_int_eq(fr_base64url_decode(&b, coded[i], strlen(coded[i])), FR_OK);
        ck_assert_uint_eq(b.len, strlen(plain[i]));
        ck_assert_str_eq(b.data, plain[i]);
        fr_buf_cleanup(&b);
    }

    /* The two characters where base64url differs from base64. */
    {
        struct fr_buf b;
        fr_buf_init(&b);
        ck_assert_int_eq(fr_base64url_encode(&b, url_bytes, sizeof url_bytes), FR_OK);
        ck_assert_str_eq(b.data, "-_-_");
        fr_buf_cleanup(&b);
    }
}
END_TEST

START_TEST(test_base64url_round_trips)
{
    unsigned char all[256];
    struct fr_buf enc;
    struct fr_buf dec;

    for (int i = 0; i < 256; i++)
        all[i] = (unsigned char)i;

    /* Every length 0..64 at every starting byte value. */
    for (size_t len = 0; len <= 64; len++) {
        for (size_t start = 0; start + len <= 256; start += 7) {
            fr_buf_init(&enc);
            fr_buf_init(&dec);
            ck_assert_int_eq(fr_base64url_encode(&enc, all + start, len), FR_OK);
            ck_assert_uint_eq(enc.len, len / 3 * 4 + (len % 3 == 0 ? 0 : len % 3 + 1));
            ck_assert_uint_eq(strspn(enc.data, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuv"
                                               "wxyz0123456789-_"),
                              enc.len);
            ck_assert_int_eq(fr_base64url_decode(&dec, enc.data, enc.len), FR_OK);
            ck_assert_uint_eq(dec.len, len);
            if (len > 0)
                ck_assert_int_eq(memcmp(dec.data, all + start, len), 0);
            fr_buf_cleanup(&enc);
            fr_buf_cleanup(&dec);
        }
    }

    /* All 256 byte values in one piece, appended after existing content. */
    fr_buf_init(&enc);
    fr_buf_init(&dec);
    ck_assert_int_eq(fr_buf_append_str(&enc, "x."), FR_OK);
    ck_assert_int_eq(fr_base64url_encode(&enc, all, sizeof all), FR_OK);
    ck_assert_uint_eq(enc.len, 2 + 342);
    ck_assert_int_eq(fr_buf_append_str(&dec, "y"), FR_OK);
    ck_assert_int_eq(fr_base64url_decode(&dec, enc.data + 2, enc.len - 2), FR_OK);
    ck_assert_uint_eq(dec.len, 257);
    ck_assert_int_eq(dec.data[0], 'y');
    ck_assert_int_eq(memcmp(dec.data + 1, all, 256), 0);
    ck_assert_int_eq(dec.data[257], '\0');
    fr_buf_cleanup(&enc);
    fr_buf_cleanup(&dec);
}
END_TEST

START_TEST(test_base64url_invalid)
{
    static const char *const bad[] = {
        "Z",        /* length 4n+1 */
        "Zm9vY",    /* length 4n+1 */
        "Zg==",     /* padding */
        "Zm8=",     /* padding */
        "Zm9v====", /* padding */
        "Zm+v",     /* base64, not base64url */
        "Zm/v",     /* base64, not base64url */
        "Zm9 ",     /* space */
        "Zm9\n",    /* newline */
        "Z\xc3\xa9v", /* a non-ASCII byte */
        "Zh",       /* non-zero unused bits after one byte */
        "Zm9",      /* non-zero unused bits after two bytes */
        "Zm9vYh",
        "Z_",
    };
    struct fr_buf b;

    fr_buf_init(&b);
    ck_assert_int_eq(fr_buf_append_str(&b, "kept"), FR_OK);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(fr_base64url_decode(&b, bad[i], strlen(bad[i])) == FR_EINVAL,
                      "accepted \"%s\"", bad[i]);
        ck_assert_uint_eq(b.len, 4);
        ck_assert_str_eq(b.data, "kept");
    }
    /* An embedded NUL inside the stated length is not in the alphabet. */
    ck_assert_int_eq(fr_base64url_decode(&b, "Zm\0v", 4), FR_EINVAL);
    ck_assert_str_eq(b.data, "kept");
    /* The length given is what is decoded, not up to a NUL. */
    ck_assert_int_eq(fr_base64url_decode(&b, "Zm9vYmFy", 4), FR_OK);
    ck_assert_str_eq(b.data, "keptfoo");
    /* An empty text decodes to nothing, even without a pointer. */
    ck_assert_int_eq(fr_base64url_decode(&b, NULL, 0), FR_OK);
    ck_assert_int_eq(fr_base64url_encode(&b, NULL, 0), FR_OK);
    ck_assert_str_eq(b.data, "keptfoo");
    fr_buf_cleanup(&b);

    /* A failure on a buffer that never held anything leaves a usable empty string
     * or nothing at all, never garbage. */
    fr_buf_init(&b);
    ck_assert_int_eq(fr_base64url_decode(&b, "Zg==", 4), FR_EINVAL);
    ck_assert_uint_eq(b.len, 0);
    ck_assert(b.data == NULL || b.data[0] == '\0');
    fr_buf_cleanup(&b);
}
END_TEST

/* ---- status ---- */

START_TEST(test_status)
{
    static const struct {
        enum fr_status status;
        const char *name;
        int http;
    } table[] = {
        {FR_OK, "ok", 200},
        {FR_EINVAL, "invalid", 400},
        {FR_ENOTFOUND, "not found", 404},
        {FR_ECONFLICT, "conflict", 409},
        {FR_ENOMEM, "out of memory", 500},
        {FR_EDB, "database error", 500},
        {FR_EIO, "i/o error", 500},
        {FR_ESCHEMA, "schema mismatch", 500},
    };

    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        ck_assert_str_eq(fr_status_name(table[i].status), table[i].name);
        ck_assert_int_eq(fr_status_http(table[i].status), table[i].http);
    }
    ck_assert_str_eq(fr_status_name((enum fr_status)99), "unknown");
    ck_assert_int_eq(fr_status_http((enum fr_status)99), 500);
}
END_TEST

static Suite *buf_suite(void)
{
    Suite *s = suite_create("buf");
    TCase *tc = tcase_create("buf");
    TCase *b64 = tcase_create("base64url");
    TCase *st = tcase_create("status");

    tcase_add_test(tc, test_init_cleanup);
    tcase_add_test(tc, test_append);
    tcase_add_test(tc, test_growth);
    tcase_add_test(tc, test_append_self);
    tcase_add_test(tc, test_overflow_refused);
    tcase_add_test(tc, test_appendf);
    tcase_add_test(tc, test_steal);
    tcase_add_test(b64, test_base64url_vectors);
    tcase_add_test(b64, test_base64url_round_trips);
    tcase_add_test(b64, test_base64url_invalid);
    tcase_add_test(st, test_status);
    suite_add_tcase(s, tc);
    suite_add_tcase(s, b64);
    suite_add_tcase(s, st);
    return s;
}

int main(void)
{
    return test_run_suite(buf_suite()) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
