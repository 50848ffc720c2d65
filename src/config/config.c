/*
 * The daemon's configuration (include/frontier/config.h): compiled defaults,
 * then the INI file, then FRONTIERD_* environment variables, then flags, each
 * value validated where it is read so that an error can say which source it
 * came from. The result is a plain struct that the rest of the program only
 * reads; nothing here keeps state between calls.
 */
#include "frontier/config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "frontier/auth.h"
#include "frontier/server.h"

#define PORT_MAX 65535u
#define THREADS_MAX 256u
#define CACHE_MAX_AGE_MAX 31536000u /* a year, as RFC 9111 suggests for "never expires" */
/* Request bodies: a record with its citations fits in far less than the
 * smallest limit; the largest keeps one request from holding much memory. */
#define BODY_MIN 1024u
#define BODY_MAX 16777216u
/* Shutdown: an hour is longer than any request should take and than any
 * supervisor waits before it kills. */
#define SHUTDOWN_TIMEOUT_MAX 3600u
#define SHUTDOWN_TIMEOUT_DEFAULT 10u
_Static_assert(FR_SERVER_BODY_DEFAULT == 262144, "the usage text and README say 262144");
/* Connections: the most a Linux kernel lets a process open (fs.nr_open's
 * default); fr_server_start checks the actual limit on open files. */
#define CONNECTIONS_MAX 1048576u
/* Timeouts: an hour is far more than any request of this API needs. */
#define TIMEOUT_MAX 3600u
/* Request heads: the smallest still holds a long URL and the usual headers;
 * the largest keeps libmicrohttpd's memory per connection (the limit plus
 * 16 KiB) under 100 KiB. */
#define HEADER_MIN 1024u
#define HEADER_MAX 65536u
_Static_assert(FR_SERVER_CONNECTIONS_DEFAULT == 1024 && FR_SERVER_PER_CLIENT_DEFAULT == 64 &&
                   FR_SERVER_IDLE_TIMEOUT_DEFAULT == 15 &&
                   FR_SERVER_REQUEST_TIMEOUT_DEFAULT == 30 && FR_SERVER_HEADER_DEFAULT == 16384,
               "the usage text, config/frontierd.conf and README say these defaults");

#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)
#define PATH_MAX_TEXT STRINGIFY(FR_CONFIG_PATH_MAX)

/* Values quoted in messages are cut to this many bytes, so that one absurd
 * value cannot push the key and the source out of a caller's buffer. */
#define QUOTE_MAX 60

/* ------------------------------------------------------------------------
 * The keys and where each can be set
 * ------------------------------------------------------------------------ */

enum key {
    KEY_BIND,
    KEY_PORT,
    KEY_DB,
    KEY_SEED,
    KEY_THREADS,
    KEY_DOCS,
    KEY_WEB,
    KEY_SHUTDOWN_TIMEOUT,
    KEY_CACHE_MAX_AGE,
    KEY_CORS_ORIGINS,
    KEY_ACCESS_LOG,
    KEY_MAX_BODY_BYTES,
    KEY_MAX_CONNECTIONS,
    KEY_MAX_CONNECTIONS_PER_CLIENT,
    KEY_IDLE_TIMEOUT,
    KEY_REQUEST_TIMEOUT,
    KEY_MAX_HEADER_BYTES,
    KEY_TOKENS,
    KEY_COUNT
};

struct key_info {
    const char *name;    /* INI key, also the name used in messages */
    const char *section; /* INI section holding it */
    const char *flag;    /* long flag */
    const char *env;     /* environment variable */
    const char *allowed; /* noun phrase for messages: what a value may be */
};

