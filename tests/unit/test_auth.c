/*
 * Unit tests for bearer tokens (src/http/auth.c): the token list's format
 * and every message it can give, the Authorization header's grammar (RFC
 * 6750 section 2.1, RFC 9110 section 11), which configured token a request
 * is matched to, SHA-256 against the FIPS 180-2 test vectors, and
 * `frontierd hash-token` on memory streams.
 */
#include "frontier/auth.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontier/buf.h"
#include "support.h"

/* SHA-256 of the tokens used below, computed independently (Python's
 * hashlib), so a wrong hash cannot pass for a right one. */
#define ALICE_TOKEN "correct-horse-battery-staple"
#define ALICE_HEX "87cbebfeebc05f7c54ac9336c4b4bbec831227a641951a4bde7edd56020f8590"
#define BOB_TOKEN "abcdefghijklmnop"
#define BOB_HEX "f39dac6cbaba535e2c207cd0cd8f154974223c848f727f98b3564cea569b41cf"
#define RFC_TOKEN "mF_9.B5f-4.1JqM" /* RFC 6750 section 2.1's example */
#define RFC_HEX "b8e148545b13c78bc74da2f1a7275dd71e56ddece129d7d2f7b3ecc06f7994da"
#define ABC_HEX "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

static char error_text[512];

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------ */

static struct fr_tokens *parse_ok(const char *list)
{
    struct fr_tokens *tokens = NULL;

    ck_assert_msg(fr_tokens_parse(list, &tokens, error_text, sizeof error_text) == FR_OK,
                  "'%s': %s", list, error_text);
    ck_assert_ptr_nonnull(tokens);
    ck_assert_str_eq(error_text, "");
    return tokens;
}

static void expect_parse_error(const char *list, const char *want)
{
    struct fr_tokens *tokens = (struct fr_tokens *)&error_text; /* must be reset */

    memset(error_text, 'x', sizeof error_text - 1);
    error_text[sizeof error_text - 1] = '\0';
    ck_assert_int_eq(fr_tokens_parse(list, &tokens, error_text, sizeof error_text), FR_EINVAL);
    ck_assert_ptr_null(tokens);
    ck_assert_str_eq(error_text, want);
}

/* Checks header against tokens and expects result (and, on FR_AUTH_OK, the
 * name want_name). */
static void expect_check(const struct fr_tokens *tokens, const char *header,
                         enum fr_auth_result want, const char *want_name)
{
    const char *name = "unset";
    enum fr_auth_result got = fr_tokens_check(tokens, header, &name);

    ck_assert_msg(got == want, "'%s': got %d, want %d", header ? header : "(null)", (int)got,
                  (int)want);
    if (want == FR_AUTH_OK) {
        ck_assert_ptr_nonnull(name);
        ck_assert_str_eq(name, want_name);
    } else {
        ck_assert_ptr_null(name);
    }
}

static void upper(char *s)
{
    for (; *s != '\0'; s++) {
        if (*s >= 'a' && *s <= 'z') {
            *s = (char)(*s - 'a' + 'A');
        }
    }
}

/* ------------------------------------------------------------------------
 * The token list
 * ------------------------------------------------------------------------ */

START_TEST(test_parse_empty_lists)
{
    static const char *const empty[] = {"", " ", ",", " , ,\n\t", "\r\n"};
    size_t i;

    for (i = 0; i < sizeof empty / sizeof empty[0]; i++) {
        struct fr_tokens *tokens = parse_ok(empty[i]);
        ck_assert_uint_eq(fr_tokens_count(tokens), 0);
        /* No one may write: a well-formed token matches nothing. */
        expect_check(tokens, "Bearer " ALICE_TOKEN, FR_AUTH_INVALID, NULL);
        fr_tokens_free(tokens);
    }
    ck_assert_uint_eq(fr_tokens_count(NULL), 0);
    fr_tokens_free(NULL);
}
END_TEST

