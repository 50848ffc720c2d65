/*
 * The harnesses' shared helpers: see fuzz.h. The request reader does what
 * the adapter (src/http/server.c) does with what libmicrohttpd hands it,
 * through the same functions (fr_percent_decode, fr_method_parse,
 * fr_request_identify); the steps only libmicrohttpd takes ('+' in a query,
 * splitting pairs) are written next to each.
 */
#include "fuzz.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <zlib.h>

#include "frontier/trace.h"

#ifndef FUZZ_SEED_DIR
#define FUZZ_SEED_DIR "data/seed"
#endif

void fuzz_fail(const char *fmt, ...)
{
    va_list ap;

    fputs("fuzz check failed: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

const char *fuzz_seed_dir(void)
{
    const char *dir = getenv("FRONTIER_SEED_DIR");
    return dir && *dir ? dir : FUZZ_SEED_DIR;
}

char *fuzz_strndup(const uint8_t *data, size_t size)
{
    char *copy = malloc(size + 1);

    FUZZ_CHECK(copy != NULL, "out of memory copying %zu bytes", size);
    if (size > 0)
        memcpy(copy, data, size);
    copy[size] = '\0';
    return copy;
}

struct fr_store *fuzz_store_open(void)
{
    struct fr_store *store = NULL;
    char error[1024] = "";

    if (fr_store_open(":memory:", fuzz_seed_dir(), &store, error, sizeof error) != FR_OK)
        fuzz_fail("opening a :memory: store with the seed of %s: %s", fuzz_seed_dir(), error);
    return store;
}

struct fr_snapshot *fuzz_snapshot_load(void)
{
    struct fr_store *store = fuzz_store_open();
    struct fr_snapshot *snapshot = NULL;
    json_t *data = NULL;
    char error[1024] = "";

    if (fr_store_load(store, &data, error, sizeof error) != FR_OK ||
        fr_snapshot_build(data, &snapshot, error, sizeof error) != FR_OK)
        fuzz_fail("building the seed's snapshot: %s", error);
    fr_store_close(store);
    return snapshot;
}

struct fr_tokens *fuzz_tokens_new(void)
{
    char digest[FR_TOKEN_DIGEST_HEX + 1];
    char list[FR_TOKEN_DIGEST_HEX + 64];
    char error[256] = "";
    struct fr_tokens *tokens = NULL;

    fr_sha256_hex(FUZZ_TOKEN, sizeof FUZZ_TOKEN - 1, digest);
    FUZZ_CHECK(snprintf(list, sizeof list, "%s:%s", FUZZ_TOKEN_NAME, digest) < (int)sizeof list,
               "the token list does not fit");
    if (fr_tokens_parse(list, &tokens, error, sizeof error) != FR_OK)
        fuzz_fail("configuring the fuzz token: %s", error);
    return tokens;
}

/* ---- a store to write to ------------------------------------------------ */

static struct {
    char dir[256];
    char pristine[300]; /* the seed, imported once */
    char working[300];  /* the copy each fresh store opens */
    char *bytes;        /* the pristine file's content */
    size_t len;
} fresh;

static void format_path(char *out, size_t size, const char *dir, const char *name)
{
    FUZZ_CHECK(snprintf(out, size, "%s/%s", dir, name) < (int)size, "path %s/%s too long", dir,
               name);
}

/* The working copy with its WAL and shared-memory files: SQLite's names. */
static void remove_working(void)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    char path[320];

    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        FUZZ_CHECK(snprintf(path, sizeof path, "%s%s", fresh.working, suffixes[i]) <
                       (int)sizeof path,
                   "path too long");
        if (unlink(path) != 0)
            FUZZ_CHECK(errno == ENOENT, "removing %s: %s", path, strerror(errno));
    }
}

static void remove_fresh(void)
{
    remove_working();
    unlink(fresh.pristine);
    rmdir(fresh.dir);
    free(fresh.bytes);
}

