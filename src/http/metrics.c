/*
 * The metrics registry (include/frontier/metrics.h). The hot path is
 * fr_metrics_observe: three relaxed atomic additions into arrays sized once
 * at start, indexed by series (a route's pattern), method and status slot.
 * The expensive part, turning the arrays into text, happens only when
 * /metrics is scraped.
 */
#include "frontier/metrics.h"

#include <inttypes.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "frontier/model.h"

/* ---- what is counted --------------------------------------------------- */

/* Indexed by the bit position of enum fr_method. */
static const char *const method_labels[] = {"GET",   "HEAD",   "POST",    "PUT",
                                            "PATCH", "DELETE", "OPTIONS", "OTHER"};
#define METHOD_SLOTS (sizeof method_labels / sizeof method_labels[0])

/* The codes this server or a proxy in front of it plausibly sends each get
 * a slot of their own; any other code is counted under its class, so the
 * arrays stay small without losing a request. */
static const int known_codes[] = {
    200, 201, 202, 203, 204, 206, 301, 302, 303, 304, 307, 308, 400, 401,
    403, 404, 405, 406, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417,
    421, 422, 425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505,
};
#define KNOWN_CODES (sizeof known_codes / sizeof known_codes[0])
/* After the known codes: "1xx" to "5xx", then "other" for codes outside
 * 100 to 599. */
#define CLASS_SLOT(cls) (KNOWN_CODES + (size_t)(cls) - 1)
#define OTHER_SLOT (KNOWN_CODES + 5)
#define CODE_SLOTS (KNOWN_CODES + 6)
#define CODE_LIMIT 600

/* Upper bounds of the duration buckets, inclusive, in nanoseconds, and as
 * the "le" label prints them; +Inf is the last bucket. */
static const uint64_t bucket_bounds_ns[] = {
    100000,    250000,    500000,    1000000,    2500000,    5000000,
    10000000,  25000000,  50000000,  100000000,  250000000,  500000000,
    1000000000, 2500000000, 5000000000, 10000000000,
};
static const char *const bucket_labels[] = {
    "0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025",
    "0.05",   "0.1",     "0.25",   "0.5",   "1",      "2.5",   "5",    "10",
};
#define BOUNDS (sizeof bucket_bounds_ns / sizeof bucket_bounds_ns[0])
#define BUCKETS (BOUNDS + 1)

_Static_assert(sizeof bucket_labels / sizeof bucket_labels[0] == BOUNDS,
               "every bucket bound has its label");
_Static_assert(FR_METHOD_OTHER == 1 << (METHOD_SLOTS - 1), "every method has its label");

struct fr_metrics {
    /* Route entries in the order the router counts them (fr_request's
     * route_index), each mapped to its series; series share a pattern. */
    size_t entry_count;
    size_t *series_of_entry;
    size_t series_count;       /* the patterns, then "unmatched" */
    const char **series_route; /* borrowed patterns; NULL for unmatched */
    unsigned char code_slot[CODE_LIMIT];

    atomic_uint_fast64_t *requests; /* [series][method][code slot] */
    atomic_uint_fast64_t *buckets;  /* [series][bucket], not cumulative */
    atomic_uint_fast64_t *sum_ns;   /* [series] */
    atomic_int_fast64_t in_flight;

    uint64_t load_ns;
    bool load_known;
    uint64_t start_time_ns; /* since the epoch */
    char *version;
};

/* ---- making the registry ----------------------------------------------- */

/* The process's start time from /proc, as process exporters report it:
 * the boot time plus the start tick. The clock now when /proc is not there. */
