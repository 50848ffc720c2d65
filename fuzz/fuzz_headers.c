/*
 * Fuzzes the request headers the server interprets on its own, each parser
 * fed the same value: Accept (q-values of media types), Accept-Encoding
 * (codings, gzip), If-None-Match and If-Match (entity-tag lists, compared
 * with an ETag of the server's form), traceparent (W3C Trace Context),
 * X-Request-Id and Authorization (bearer tokens, one configured). The
 * input is the header value, then optionally a line feed and a body whose
 * ETag the entity-tag lists are compared with.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frontier/auth.h"
#include "frontier/http.h"
#include "frontier/negotiate.h"
#include "frontier/rendered.h"
#include "frontier/trace.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fr_tokens *tokens;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    tokens = fuzz_tokens_new();
    return 0;
}

static void check_quality(const char *header, const char *value, bool media_type)
{
    int q = fr_accept_quality(header, value, media_type);
    FUZZ_CHECK(q >= -1 && q <= 1000, "q-value %d for %s", q, value);
}

static bool is_lower_hex(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    }
    return s[len] == '\0';
}

static void check_traceparent(const uint8_t *data, size_t len)
{
    struct fr_traceparent parsed;

    if (fr_traceparent_parse((const char *)data, len, &parsed) != FR_OK)
        return;
    FUZZ_CHECK(len >= 55, "a traceparent of %zu bytes parsed", len);
    FUZZ_CHECK(parsed.version < 255 && parsed.flags < 256, "version %u, flags %u",
               parsed.version, parsed.flags);
    FUZZ_CHECK(is_lower_hex(parsed.trace_id, FR_TRACE_ID_LEN) &&
                   strspn(parsed.trace_id, "0") != FR_TRACE_ID_LEN,
               "trace id '%s'", parsed.trace_id);
    FUZZ_CHECK(is_lower_hex(parsed.parent_id, FR_PARENT_ID_LEN) &&
                   strspn(parsed.parent_id, "0") != FR_PARENT_ID_LEN,
               "parent id '%s'", parsed.parent_id);
}

static void check_etags(const char *header, const char *body, size_t body_len)
{
    char etag[FR_ETAG_SIZE];

    for (int gzip = 0; gzip <= 1; gzip++) {
        fr_etag(body, body_len, gzip != 0, etag);
        bool weak = fr_etag_matches(header, etag);
        bool strong = fr_etag_matches_strong(header, etag);
        FUZZ_CHECK(!strong || weak, "'%s' matches %s strongly but not weakly", header, etag);
        if (strcmp(header, etag) == 0 || strcmp(header, "*") == 0)
            FUZZ_CHECK(weak && strong, "'%s' does not match %s", header, etag);
    }
    FUZZ_CHECK(!fr_etag_matches(NULL, etag) && !fr_etag_matches_strong(NULL, etag),
               "no header matched");
}

static void check_request_id(const char *id)
{
    if (!fr_request_id_valid(id))
        return;
    size_t len = strlen(id);
    FUZZ_CHECK(len >= 1 && len <= FR_REQUEST_ID_MAX, "a request id of %zu bytes", len);
    FUZZ_CHECK(strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
                   len,
               "request id '%s' has a byte that could forge a header", id);
}

static void check_authorization(const char *header)
{
    const char *name = NULL;
    enum fr_auth_result result = fr_tokens_check(tokens, header, &name);

    FUZZ_CHECK(result >= FR_AUTH_OK && result <= FR_AUTH_INVALID, "auth result %d", result);
    FUZZ_CHECK((result == FR_AUTH_OK) == (name != NULL), "a name with result %d", result);
    if (result == FR_AUTH_OK)
        FUZZ_CHECK(strcmp(name, FUZZ_TOKEN_NAME) == 0, "token name '%s'", name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *lf = memchr(data, '\n', size);
    size_t header_len = lf != NULL ? (size_t)(lf - data) : size;
    char *header = fuzz_strndup(data, header_len);
    const char *body = lf != NULL ? (const char *)lf + 1 : "";
    size_t body_len = lf != NULL ? size - header_len - 1 : 0;

    check_traceparent(data, header_len);
    if (memchr(data, '\0', header_len) == NULL) {
        /* A field value reaches the parsers as a C string: no NUL. */
        check_quality(header, "application/json", true);
        check_quality(header, "text/csv", true);
        check_quality(header, "application/problem+json", true);
        check_quality(header, "gzip", false);
        check_quality(header, "identity", false);
        (void)fr_accepts_gzip(header);
        check_etags(header, body, body_len);
        check_request_id(header);
        check_authorization(header);
    }
    free(header);
    return 0;
}