static void fresh_init(void)
{
    struct stat st;
    const char *base = getenv("TMPDIR");
    struct fr_store *store = NULL;
    char error[1024] = "";
    FILE *f = NULL;

    if (stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && access("/dev/shm", W_OK) == 0)
        base = "/dev/shm"; /* memory: a commit's fsync costs nothing */
    else if (base == NULL || base[0] == '\0')
        base = "/tmp";
    format_path(fresh.dir, sizeof fresh.dir, base, "frontier-fuzz-XXXXXX");
    FUZZ_CHECK(mkdtemp(fresh.dir) != NULL, "mkdtemp %s: %s", fresh.dir, strerror(errno));
    format_path(fresh.pristine, sizeof fresh.pristine, fresh.dir, "seed.db");
    format_path(fresh.working, sizeof fresh.working, fresh.dir, "work.db");
    atexit(remove_fresh);

    if (fr_store_open(fresh.pristine, fuzz_seed_dir(), &store, error, sizeof error) != FR_OK)
        fuzz_fail("importing the seed of %s: %s", fuzz_seed_dir(), error);
    fr_store_close(store); /* checkpoints the WAL: the file alone holds it all */
    f = fopen(fresh.pristine, "rb");
    FUZZ_CHECK(f != NULL && fstat(fileno(f), &st) == 0, "reading %s: %s", fresh.pristine,
               strerror(errno));
    fresh.len = (size_t)st.st_size;
    fresh.bytes = malloc(fresh.len);
    FUZZ_CHECK(fresh.bytes != NULL && fread(fresh.bytes, 1, fresh.len, f) == fresh.len,
               "reading %s", fresh.pristine);
    fclose(f);
}

struct fr_store *fuzz_store_open_fresh(void)
{
    struct fr_store *store = NULL;
    char error[1024] = "";
    FILE *f = NULL;

    if (fresh.bytes == NULL)
        fresh_init();
    remove_working();
    f = fopen(fresh.working, "wb");
    FUZZ_CHECK(f != NULL && fwrite(fresh.bytes, 1, fresh.len, f) == fresh.len && fclose(f) == 0,
               "writing %s", fresh.working);
    if (fr_store_open(fresh.working, fuzz_seed_dir(), &store, error, sizeof error) != FR_OK)
        fuzz_fail("opening the copy of the seeded store: %s", error);
    return store;
}

/* ---- a request from text ------------------------------------------------ */

/* libmicrohttpd reads '+' in a query as a space before unescaping. */
static void query_decode(char *s)
{
    for (char *p = s; *p != '\0'; p++) {
        if (*p == '+')
            *p = ' ';
    }
    fr_percent_decode(s);
}

/* The adapter's collect_query: empty pairs ("&&") are dropped, and past
 * FR_MAX_QUERY_PARAMS the request is marked and the rest ignored. */
static void add_query(struct fr_request *req, char *name, char *value)
{
    query_decode(name);
    if (value != NULL)
        query_decode(value);
    if (name[0] == '\0' && value == NULL)
        return;
    if (req->query_count == FR_MAX_QUERY_PARAMS) {
        req->query_overflow = true;
        return;
    }
    req->query[req->query_count].name = name;
    req->query[req->query_count].value = value;
    req->query_count++;
}

/* libmicrohttpd's argument parsing: '&'-separated pairs, each split at its
 * first '='; a pair without one has a NULL value. It stops at an empty
 * remainder ("a&" is one pair). In place. */
static void parse_query(struct fr_request *req, char *args)
{
    while (args != NULL && *args != '\0' && !req->query_overflow) {
        char *amp = strchr(args, '&');
        char *next = NULL;
        if (amp != NULL) {
            *amp = '\0';
            next = amp + 1;
        }
        char *eq = strchr(args, '=');
        if (eq != NULL)
            *eq = '\0';
        add_query(req, args, eq != NULL ? eq + 1 : NULL);
        args = next;
    }
}

/* The adapter keeps the bodies of these methods and drops the others'. */
static bool keeps_body(enum fr_method method)
{
    return (method & (FR_METHOD_POST | FR_METHOD_PUT | FR_METHOD_PATCH | FR_METHOD_DELETE)) != 0;
}

/* The adapter's identification of the request, checked. */
static void identify(struct fr_request *req, char trace_id[FR_TRACE_ID_LEN + 1])
{
    fr_request_identify(req, trace_id);
    FUZZ_CHECK(fr_request_id_valid(req->request_id), "a request id is not valid: '%s'",
               req->request_id);
}

/* Ends the line that starts at *at (LF, or the end of the head), dropping a
 * CR before the LF; returns the line and moves *at past it. */