static uint64_t process_start_ns(void)
{
    FILE *f;
    char line[1024];
    const char *p;
    unsigned long long btime = 0, ticks = 0;
    long hz = sysconf(_SC_CLK_TCK);
    bool have_btime = false, have_ticks = false;
    struct timespec now;

    f = fopen("/proc/stat", "re");
    if (f) {
        while (fgets(line, sizeof line, f)) {
            if (sscanf(line, "btime %llu", &btime) == 1) {
                have_btime = true;
                break;
            }
        }
        fclose(f);
    }
    f = fopen("/proc/self/stat", "re");
    if (f) {
        /* The command name (field 2) is in parentheses and may hold spaces
         * or ')'; fields are counted from the last ')', each after a space.
         * starttime is field 22. */
        if (fgets(line, sizeof line, f) && (p = strrchr(line, ')')) != NULL) {
            int field = 2;
            for (p++; *p && field < 22; p++) {
                if (*p == ' ')
                    field++;
            }
            have_ticks = field == 22 && sscanf(p, "%llu", &ticks) == 1;
        }
        fclose(f);
    }
    if (have_btime && have_ticks && hz > 0)
        return (uint64_t)btime * 1000000000u + (uint64_t)ticks * 1000000000u / (uint64_t)hz;
    clock_gettime(CLOCK_REALTIME, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

static void fill_code_slots(struct fr_metrics *m)
{
    for (int code = 0; code < CODE_LIMIT; code++)
        m->code_slot[code] = code < 100 ? (unsigned char)OTHER_SLOT
                                        : (unsigned char)CLASS_SLOT(code / 100);
    for (size_t i = 0; i < KNOWN_CODES; i++)
        m->code_slot[known_codes[i]] = (unsigned char)i;
}

/* One series per distinct pattern, in the order routes are declared; the
 * comparison happens here once, never per request. */
static enum fr_status map_routes(struct fr_metrics *m, const struct fr_route *const *tables)
{
    size_t entry = 0;

    for (size_t t = 0; tables && tables[t]; t++) {
        for (const struct fr_route *r = tables[t]; r->pattern; r++)
            m->entry_count++;
    }
    m->series_of_entry = calloc(m->entry_count ? m->entry_count : 1,
                                sizeof *m->series_of_entry);
    m->series_route = calloc(m->entry_count + 1, sizeof *m->series_route);
    if (!m->series_of_entry || !m->series_route)
        return FR_ENOMEM;
    for (size_t t = 0; tables && tables[t]; t++) {
        for (const struct fr_route *r = tables[t]; r->pattern; r++, entry++) {
            size_t s = 0;
            while (s < m->series_count && strcmp(m->series_route[s], r->pattern) != 0)
                s++;
            if (s == m->series_count)
                m->series_route[m->series_count++] = r->pattern;
            m->series_of_entry[entry] = s;
        }
    }
    m->series_route[m->series_count++] = NULL; /* unmatched */
    return FR_OK;
}

enum fr_status fr_metrics_new(const struct fr_route *const *tables, const char *version,
                              struct fr_metrics **out)
{
    struct fr_metrics *m = NULL;
    enum fr_status status = FR_ENOMEM;

    *out = NULL;
    if (!version)
        return FR_EINVAL;
    m = calloc(1, sizeof *m);
    if (!m)
        goto out;
    status = map_routes(m, tables);
    if (status != FR_OK)
        goto out;
    status = FR_ENOMEM;
    /* calloc's zero bytes are zero atomics on every platform we build for
     * (lock-free 64-bit atomics have no hidden state). */
    m->requests = calloc(m->series_count * METHOD_SLOTS * CODE_SLOTS, sizeof *m->requests);
    m->buckets = calloc(m->series_count * BUCKETS, sizeof *m->buckets);
    m->sum_ns = calloc(m->series_count, sizeof *m->sum_ns);
    m->version = strdup(version);
    if (!m->requests || !m->buckets || !m->sum_ns || !m->version)
        goto out;
    atomic_init(&m->in_flight, 0);
    fill_code_slots(m);
    m->start_time_ns = process_start_ns();
    *out = m;
    m = NULL;
    status = FR_OK;
out:
    fr_metrics_free(m);
    return status;
}

void fr_metrics_free(struct fr_metrics *metrics)
{
    if (!metrics)
        return;
    free(metrics->series_of_entry);
    free(metrics->series_route);
    free(metrics->requests);
    free(metrics->buckets);
    free(metrics->sum_ns);
    free(metrics->version);
    free(metrics);
}

void fr_metrics_set_load_duration(struct fr_metrics *metrics, uint64_t nanoseconds)
{
    metrics->load_ns = nanoseconds;
    metrics->load_known = true;
}

/* ---- the hot path ------------------------------------------------------ */

void fr_metrics_request_begin(struct fr_metrics *metrics)
{
    if (metrics)
        atomic_fetch_add_explicit(&metrics->in_flight, 1, memory_order_relaxed);
}

void fr_metrics_request_end(struct fr_metrics *metrics)
{
    if (metrics)
        atomic_fetch_sub_explicit(&metrics->in_flight, 1, memory_order_relaxed);
}

/* A single method bit's position; anything else (0, several bits) is OTHER. */
static size_t method_slot(enum fr_method method)
{
    unsigned bits = (unsigned)method;

    if (bits == 0 || (bits & (bits - 1)) != 0 || bits > (unsigned)FR_METHOD_OTHER)
        return METHOD_SLOTS - 1;
    return (size_t)__builtin_ctz(bits);
}

void fr_metrics_observe(struct fr_metrics *metrics, size_t route_index, enum fr_method method,
                        int status, uint64_t duration_ns)
{
    size_t series, slot, bucket = 0;

    if (!metrics)
        return;
    series = route_index < metrics->entry_count ? metrics->series_of_entry[route_index]
                                                : metrics->series_count - 1;
    slot = status >= 0 && status < CODE_LIMIT ? metrics->code_slot[status] : OTHER_SLOT;
    while (bucket < BOUNDS && duration_ns > bucket_bounds_ns[bucket])
        bucket++;
    atomic_fetch_add_explicit(
        &metrics->requests[(series * METHOD_SLOTS + method_slot(method)) * CODE_SLOTS + slot], 1,
        memory_order_relaxed);
    atomic_fetch_add_explicit(&metrics->buckets[series * BUCKETS + bucket], 1,
                              memory_order_relaxed);
    atomic_fetch_add_explicit(&metrics->sum_ns[series], duration_ns, memory_order_relaxed);
}

/* ---- the exposition ---------------------------------------------------- */

enum fr_status fr_metrics_append_label_value(struct fr_buf *out, const char *text)
{
    enum fr_status status = FR_OK;

    for (const char *p = text; *p && status == FR_OK; p++) {
        if (*p == '\\')
            status = fr_buf_append(out, "\\\\", 2);
        else if (*p == '"')
            status = fr_buf_append(out, "\\\"", 2);
        else if (*p == '\n')
            status = fr_buf_append(out, "\\n", 2);
        else
            status = fr_buf_append_char(out, *p);
    }
    return status;
}

/* Exact decimal seconds from nanoseconds: no rounding through a double. */
static enum fr_status append_seconds(struct fr_buf *out, uint64_t ns)
{
    return fr_buf_appendf(out, "%" PRIu64 ".%09" PRIu64, ns / 1000000000u, ns % 1000000000u);
}

static enum fr_status append_family(struct fr_buf *out, const char *name, const char *type,
                                    const char *help)
{
    return fr_buf_appendf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* `route="<pattern>"` or `route="unmatched"`. */
static enum fr_status append_route_label(struct fr_buf *out, const char *route)
{
    enum fr_status status = fr_buf_append_str(out, "route=\"");
    if (status == FR_OK)
        status = fr_metrics_append_label_value(out, route ? route : "unmatched");
    if (status == FR_OK)
        status = fr_buf_append_char(out, '"');
    return status;
}

static enum fr_status append_code_label(struct fr_buf *out, size_t slot)
{
    if (slot < KNOWN_CODES)
        return fr_buf_appendf(out, "code=\"%d\"", known_codes[slot]);
    if (slot == OTHER_SLOT)
        return fr_buf_append_str(out, "code=\"other\"");
    return fr_buf_appendf(out, "code=\"%zuxx\"", slot - KNOWN_CODES + 1);
}

/* Only the combinations that have been seen: a series appears with its
 * first request, as client libraries do, instead of thousands of zeros. */
static enum fr_status render_requests(const struct fr_metrics *m, struct fr_buf *out)
{
    enum fr_status status = append_family(
        out, "http_requests_total", "counter",
        "HTTP requests answered, by method, route template and status code.");

    for (size_t s = 0; s < m->series_count && status == FR_OK; s++) {
        for (size_t method = 0; method < METHOD_SLOTS && status == FR_OK; method++) {
            for (size_t slot = 0; slot < CODE_SLOTS && status == FR_OK; slot++) {
                uint64_t n = atomic_load_explicit(
                    &m->requests[(s * METHOD_SLOTS + method) * CODE_SLOTS + slot],
                    memory_order_relaxed);
                if (n == 0)
                    continue;
                status = fr_buf_appendf(out, "http_requests_total{method=\"%s\",",
                                        method_labels[method]);
                if (status == FR_OK)
                    status = append_route_label(out, m->series_route[s]);
                if (status == FR_OK)
                    status = fr_buf_append_char(out, ',');
                if (status == FR_OK)
                    status = append_code_label(out, slot);
                if (status == FR_OK)
                    status = fr_buf_appendf(out, "} %" PRIu64 "\n", n);
            }
        }
    }
    return status;
}

/* One bucket line: name{route="...",le="..."} count. */
static enum fr_status append_bucket(struct fr_buf *out, const char *route, const char *le,
                                    uint64_t count)
{
    enum fr_status status = fr_buf_append_str(out, "http_request_duration_seconds_bucket{");
    if (status == FR_OK)
        status = append_route_label(out, route);
    if (status == FR_OK)
        status = fr_buf_appendf(out, ",le=\"%s\"} %" PRIu64 "\n", le, count);
    return status;
}

/* Buckets are kept apart and summed here into the cumulative counts the
 * format wants; _count is the +Inf bucket, so the two always agree. */
static enum fr_status render_durations(const struct fr_metrics *m, struct fr_buf *out)
{
    enum fr_status status = append_family(
        out, "http_request_duration_seconds", "histogram",
        "Time from a request's arrival to the end of its response, by route template.");

    for (size_t s = 0; s < m->series_count && status == FR_OK; s++) {
        uint64_t counts[BUCKETS], total = 0;
        for (size_t b = 0; b < BUCKETS; b++) {
            counts[b] = atomic_load_explicit(&m->buckets[s * BUCKETS + b], memory_order_relaxed);
            total += counts[b];
        }
        if (total == 0)
            continue;
        uint64_t cumulative = 0;
        for (size_t b = 0; b < BUCKETS && status == FR_OK; b++) {
            cumulative += counts[b];
            status = append_bucket(out, m->series_route[s], b < BOUNDS ? bucket_labels[b] : "+Inf",
                                   cumulative);
        }
        if (status == FR_OK)
            status = fr_buf_append_str(out, "http_request_duration_seconds_sum{");
        if (status == FR_OK)
            status = append_route_label(out, m->series_route[s]);
        if (status == FR_OK)
            status = fr_buf_append_str(out, "} ");
        if (status == FR_OK)
            status = append_seconds(
                out, atomic_load_explicit(&m->sum_ns[s], memory_order_relaxed));
        if (status == FR_OK)
            status = fr_buf_append_str(out, "\nhttp_request_duration_seconds_count{");
        if (status == FR_OK)
            status = append_route_label(out, m->series_route[s]);
        if (status == FR_OK)
            status = fr_buf_appendf(out, "} %" PRIu64 "\n", total);
    }
    return status;
}

/* Resident pages (the second field of /proc/self/statm) times the page size. */
static enum fr_status resident_bytes(uint64_t *out)
{
    FILE *f = fopen("/proc/self/statm", "re");
    unsigned long long size = 0, resident = 0;
    long page = sysconf(_SC_PAGESIZE);
    bool ok;

    if (!f)
        return FR_EIO;
    ok = fscanf(f, "%llu %llu", &size, &resident) == 2 && page > 0;
    fclose(f);
    if (!ok)
        return FR_EIO;
    *out = (uint64_t)resident * (uint64_t)page;
    return FR_OK;
}

static enum fr_status render_snapshot(const struct fr_metrics *m,
                                      const struct fr_snapshot *snapshot, struct fr_buf *out)
{
    enum fr_status status = append_family(
        out, "frontier_snapshot_version", "gauge",
        "Version of the snapshot being served; the first one built is 1.");
    if (status == FR_OK && snapshot)
        status = fr_buf_appendf(out, "frontier_snapshot_version %" PRIu64 "\n",
                                fr_snapshot_version(snapshot));
    if (status == FR_OK)
        status = append_family(out, "frontier_snapshot_loaded_timestamp_seconds", "gauge",
                               "When the snapshot being served was built, in seconds since "
                               "the Unix epoch.");
    if (status == FR_OK && snapshot)
        status = fr_buf_appendf(out, "frontier_snapshot_loaded_timestamp_seconds %" PRId64 "\n",
                                fr_snapshot_built_at(snapshot));
    if (status == FR_OK)
        status = append_family(out, "frontier_snapshot_load_duration_seconds", "gauge",
                               "Time taken at start-up to open the store, load it and build "
                               "the snapshot.");
    if (status == FR_OK && m->load_known) {
        status = fr_buf_append_str(out, "frontier_snapshot_load_duration_seconds ");
        if (status == FR_OK)
            status = append_seconds(out, m->load_ns);
        if (status == FR_OK)
            status = fr_buf_append_char(out, '\n');
    }
    return status;
}

enum fr_status fr_metrics_render(const struct fr_metrics *metrics,
                                 const struct fr_snapshot *snapshot, struct fr_buf *out)
{
    uint64_t rss = 0;
    enum fr_status status = resident_bytes(&rss);

    if (status == FR_OK)
        status = render_requests(metrics, out);
    if (status == FR_OK)
        status = render_durations(metrics, out);
    if (status == FR_OK)
        status = append_family(out, "http_requests_in_flight", "gauge",
                               "Requests received and not yet completed, this one included.");
    if (status == FR_OK)
        status = fr_buf_appendf(
            out, "http_requests_in_flight %" PRIdFAST64 "\n",
            atomic_load_explicit(&metrics->in_flight, memory_order_relaxed));
    if (status == FR_OK)
        status = render_snapshot(metrics, snapshot, out);
    if (status == FR_OK)
        status = append_family(out, "process_resident_memory_bytes", "gauge",
                               "Resident memory size in bytes.");
    if (status == FR_OK)
        status = fr_buf_appendf(out, "process_resident_memory_bytes %" PRIu64 "\n", rss);
    if (status == FR_OK)
        status = append_family(out, "process_start_time_seconds", "gauge",
                               "Start time of the process since the Unix epoch in seconds.");
    if (status == FR_OK)
        status = fr_buf_append_str(out, "process_start_time_seconds ");
    if (status == FR_OK)
        status = append_seconds(out, metrics->start_time_ns);
    if (status == FR_OK)
        status = fr_buf_append_char(out, '\n');
    if (status == FR_OK)
        status = append_family(out, "frontier_build_info", "gauge",
                               "Always 1; the version label names the build of frontierd.");
    if (status == FR_OK)
        status = fr_buf_append_str(out, "frontier_build_info{version=\"");
    if (status == FR_OK)
        status = fr_metrics_append_label_value(out, metrics->version);
    if (status == FR_OK)
        status = fr_buf_append_str(out, "\"} 1\n");
    return status;
}
