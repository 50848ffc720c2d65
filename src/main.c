/*
 * frontierd: reads the configuration, opens the store (creating and seeding
 * it when new), builds the in-memory snapshot, serves it over HTTP, takes
 * authenticated writes through the one writer (src/edit/) and drains on
 * SIGTERM or SIGINT. `frontierd hash-token` prints the digest to configure
 * for a token read from stdin.
 *
 * Exit status: 0 after a clean shutdown or --help/--version, 2 for a bad
 * configuration (or an unusable token given to hash-token), 1 when the
 * database, the seed, the access log's file or the socket fails.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "frontier/access_log.h"
#include "frontier/api.h"
#include "frontier/config.h"
#include "frontier/docs.h"
#include "frontier/edits.h"
#include "frontier/auth.h"
#include "frontier/metrics.h"
#include "frontier/model.h"
#include "frontier/server.h"
#include "frontier/store.h"
#include "frontier_version.h"

extern char **environ;

/* Opens the store and builds the first snapshot, owned by edits, the one
 * writer, which swaps in a new snapshot after each committed write. */
static int open_data(const struct fr_config *config, const struct fr_tokens *tokens,
                     struct fr_store **store_out, struct fr_edits **edits_out)
{
    char error[1024] = "";

    if (fr_store_open(config->db, config->seed, store_out, error, sizeof(error)) != FR_OK ||
        fr_edits_new(*store_out, tokens, edits_out, error, sizeof(error)) != FR_OK) {
        fprintf(stderr, "frontierd: %s\n", error);
        return 1;
    }
    return 0;
}

/* One line per method and route ("GET /v1/models/{id}"); HEAD and OPTIONS
 * are answered for every GET route and not listed. */
static void print_routes(void)
{
    for (const struct fr_route *const *table = fr_api_routes; *table; table++) {
        for (const struct fr_route *route = *table; route->pattern; route++) {
            for (unsigned bit = 1; bit < FR_METHOD_OTHER; bit <<= 1) {
                const char *name = fr_method_name((enum fr_method)bit);
                if ((route->methods & bit) && name)
                    printf("%s %s\n", name, route->pattern);
            }
        }
    }
}

/* Splits "https://a,https://b" into a NULL-ended list pointing into text,
 * which it cuts in place. "*" stays one entry: any origin. */
static void split_origins(char *text, const char *list[], size_t max)
{
    size_t n = 0;
    for (char *save = NULL, *o = strtok_r(text, ",", &save); o && n + 1 < max;
         o = strtok_r(NULL, ",", &save))
        list[n++] = o;
    list[n] = NULL;
}

