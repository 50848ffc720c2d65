/*
 * Request ids and trace context (include/frontier/trace.h). The adapter
 * calls these once per request: it echoes a client's valid X-Request-Id or
 * makes one up, and keeps the trace id of a valid traceparent for the
 * access log. Nothing here allocates.
 */
#include "frontier/trace.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "frontier/http.h"

#define TRACEPARENT_V00_LEN 55 /* "00-" 32 "-" 16 "-" 2 */

static const char hex_digits[] = "0123456789abcdef";

bool fr_request_id_valid(const char *id)
{
    size_t len = 0;

    if (id == NULL)
        return false;
    for (; id[len] != '\0'; len++) {
        char c = id[len];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        if (!ok || len == FR_REQUEST_ID_MAX)
            return false;
    }
    return len > 0;
}

/* splitmix64: spreads the fallback's counter and clock over all 64 bits. */
static uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15u;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
    return x ^ (x >> 31);
}

/* Used only when getrandom(2) fails (ENOSYS on a kernel older than 3.17, or
 * a seccomp filter): not unpredictable, but unique within the process,
 * which is what a request id must be. */
static void fallback_bytes(unsigned char bytes[16])
{
    static atomic_uint_fast64_t counter;
    struct timespec now;
    uint64_t n = atomic_fetch_add_explicit(&counter, 1, memory_order_relaxed);
    uint64_t halves[2];

    clock_gettime(CLOCK_REALTIME, &now);
    halves[0] = mix64(((uint64_t)now.tv_sec << 30) ^ (uint64_t)now.tv_nsec ^
                      ((uint64_t)getpid() << 48));
    halves[1] = mix64(n); /* a bijection: distinct n give distinct halves */
    memcpy(bytes, halves, 16);
}

#define ID_BYTES (FR_REQUEST_ID_GENERATED_LEN / 2)
/* 256 bytes is the most getrandom(2) always returns whole, even across a
 * signal, once the kernel's pool is initialised. */
#define RANDOM_POOL 256

/* getrandom(2) is a system call (about half a microsecond), too much for
 * every request: each thread draws 16 ids' worth at once and uses them up.
 * Request ids are not secrets, so keeping the bytes around is harmless. */
static void random_id_bytes(unsigned char bytes[ID_BYTES])
{
    static _Thread_local unsigned char pool[RANDOM_POOL];
    static _Thread_local size_t left;
    ssize_t got;

    if (left < ID_BYTES) {
        do {
            got = getrandom(pool, sizeof pool, 0);
        } while (got < 0 && errno == EINTR);
        if (got != (ssize_t)sizeof pool) {
            fallback_bytes(bytes);
            return;
        }
        left = sizeof pool;
    }
    left -= ID_BYTES;
    memcpy(bytes, pool + left, ID_BYTES);
}

void fr_request_id_generate(char *out)
{
    unsigned char bytes[ID_BYTES];

    random_id_bytes(bytes);
    for (size_t i = 0; i < sizeof bytes; i++) {
        out[2 * i] = hex_digits[bytes[i] >> 4];
        out[2 * i + 1] = hex_digits[bytes[i] & 0xf];
    }
    out[FR_REQUEST_ID_GENERATED_LEN] = '\0';
}

/* ---- traceparent ------------------------------------------------------ */

/* Lower-case only: the specification's HEXDIGLC. An upper-case header is
 * invalid, not a variant to be normalised. */
static int hex_lower(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Are text[0..len) all lower-case hex, and (when nonzero is set) not all
 * '0'? */
static bool hex_field(const char *text, size_t len, bool nonzero)
{
    bool any = false;

    for (size_t i = 0; i < len; i++) {
        if (hex_lower(text[i]) < 0)
            return false;
        any = any || text[i] != '0';
    }
    return any || !nonzero;
}

enum fr_status fr_traceparent_parse(const char *value, size_t len, struct fr_traceparent *out)
{
    unsigned version;

    if (value == NULL || len < TRACEPARENT_V00_LEN || memchr(value, '\0', len) != NULL)
        return FR_EINVAL;
    /* version "-" trace-id "-" parent-id "-" trace-flags */
    if (!hex_field(value, 2, false) || value[2] != '-' ||
        !hex_field(value + 3, FR_TRACE_ID_LEN, true) || value[35] != '-' ||
        !hex_field(value + 36, FR_PARENT_ID_LEN, true) || value[52] != '-' ||
        !hex_field(value + 53, 2, false))
        return FR_EINVAL;
    version = (unsigned)(hex_lower(value[0]) * 16 + hex_lower(value[1]));
    if (version == 0xff)
        return FR_EINVAL;
    /* Version 00 is exactly this long. A later version may add fields, but
     * only after a '-', so its first four fields still read the same. */
    if (len > TRACEPARENT_V00_LEN && (version == 0 || value[TRACEPARENT_V00_LEN] != '-'))
        return FR_EINVAL;

    out->version = version;
    memcpy(out->trace_id, value + 3, FR_TRACE_ID_LEN);
    out->trace_id[FR_TRACE_ID_LEN] = '\0';
    memcpy(out->parent_id, value + 36, FR_PARENT_ID_LEN);
    out->parent_id[FR_PARENT_ID_LEN] = '\0';
    out->flags = (unsigned)(hex_lower(value[53]) * 16 + hex_lower(value[54]));
    return FR_OK;
}

/*
 * The request's id: the client's X-Request-Id when it is one we may echo,
 * else a new one. And its trace: a traceparent header that parses, and only
 * when there is exactly one, since two cannot both name the caller's span
 * (the W3C test suite treats a duplicate as invalid).
 */
void fr_request_identify(struct fr_request *req, char *trace_id)
{
    size_t len = 0;
    const char *given = fr_trim_blanks(fr_request_header(req, "X-Request-Id"), &len);
    const char *traceparent = NULL;
    size_t traceparents = 0;
    struct fr_traceparent parsed;

    req->request_id[0] = '\0';
    if (given != NULL && len <= FR_REQUEST_ID_MAX) {
        memcpy(req->request_id, given, len);
        req->request_id[len] = '\0';
    }
    if (!fr_request_id_valid(req->request_id))
        fr_request_id_generate(req->request_id);

    trace_id[0] = '\0';
    for (size_t i = 0; i < req->header_count; i++) {
        if (strcasecmp(req->headers[i].name, "traceparent") == 0) {
            traceparent = req->headers[i].value;
            traceparents++;
        }
    }
    traceparent = fr_trim_blanks(traceparent, &len);
    if (traceparents == 1 && fr_traceparent_parse(traceparent, len, &parsed) == FR_OK)
        memcpy(trace_id, parsed.trace_id, sizeof parsed.trace_id);
}
