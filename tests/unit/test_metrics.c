/*
 * Unit tests for the metrics registry (src/http/metrics.c), in-process:
 * requests are observed by hand and the exposition text is compared line by
 * line: series per method, route and code, shared series for routes with
 * one pattern, unmatched and out-of-range indexes, status classes, bucket
 * boundaries (inclusive), sums, the in-flight gauge, the snapshot and build
 * series, label escaping, and the format's ordering rules.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "frontier/buf.h"
#include "frontier/metrics.h"
#include "frontier/model.h"
#include "support.h"

static void nothing(const struct fr_request *req, struct fr_response *resp)
{
    (void)req;
    (void)resp;
}

/* Entries 0 to 4, in the order the router counts them. */
static const struct fr_route first_table[] = {
    {FR_METHOD_GET, "/a", nothing},                    /* 0 */
    {FR_METHOD_POST, "/a", nothing},                   /* 1: same series as 0 */
    {FR_METHOD_GET, "/b/{id}", nothing},               /* 2 */
    {0, NULL, NULL},
};
static const struct fr_route second_table[] = {
    {FR_METHOD_GET, "/q\"uote\\back\nline", nothing}, /* 3: every escape */
    {FR_METHOD_GET, "/b/{id}", nothing},               /* 4: same series as 2 */
    {0, NULL, NULL},
};
static const struct fr_route *const tables[] = {first_table, second_table, NULL};

static struct fr_metrics *metrics;
static struct fr_buf text;

static void setup(void)
{
    ck_assert_int_eq(fr_metrics_new(tables, "1.2.3", &metrics), FR_OK);
    fr_buf_init(&text);
}

static void teardown(void)
{
    fr_metrics_free(metrics);
    metrics = NULL;
    fr_buf_cleanup(&text);
}

static const char *render(const struct fr_snapshot *snapshot)
{
    fr_buf_cleanup(&text);
    ck_assert_int_eq(fr_metrics_render(metrics, snapshot, &text), FR_OK);
    ck_assert_ptr_nonnull(text.data);
    return text.data;
}

/* Is line (without its '\n') a whole line of the text? */
static bool has_line(const char *all, const char *line)
{
    size_t len = strlen(line);
    for (const char *p = strstr(all, line); p; p = strstr(p + 1, line)) {
        if ((p == all || p[-1] == '\n') && p[len] == '\n')
            return true;
    }
    return false;
}

#define ASSERT_LINE(all, line) ck_assert_msg(has_line(all, line), "missing line: %s\n%s", line, all)
#define ASSERT_NO_LINE_START(all, start)                                                     \
    ck_assert_msg(strstr(all, "\n" start) == NULL && strncmp(all, start, strlen(start)) != 0, \
                  "unexpected: %s", start)

#define MS(x) ((uint64_t)(x) * 1000000u)
#define US(x) ((uint64_t)(x) * 1000u)

