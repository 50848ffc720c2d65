/*
 * Bearer tokens (include/frontier/auth.h): the configured list of named
 * SHA-256 digests, the check of an Authorization header against it, and the
 * `frontierd hash-token` command that turns a token into the digest an
 * operator configures. Only digests are ever stored, so a leaked
 * configuration does not let anyone write; presented tokens are hashed where
 * they lie and every buffer holding a token or its digest is wiped.
 */
#include "frontier/auth.h"

#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DIGEST_BYTES crypto_hash_sha256_BYTES
/* The shortest token hash-token accepts: 16 token68 characters carry at
 * least 96 bits when drawn at random, out of reach of online guessing. */
#define TOKEN_MIN 16
/* The longest token hash-token reads; far above what anyone generates, and
 * below the header sizes HTTP servers accept. */
#define TOKEN_MAX 4096

struct fr_token {
    char name[FR_TOKEN_NAME_MAX + 1];
    unsigned char digest[DIGEST_BYTES];
};

struct fr_tokens {
    size_t count;
    struct fr_token entries[FR_TOKENS_MAX];
};

/* ------------------------------------------------------------------------
 * libsodium and small helpers
 * ------------------------------------------------------------------------ */

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;
static int sodium_result = -1;

static void sodium_start(void)
{
    sodium_result = sodium_init();
}

/* sodium_init picks the fastest implementations for this CPU; it must run
 * before any other libsodium call, and once is enough for every thread. */
static bool sodium_ready(void)
{
    pthread_once(&sodium_once, sodium_start);
    return sodium_result >= 0;
}

/* Writes the message into error, ending it with "..." when it is cut. */
static void set_error(char *error, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_error(char *error, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (error == NULL || size == 0) {
        return;
    }
    va_start(ap, fmt);
    n = vsnprintf(error, size, fmt, ap);
    va_end(ap);
    if (n < 0) {
        error[0] = '\0';
    } else if ((size_t)n >= size && size >= 4) {
        memcpy(error + size - 4, "...", 4);
    }
}

/* The characters of token68 (RFC 9110 section 11.2) before its '=' padding. */
static bool is_token68_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
}

/* The length of the token68 at the start of text: one or more token68
 * characters, then any '=' padding. 0 when text does not start with one. */
static size_t token68_span(const char *text, size_t len)
{
    size_t n = 0;

    while (n < len && is_token68_char(text[n])) {
        n++;
    }
    if (n == 0) {
        return 0;
    }
    while (n < len && text[n] == '=') {
        n++;
    }
    return n;
}

static void sha256(const void *data, size_t len, unsigned char out[DIGEST_BYTES])
{
    crypto_hash_sha256_state state;

    (void)sodium_ready();
    crypto_hash_sha256_init(&state);
    crypto_hash_sha256_update(&state, data, len);
    crypto_hash_sha256_final(&state, out);
    sodium_memzero(&state, sizeof state);
}

void fr_sha256_hex(const void *data, size_t len, char out[FR_TOKEN_DIGEST_HEX + 1])
{
    unsigned char digest[DIGEST_BYTES];

    sha256(data, len, digest);
    sodium_bin2hex(out, FR_TOKEN_DIGEST_HEX + 1, digest, sizeof digest);
    sodium_memzero(digest, sizeof digest);
}

/* ------------------------------------------------------------------------
 * The token list
 * ------------------------------------------------------------------------ */

static bool is_separator(char c)
{
    return c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
           c == '\f';
}

static bool is_name_char(char c, bool first)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           (!first && (c == '.' || c == '_' || c == '-'));
}

static bool valid_name(const char *name, size_t len)
{
    size_t i;

    if (len == 0 || len > FR_TOKEN_NAME_MAX) {
        return false;
    }
    for (i = 0; i < len; i++) {
        if (!is_name_char(name[i], i == 0)) {
            return false;
        }
    }
    return true;
}

/* Reads one "name:hex" entry of len bytes into token; number is its 1-based
 * position, used in messages. Names already taken by earlier entries of
 * tokens, and digests already given, are refused: a shared digest would make
 * the change log's "who" ambiguous. */
