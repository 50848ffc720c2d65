/*
 * Fuzzes the read side as the network reaches it: a request written as text
 * (fuzz.h: method, target, header lines, body) is decoded as the adapter
 * decodes it, routed through every route table of the API against the
 * seed's snapshot, finished as every response is (negotiation, conditional
 * requests, gzip, CORS), and checked for a well-formed answer. This covers
 * path routing, query names and values (limits, cursors, filters, dates,
 * as_of, format), the CSV renderer, Accept, Accept-Encoding,
 * If-None-Match, Origin, X-Request-Id and traceparent. The server takes no
 * writes here (edits is NULL): fuzz_write has the writer.
 */
#include <stdint.h>
#include <stdlib.h>

#include "frontier/api.h"
#include "frontier/docs.h"
#include "frontier/metrics.h"
#include "frontier/model.h"
#include "frontier_version.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fr_snapshot *snapshot;
static struct fr_docs *docs;
static struct fr_metrics *metrics;

/* A list of origins rather than "*", so that CORS compares and echoes the
 * request's Origin. */
static const char *const origins[] = {"https://dash.example.org", "http://localhost:5173", NULL};
static const struct fr_http_policy policy = {0, origins, 600};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char error[1024] = "";

    (void)argc;
    (void)argv;
    snapshot = fuzz_snapshot_load();
    /* No Redoc bundle: /docs/redoc.standalone.js answers its 503, and the
     * harness does not hash a megabyte of JavaScript per request. */
    if (fr_docs_load("fuzz-no-redoc-bundle", &docs, error, sizeof error) != FR_OK)
        fuzz_fail("loading the docs: %s", error);
    if (fr_metrics_new(fr_api_routes, FRONTIER_VERSION, &metrics) != FR_OK)
        fuzz_fail("making the metrics registry");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_request r;
    struct fr_response resp;

    if (!fuzz_request_parse(data, size, &r))
        return 0;
    r.req.snapshot = snapshot;
    r.req.docs = docs;
    r.req.metrics = metrics;
    fr_response_init(&resp);
    fr_router_dispatch(fr_api_routes, &r.req, &resp);
    fr_response_finish(&r.req, &resp, &policy);
    fuzz_check_response(&r.req, &resp);
    /* The only 5xx a read may get are 501 (a method nobody implements) and
     * 503 (no Redoc bundle here): a 500 is a bug. */
    FUZZ_CHECK(resp.status < 500 || resp.status == 501 || resp.status == 503,
               "%s %s answered %d: %.*s",
               r.req.method_name, r.req.path, resp.status, (int)resp.body_len, resp.body);
    fr_response_cleanup(&resp);
    fuzz_request_cleanup(&r);
    return 0;
}