static const struct key_info keys[KEY_COUNT] = {
    [KEY_BIND] = {"bind", "server", "--bind", "FRONTIERD_BIND",
                  "an IPv4 or IPv6 address such as 127.0.0.1 or ::1"},
    [KEY_PORT] = {"port", "server", "--port", "FRONTIERD_PORT",
                  "an integer from 0 to 65535"},
    [KEY_DB] = {"db", "store", "--db", "FRONTIERD_DB",
                "a non-empty path shorter than " PATH_MAX_TEXT " bytes"},
    [KEY_SEED] = {"seed", "store", "--seed", "FRONTIERD_SEED",
                  "a non-empty path shorter than " PATH_MAX_TEXT " bytes"},
    [KEY_THREADS] = {"threads", "server", "--threads", "FRONTIERD_THREADS",
                     "an integer from 0 to 256, where 0 means one per CPU"},
    [KEY_DOCS] = {"docs", "server", "--docs", "FRONTIERD_DOCS",
                  "a non-empty path shorter than " PATH_MAX_TEXT " bytes"},
    [KEY_WEB] = {"web", "server", "--web", "FRONTIERD_WEB",
                 "a non-empty path shorter than " PATH_MAX_TEXT " bytes"},
    [KEY_SHUTDOWN_TIMEOUT] = {"shutdown_timeout", "server", "--shutdown-timeout",
                              "FRONTIERD_SHUTDOWN_TIMEOUT",
                              "an integer number of seconds from 0 to 3600"},
    [KEY_CACHE_MAX_AGE] = {"cache_max_age", "http", "--cache-max-age", "FRONTIERD_CACHE_MAX_AGE",
                           "an integer number of seconds from 0 to 31536000, where 0 "
                           "means no-cache"},
    [KEY_CORS_ORIGINS] = {"cors_origins", "http", "--cors-origins", "FRONTIERD_CORS_ORIGINS",
                          "* or a comma-separated list of origins such as "
                          "https://example.org (scheme://host[:port], no path)"},
    [KEY_ACCESS_LOG] = {"access_log", "http", "--access-log", "FRONTIERD_ACCESS_LOG",
                        "off, stderr or a file path shorter than " PATH_MAX_TEXT " bytes"},
    [KEY_MAX_BODY_BYTES] = {"max_body_bytes", "http", "--max-body-bytes",
                            "FRONTIERD_MAX_BODY_BYTES",
                            "an integer number of bytes from 1024 to 16777216"},
    [KEY_MAX_CONNECTIONS] = {"max_connections", "http", "--max-connections",
                             "FRONTIERD_MAX_CONNECTIONS", "an integer from 1 to 1048576"},
    [KEY_MAX_CONNECTIONS_PER_CLIENT] = {"max_connections_per_client", "http",
                                        "--max-connections-per-client",
                                        "FRONTIERD_MAX_CONNECTIONS_PER_CLIENT",
                                        "an integer from 1 to 1048576"},
    [KEY_IDLE_TIMEOUT] = {"idle_timeout", "http", "--idle-timeout", "FRONTIERD_IDLE_TIMEOUT",
                          "an integer number of seconds from 1 to 3600"},
    [KEY_REQUEST_TIMEOUT] = {"request_timeout", "http", "--request-timeout",
                             "FRONTIERD_REQUEST_TIMEOUT",
                             "an integer number of seconds from 1 to 3600"},
    [KEY_MAX_HEADER_BYTES] = {"max_header_bytes", "http", "--max-header-bytes",
                              "FRONTIERD_MAX_HEADER_BYTES",
                              "an integer number of bytes from 1024 to 65536"},
    [KEY_TOKENS] = {"tokens", "auth", "--tokens", "FRONTIERD_TOKENS",
                    "up to " STRINGIFY(FR_TOKENS_MAX) " name:digest entries separated by commas "
                    "or blanks, each digest the SHA-256 that frontierd hash-token prints, in "
                    "fewer than " STRINGIFY(FR_CONFIG_TOKENS_MAX) " bytes"},
};

#define CONFIG_KEY "config"
#define CONFIG_FLAG "--config"
#define CONFIG_ENV "FRONTIERD_CONFIG"
#define CONFIG_ALLOWED "a non-empty path shorter than " PATH_MAX_TEXT " bytes"
#define HASH_TOKEN_COMMAND "hash-token"
/* The longest line libinih reads, with its newline and NUL (INI_MAX_LINE). */
#define INI_LINE_MAX 200

/* Where a value came from: a line of the config file when file is set,
 * otherwise the flag or environment variable called name. */
struct origin {
    const char *file;
    int line;
    const char *name;
    bool is_env;
};

/* ------------------------------------------------------------------------
 * Error messages
 * ------------------------------------------------------------------------ */

struct errbuf {
    char *buf; /* borrowed from the caller; may be NULL when size is 0 */
    size_t size;
};

/* Formats the one error message fr_config_load reports. A message that does
 * not fit ends in "..." so the reader knows it was cut. */