static enum fr_status parse_entry(const struct fr_tokens *tokens, const char *entry, size_t len,
                                  size_t number, struct fr_token *token, char *error,
                                  size_t error_size)
{
    const char *colon = memchr(entry, ':', len);
    const char *hex;
    size_t name_len, hex_len, bin_len = 0, i;
    const char *hex_end = NULL;

    if (colon == NULL) {
        /* The entry is not quoted: it may be a token pasted by mistake. */
        set_error(error, error_size, "entry %zu has no ':' between a name and a digest", number);
        return FR_EINVAL;
    }
    name_len = (size_t)(colon - entry);
    if (!valid_name(entry, name_len)) {
        set_error(error, error_size,
                  "entry %zu has a name that is not 1 to %d characters of a-z, 0-9, '.', '_' "
                  "and '-' starting with a letter or digit", number, FR_TOKEN_NAME_MAX);
        return FR_EINVAL;
    }
    memcpy(token->name, entry, name_len);
    token->name[name_len] = '\0';

    hex = colon + 1;
    hex_len = len - name_len - 1;
    if (hex_len != FR_TOKEN_DIGEST_HEX ||
        sodium_hex2bin(token->digest, sizeof token->digest, hex, hex_len, NULL, &bin_len,
                       &hex_end) != 0 ||
        bin_len != DIGEST_BYTES || hex_end != hex + hex_len) {
        set_error(error, error_size,
                  "entry %zu (%s) has a digest that is not %d hexadecimal digits", number,
                  token->name, FR_TOKEN_DIGEST_HEX);
        return FR_EINVAL;
    }
    for (i = 0; i < tokens->count; i++) {
        const struct fr_token *earlier = &tokens->entries[i];
        if (strcmp(earlier->name, token->name) == 0) {
            set_error(error, error_size, "entry %zu (%s) has the same name as entry %zu", number,
                      token->name, i + 1);
            return FR_EINVAL;
        }
        if (memcmp(earlier->digest, token->digest, DIGEST_BYTES) == 0) {
            set_error(error, error_size,
                      "entry %zu (%s) has the same digest as entry %zu (%s); give each its own "
                      "token", number, token->name, i + 1, earlier->name);
            return FR_EINVAL;
        }
    }
    return FR_OK;
}

enum fr_status fr_tokens_parse(const char *list, struct fr_tokens **out, char *error,
                               size_t error_size)
{
    struct fr_tokens *tokens = NULL;
    enum fr_status status = FR_OK;
    const char *p = list;

    if (error != NULL && error_size > 0) {
        error[0] = '\0';
    }
    *out = NULL;
    if (!sodium_ready()) {
        set_error(error, error_size, "libsodium could not be initialised");
        status = FR_EIO;
        goto out;
    }
    tokens = calloc(1, sizeof *tokens);
    if (tokens == NULL) {
        set_error(error, error_size, "out of memory reading the token list");
        status = FR_ENOMEM;
        goto out;
    }
    for (;;) {
        const char *start;

        while (*p != '\0' && is_separator(*p)) {
            p++;
        }
        if (*p == '\0') {
            break;
        }
        if (tokens->count == FR_TOKENS_MAX) {
            set_error(error, error_size, "the list has more than %d entries", FR_TOKENS_MAX);
            status = FR_EINVAL;
            goto out;
        }
        start = p;
        while (*p != '\0' && !is_separator(*p)) {
            p++;
        }
        status = parse_entry(tokens, start, (size_t)(p - start), tokens->count + 1,
                             &tokens->entries[tokens->count], error, error_size);
        if (status != FR_OK) {
            goto out;
        }
        tokens->count++;
    }
    *out = tokens;
    tokens = NULL;

out:
    free(tokens);
    return status;
}

void fr_tokens_free(struct fr_tokens *tokens)
{
    free(tokens);
}

size_t fr_tokens_count(const struct fr_tokens *tokens)
{
    return tokens != NULL ? tokens->count : 0;
}

/* ------------------------------------------------------------------------
 * Checking a request's credentials
 * ------------------------------------------------------------------------ */

/* Finds the token68 credentials of a Bearer Authorization value (RFC 6750
 * section 2.1, RFC 9110 section 11.4): the scheme, case-insensitively, one
 * or more spaces, one token68, optional trailing blanks. */