int main(int argc, char *argv[])
{
    struct fr_config config;
    enum fr_config_action action = FR_CONFIG_RUN;
    struct fr_store *store = NULL;
    struct fr_edits *edits = NULL;
    struct fr_tokens *tokens = NULL;
    struct fr_server *server = NULL;
    struct fr_docs *docs = NULL;
    struct fr_metrics *metrics = NULL;
    struct fr_access_log *access_log = NULL;
    struct timespec load_start, load_end;
    char error[1024] = "";
    int status = 1;
    sigset_t signals;

    if (fr_config_load(&config, argc, argv, environ, &action, error, sizeof(error)) != FR_OK) {
        fprintf(stderr, "frontierd: %s\nRun 'frontierd --help' for the options.\n", error);
        return 2;
    }
    if (action == FR_CONFIG_HELP) {
        fputs(fr_config_usage(), stdout);
        return 0;
    }
    if (action == FR_CONFIG_VERSION) {
        printf("frontierd %s\n", FRONTIER_VERSION);
        return 0;
    }
    if (action == FR_CONFIG_ROUTES) {
        print_routes();
        return 0;
    }
    if (action == FR_CONFIG_HASH_TOKEN)
        return fr_hash_token_command(stdin, stdout, stderr);
    /* The configuration checked the list already; this cannot fail but for memory. */
    if (fr_tokens_parse(config.tokens, &tokens, error, sizeof(error)) != FR_OK) {
        fprintf(stderr, "frontierd: tokens: %s\n", error);
        return 2;
    }

    /* Block the shutdown signals before any thread starts, so the server's
     * threads inherit the mask and only sigwait below receives them. */
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, NULL);
    signal(SIGPIPE, SIG_IGN);

    /* Before the slow part, so a log that cannot be written stops at once. */
    if (fr_access_log_open(config.access_log, &access_log, error, sizeof(error)) != FR_OK) {
        fprintf(stderr, "frontierd: %s\n", error);
        goto out;
    }
    if (fr_metrics_new(fr_api_routes, FRONTIER_VERSION, &metrics) != FR_OK) {
        fprintf(stderr, "frontierd: out of memory making the metrics registry\n");
        goto out;
    }
    clock_gettime(CLOCK_MONOTONIC, &load_start);
    if (open_data(&config, tokens, &store, &edits) != 0)
        goto out;
    clock_gettime(CLOCK_MONOTONIC, &load_end);
    fr_metrics_set_load_duration(
        metrics, (uint64_t)((load_end.tv_sec - load_start.tv_sec) * 1000000000L +
                            (load_end.tv_nsec - load_start.tv_nsec)));
    if (fr_docs_load(config.docs, &docs, error, sizeof(error)) != FR_OK) {
        fprintf(stderr, "frontierd: the embedded API contract is unreadable: %s\n", error);
        goto out;
    }
    if (fr_docs_bundle_problem(docs))
        fprintf(stderr, "frontierd: /docs is unavailable: no redoc.standalone.js in %s\n",
                config.docs);

    const char *origins[64];
    split_origins(config.cors_origins, origins, sizeof(origins) / sizeof(origins[0]));
    struct fr_server_options options = {
        .bind = config.bind,
        .port = config.port,
        .threads = config.threads,
        .routes = fr_api_routes,
        .snapshots = {fr_edits_acquire, fr_edits_release, edits},
        .docs = docs,
        .policy = {config.cache_max_age, origins, 600},
        .metrics = metrics,
        .access_log = access_log,
        .max_body_bytes = config.max_body_bytes,
        .max_connections = config.max_connections,
        .max_connections_per_client = config.max_connections_per_client,
        .idle_timeout = config.idle_timeout,
        .request_timeout = config.request_timeout,
        .max_header_bytes = config.max_header_bytes,
        .edits = edits,
    };
    if (fr_server_start(&options, &server, error, sizeof(error)) != FR_OK) {
        fprintf(stderr, "frontierd: %s\n", error);
        goto out;
    }
    const char *open_bracket = strchr(config.bind, ':') ? "[" : "";
    const char *close_bracket = strchr(config.bind, ':') ? "]" : "";
    const struct fr_snapshot *first = fr_edits_acquire(edits);
    fprintf(stderr,
            "frontierd %s: listening on http://%s%s%s:%u/ (%u threads, %zu records, %zu write "
            "tokens, db %s)\n",
            FRONTIER_VERSION, open_bracket, config.bind, close_bracket,
            fr_server_port(server), config.threads, fr_snapshot_record_count(first),
            fr_tokens_count(tokens), config.db);
    fr_edits_release(edits, first);

    int sig = 0;
    sigwait(&signals, &sig);
    fprintf(stderr, "frontierd: %s received, shutting down\n",
            sig == SIGINT ? "SIGINT" : "SIGTERM");
    fr_server_begin_shutdown(server);
    status = 0;
out:
    fr_server_free(server);
    fr_edits_free(edits);
    fr_store_close(store);
    fr_tokens_free(tokens);
    fr_docs_free(docs);
    fr_metrics_free(metrics);
    fr_access_log_free(access_log);
    return status;
}