static void set_error(struct errbuf *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void set_error(struct errbuf *err, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (err->buf == NULL || err->size == 0) {
        return;
    }
    va_start(ap, fmt);
    n = vsnprintf(err->buf, err->size, fmt, ap);
    va_end(ap);
    if (n < 0) {
        err->buf[0] = '\0';
    } else if ((size_t)n >= err->size && err->size >= 4) {
        memcpy(err->buf + err->size - 4, "...", 4);
    }
}

/* Copies value into out (QUOTE_MAX + 4 bytes) for quoting in a message:
 * control characters become '?', so a stray byte from the environment cannot
 * garble a terminal, and a long value is cut (at a UTF-8 character boundary)
 * and marked with "...". */
static void quote_value(char *out, const char *value)
{
    size_t len = strlen(value);
    size_t n = len > QUOTE_MAX ? QUOTE_MAX : len;
    size_t i;

    if (n < len) {
        while (n > 0 && ((unsigned char)value[n] & 0xC0u) == 0x80u) {
            n--;
        }
    }
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)value[i];
        out[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    if (n < len) {
        memcpy(out + n, "...", 3);
        n += 3;
    }
    out[n] = '\0';
}

/* "the config file <path> line <n>", or the flag's or variable's name. A
 * path is shorter than FR_CONFIG_PATH_MAX, so it always fits. */
struct where {
    char text[FR_CONFIG_PATH_MAX + 64];
};

static void describe_origin(struct where *out, const struct origin *from)
{
    int n;

    if (from->file == NULL) {
        n = snprintf(out->text, sizeof out->text, "%s", from->name);
    } else {
        n = snprintf(out->text, sizeof out->text, "the config file %s line %d", from->file,
                     from->line);
    }
    if (n < 0) {
        out->text[0] = '\0';
    }
}

/* "<key>: '<value>' is not allowed: <why> (from <where>)". */
static void value_error(struct errbuf *err, const char *key, const char *value,
                        const char *allowed, const struct origin *from)
{
    char shown[QUOTE_MAX + 4];
    struct where where;

    quote_value(shown, value);
    describe_origin(&where, from);
    if (from->is_env && value[0] == '\0') {
        set_error(err, "%s: '' is not allowed: the variable is set but empty; unset it or set it "
                  "to %s (from %s)", key, allowed, where.text);
    } else {
        set_error(err, "%s: '%s' is not allowed: expected %s (from %s)", key, shown, allowed,
                  where.text);
    }
}

/* "<key>: <problem>; expected <what is allowed> (from <where>)", for values
 * that must not be quoted (a token list may hold a pasted token). */
static void problem_error(struct errbuf *err, const char *key, const char *problem,
                          const char *allowed, const struct origin *from)
{
    struct where where;

    describe_origin(&where, from);
    set_error(err, "%s: %s; expected %s (from %s)", key, problem, allowed, where.text);
}

/* ------------------------------------------------------------------------
 * Validation
 * ------------------------------------------------------------------------ */

/* Decimal digits only: no sign, no blanks, no trailing junk. Stops as soon
 * as the value passes max, so no length of digits can overflow. */
static bool parse_uint(const char *text, unsigned max, unsigned *out)
{
    unsigned long value = 0;
    const char *p;

    if (*text == '\0') {
        return false;
    }
    for (p = text; *p != '\0'; p++) {
        if (*p < '0' || *p > '9') {
            return false;
        }
        value = value * 10 + (unsigned long)(*p - '0');
        if (value > max) {
            return false;
        }
    }
    *out = (unsigned)value;
    return true;
}

/* Accepts what inet_pton accepts, plus an IPv6 literal in brackets as it is
 * written in URLs; stores it without the brackets, the form the server's
 * address parsing takes. */
static bool parse_bind(const char *text, char *out, size_t out_size)
{
    unsigned char addr[sizeof(struct in6_addr)];
    char inner[INET6_ADDRSTRLEN];
    size_t len = strlen(text);

    if (len >= out_size) {
        return false;
    }
    if (len >= 2 && text[0] == '[' && text[len - 1] == ']') {
        if (len - 2 >= sizeof inner) {
            return false;
        }
        memcpy(inner, text + 1, len - 2);
        inner[len - 2] = '\0';
        if (inet_pton(AF_INET6, inner, addr) != 1) {
            return false;
        }
        memcpy(out, inner, len - 1);
        return true;
    }
    if (inet_pton(AF_INET, text, addr) != 1 && inet_pton(AF_INET6, text, addr) != 1) {
        return false;
    }
    memcpy(out, text, len + 1);
    return true;
}

/* "*" or a comma-separated list of origins, each scheme://host[:port] with an
 * http or https scheme and no path; stored as given, spaces removed. */
static bool parse_origins(const char *text, char *out, size_t size)
{
    char buf[FR_CONFIG_ORIGINS_MAX];
    size_t used = 0;

    if (strcmp(text, "*") == 0) {
        memcpy(out, "*", 2);
        return true;
    }
    for (const char *p = text; *p; p++) {
        if (*p == ' ' || *p == '\t')
            continue;
        if (used + 1 >= sizeof buf)
            return false;
        buf[used++] = *p;
    }
    buf[used] = '\0';
    if (used == 0 || used >= size)
        return false;
    for (char *save = NULL, *o = strtok_r(buf, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
        const char *host;
        if (strncmp(o, "https://", 8) == 0)
            host = o + 8;
        else if (strncmp(o, "http://", 7) == 0)
            host = o + 7;
        else
            return false;
        if (*host == '\0' || strchr(host, '/') || strchr(host, '*'))
            return false;
    }
    /* strtok_r cut buf: copy the cleaned text again from the source. */
    used = 0;
    for (const char *p = text; *p; p++) {
        if (*p != ' ' && *p != '\t')
            out[used++] = *p;
    }
    out[used] = '\0';
    return strstr(out, ",,") == NULL && out[0] != ',' && out[used - 1] != ',';
}

/* An integer from min to max; parse_uint's rules. */
static bool parse_range(const char *text, unsigned min, unsigned max, unsigned *out)
{
    unsigned value;

    if (!parse_uint(text, max, &value) || value < min) {
        return false;
    }
    *out = value;
    return true;
}

static bool parse_bytes(const char *text, unsigned min, unsigned max, size_t *out)
{
    unsigned value;

    if (!parse_range(text, min, max, &value)) {
        return false;
    }
    *out = value;
    return true;
}

static bool copy_path(const char *text, char *out)
{
    size_t len = strlen(text);

    if (len == 0 || len >= FR_CONFIG_PATH_MAX) {
        return false;
    }
    memcpy(out, text, len + 1);
    return true;
}

/* Validates the token list (with append, config's list so far, a newline
 * and value: a continuation line of the config file) and stores it in
 * config. fr_tokens_parse is the one judge of the format; the parsed tokens
 * are dropped, since the daemon parses the stored text again. Messages never
 * quote the value: it may be a token pasted where its digest belongs. */
static enum fr_status apply_tokens(struct fr_config *config, const char *value, bool append,
                                   const struct origin *from, struct errbuf *err)
{
    const struct key_info *key = &keys[KEY_TOKENS];
    char list[FR_CONFIG_TOKENS_MAX];
    char problem[256];
    struct fr_tokens *tokens = NULL;
    size_t used = append ? strlen(config->tokens) : 0;
    size_t len = strlen(value);
    enum fr_status status;

    if (from->is_env && len == 0) {
        value_error(err, key->name, value, key->allowed, from);
        return FR_EINVAL;
    }
    if (used + (append ? 1 : 0) + len >= sizeof list) {
        /* Always fits: a size_t has at most 20 digits. */
        snprintf(problem, sizeof problem, "the list is %zu bytes long",
                 used + (append ? 1 : 0) + len);
        problem_error(err, key->name, problem, key->allowed, from);
        return FR_EINVAL;
    }
    memcpy(list, config->tokens, used);
    if (append) {
        list[used++] = '\n';
    }
    memcpy(list + used, value, len + 1);
    status = fr_tokens_parse(list, &tokens, problem, sizeof problem);
    fr_tokens_free(tokens);
    if (status == FR_EINVAL) {
        problem_error(err, key->name, problem, key->allowed, from);
        return FR_EINVAL;
    }
    if (status != FR_OK) {
        set_error(err, "%s: %s", key->name, problem);
        return status;
    }
    memcpy(config->tokens, list, used + len + 1);
    return FR_OK;
}

/* Validates value for key k and stores it in config; on failure leaves
 * config as it was and sets the message naming the source. */
static enum fr_status apply_value(struct fr_config *config, enum key k, const char *value,
                                  const struct origin *from, struct errbuf *err)
{
    bool ok = false;

    switch (k) {
    case KEY_BIND:
        ok = parse_bind(value, config->bind, sizeof config->bind);
        break;
    case KEY_PORT:
        ok = parse_uint(value, PORT_MAX, &config->port);
        break;
    case KEY_DB:
        ok = copy_path(value, config->db);
        break;
    case KEY_SEED:
        ok = copy_path(value, config->seed);
        break;
    case KEY_THREADS:
        ok = parse_uint(value, THREADS_MAX, &config->threads);
        break;
    case KEY_DOCS:
        ok = copy_path(value, config->docs);
        break;
    case KEY_WEB:
        ok = copy_path(value, config->web);
        break;
    case KEY_SHUTDOWN_TIMEOUT:
        ok = parse_uint(value, SHUTDOWN_TIMEOUT_MAX, &config->shutdown_timeout);
        break;
    case KEY_CACHE_MAX_AGE:
        ok = parse_uint(value, CACHE_MAX_AGE_MAX, &config->cache_max_age);
        break;
    case KEY_CORS_ORIGINS:
        ok = parse_origins(value, config->cors_origins, sizeof config->cors_origins);
        break;
    case KEY_ACCESS_LOG:
        /* "off" and "stderr" are words, not files; a file of that name is
         * still reachable as ./off. Whether the path opens is found out at
         * start-up, where the reason can be given. */
        ok = copy_path(value, config->access_log);
        break;
    case KEY_MAX_BODY_BYTES:
        ok = parse_bytes(value, BODY_MIN, BODY_MAX, &config->max_body_bytes);
        break;
    case KEY_MAX_CONNECTIONS:
        ok = parse_range(value, 1, CONNECTIONS_MAX, &config->max_connections);
        break;
    case KEY_MAX_CONNECTIONS_PER_CLIENT:
        ok = parse_range(value, 1, CONNECTIONS_MAX, &config->max_connections_per_client);
        break;
    case KEY_IDLE_TIMEOUT:
        ok = parse_range(value, 1, TIMEOUT_MAX, &config->idle_timeout);
        break;
    case KEY_REQUEST_TIMEOUT:
        ok = parse_range(value, 1, TIMEOUT_MAX, &config->request_timeout);
        break;
    case KEY_MAX_HEADER_BYTES:
        ok = parse_bytes(value, HEADER_MIN, HEADER_MAX, &config->max_header_bytes);
        break;
    case KEY_TOKENS:
        return apply_tokens(config, value, false, from, err);
    case KEY_COUNT:
        break;
    }
    if (!ok) {
        value_error(err, keys[k].name, value, keys[k].allowed, from);
        return FR_EINVAL;
    }
    return FR_OK;
}

/* ------------------------------------------------------------------------
 * The config file
 * ------------------------------------------------------------------------ */

struct ini_ctx {
    struct fr_config *config; /* borrowed */
    struct errbuf *err;       /* borrowed */
    FILE *file;               /* borrowed */
    const char *path;         /* borrowed */
    int line;                 /* physical line last handed to libinih */
    bool continuation;        /* that line is one libinih will treat as continuing a value */
    bool key_in_section;      /* a key was read since the last section header */
    int set_line[KEY_COUNT];  /* where each key was set, 0 while it was not */
    int error_line;           /* the line of the first error found here, 0 while none */
    enum fr_status status;
};

static void ini_fail(struct ini_ctx *ctx, enum fr_status status)
{
    ctx->error_line = ctx->line > 0 ? ctx->line : 1;
    ctx->status = status;
}

/* Appends item to a list written as "a, b and c". */
static void list_append(char *out, size_t size, const char *item, bool last, bool first)
{
    size_t used = strlen(out);
    snprintf(out + used, size - used, "%s%s", first ? "" : last ? " and " : ", ", item);
}

/* "[server], [store] and [http]": the sections, in the order keys name them. */
static void list_sections(char *out, size_t size)
{
    const char *seen[KEY_COUNT];
    int n = 0;
    for (int k = 0; k < KEY_COUNT; k++) {
        int i = 0;
        while (i < n && strcmp(seen[i], keys[k].section) != 0)
            i++;
        if (i == n)
            seen[n++] = keys[k].section;
    }
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        char item[32];
        snprintf(item, sizeof item, "[%s]", seen[i]);
        list_append(out, size, item, i == n - 1, i == 0);
    }
}

/* "bind, port, threads and docs": the keys of one section. */
static const char *section_keys(const char *section)
{
    static _Thread_local char out[256];
    int total = 0, done = 0;
    for (int k = 0; k < KEY_COUNT; k++)
        total += strcmp(keys[k].section, section) == 0;
    out[0] = '\0';
    for (int k = 0; k < KEY_COUNT; k++) {
        if (strcmp(keys[k].section, section) != 0)
            continue;
        list_append(out, sizeof out, keys[k].name, done == total - 1, done == 0);
        done++;
    }
    return out;
}

/* Reads the section header on a line (after leading blanks) and rejects an
 * unknown one here, so the error names the header's own line even when the
 * section holds no keys. A header without ']' is left to libinih, which
 * reports it as a syntax error. */
static bool check_section(struct ini_ctx *ctx, const char *p)
{
    const char *end = strchr(p + 1, ']');
    size_t len;
    char shown[QUOTE_MAX + 4];
    char name[QUOTE_MAX + 2]; /* one byte more than is shown, so a cut name gets "..." */
    char sections[128];

    if (end == NULL) {
        return true;
    }
    len = (size_t)(end - (p + 1));
    for (int k = 0; k < KEY_COUNT; k++) {
        if (strlen(keys[k].section) == len && memcmp(p + 1, keys[k].section, len) == 0) {
            return true;
        }
    }
    if (len > QUOTE_MAX + 1) {
        len = QUOTE_MAX + 1;
    }
    memcpy(name, p + 1, len);
    name[len] = '\0';
    quote_value(shown, name);
    list_sections(sections, sizeof sections);
    set_error(ctx->err, "the config file %s line %d: unknown section [%s]; "
              "the sections are %s", ctx->path, ctx->line, shown, sections);
    ini_fail(ctx, FR_EINVAL);
    return false;
}

/* The fgets-style reader libinih calls for each line. Reading lines here,
 * rather than letting ini_parse do it, is what lets errors name the right
 * line: libinih counts a line longer than its buffer as several lines, while
 * this reader counts physical lines and rejects an over-long one outright.
 * It also stops the parse at the first error, so the first one is reported. */
static char *ini_read_line(char *str, int num, void *stream)
{
    struct ini_ctx *ctx = stream;
    size_t len;
    const char *p;
    bool indented;

    if (ctx->error_line != 0) {
        return NULL;
    }
    errno = 0;
    if (fgets(str, num, ctx->file) == NULL) {
        if (ferror(ctx->file)) {
            ctx->line++; /* the line that could not be read */
            set_error(ctx->err, "the config file %s: cannot read: %s", ctx->path,
                      strerror(errno != 0 ? errno : EIO));
            ini_fail(ctx, FR_EIO);
        }
        return NULL;
    }
    ctx->line++;
    len = strlen(str);
    if (len == 0 || str[len - 1] != '\n') {
        int c = getc(ctx->file);
        if (c != EOF) {
            set_error(ctx->err, "the config file %s line %d: the line is longer than %d bytes, "
                      "the most libinih reads; give a longer value through the environment or "
                      "a flag", ctx->path, ctx->line, num - 2);
            ini_fail(ctx, FR_EINVAL);
            return NULL;
        }
        if (ferror(ctx->file)) {
            set_error(ctx->err, "the config file %s: cannot read: %s", ctx->path,
                      strerror(errno != 0 ? errno : EIO));
            ini_fail(ctx, FR_EIO);
            return NULL;
        }
    }

    /* Mirror libinih's reading of the line to know what it will make of it. */
    p = str;
    if (ctx->line == 1 && len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
        p += 3;
    }
    indented = isspace((unsigned char)*p);
    while (*p != '\0' && isspace((unsigned char)*p)) {
        p++;
    }
    ctx->continuation = false;
    if (*p == '\0' || *p == ';' || *p == '#') {
        return str;
    }
    if (indented && ctx->key_in_section) {
        ctx->continuation = true;
    } else if (*p == '[') {
        ctx->key_in_section = false;
        if (!check_section(ctx, p)) {
            return NULL;
        }
    }
    return str;
}

/* libinih 55 hands a continuation line over with its inline comment (later
 * releases cut it, as they do on key lines): cut it here the same way, at a
 * ';' after a blank, and the blanks before it. */
static void strip_inline_comment(const char *value, char *out, size_t size)
{
    size_t n = 0;

    while (value[n] != '\0' && n + 1 < size) {
        if (value[n] == ';' && n > 0 && isspace((unsigned char)value[n - 1])) {
            break;
        }
        out[n] = value[n];
        n++;
    }
    while (n > 0 && isspace((unsigned char)out[n - 1])) {
        n--;
    }
    out[n] = '\0';
}

static int ini_handle(void *user, const char *section, const char *name, const char *value)
{
    struct ini_ctx *ctx = user;
    struct origin from = {ctx->path, ctx->line, NULL, false};
    char shown[QUOTE_MAX + 4];
    enum fr_status status = FR_EINVAL;
    int k;

    if (ctx->continuation) {
        /* libinih names the key the line continues, which was accepted:
         * only the token list is long enough to need more than one line. */
        if (strcmp(name, keys[KEY_TOKENS].name) == 0) {
            char line[INI_LINE_MAX];
            strip_inline_comment(value, line, sizeof line);
            status = apply_tokens(ctx->config, line, true, &from, ctx->err);
            if (status != FR_OK) {
                goto fail;
            }
            return 1;
        }
        set_error(ctx->err, "the config file %s line %d: the line is indented, which reads as a "
                  "continuation of the value of '%s'; start each key at the beginning of its "
                  "line", ctx->path, ctx->line, name);
        goto fail;
    }
    ctx->key_in_section = true;
    for (k = 0; k < KEY_COUNT; k++) {
        if (strcmp(name, keys[k].name) == 0) {
            break;
        }
    }
    quote_value(shown, name);
    if (section[0] == '\0') {
        if (k < KEY_COUNT) {
            set_error(ctx->err, "the config file %s line %d: key '%s' is outside any section; "
                      "put it under [%s]", ctx->path, ctx->line, shown, keys[k].section);
        } else {
            set_error(ctx->err, "the config file %s line %d: unknown key '%s' outside any section",
                      ctx->path, ctx->line, shown);
        }
        goto fail;
    }
    if (k == KEY_COUNT || strcmp(section, keys[k].section) != 0) {
        if (k < KEY_COUNT) {
            set_error(ctx->err, "the config file %s line %d: key '%s' belongs in [%s], not [%s]",
                      ctx->path, ctx->line, shown, keys[k].section, section);
        } else {
            set_error(ctx->err, "the config file %s line %d: unknown key '%s' in [%s]; the keys "
                      "are %s", ctx->path, ctx->line, shown, section,
                      section_keys(section));
        }
        goto fail;
    }
    if (ctx->set_line[k] != 0) {
        set_error(ctx->err, "the config file %s line %d: duplicate key '%s' in [%s] (first set "
                  "on line %d)", ctx->path, ctx->line, shown, section, ctx->set_line[k]);
        goto fail;
    }
    ctx->set_line[k] = ctx->line;
    status = apply_value(ctx->config, (enum key)k, value, &from, ctx->err);
    if (status != FR_OK) {
        goto fail;
    }
    return 1;

fail:
    ini_fail(ctx, status);
    return 0;
}

/* Reads config->config_file into config. The first error stops the parse:
 * later lines may only be consequences of it. */
static enum fr_status load_file(struct fr_config *config, struct errbuf *err)
{
    struct ini_ctx ctx;
    enum fr_status status = FR_OK;
    int rc;

    memset(&ctx, 0, sizeof ctx);
    ctx.config = config;
    ctx.err = err;
    ctx.path = config->config_file;
    ctx.status = FR_OK;
    ctx.file = fopen(ctx.path, "re");
    if (ctx.file == NULL) {
        set_error(err, "the config file %s: cannot open: %s", ctx.path, strerror(errno));
        status = FR_EIO;
        goto out;
    }
    rc = ini_parse_stream(ini_read_line, &ctx, ini_handle, &ctx);
    if (rc > 0 && (ctx.error_line == 0 || rc < ctx.error_line)) {
        /* libinih found a line it cannot read before any error of ours. */
        set_error(err, "the config file %s line %d: syntax error: expected [section], "
                  "key = value or a comment", ctx.path, rc);
        status = FR_EINVAL;
    } else if (ctx.error_line != 0) {
        status = ctx.status;
    } else if (rc == -2) {
        set_error(err, "the config file %s: out of memory while parsing", ctx.path);
        status = FR_ENOMEM;
    } else if (rc != 0) {
        set_error(err, "the config file %s: libinih failed (%d)", ctx.path, rc);
        status = FR_EIO;
    }

out:
    if (ctx.file != NULL) {
        fclose(ctx.file);
    }
    return status;
}

/* ------------------------------------------------------------------------
 * Flags and environment
 * ------------------------------------------------------------------------ */

struct flag_values {
    const char *value[KEY_COUNT]; /* borrowed from argv; NULL when not given */
    const char *config;           /* borrowed from argv; NULL when not given */
};

/* A following argument that is itself a flag is not taken as a value, so
 * "--db --port 80" reports the missing value instead of a database called
 * "--port". A value that starts with "--" can still be given as --db=--x. */
static bool looks_like_flag(const char *arg)
{
    return strncmp(arg, "--", 2) == 0 || strcmp(arg, "-h") == 0 || strcmp(arg, "-V") == 0;
}

/* Scans argv left to right. --help, --version and --routes end the scan, as in GNU
 * tools, so that a mistake after them does not hide the help; a mistake
 * before them is reported. A flag given twice keeps its last value.
 * hash-token is a command of its own, so it must come first and alone. */
static enum fr_status parse_args(int argc, char *const argv[], struct flag_values *flags,
                                 enum fr_config_action *action, struct errbuf *err)
{
    char shown[QUOTE_MAX + 4];
    int i;

    if (argc > 1 && argv[1] != NULL && strcmp(argv[1], HASH_TOKEN_COMMAND) == 0) {
        if (argc > 2 && argv[2] != NULL) {
            quote_value(shown, argv[2]);
            set_error(err, "%s takes no arguments, got '%s'; it reads the token from standard "
                      "input", HASH_TOKEN_COMMAND, shown);
            return FR_EINVAL;
        }
        *action = FR_CONFIG_HASH_TOKEN;
        return FR_OK;
    }
    for (i = 1; i < argc && argv[i] != NULL; i++) {
        const char *arg = argv[i];
        const char *eq;
        const char *value;
        const char **slot = NULL;
        size_t name_len;
        int k;

        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            *action = FR_CONFIG_HELP;
            return FR_OK;
        }
        if (strcmp(arg, "--version") == 0 || strcmp(arg, "-V") == 0) {
            *action = FR_CONFIG_VERSION;
            return FR_OK;
        }
        if (strcmp(arg, "--routes") == 0) {
            *action = FR_CONFIG_ROUTES;
            return FR_OK;
        }
        quote_value(shown, arg);
        if (strcmp(arg, HASH_TOKEN_COMMAND) == 0) {
            set_error(err, "%s is a command: give it alone, as frontierd %s",
                      HASH_TOKEN_COMMAND, HASH_TOKEN_COMMAND);
            return FR_EINVAL;
        }
        if (arg[0] != '-' || arg[1] == '\0') {
            set_error(err, "unexpected argument '%s': only flags are accepted (see --help)",
                      shown);
            return FR_EINVAL;
        }
        eq = strchr(arg, '=');
        name_len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
        if (arg[1] == '-') {
            for (k = 0; k < KEY_COUNT && slot == NULL; k++) {
                if (strlen(keys[k].flag) == name_len && memcmp(arg, keys[k].flag, name_len) == 0) {
                    slot = &flags->value[k];
                }
            }
            if (name_len == strlen(CONFIG_FLAG) && memcmp(arg, CONFIG_FLAG, name_len) == 0) {
                slot = &flags->config;
            }
        }
        if (slot == NULL) {
            if ((name_len == 6 && memcmp(arg, "--help", 6) == 0) ||
                (name_len == 9 && memcmp(arg, "--version", 9) == 0) ||
                (name_len == 8 && memcmp(arg, "--routes", 8) == 0)) {
                set_error(err, "%.*s takes no value, got '%s'", (int)name_len, arg, shown);
            } else {
                set_error(err, "unknown flag '%s' (see --help)", shown);
            }
            return FR_EINVAL;
        }
        if (eq != NULL) {
            value = eq + 1;
        } else if (i + 1 < argc && argv[i + 1] != NULL && !looks_like_flag(argv[i + 1])) {
            value = argv[++i];
        } else {
            set_error(err, "%s: missing value (give %s VALUE or %s=VALUE)", arg, arg, arg);
            return FR_EINVAL;
        }
        *slot = value;
    }
    return FR_OK;
}