static enum fr_auth_result bearer_credentials(const char *value, const char **token,
                                              size_t *token_len)
{
    static const char scheme[] = "Bearer";
    const size_t scheme_len = sizeof scheme - 1;
    const char *p = value;
    size_t rest, n;

    if (value == NULL) {
        return FR_AUTH_MISSING;
    }
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    if (strncasecmp(p, scheme, scheme_len) != 0) {
        return FR_AUTH_MISSING;
    }
    p += scheme_len;
    if (*p != '\0' && *p != ' ') {
        /* "Bearerx": another scheme, or a tab where a space belongs. */
        return *p == '\t' ? FR_AUTH_MALFORMED : FR_AUTH_MISSING;
    }
    while (*p == ' ') {
        p++;
    }
    rest = strlen(p);
    n = token68_span(p, rest);
    if (n == 0) {
        return FR_AUTH_MALFORMED;
    }
    *token = p;
    *token_len = n;
    p += n;
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    return *p == '\0' ? FR_AUTH_OK : FR_AUTH_MALFORMED;
}

enum fr_auth_result fr_tokens_check(const struct fr_tokens *tokens, const char *authorization,
                                    const char **name)
{
    unsigned char digest[DIGEST_BYTES];
    const char *token = NULL;
    size_t token_len = 0;
    size_t count = fr_tokens_count(tokens);
    size_t match = SIZE_MAX;
    enum fr_auth_result result;
    size_t i;

    *name = NULL;
    result = bearer_credentials(authorization, &token, &token_len);
    if (result != FR_AUTH_OK) {
        return result;
    }
    /* Hashed where it lies: the token is never copied. Every digest is
     * compared, and the match is picked with a mask rather than a branch, so
     * the time taken does not depend on which entry (if any) matched. */
    sha256(token, token_len, digest);
    for (i = 0; i < count; i++) {
        size_t equal = (size_t)(crypto_verify_32(digest, tokens->entries[i].digest) + 1);
        size_t mask = (size_t)0 - equal; /* all ones when equal, else zero */
        match = (match & ~mask) | (i & mask);
    }
    sodium_memzero(digest, sizeof digest);
    if (match == SIZE_MAX) {
        return FR_AUTH_INVALID;
    }
    *name = tokens->entries[match].name;
    return FR_AUTH_OK;
}

/* ------------------------------------------------------------------------
 * frontierd hash-token
 * ------------------------------------------------------------------------ */

/* Reads the first line of in into buf (TOKEN_MAX + 1 bytes) without its
 * line ending. Returns 0, 2 when the line is too long, 1 on a read error. */
static int read_token_line(FILE *in, char *buf, size_t *len)
{
    size_t n = 0;
    int c;

    errno = 0;
    while ((c = getc(in)) != EOF && c != '\n') {
        if (n == TOKEN_MAX) {
            return 2;
        }
        buf[n++] = (char)c;
    }
    if (c == EOF && ferror(in)) {
        return 1;
    }
    if (c == '\n' && n > 0 && buf[n - 1] == '\r') {
        n--;
    }
    buf[n] = '\0';
    *len = n;
    return 0;
}

int fr_hash_token_command(FILE *in, FILE *out, FILE *err)
{
    char token[TOKEN_MAX + 1];
    char hex[FR_TOKEN_DIGEST_HEX + 1];
    size_t len = 0;
    size_t valid;
    int rc;

    rc = read_token_line(in, token, &len);
    if (rc == 1) {
        fprintf(err, "hash-token: cannot read the token from standard input: %s\n",
                strerror(errno != 0 ? errno : EIO));
        goto out;
    }
    if (rc == 2) {
        fprintf(err, "hash-token: the token is longer than %d characters; give a shorter "
                "one\n", TOKEN_MAX);
        goto out;
    }
    rc = 2;
    if (len == 0) {
        fputs("hash-token: no token on standard input; give the token as the first line, "
              "e.g. openssl rand -base64 32 | frontierd hash-token\n", err);
        goto out;
    }
    valid = token68_span(token, len);
    if (valid != len) {
        fprintf(err, "hash-token: character %zu of the token cannot be part of a bearer token; "
                "use only letters, digits, '-', '.', '_', '~', '+', '/' and '=' at the end\n",
                valid + 1);
        goto out;
    }
    if (len < TOKEN_MIN) {
        fprintf(err, "hash-token: the token has %zu characters; a bearer token needs at least "
                "%d, e.g. from openssl rand -base64 32\n", len, TOKEN_MIN);
        goto out;
    }
    fr_sha256_hex(token, len, hex);
    rc = 0;
    if (fprintf(out, "%s\n", hex) < 0 || fflush(out) != 0) {
        fprintf(err, "hash-token: cannot write the digest: %s\n", strerror(errno));
        rc = 1;
    }

out:
    sodium_memzero(token, sizeof token);
    return rc;
}