START_TEST(test_requests_by_method_route_and_code)
{
    fr_metrics_observe(metrics, 0, FR_METHOD_GET, 200, US(10));
    fr_metrics_observe(metrics, 0, FR_METHOD_GET, 200, US(10));
    fr_metrics_observe(metrics, 1, FR_METHOD_POST, 201, US(10));
    fr_metrics_observe(metrics, 0, FR_METHOD_HEAD, 304, US(10));
    fr_metrics_observe(metrics, 2, FR_METHOD_GET, 404, US(10));
    fr_metrics_observe(metrics, 4, FR_METHOD_GET, 404, US(10)); /* same series as 2 */
    fr_metrics_observe(metrics, 2, FR_METHOD_OPTIONS, 204, US(10));
    fr_metrics_observe(metrics, 2, FR_METHOD_DELETE, 405, US(10));
    fr_metrics_observe(metrics, FR_ROUTE_NONE, FR_METHOD_OTHER, 501, US(10));
    fr_metrics_observe(metrics, 99, FR_METHOD_GET, 404, US(10)); /* unknown index */
    fr_metrics_observe(metrics, FR_ROUTE_NONE, FR_METHOD_PUT, 299, US(10));
    fr_metrics_observe(metrics, FR_ROUTE_NONE, FR_METHOD_PATCH, 42, US(10));
    fr_metrics_observe(metrics, FR_ROUTE_NONE, FR_METHOD_PATCH, 600, US(10));
    fr_metrics_observe(metrics, FR_ROUTE_NONE, FR_METHOD_PATCH, -1, US(10));
    fr_metrics_observe(metrics, FR_ROUTE_NONE, (enum fr_method)0, 400, US(10));
    fr_metrics_observe(metrics, FR_ROUTE_NONE, FR_METHOD_GET | FR_METHOD_HEAD, 400, US(10));

    const char *all = render(NULL);
    ASSERT_LINE(all, "# TYPE http_requests_total counter");
    ASSERT_LINE(all, "http_requests_total{method=\"GET\",route=\"/a\",code=\"200\"} 2");
    ASSERT_LINE(all, "http_requests_total{method=\"POST\",route=\"/a\",code=\"201\"} 1");
    ASSERT_LINE(all, "http_requests_total{method=\"HEAD\",route=\"/a\",code=\"304\"} 1");
    ASSERT_LINE(all, "http_requests_total{method=\"GET\",route=\"/b/{id}\",code=\"404\"} 2");
    ASSERT_LINE(all, "http_requests_total{method=\"OPTIONS\",route=\"/b/{id}\",code=\"204\"} 1");
    ASSERT_LINE(all, "http_requests_total{method=\"DELETE\",route=\"/b/{id}\",code=\"405\"} 1");
    ASSERT_LINE(all, "http_requests_total{method=\"OTHER\",route=\"unmatched\",code=\"501\"} 1");
    ASSERT_LINE(all, "http_requests_total{method=\"GET\",route=\"unmatched\",code=\"404\"} 1");
    ASSERT_LINE(all, "http_requests_total{method=\"PUT\",route=\"unmatched\",code=\"2xx\"} 1");
    ASSERT_LINE(all, "http_requests_total{method=\"PATCH\",route=\"unmatched\",code=\"other\"} 3");
    ASSERT_LINE(all, "http_requests_total{method=\"OTHER\",route=\"unmatched\",code=\"400\"} 2");

    /* Nothing else: unseen combinations are not listed. */
    size_t samples = 0;
    for (const char *p = strstr(all, "\nhttp_requests_total{"); p;
         p = strstr(p + 1, "\nhttp_requests_total{"))
        samples++;
    ck_assert_uint_eq(samples, 11);
}
END_TEST

START_TEST(test_histogram_buckets)
{
    /* On a bound counts in that bucket (le is "less or equal"). */
    fr_metrics_observe(metrics, 0, FR_METHOD_GET, 200, US(100));
    fr_metrics_observe(metrics, 0, FR_METHOD_GET, 200, US(100) + 1);
    fr_metrics_observe(metrics, 1, FR_METHOD_POST, 200, MS(1));
    fr_metrics_observe(metrics, 0, FR_METHOD_GET, 200, MS(10000));
    fr_metrics_observe(metrics, 0, FR_METHOD_GET, 200, MS(10000) + 1);
    fr_metrics_observe(metrics, 2, FR_METHOD_GET, 200, 0);

    const char *all = render(NULL);
    static const char *const a_lines[] = {
        "http_request_duration_seconds_bucket{route=\"/a\",le=\"0.0001\"} 1",
        "http_request_duration_seconds_bucket{route=\"/a\",le=\"0.00025\"} 2",
        "http_request_duration_seconds_bucket{route=\"/a\",le=\"0.0005\"} 2",
        "http_request_duration_seconds_bucket{route=\"/a\",le=\"0.001\"} 3",
        "http_request_duration_seconds_bucket{route=\"/a\",le=\"0.0025\"} 3",
        "http_request_duration_seconds_bucket{route=\"/a\",le=\"0.005\"} 3",
        "http_request_duration_seconds_bucket{route=\"/a\",le=\"0.01\"} 3",
        "http_request_duration_seconds_bucket{route=\"/a\",le=\"0.025\"} 3",
        "http_request_duration_seconds_bucket{route=\"/a\",le=\"0.05\"} 3",
        "http_request_duration_seconds_bucket{route=\"/a\",le=\"0.1\"} 3",
        "http_request_duration_seconds_bucket{route=\"/a\",le=\"0.25\"} 3",
        "http_request_duration_seconds_bucket{route=\"/a\",le=\"0.5\"} 3",
        "http_request_duration_seconds_bucket{route=\"/a\",le=\"1\"} 3",
        "http_request_duration_seconds_bucket{route=\"/a\",le=\"2.5\"} 3",
        "http_request_duration_seconds_bucket{route=\"/a\",le=\"5\"} 3",
        "http_request_duration_seconds_bucket{route=\"/a\",le=\"10\"} 4",
        "http_request_duration_seconds_bucket{route=\"/a\",le=\"+Inf\"} 5",
        "http_request_duration_seconds_sum{route=\"/a\"} 20.001200002",
        "http_request_duration_seconds_count{route=\"/a\"} 5",
    };
    /* In this order, one after the other. */
    const char *at = strstr(all, a_lines[0]);
    ck_assert_ptr_nonnull(at);
    for (size_t i = 0; i < sizeof a_lines / sizeof a_lines[0]; i++) {
        size_t len = strlen(a_lines[i]);
        ck_assert_msg(strncmp(at, a_lines[i], len) == 0 && at[len] == '\n',
                      "expected %s at: %.120s", a_lines[i], at);
        at += len + 1;
    }
    ASSERT_LINE(all, "http_request_duration_seconds_bucket{route=\"/b/{id}\",le=\"0.0001\"} 1");
    ASSERT_LINE(all, "http_request_duration_seconds_sum{route=\"/b/{id}\"} 0.000000000");
    ASSERT_LINE(all, "http_request_duration_seconds_count{route=\"/b/{id}\"} 1");
    /* Routes without requests have no histogram. */
    ck_assert_ptr_null(strstr(all, "_count{route=\"unmatched\"}"));
    ck_assert_ptr_null(strstr(all, "_count{route=\"/q"));
}
END_TEST

