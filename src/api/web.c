/*
 * The browser dashboard: its page at "/" and the files it loads under
 * "/app/", one or two path segments deep ("/app/app.js",
 * "/app/vendor/chart.umd.js"). Every answer is a lookup in the table
 * src/web/web.c built at start, so serving a file costs what serving the
 * contract does and no URL can name something outside that table.
 */
#include "api.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "frontier/buf.h"
#include "frontier/web.h"

/* Checks the query (none is accepted, as for the docs: a page that keeps
 * state in its URL can keep it in the fragment, which never reaches the
 * server) and that the dashboard is installed. */
static bool web_ready(const struct fr_request *req, struct fr_response *resp)
{
    static const char *const none[] = {NULL};
    if (fr_request_check_query(req, none, resp) != FR_OK)
        return false;
    const char *problem = req->web ? fr_web_problem(req->web) : "the dashboard is not loaded";
    if (problem) {
        fr_response_problem(resp, req, 503, "dashboard-unavailable", "Service Unavailable",
                            problem, NULL);
        return false;
    }
    return true;
}

static void serve(const struct fr_request *req, struct fr_response *resp, const char *name)
{
    struct fr_web_file file;
    if (!fr_web_find(req->web, name, &file)) {
        struct fr_buf detail;
        fr_buf_init(&detail);
        if (fr_buf_appendf(&detail, "the dashboard has no file at %s", req->path) != FR_OK)
            fr_buf_cleanup(&detail);
        fr_response_problem(resp, req, 404, "not-found", "Not Found", detail.data, NULL);
        fr_buf_cleanup(&detail);
        return;
    }
    fr_response_serve(resp, file.content_type, file.rendered);
    /* The page loads only its own files and talks only to its own origin
     * (no CDN, no inline script or style), and no other site may frame it:
     * the browser enforces what the dashboard promises. */
    static const struct {
        const char *name, *value;
    } hardening[] = {
        {"Content-Security-Policy",
         "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
         "form-action 'none'; frame-ancestors 'none'"},
        {"X-Content-Type-Options", "nosniff"},
        {"Referrer-Policy", "no-referrer"},
    };
    for (size_t i = 0; i < sizeof(hardening) / sizeof(hardening[0]); i++) {
        if (fr_response_add_header(resp, hardening[i].name, hardening[i].value) != FR_OK) {
            fr_response_problem(resp, req, 500, "internal-error", "Internal Server Error",
                                "the dashboard's headers did not fit", NULL);
            return;
        }
    }
}

static void web_index(const struct fr_request *req, struct fr_response *resp)
{
    if (web_ready(req, resp))
        serve(req, resp, FR_WEB_INDEX);
}

static void web_file(const struct fr_request *req, struct fr_response *resp)
{
    if (web_ready(req, resp))
        serve(req, resp, req->path_params[0]);
}

/* The router's captures are single non-empty segments, so "dir/file" built
 * from two of them can only equal a name the walk found one level down.
 * Such names are two directory entries (at most NAME_MAX bytes each) and a
 * slash, so a pair that does not fit the buffer names no file. */
static void web_nested_file(const struct fr_request *req, struct fr_response *resp)
{
    if (!web_ready(req, resp))
        return;
    char name[2 * NAME_MAX + 2];
    int n = snprintf(name, sizeof(name), "%s/%s", req->path_params[0], req->path_params[1]);
    serve(req, resp, n >= 0 && (size_t)n < sizeof(name) ? name : "");
}

const struct fr_route web_routes[] = {
    {FR_METHOD_GET, "/", web_index},
    {FR_METHOD_GET, "/app/{file}", web_file},
    {FR_METHOD_GET, "/app/{dir}/{file}", web_nested_file},
    {0, NULL, NULL},
};
