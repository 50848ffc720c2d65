/*
 * The contract and its docs: /openapi.json, /openapi.yaml, /docs (a page
 * that renders the contract with Redoc) and Redoc's bundle, all served by
 * frontierd itself so the docs work offline and always match the binary.
 */
#include "api.h"

#include "frontier/docs.h"

#define CONTENT_YAML "application/yaml"
#define CONTENT_HTML "text/html; charset=utf-8"
#define CONTENT_JS "text/javascript; charset=utf-8"

/* Checks the query (none is accepted) and that docs are loaded. */
static bool docs_ready(const struct fr_request *req, struct fr_response *resp)
{
    static const char *const none[] = {NULL};
    if (fr_request_check_query(req, none, resp) != FR_OK)
        return false;
    if (!req->docs) {
        fr_response_problem(resp, req, 503, "docs-unavailable", "Service Unavailable",
                            "the documentation is not loaded", NULL);
        return false;
    }
    return true;
}

static void openapi_json(const struct fr_request *req, struct fr_response *resp)
{
    if (docs_ready(req, resp))
        fr_response_serve(resp, FR_CONTENT_JSON, fr_docs_openapi_json(req->docs));
}

static void openapi_yaml(const struct fr_request *req, struct fr_response *resp)
{
    if (docs_ready(req, resp))
        fr_response_serve(resp, CONTENT_YAML, fr_docs_openapi_yaml(req->docs));
}

static void docs_page(const struct fr_request *req, struct fr_response *resp)
{
    if (docs_ready(req, resp))
        fr_response_serve(resp, CONTENT_HTML, fr_docs_page(req->docs));
}

static void docs_bundle(const struct fr_request *req, struct fr_response *resp)
{
    if (!docs_ready(req, resp))
        return;
    const char *problem = fr_docs_bundle_problem(req->docs);
    if (problem) {
        fr_response_problem(resp, req, 503, "docs-unavailable", "Service Unavailable", problem,
                            NULL);
        return;
    }
    fr_response_serve(resp, CONTENT_JS, fr_docs_bundle(req->docs));
}

const struct fr_route docs_routes[] = {
    {FR_METHOD_GET, "/openapi.json", openapi_json},
    {FR_METHOD_GET, "/openapi.yaml", openapi_yaml},
    {FR_METHOD_GET, "/docs", docs_page},
    {FR_METHOD_GET, "/docs/redoc.standalone.js", docs_bundle},
    {0, NULL, NULL},
};