START_TEST(test_label_escaping)
{
    struct fr_buf out;

    fr_buf_init(&out);
    ck_assert_int_eq(fr_metrics_append_label_value(&out, "a\\b\"c\nd{e}"), FR_OK);
    ck_assert_str_eq(out.data, "a\\\\b\\\"c\\nd{e}");
    fr_buf_cleanup(&out);

    fr_metrics_observe(metrics, 3, FR_METHOD_GET, 200, US(1));
    const char *all = render(NULL);
    ASSERT_LINE(all, "http_requests_total{method=\"GET\",route=\"/q\\\"uote\\\\back\\nline\","
                     "code=\"200\"} 1");
    ASSERT_LINE(all, "http_request_duration_seconds_count{route=\"/q\\\"uote\\\\back\\nline\"} 1");
}
END_TEST

START_TEST(test_in_flight)
{
    ASSERT_LINE(render(NULL), "http_requests_in_flight 0");
    fr_metrics_request_begin(metrics);
    fr_metrics_request_begin(metrics);
    fr_metrics_request_begin(metrics);
    fr_metrics_request_end(metrics);
    ASSERT_LINE(render(NULL), "http_requests_in_flight 2");
    fr_metrics_request_end(metrics);
    fr_metrics_request_end(metrics);
    ASSERT_LINE(render(NULL), "http_requests_in_flight 0");

    /* A server without a registry passes NULL: nothing happens. */
    fr_metrics_request_begin(NULL);
    fr_metrics_request_end(NULL);
    fr_metrics_observe(NULL, 0, FR_METHOD_GET, 200, 1);
}
END_TEST

START_TEST(test_snapshot_and_process)
{
    const char *all = render(NULL);
    /* Without a snapshot or a load time: the families, but no samples. */
    ASSERT_LINE(all, "# TYPE frontier_snapshot_version gauge");
    ASSERT_NO_LINE_START(all, "frontier_snapshot_version ");
    ASSERT_NO_LINE_START(all, "frontier_snapshot_loaded_timestamp_seconds ");
    ASSERT_NO_LINE_START(all, "frontier_snapshot_load_duration_seconds ");
    ASSERT_LINE(all, "frontier_build_info{version=\"1.2.3\"} 1");

    struct fr_snapshot *snapshot = test_snapshot_load();
    char line[128];
    fr_metrics_set_load_duration(metrics, MS(250) + 7);
    all = render(snapshot);
    test_format(line, sizeof line, "frontier_snapshot_version %llu",
                (unsigned long long)fr_snapshot_version(snapshot));
    ASSERT_LINE(all, line);
    test_format(line, sizeof line, "frontier_snapshot_loaded_timestamp_seconds %lld",
                (long long)fr_snapshot_built_at(snapshot));
    ASSERT_LINE(all, line);
    ASSERT_LINE(all, "frontier_snapshot_load_duration_seconds 0.250000007");

    /* Resident memory is a positive number of whole pages; the process
     * started before now and after 2020. */
    const char *rss = strstr(all, "\nprocess_resident_memory_bytes ");
    ck_assert_ptr_nonnull(rss);
    unsigned long long bytes = strtoull(rss + strlen("\nprocess_resident_memory_bytes "), NULL, 10);
    ck_assert_uint_gt(bytes, 0);
    ck_assert_uint_eq(bytes % (unsigned long long)sysconf(_SC_PAGESIZE), 0);
    const char *start = strstr(all, "\nprocess_start_time_seconds ");
    ck_assert_ptr_nonnull(start);
    double started = strtod(start + strlen("\nprocess_start_time_seconds "), NULL);
    ck_assert_double_gt(started, 1577836800.0);
    ck_assert_double_le(started, (double)time(NULL) + 2.0); /* time() reads a coarse clock */
    ck_assert_double_ge(started, (double)fr_snapshot_built_at(snapshot) - 3600.0);
    fr_snapshot_unref(snapshot);
}
END_TEST