START_TEST(test_parse_separators)
{
    static const char *const lists[] = {
        "alice:" ALICE_HEX ",bob:" BOB_HEX,
        "alice:" ALICE_HEX ", bob:" BOB_HEX,
        " alice:" ALICE_HEX "\n\tbob:" BOB_HEX "\n",
        ",,alice:" ALICE_HEX " , , bob:" BOB_HEX ",",
        "alice:" ALICE_HEX "\r\nbob:" BOB_HEX,
    };
    size_t i;

    for (i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        struct fr_tokens *tokens = parse_ok(lists[i]);
        ck_assert_uint_eq(fr_tokens_count(tokens), 2);
        expect_check(tokens, "Bearer " ALICE_TOKEN, FR_AUTH_OK, "alice");
        expect_check(tokens, "Bearer " BOB_TOKEN, FR_AUTH_OK, "bob");
        fr_tokens_free(tokens);
    }
}
END_TEST

START_TEST(test_parse_names)
{
#define NAME_64 "n123456789012345678901234567890123456789012345678901234567890123"
    static const char *const good[] = {"a", "0", "ci-bot", "a.b_c-d", "9lives", "x--", "a.",
                                       NAME_64};
    static const char *const bad[] = {"Alice", "-a", ".a", "_a", "al/ice", "al;ice",
                                      "caf\xc3\xa9", "a\x01", NAME_64 "4"};
    char list[256];
    size_t i;

    ck_assert_uint_eq(strlen(NAME_64), FR_TOKEN_NAME_MAX);
    for (i = 0; i < sizeof good / sizeof good[0]; i++) {
        struct fr_tokens *tokens;
        test_format(list, sizeof list, "%s:%s", good[i], ALICE_HEX);
        tokens = parse_ok(list);
        expect_check(tokens, "Bearer " ALICE_TOKEN, FR_AUTH_OK, good[i]);
        fr_tokens_free(tokens);
    }
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        test_format(list, sizeof list, "ok:%s %s:%s", BOB_HEX, bad[i], ALICE_HEX);
        expect_parse_error(list, "entry 2 has a name that is not 1 to 64 characters of a-z, "
                                 "0-9, '.', '_' and '-' starting with a letter or digit");
    }
    expect_parse_error(":" ALICE_HEX, "entry 1 has a name that is not 1 to 64 characters of "
                                      "a-z, 0-9, '.', '_' and '-' starting with a letter or "
                                      "digit");
}
END_TEST

START_TEST(test_parse_digests)
{
    char upper_hex[] = ALICE_HEX;
    char list[256];
    struct fr_tokens *tokens;
    static const char *const bad[] = {
        "",
        "abc",
        /* 63 and 65 digits */
        "87cbebfeebc05f7c54ac9336c4b4bbec831227a641951a4bde7edd56020f859",
        "87cbebfeebc05f7c54ac9336c4b4bbec831227a641951a4bde7edd56020f85900",
        /* a 'g', and a second colon */
        "87cbebfeebc05f7c54ac9336c4b4bbec831227a641951a4bde7edd56020f859g",
        "87cbebfeebc05f7c54ac9336c4b4bbec:31227a641951a4bde7edd56020f8590",
        /* a pasted token where the digest belongs */
        ALICE_TOKEN,
    };
    size_t i;

    /* Upper-case and mixed-case hex name the same digest. */
    upper(upper_hex);
    test_format(list, sizeof list, "alice:%s", upper_hex);
    tokens = parse_ok(list);
    expect_check(tokens, "Bearer " ALICE_TOKEN, FR_AUTH_OK, "alice");
    fr_tokens_free(tokens);
    tokens = parse_ok("bob:F39DAC6CBABA535E2C207cd0cd8f154974223c848f727f98b3564cea569b41cf");
    expect_check(tokens, "Bearer " BOB_TOKEN, FR_AUTH_OK, "bob");
    fr_tokens_free(tokens);

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        test_format(list, sizeof list, "alice:%s,bob:%s", ALICE_HEX, bad[i]);
        expect_parse_error(list, "entry 2 (bob) has a digest that is not 64 hexadecimal digits");
    }
}
END_TEST