/* The value of the first "name=" entry, as getenv would pick it. */
static const char *env_lookup(char *const envp[], const char *name)
{
    size_t len = strlen(name);
    size_t i;

    if (envp == NULL) {
        return NULL;
    }
    for (i = 0; envp[i] != NULL; i++) {
        if (strncmp(envp[i], name, len) == 0 && envp[i][len] == '=') {
            return envp[i] + len + 1;
        }
    }
    return NULL;
}

static void set_defaults(struct fr_config *config)
{
    memset(config, 0, sizeof *config);
    memcpy(config->bind, "127.0.0.1", sizeof "127.0.0.1");
    config->port = 8080;
    memcpy(config->db, "data/frontier.db", sizeof "data/frontier.db");
    memcpy(config->seed, "data/seed", sizeof "data/seed");
    memcpy(config->docs, FR_CONFIG_DOCS_DEFAULT, sizeof FR_CONFIG_DOCS_DEFAULT);
    memcpy(config->web, FR_CONFIG_WEB_DEFAULT, sizeof FR_CONFIG_WEB_DEFAULT);
    memcpy(config->cors_origins, "*", sizeof "*");
    memcpy(config->access_log, "off", sizeof "off");
    config->threads = 0;
    config->shutdown_timeout = SHUTDOWN_TIMEOUT_DEFAULT;
    config->max_body_bytes = FR_SERVER_BODY_DEFAULT;
    config->max_connections = FR_SERVER_CONNECTIONS_DEFAULT;
    config->max_connections_per_client = FR_SERVER_PER_CLIENT_DEFAULT;
    config->idle_timeout = FR_SERVER_IDLE_TIMEOUT_DEFAULT;
    config->request_timeout = FR_SERVER_REQUEST_TIMEOUT_DEFAULT;
    config->max_header_bytes = FR_SERVER_HEADER_DEFAULT;
    config->tokens[0] = '\0'; /* no one may write */
}