static char *next_line(char **at, char *end)
{
    char *line = *at;
    char *lf = memchr(line, '\n', (size_t)(end - line));
    char *stop = lf != NULL ? lf : end;

    if (stop > line && stop[-1] == '\r')
        stop[-1] = '\0';
    *stop = '\0';
    *at = lf != NULL ? lf + 1 : end;
    return line;
}

bool fuzz_request_parse(const uint8_t *data, size_t size, struct fuzz_request *out)
{
    struct fr_request *req = &out->req;
    char *text = fuzz_strndup(data, size);
    char *end = text + size;
    char *head_end = NULL;
    char *body = NULL;
    size_t body_len = 0;

    memset(out, 0, sizeof *out);
    /* The head ends at the first empty line; what follows is the body. */
    for (char *p = text; p < end; p++) {
        if (*p == '\n' && (p + 1 < end && p[1] == '\n')) {
            head_end = p + 1;
            body = p + 2;
            break;
        }
        if (*p == '\n' && (p + 2 < end && p[1] == '\r' && p[2] == '\n')) {
            head_end = p + 1;
            body = p + 3;
            break;
        }
    }
    if (head_end == NULL)
        head_end = end;
    else
        body_len = (size_t)(end - body);
    /* libmicrohttpd hands over no NUL before the body. */
    if (memchr(text, '\0', (size_t)(head_end - text)) != NULL)
        goto refuse;

    char *at = text;
    char *line = next_line(&at, head_end);
    char *space = strchr(line, ' ');
    if (space == NULL || space == line)
        goto refuse;
    *space = '\0';
    req->method_name = line;
    req->method = fr_method_parse(line);

    char *target = space + 1;
    char *query = strchr(target, '?');
    if (query != NULL)
        *query++ = '\0';
    fr_percent_decode(target);
    req->path = target;
    parse_query(req, query);

    while (at < head_end) {
        line = next_line(&at, head_end);
        char *colon = strchr(line, ':');
        if (colon == NULL || colon == line)
            continue; /* not a field line */
        if (req->header_count == FR_MAX_REQUEST_HEADERS)
            break; /* the adapter stops there too */
        *colon = '\0';
        req->headers[req->header_count].name = line;
        req->headers[req->header_count].value = colon + 1 + strspn(colon + 1, " \t");
        req->header_count++;
    }
    if (keeps_body(req->method) && body_len > 0) {
        req->body = body;
        req->body_len = body_len;
    }
    identify(req, out->trace_id);
    out->text = text;
    return true;

refuse:
    free(text);
    memset(out, 0, sizeof *out);
    return false;
}

void fuzz_request_cleanup(struct fuzz_request *r)
{
    free(r->text);
    memset(r, 0, sizeof *r);
}

/* ---- checking a response ------------------------------------------------ */

static const char *response_header(const struct fr_response *resp, const char *name)
{
    for (size_t i = 0; i < resp->header_count; i++) {
        if (strcasecmp(resp->headers[i].name, name) == 0)
            return resp->headers[i].value;
    }
    return NULL;
}

/* RFC 9110's tchar. */
static bool is_token(const char *s)
{
    static const char extra[] = "!#$%&'*+-.^_`|~";

    if (s == NULL || *s == '\0')
        return false;
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (!alnum && strchr(extra, c) == NULL)
            return false;
    }
    return true;
}

/* Inflates a gzip body; the caller frees *out. Aborts if it is not gzip. */
static void gunzip(const char *in, size_t len, char **out, size_t *out_len)
{
    z_stream z;
    size_t cap = len * 4 + 1024;
    char *buf = malloc(cap);
    int rc;

    FUZZ_CHECK(buf != NULL, "out of memory inflating %zu bytes", len);
    memset(&z, 0, sizeof z);
    FUZZ_CHECK(inflateInit2(&z, 16 + MAX_WBITS) == Z_OK, "inflateInit2 failed");
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)len;
    for (;;) {
        z.next_out = (Bytef *)buf + z.total_out;
        z.avail_out = (uInt)(cap - z.total_out);
        rc = inflate(&z, Z_NO_FLUSH);
        if (rc != Z_OK || z.avail_out != 0)
            break;
        char *bigger = realloc(buf, cap * 2);
        FUZZ_CHECK(bigger != NULL, "out of memory inflating %zu bytes", len);
        buf = bigger;
        cap *= 2;
    }
    FUZZ_CHECK(rc == Z_STREAM_END && z.avail_in == 0,
               "a body sent with Content-Encoding: gzip does not inflate (zlib %d)", rc);
    *out_len = z.total_out;
    *out = buf;
    inflateEnd(&z);
}