START_TEST(test_parse_other_errors)
{
    /* A bare token (no name) is refused without being quoted back. */
    expect_parse_error("alice:" ALICE_HEX " " BOB_TOKEN,
                       "entry 2 has no ':' between a name and a digest");
    expect_parse_error("alice", "entry 1 has no ':' between a name and a digest");
    expect_parse_error("alice:" ALICE_HEX ",alice:" BOB_HEX,
                       "entry 2 (alice) has the same name as entry 1");
    expect_parse_error("alice:" ALICE_HEX ",bob:" BOB_HEX ",bob:" RFC_HEX,
                       "entry 3 (bob) has the same name as entry 2");
    expect_parse_error("alice:" ALICE_HEX ",bob:" BOB_HEX ",carol:" ALICE_HEX,
                       "entry 3 (carol) has the same digest as entry 1 (alice); give each its "
                       "own token");
    /* The same digest in another case is still the same digest. */
    expect_parse_error("alice:" ALICE_HEX ",bob:87CBEBFEEBC05F7C54AC9336C4B4BBEC831227A641951A4BD"
                       "E7EDD56020F8590",
                       "entry 2 (bob) has the same digest as entry 1 (alice); give each its own "
                       "token");
}
END_TEST

/* Lists of n entries named t1.. whose digests are those of "token-<i>". */
static char *numbered_list(int n)
{
    struct fr_buf buf;
    char hex[FR_TOKEN_DIGEST_HEX + 1];
    char token[32];
    int i;

    fr_buf_init(&buf);
    for (i = 1; i <= n; i++) {
        test_format(token, sizeof token, "token-%d", i);
        fr_sha256_hex(token, strlen(token), hex);
        ck_assert_int_eq(fr_buf_appendf(&buf, "t%d:%s,", i, hex), FR_OK);
    }
    return fr_buf_steal(&buf, NULL);
}

START_TEST(test_parse_limit)
{
    char *list = numbered_list(FR_TOKENS_MAX);
    struct fr_tokens *tokens = parse_ok(list);
    char header[64];

    ck_assert_uint_eq(fr_tokens_count(tokens), FR_TOKENS_MAX);
    /* Every one of them, first and last included, is found by its name. */
    for (int i = 1; i <= FR_TOKENS_MAX; i++) {
        char want[16];
        test_format(header, sizeof header, "Bearer token-%d", i);
        test_format(want, sizeof want, "t%d", i);
        expect_check(tokens, header, FR_AUTH_OK, want);
    }
    expect_check(tokens, "Bearer token-0", FR_AUTH_INVALID, NULL);
    fr_tokens_free(tokens);
    free(list);

    list = numbered_list(FR_TOKENS_MAX + 1);
    expect_parse_error(list, "the list has more than 64 entries");
    free(list);
}
END_TEST

START_TEST(test_parse_error_buffer)
{
    struct fr_tokens *tokens = NULL;
    char small[12];

    ck_assert_int_eq(fr_tokens_parse("alice", &tokens, small, sizeof small), FR_EINVAL);
    ck_assert_str_eq(small, "entry 1 ...");
    ck_assert_int_eq(fr_tokens_parse("alice", &tokens, NULL, 0), FR_EINVAL);
    ck_assert_ptr_null(tokens);
}
END_TEST

START_TEST(test_parse_never_echoes_a_digest)
{
    char list[256];

    /* A 63-digit digest, and a duplicate: neither message holds the hex. */
    test_format(list, sizeof list, "bob:%.63s", BOB_HEX);
    expect_parse_error(list, "entry 1 (bob) has a digest that is not 64 hexadecimal digits");
    ck_assert_ptr_null(strstr(error_text, "f39dac"));
    test_format(list, sizeof list, "a:%s b:%s", BOB_HEX, BOB_HEX);
    expect_parse_error(list, "entry 2 (b) has the same digest as entry 1 (a); give each its own "
                             "token");
    ck_assert_ptr_null(strstr(error_text, "f39dac"));
}
END_TEST

/* ------------------------------------------------------------------------
 * Checking the Authorization header
 * ------------------------------------------------------------------------ */

static struct fr_tokens *three_tokens(void)
{
    return parse_ok("alice:" ALICE_HEX ", bob:" BOB_HEX ", rfc-example:" RFC_HEX);
}