/* One worker per online CPU, within the 1..256 that --threads allows. */
static unsigned online_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    if (n < 1) {
        return 1;
    }
    if (n > (long)THREADS_MAX) {
        return THREADS_MAX;
    }
    return (unsigned)n;
}

/* ------------------------------------------------------------------------
 * Public functions
 * ------------------------------------------------------------------------ */

enum fr_status fr_config_load(struct fr_config *config, int argc, char *const argv[],
                              char *const envp[], enum fr_config_action *action,
                              char *error, size_t error_size)
{
    /* Built aside and copied out at the end, so a failed load leaves the
     * caller's struct untouched. */
    struct fr_config built;
    struct flag_values flags;
    struct errbuf err = {error, error_size};
    struct origin from;
    const char *env_config;
    const char *file;
    enum fr_status status;
    int k;

    if (error != NULL && error_size > 0) {
        error[0] = '\0';
    }
    *action = FR_CONFIG_RUN;
    memset(&flags, 0, sizeof flags);
    set_defaults(&built);

    status = parse_args(argc, argv, &flags, action, &err);
    if (status != FR_OK) {
        goto out;
    }
    if (*action != FR_CONFIG_RUN) {
        built.threads = online_cpus();
        *config = built;
        goto out;
    }

    /* Which file: the flag wins, but a malformed FRONTIERD_CONFIG is still
     * reported, as every other source is. */
    env_config = env_lookup(envp, CONFIG_ENV);
    if (env_config != NULL && !copy_path(env_config, built.config_file)) {
        from = (struct origin){NULL, 0, CONFIG_ENV, true};
        value_error(&err, CONFIG_KEY, env_config, CONFIG_ALLOWED, &from);
        status = FR_EINVAL;
        goto out;
    }
    if (flags.config != NULL && !copy_path(flags.config, built.config_file)) {
        from = (struct origin){NULL, 0, CONFIG_FLAG, false};
        value_error(&err, CONFIG_KEY, flags.config, CONFIG_ALLOWED, &from);
        status = FR_EINVAL;
        goto out;
    }
    file = flags.config != NULL ? flags.config : env_config;
    if (file != NULL) {
        status = load_file(&built, &err);
        if (status != FR_OK) {
            goto out;
        }
    }

    for (k = 0; k < KEY_COUNT; k++) {
        const char *value = env_lookup(envp, keys[k].env);
        if (value == NULL) {
            continue;
        }
        from = (struct origin){NULL, 0, keys[k].env, true};
        status = apply_value(&built, (enum key)k, value, &from, &err);
        if (status != FR_OK) {
            goto out;
        }
    }
    for (k = 0; k < KEY_COUNT; k++) {
        if (flags.value[k] == NULL) {
            continue;
        }
        from = (struct origin){NULL, 0, keys[k].flag, false};
        status = apply_value(&built, (enum key)k, flags.value[k], &from, &err);
        if (status != FR_OK) {
            goto out;
        }
    }

    if (built.threads == 0) {
        built.threads = online_cpus();
    }
    *config = built;

out:
    return status;
}