/* "application/json" or a "+json" type, parameters aside. */
static bool is_json_type(const char *content_type, bool *problem)
{
    size_t len = strcspn(content_type, "; \t");

    *problem = len == strlen(FR_CONTENT_PROBLEM) &&
               strncasecmp(content_type, FR_CONTENT_PROBLEM, len) == 0;
    if (len == strlen(FR_CONTENT_JSON) && strncasecmp(content_type, FR_CONTENT_JSON, len) == 0)
        return true;
    return len > 5 && strncasecmp(content_type + len - 5, "+json", 5) == 0;
}

static void check_json_body(const struct fr_response *resp, const char *body, size_t len,
                            bool problem)
{
    json_error_t error;
    json_t *json = json_loadb(body, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &error);

    FUZZ_CHECK(json != NULL, "a %d response labelled %s is not JSON: %s (at %d): %.*s",
               resp->status, resp->content_type, error.text, error.position,
               (int)(len < 200 ? len : 200), body);
    if (problem) {
        json_t *status = json_object_get(json, "status");
        FUZZ_CHECK(json_is_object(json) && json_is_string(json_object_get(json, "type")) &&
                       json_is_string(json_object_get(json, "title")),
                   "a problem document lacks type or title: %.*s", (int)(len < 200 ? len : 200),
                   body);
        FUZZ_CHECK(json_is_integer(status) && json_integer_value(status) == resp->status,
                   "a %d response's problem says status %lld", resp->status,
                   (long long)json_integer_value(status));
    }
    json_decref(json);
}

void fuzz_check_response(const struct fr_request *req, const struct fr_response *resp)
{
    const char *encoding = response_header(resp, "Content-Encoding");
    bool no_content = resp->status == 204 || resp->status == 304 || resp->status < 200;
    bool problem = false;

    FUZZ_CHECK(resp->status >= 100 && resp->status <= 599, "status %d", resp->status);
    FUZZ_CHECK(resp->header_count <= FR_MAX_EXTRA_HEADERS, "%zu headers", resp->header_count);
    for (size_t i = 0; i < resp->header_count; i++) {
        const struct fr_header *h = &resp->headers[i];
        FUZZ_CHECK(is_token(h->name), "header name '%s' is not a token", h->name ? h->name : "");
        FUZZ_CHECK(memchr(h->value, '\0', sizeof h->value) != NULL, "header %s is unterminated",
                   h->name);
        FUZZ_CHECK(strpbrk(h->value, "\r\n") == NULL, "header %s holds CR or LF: %s", h->name,
                   h->value);
    }
    if (resp->status == 304)
        FUZZ_CHECK(req->method == FR_METHOD_GET || req->method == FR_METHOD_HEAD,
                   "a 304 to %s", req->method_name);
    if (resp->status == 204)
        FUZZ_CHECK(resp->body_len == 0 && resp->content_type == NULL, "a 204 with content");
    if (resp->status == 405)
        FUZZ_CHECK(response_header(resp, "Allow") != NULL, "a 405 without Allow");
    if (resp->status == 401)
        FUZZ_CHECK(response_header(resp, "WWW-Authenticate") != NULL,
                   "a 401 without WWW-Authenticate");
    FUZZ_CHECK(resp->body != NULL || resp->body_len == 0, "a NULL body of %zu bytes",
               resp->body_len);
    if (no_content || resp->body_len == 0)
        return;
    FUZZ_CHECK(resp->content_type != NULL, "a %d body of %zu bytes without a content type",
               resp->status, resp->body_len);
    if (!is_json_type(resp->content_type, &problem))
        return;
    if (encoding != NULL) {
        char *plain = NULL;
        size_t plain_len = 0;
        FUZZ_CHECK(strcmp(encoding, "gzip") == 0, "Content-Encoding: %s", encoding);
        gunzip(resp->body, resp->body_len, &plain, &plain_len);
        check_json_body(resp, plain, plain_len, problem);
        free(plain);
    } else {
        check_json_body(resp, resp->body, resp->body_len, problem);
    }
}