START_TEST(test_check_right_token)
{
    struct fr_tokens *tokens = three_tokens();

    expect_check(tokens, "Bearer " ALICE_TOKEN, FR_AUTH_OK, "alice");
    expect_check(tokens, "Bearer " BOB_TOKEN, FR_AUTH_OK, "bob");
    expect_check(tokens, "Bearer " RFC_TOKEN, FR_AUTH_OK, "rfc-example");
    fr_tokens_free(tokens);
}
END_TEST

START_TEST(test_check_name_is_borrowed_from_tokens)
{
    struct fr_tokens *tokens = three_tokens();
    const char *first = NULL, *second = NULL;

    ck_assert_int_eq(fr_tokens_check(tokens, "Bearer " BOB_TOKEN, &first), FR_AUTH_OK);
    ck_assert_int_eq(fr_tokens_check(tokens, "bearer " BOB_TOKEN, &second), FR_AUTH_OK);
    ck_assert_ptr_eq(first, second);
    ck_assert_str_eq(first, "bob");
    fr_tokens_free(tokens);
}
END_TEST

START_TEST(test_check_scheme_case_and_spaces)
{
    struct fr_tokens *tokens = three_tokens();

    expect_check(tokens, "bearer " ALICE_TOKEN, FR_AUTH_OK, "alice");
    expect_check(tokens, "BEARER " ALICE_TOKEN, FR_AUTH_OK, "alice");
    expect_check(tokens, "bEaReR " ALICE_TOKEN, FR_AUTH_OK, "alice");
    expect_check(tokens, "Bearer     " ALICE_TOKEN, FR_AUTH_OK, "alice");
    expect_check(tokens, "Bearer " ALICE_TOKEN " ", FR_AUTH_OK, "alice");
    expect_check(tokens, "Bearer " ALICE_TOKEN " \t ", FR_AUTH_OK, "alice");
    expect_check(tokens, " Bearer " ALICE_TOKEN, FR_AUTH_OK, "alice");
    fr_tokens_free(tokens);
}
END_TEST

START_TEST(test_check_wrong_token)
{
    struct fr_tokens *tokens = three_tokens();

    /* Tokens are compared exactly: case, a prefix, an extra character. */
    expect_check(tokens, "Bearer CORRECT-HORSE-BATTERY-STAPLE", FR_AUTH_INVALID, NULL);
    expect_check(tokens, "Bearer correct-horse-battery-stapl", FR_AUTH_INVALID, NULL);
    expect_check(tokens, "Bearer correct-horse-battery-staples", FR_AUTH_INVALID, NULL);
    expect_check(tokens, "Bearer " ALICE_TOKEN "=", FR_AUTH_INVALID, NULL);
    /* The configured digest itself is not a token. */
    expect_check(tokens, "Bearer " ALICE_HEX, FR_AUTH_INVALID, NULL);
    expect_check(NULL, "Bearer " ALICE_TOKEN, FR_AUTH_INVALID, NULL);
    fr_tokens_free(tokens);
}
END_TEST

START_TEST(test_check_missing)
{
    struct fr_tokens *tokens = three_tokens();
    static const char *const missing[] = {
        "", " ", "Basic YWxpY2U6c2VjcmV0", "Token " ALICE_TOKEN, "Bearerx " ALICE_TOKEN,
        "Bearer" ALICE_TOKEN, "Beare " ALICE_TOKEN, "Digest username=\"a\"", ALICE_TOKEN,
        "OAuth " ALICE_TOKEN,
    };
    size_t i;

    expect_check(tokens, NULL, FR_AUTH_MISSING, NULL);
    for (i = 0; i < sizeof missing / sizeof missing[0]; i++) {
        expect_check(tokens, missing[i], FR_AUTH_MISSING, NULL);
    }
    fr_tokens_free(tokens);
}
END_TEST