const char *fr_config_usage(void)
{
    return "Usage: frontierd [FLAG]...\n"
           "       frontierd hash-token < FILE\n"
           "Serves facts about the frontier-AI race as an HTTP JSON API. hash-token reads\n"
           "a bearer token from the first line of standard input and prints the SHA-256\n"
           "digest that --tokens takes for it.\n"
           "\n"
           "Each setting is taken from, in rising precedence: its default, the config\n"
           "file, its environment variable, its flag. Flags take their value as\n"
           "\"--flag VALUE\" or \"--flag=VALUE\".\n"
           "\n"
           "  FLAG                   ENVIRONMENT              DEFAULT\n"
           "  --bind ADDR            FRONTIERD_BIND           127.0.0.1\n"
           "                         IPv4 or IPv6 literal to listen on ([::1] too)\n"
           "  --port N               FRONTIERD_PORT           8080\n"
           "                         TCP port, 0 to 65535; 0 picks a free port\n"
           "  --db PATH              FRONTIERD_DB             data/frontier.db\n"
           "                         SQLite database file; \":memory:\" keeps it in memory\n"
           "  --seed DIR             FRONTIERD_SEED           data/seed\n"
           "                         seed data imported into a new database\n"
           "  --threads N            FRONTIERD_THREADS        0\n"
           "                         worker threads, 0 to 256; 0 means one per online CPU\n"
           "  --docs DIR             FRONTIERD_DOCS           " FR_CONFIG_DOCS_DEFAULT "\n"
           "                         directory holding redoc.standalone.js for /docs\n"
           "  --web DIR              FRONTIERD_WEB            " FR_CONFIG_WEB_DEFAULT "\n"
           "                         the dashboard's files, served at / and /app/\n"
           "  --shutdown-timeout N   FRONTIERD_SHUTDOWN_TIMEOUT 10\n"
           "                         seconds requests in flight get to finish on SIGTERM\n"
           "                         or SIGINT, 0 to 3600; then they are cut\n"
           "  --cache-max-age N      FRONTIERD_CACHE_MAX_AGE  0\n"
           "                         Cache-Control max-age in seconds; 0 sends no-cache\n"
           "  --cors-origins LIST    FRONTIERD_CORS_ORIGINS   *\n"
           "                         origins browsers may read from: * or a comma list\n"
           "  --access-log WHERE     FRONTIERD_ACCESS_LOG     off\n"
           "                         one JSON line per request: off, stderr or a file\n"
           "  --max-body-bytes N     FRONTIERD_MAX_BODY_BYTES 262144\n"
           "                         largest request body accepted, 1024 to 16777216\n"
           "  --max-connections N    FRONTIERD_MAX_CONNECTIONS 1024\n"
           "                         connections open at once, 1 to 1048576\n"
           "  --max-connections-per-client N\n"
           "                         FRONTIERD_MAX_CONNECTIONS_PER_CLIENT 64\n"
           "                         connections open at once from one address, 1 to\n"
           "                         1048576 (behind a proxy all share its address)\n"
           "  --idle-timeout S       FRONTIERD_IDLE_TIMEOUT   15\n"
           "                         seconds without a byte received or sent, 1 to 3600\n"
           "  --request-timeout S    FRONTIERD_REQUEST_TIMEOUT 30\n"
           "                         seconds to send a whole request from its first\n"
           "                         byte, 1 to 3600\n"
           "  --max-header-bytes N   FRONTIERD_MAX_HEADER_BYTES 16384\n"
           "                         largest request line and header fields, 1024 to\n"
           "                         65536 (414 or 431 beyond)\n"
           "  --tokens LIST          FRONTIERD_TOKENS         (none: no one may write)\n"
           "                         who may write: name:digest entries, comma-separated,\n"
           "                         each digest printed by frontierd hash-token\n"
           "  --config PATH          FRONTIERD_CONFIG         (none)\n"
           "                         INI file: [server] bind, port, threads, docs, web,\n"
           "                         shutdown_timeout;\n"
           "                         [store] db, seed; [http] cache_max_age,\n"
           "                         cors_origins, access_log, max_body_bytes,\n"
           "                         max_connections, max_connections_per_client,\n"
           "                         idle_timeout, request_timeout,\n"
           "                         max_header_bytes; [auth] tokens\n"
           "  -h, --help\n"
           "                         print this help and exit\n"
           "  -V, --version\n"
           "                         print the version and exit\n"
           "  --routes\n"
           "                         print every route the server answers and exit\n";
}
