/*
 * GET /metrics: the registry (include/frontier/metrics.h) in the
 * Prometheus text exposition format 0.0.4, for a scraper. The snapshot
 * series describe the snapshot this very request holds.
 */
#include "api.h"

#include <stdlib.h>

#include "frontier/buf.h"
#include "frontier/metrics.h"

static void metrics_get(const struct fr_request *req, struct fr_response *resp)
{
    static const char *const none[] = {NULL};
    struct fr_buf text;
    char *body;
    size_t len = 0;

    if (fr_request_check_query(req, none, resp) != FR_OK)
        return;
    if (!req->metrics) {
        fr_response_problem(resp, req, 503, "metrics-unavailable", "Service Unavailable",
                            "this server keeps no metrics", NULL);
        return;
    }
    fr_buf_init(&text);
    if (fr_metrics_render(req->metrics, req->snapshot, &text) != FR_OK) {
        fr_response_problem(resp, req, 500, "internal-error", "Internal Server Error",
                            "the metrics could not be rendered", NULL);
        fr_buf_cleanup(&text);
        return;
    }
    body = fr_buf_steal(&text, &len);
    fr_response_take(resp, 200, FR_CONTENT_PROMETHEUS, body, len); /* NULL answers 500 */
}

const struct fr_route metrics_routes[] = {
    {FR_METHOD_GET, "/metrics", metrics_get},
    {0, NULL, NULL},
};