START_TEST(test_check_malformed)
{
    struct fr_tokens *tokens = three_tokens();
    static const char *const malformed[] = {
        "Bearer",
        "Bearer ",
        "Bearer    ",
        "Bearer\t" ALICE_TOKEN,
        "Bearer " ALICE_TOKEN " " BOB_TOKEN,
        "Bearer " ALICE_TOKEN "," BOB_TOKEN,
        "Bearer \"" ALICE_TOKEN "\"",
        "Bearer realm=\"api\"",
        "Bearer =",
        "Bearer ==abc",
        "Bearer abc=d",
        "Bearer a==b",
        "Bearer abc!",
        "Bearer a:b",
        "Bearer abc\x01",
        "Bearer caf\xc3\xa9",
        "Bearer " ALICE_TOKEN "\r\n",
        "Bearer  \t" ALICE_TOKEN,
    };
    size_t i;

    for (i = 0; i < sizeof malformed / sizeof malformed[0]; i++) {
        expect_check(tokens, malformed[i], FR_AUTH_MALFORMED, NULL);
    }
    fr_tokens_free(tokens);
}
END_TEST

/* token68 is 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=":
 * each of those characters, and padding, is part of what is hashed. */
START_TEST(test_check_token68_characters)
{
    static const char *const good[] = {"AZaz09-._~+/", "abc=", "abc==", "a", "~", "/+/",
                                       "x=========", RFC_TOKEN};
    char list[512], header[64];
    char hex[FR_TOKEN_DIGEST_HEX + 1];
    struct fr_tokens *tokens;
    size_t i;

    for (i = 0; i < sizeof good / sizeof good[0]; i++) {
        fr_sha256_hex(good[i], strlen(good[i]), hex);
        test_format(list, sizeof list, "edge:%s", hex);
        tokens = parse_ok(list);
        test_format(header, sizeof header, "Bearer %s", good[i]);
        expect_check(tokens, header, FR_AUTH_OK, "edge");
        fr_tokens_free(tokens);
    }
    /* "abc" and "abc=" are different tokens. */
    tokens = parse_ok("abc:" ABC_HEX);
    expect_check(tokens, "Bearer abc", FR_AUTH_OK, "abc");
    expect_check(tokens, "Bearer abc=", FR_AUTH_INVALID, NULL);
    fr_tokens_free(tokens);
}
END_TEST

/* ------------------------------------------------------------------------
 * SHA-256
 * ------------------------------------------------------------------------ */