/* Each version number is handed out once, in build order. */
START_TEST(test_snapshot_versions_increase)
{
    struct fr_snapshot *first = test_snapshot_load();
    struct fr_snapshot *second = test_snapshot_load();
    ck_assert_uint_ge(fr_snapshot_version(first), 1);
    ck_assert_uint_eq(fr_snapshot_version(second), fr_snapshot_version(first) + 1);
    fr_snapshot_unref(first);
    fr_snapshot_unref(second);
}
END_TEST

/* The text format's rules promtool also checks: every family has HELP then
 * TYPE before its samples, a family's samples are together, and every line
 * ends in '\n'. */
START_TEST(test_exposition_shape)
{
    struct fr_snapshot *snapshot = test_snapshot_load();
    fr_metrics_observe(metrics, 0, FR_METHOD_GET, 200, US(5));
    fr_metrics_observe(metrics, 2, FR_METHOD_GET, 404, US(5));
    fr_metrics_set_load_duration(metrics, MS(3));
    const char *all = render(snapshot);
    char family[128] = "";
    char seen[32][128];
    size_t seen_count = 0;

    ck_assert_uint_gt(text.len, 0);
    ck_assert_int_eq(all[text.len - 1], '\n');
    for (const char *line = all; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = (size_t)(end - line);
        char name[128];
        if (strncmp(line, "# HELP ", 7) == 0) {
            ck_assert_int_eq(sscanf(line + 7, "%127s", name), 1);
            for (size_t i = 0; i < seen_count; i++)
                ck_assert_msg(strcmp(seen[i], name) != 0, "family %s twice", name);
            ck_assert_uint_lt(seen_count, 32);
            memcpy(seen[seen_count++], name, sizeof name);
            memcpy(family, name, sizeof name);
            const char *type = end + 1;
            ck_assert_msg(strncmp(type, "# TYPE ", 7) == 0 &&
                              strncmp(type + 7, name, strlen(name)) == 0,
                          "no TYPE after HELP of %s", name);
        } else if (line[0] != '#') {
            /* A sample belongs to the current family (a histogram's have
             * suffixes). */
            ck_assert_msg(family[0] && strncmp(line, family, strlen(family)) == 0,
                          "sample outside its family: %.*s", (int)len, line);
        }
        line = end + 1;
    }
    ck_assert_uint_eq(seen_count, 9);
    fr_snapshot_unref(snapshot);
}
END_TEST

START_TEST(test_new_rejects_null_version)
{
    struct fr_metrics *m = (struct fr_metrics *)1;
    ck_assert_int_eq(fr_metrics_new(tables, NULL, &m), FR_EINVAL);
    ck_assert_ptr_null(m);
    /* No tables at all is a registry with only "unmatched". */
    ck_assert_int_eq(fr_metrics_new(NULL, "v", &m), FR_OK);
    fr_metrics_observe(m, 0, FR_METHOD_GET, 404, 1);
    struct fr_buf out;
    fr_buf_init(&out);
    ck_assert_int_eq(fr_metrics_render(m, NULL, &out), FR_OK);
    ck_assert(has_line(out.data,
                       "http_requests_total{method=\"GET\",route=\"unmatched\",code=\"404\"} 1"));
    fr_buf_cleanup(&out);
    fr_metrics_free(m);
    fr_metrics_free(NULL);
}
END_TEST

static Suite *metrics_suite(void)
{
    Suite *s = suite_create("metrics");
    TCase *tc = tcase_create("registry");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_requests_by_method_route_and_code);
    tcase_add_test(tc, test_histogram_buckets);
    tcase_add_test(tc, test_label_escaping);
    tcase_add_test(tc, test_in_flight);
    tcase_add_test(tc, test_snapshot_and_process);
    tcase_add_test(tc, test_snapshot_versions_increase);
    tcase_add_test(tc, test_exposition_shape);
    tcase_add_test(tc, test_new_rejects_null_version);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run_suite(metrics_suite()) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
