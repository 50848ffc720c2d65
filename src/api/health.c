/*
 * Probes for orchestrators. /livez: the process answers. /readyz (and its
 * alias /healthz): a model is loaded and the daemon is not draining; 503
 * otherwise, so a load balancer stops sending traffic before shutdown.
 * ?verbose lists each check. Bodies follow the draft "health+json" shape:
 * {"status": "pass" | "fail", "checks": {...}}.
 */
#include <time.h>

#include "api.h"

#define HEALTH_CONTENT_TYPE "application/health+json"

static const char *const accepted[] = {"verbose", NULL};

static void respond(struct fr_response *resp, bool pass, json_t *checks)
{
    json_t *body = json_pack("{s:s}", "status", pass ? "pass" : "fail");
    if (body && checks)
        json_object_set(body, "checks", checks);
    fr_response_json(resp, pass ? 200 : 503, body);
    resp->content_type = HEALTH_CONTENT_TYPE;
    json_decref(body);
}

static void livez(const struct fr_request *req, struct fr_response *resp)
{
    bool verbose = false;
    if (fr_request_check_query(req, accepted, resp) != FR_OK)
        return;
    fr_request_query(req, "verbose", &verbose);
    json_t *checks = verbose ? json_pack("{s:{s:s}}", "process", "status", "pass") : NULL;
    respond(resp, true, checks);
    json_decref(checks);
}

static void readyz(const struct fr_request *req, struct fr_response *resp)
{
    bool verbose = false;
    if (fr_request_check_query(req, accepted, resp) != FR_OK)
        return;
    fr_request_query(req, "verbose", &verbose);
    bool loaded = req->snapshot != NULL;
    bool pass = loaded && !req->shutting_down;
    json_t *checks = NULL;
    if (verbose) {
        json_t *model = json_pack("{s:s}", "status", loaded ? "pass" : "fail");
        if (model && loaded) {
            char when[32];
            time_t built = (time_t)fr_snapshot_built_at(req->snapshot);
            struct tm tm;
            gmtime_r(&built, &tm);
            strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
            json_object_set_new(model, "records",
                                json_integer((json_int_t)fr_snapshot_record_count(req->snapshot)));
            json_object_set_new(model, "loaded_at", json_string(when));
        }
        checks = json_pack("{s:o, s:{s:s}}", "model", model ? model : json_null(),
                           "shutdown", "status", req->shutting_down ? "fail" : "pass");
    }
    respond(resp, pass, checks);
    json_decref(checks);
}

const struct fr_route health_routes[] = {
    {FR_METHOD_GET, "/livez", livez},
    {FR_METHOD_GET, "/readyz", readyz},
    {FR_METHOD_GET, "/healthz", readyz},
    {0, NULL, NULL},
};