START_TEST(test_sha256_vectors)
{
    char hex[FR_TOKEN_DIGEST_HEX + 1];
    static const char two_blocks[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    char *million = malloc(1000000);

    fr_sha256_hex("abc", 3, hex);
    ck_assert_str_eq(hex, ABC_HEX);
    fr_sha256_hex("", 0, hex);
    ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    fr_sha256_hex(two_blocks, strlen(two_blocks), hex);
    ck_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    ck_assert_ptr_nonnull(million);
    memset(million, 'a', 1000000);
    fr_sha256_hex(million, 1000000, hex);
    free(million);
    ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    /* Bytes, not strings: a NUL is hashed like any other byte. */
    fr_sha256_hex("abc\0", 4, hex);
    ck_assert_str_ne(hex, ABC_HEX);
    fr_sha256_hex(ALICE_TOKEN, strlen(ALICE_TOKEN), hex);
    ck_assert_str_eq(hex, ALICE_HEX);
}
END_TEST

/* ------------------------------------------------------------------------
 * frontierd hash-token
 * ------------------------------------------------------------------------ */

struct run {
    int rc;
    char *out;
    char *err;
};

/* Runs the command with input (len bytes) on standard input. */
static void run_hash_token(const char *input, size_t len, struct run *run)
{
    char empty[1] = "";
    FILE *in = len > 0 ? fmemopen((void *)input, len, "r") : fmemopen(empty, 1, "r");
    size_t out_len = 0, err_len = 0;
    FILE *out, *err;

    ck_assert_ptr_nonnull(in);
    if (len == 0) {
        ck_assert_int_eq(getc(in), '\0'); /* fmemopen needs a byte: skip it */
    }
    run->out = NULL;
    run->err = NULL;
    out = open_memstream(&run->out, &out_len);
    err = open_memstream(&run->err, &err_len);
    ck_assert_ptr_nonnull(out);
    ck_assert_ptr_nonnull(err);
    run->rc = fr_hash_token_command(in, out, err);
    ck_assert_int_eq(fclose(in), 0);
    ck_assert_int_eq(fclose(out), 0);
    ck_assert_int_eq(fclose(err), 0);
}

static void run_free(struct run *run)
{
    free(run->out);
    free(run->err);
}

static void expect_digest(const char *input, size_t len, const char *want_hex)
{
    struct run run;
    char want[FR_TOKEN_DIGEST_HEX + 2];

    test_format(want, sizeof want, "%s\n", want_hex);
    run_hash_token(input, len, &run);
    ck_assert_msg(run.rc == 0, "rc %d: %s", run.rc, run.err);
    ck_assert_str_eq(run.out, want);
    ck_assert_str_eq(run.err, "");
    run_free(&run);
}

static void expect_refusal(const char *input, size_t len, const char *want_err)
{
    struct run run;

    run_hash_token(input, len, &run);
    ck_assert_int_eq(run.rc, 2);
    ck_assert_str_eq(run.out, "");
    ck_assert_str_eq(run.err, want_err);
    run_free(&run);
}

#define EXPECT_DIGEST(input, hex) expect_digest(input, sizeof input - 1, hex)
#define EXPECT_REFUSAL(input, err) expect_refusal(input, sizeof input - 1, err)

START_TEST(test_hash_token_good)
{
    EXPECT_DIGEST(BOB_TOKEN "\n", BOB_HEX);
    EXPECT_DIGEST(BOB_TOKEN, BOB_HEX);
    EXPECT_DIGEST(BOB_TOKEN "\r\n", BOB_HEX);
    EXPECT_DIGEST(ALICE_TOKEN "\nsecond line is not read\n", ALICE_HEX);
    EXPECT_DIGEST(ALICE_TOKEN "\r\n\r\n", ALICE_HEX);
}
END_TEST

START_TEST(test_hash_token_length)
{
    char long_token[4200];
    char hex[FR_TOKEN_DIGEST_HEX + 1];

    /* 16 characters are enough, 15 are not. */
    EXPECT_DIGEST("0123456789abcdef\n", "9f9f5111f7b27a781f1f1ddde5ebc2dd2b796bfc7365c9c28b548e564"
                                        "176929f");
    EXPECT_REFUSAL("0123456789abcde\n", "hash-token: the token has 15 characters; a bearer token "
                                        "needs at least 16, e.g. from openssl rand -base64 32\n");
    EXPECT_REFUSAL("abc\r\n", "hash-token: the token has 3 characters; a bearer token needs at "
                              "least 16, e.g. from openssl rand -base64 32\n");

    /* 4096 characters are read, 4097 are refused. */
    memset(long_token, 'k', 4096);
    long_token[4096] = '\n';
    fr_sha256_hex(long_token, 4096, hex);
    expect_digest(long_token, 4097, hex);
    long_token[4096] = 'k';
    long_token[4097] = '\n';
    expect_refusal(long_token, 4098, "hash-token: the token is longer than 4096 characters; give "
                                     "a shorter one\n");
}
END_TEST

START_TEST(test_hash_token_empty)
{
    static const char want[] = "hash-token: no token on standard input; give the token as the "
                               "first line, e.g. openssl rand -base64 32 | frontierd hash-token\n";

    expect_refusal("", 0, want);
    EXPECT_REFUSAL("\n", want);
    EXPECT_REFUSAL("\r\n", want);
    EXPECT_REFUSAL("\n" BOB_TOKEN "\n", want);
}
END_TEST

START_TEST(test_hash_token_characters)
{
    struct run run;

    EXPECT_REFUSAL(BOB_TOKEN " \n", "hash-token: character 17 of the token cannot be part of a "
                                    "bearer token; use only letters, digits, '-', '.', '_', '~', "
                                    "'+', '/' and '=' at the end\n");
    EXPECT_REFUSAL("=" BOB_TOKEN "\n", "hash-token: character 1 of the token cannot be part of "
                                       "a bearer token; use only letters, digits, '-', '.', '_', "
                                       "'~', '+', '/' and '=' at the end\n");
    EXPECT_REFUSAL("abcdefgh==ijklmnop\n", "hash-token: character 11 of the token cannot be part "
                                           "of a bearer token; use only letters, digits, '-', "
                                           "'.', '_', '~', '+', '/' and '=' at the end\n");
    /* A lone CR is not a line ending. */
    EXPECT_REFUSAL("abc\rdefghijklmnopq\n", "hash-token: character 4 of the token cannot be part "
                                            "of a bearer token; use only letters, digits, '-', "
                                            "'.', '_', '~', '+', '/' and '=' at the end\n");
    EXPECT_DIGEST("abcdefghijklmno=\n", "f2cfb6f7a778f87c50c51d8e4eb2b6f89911f1b3f44cfead67c132d"
                                        "ebaa60aff");
    /* The message never quotes the token. */
    run_hash_token("my-secret-token x\n", 18, &run);
    ck_assert_int_eq(run.rc, 2);
    ck_assert_ptr_null(strstr(run.err, "my-secret"));
    run_free(&run);
}
END_TEST

START_TEST(test_hash_token_io_errors)
{
    char buf[64] = BOB_TOKEN "\n";
    FILE *in, *out, *err;
    char *err_text = NULL;
    size_t err_len = 0;

    /* Output that cannot be written: a stream opened for reading only. */
    in = fmemopen(buf, strlen(buf), "r");
    out = fmemopen(buf + 32, 16, "r");
    err = open_memstream(&err_text, &err_len);
    ck_assert_ptr_nonnull(in);
    ck_assert_ptr_nonnull(out);
    ck_assert_ptr_nonnull(err);
    ck_assert_int_eq(fr_hash_token_command(in, out, err), 1);
    fclose(in);
    fclose(out);
    fclose(err);
    ck_assert_msg(strncmp(err_text, "hash-token: cannot write the digest: ", 37) == 0, "%s",
                  err_text);
    free(err_text);

    /* Input that cannot be read: a stream opened for writing only. */
    err_text = NULL;
    in = fmemopen(buf, sizeof buf, "w");
    out = open_memstream(&err_text, &err_len); /* unused: nothing is written */
    err = tmpfile();
    ck_assert_ptr_nonnull(in);
    ck_assert_ptr_nonnull(err);
    ck_assert_int_eq(fr_hash_token_command(in, out, err), 1);
    fclose(in);
    fclose(out);
    ck_assert_str_eq(err_text, "");
    free(err_text);
    rewind(err);
    ck_assert_ptr_nonnull(fgets(buf, sizeof buf, err));
    ck_assert_msg(strncmp(buf, "hash-token: cannot read the token from standard input: ", 55) == 0,
                  "%s", buf);
    fclose(err);
}
END_TEST

/* ------------------------------------------------------------------------ */

static Suite *auth_suite(void)
{
    Suite *s = suite_create("auth");
    TCase *tc;

    tc = tcase_create("parse");
    tcase_add_test(tc, test_parse_empty_lists);
    tcase_add_test(tc, test_parse_separators);
    tcase_add_test(tc, test_parse_names);
    tcase_add_test(tc, test_parse_digests);
    tcase_add_test(tc, test_parse_other_errors);
    tcase_add_test(tc, test_parse_limit);
    tcase_add_test(tc, test_parse_error_buffer);
    tcase_add_test(tc, test_parse_never_echoes_a_digest);
    suite_add_tcase(s, tc);

    tc = tcase_create("check");
    tcase_add_test(tc, test_check_right_token);
    tcase_add_test(tc, test_check_name_is_borrowed_from_tokens);
    tcase_add_test(tc, test_check_scheme_case_and_spaces);
    tcase_add_test(tc, test_check_wrong_token);
    tcase_add_test(tc, test_check_missing);
    tcase_add_test(tc, test_check_malformed);
    tcase_add_test(tc, test_check_token68_characters);
    suite_add_tcase(s, tc);

    tc = tcase_create("hash");
    tcase_add_test(tc, test_sha256_vectors);
    tcase_add_test(tc, test_hash_token_good);
    tcase_add_test(tc, test_hash_token_length);
    tcase_add_test(tc, test_hash_token_empty);
    tcase_add_test(tc, test_hash_token_characters);
    tcase_add_test(tc, test_hash_token_io_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run_suite(auth_suite()) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
