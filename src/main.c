/*
 * frontierd: reads the configuration, opens the store (creating and seeding
 * it when new), builds the in-memory snapshot, serves it over HTTP, takes
 * authenticated writes through the one writer (src/edit/) and drains on
 * SIGTERM or SIGINT (see "signals"). `frontierd hash-token` prints the
 * digest to configure for a token read from stdin.
 *
 * Exit status: 0 after --help/--version or a shutdown asked for by SIGTERM
 * or SIGINT (drained in time, cut at the deadline, or stopped while still
 * loading), 128 + the signal's number when a second one ends the drain
 * early, 2 for a bad configuration (or an unusable token given to
 * hash-token), 1 when the database, the seed, the access log's file, the
 * socket or the open-files limit (too low for max_connections) fails.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
#include "frontier/web.h"
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

/* ---- signals -----------------------------------------------------------
 *
 * SIGTERM and SIGINT are blocked in every thread from the start and taken
 * by one thread of their own with sigwait, so that what a signal does can
 * depend on how far the daemon has got:
 *   loading   (the store opened, the seed imported, the snapshot built): the
 *             process ends at once with status 0. Nothing has been served
 *             and nothing written but the import, which is one SQLite
 *             transaction: ended half-way it is rolled back, and the next
 *             start imports again. Waiting for a large import to finish
 *             would not be stopping when asked.
 *   serving   the first signal wakes main(), which drains and closes.
 *   stopping  a second signal ends the process at once with 128 + its
 *             number, as a shell reports a process killed by it: whoever
 *             sent it chose not to wait. Every committed write is durable
 *             already (WAL, synchronous=FULL); a write cut half-way is rolled
 *             back by SQLite at the next start.
 * Ending the process from this thread with _exit skips exit handlers that
 * could run under the feet of the threads still working.
 */

enum phase { PHASE_LOADING, PHASE_SERVING, PHASE_STOPPING, PHASE_DONE };

struct signal_watch {
    sigset_t signals;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t stop;
    enum phase phase; /* under lock */
    int received;     /* under lock: the signal that began the shutdown, 0 before */
};

/* The name of one of the two signals taken; static. */
static const char *signal_name(int sig)
{
    return sig == SIGINT ? "SIGINT" : "SIGTERM";
}

/* The signal thread's body: arg is the struct signal_watch, borrowed; it
 * outlives the thread (watch_end joins it). */
static void *watch_signals(void *arg)
{
    struct signal_watch *watch = arg;

    for (;;) {
        int sig = 0;
        if (sigwait(&watch->signals, &sig) != 0)
            continue;
        pthread_mutex_lock(&watch->lock);
        enum phase phase = watch->phase;
        if (phase == PHASE_SERVING) {
            watch->phase = PHASE_STOPPING;
            watch->received = sig;
            pthread_cond_signal(&watch->stop);
        }
        pthread_mutex_unlock(&watch->lock);
        switch (phase) {
        case PHASE_LOADING:
            fprintf(stderr, "frontierd: %s received while loading; stopped\n",
                    signal_name(sig));
            _exit(0);
        case PHASE_STOPPING:
            fprintf(stderr, "frontierd: %s received again; exiting at once\n",
                    signal_name(sig));
            _exit(128 + sig);
        case PHASE_DONE:
            return NULL;
        case PHASE_SERVING:
            break;
        }
    }
}

/* Blocks the signals in this thread, and so in every thread started after,
 * and starts the one thread that takes them. watch is the caller's and must
 * stay in place until watch_end(), which the caller calls when this
 * returns true; false: the thread could not start. */
static bool watch_begin(struct signal_watch *watch)
{
    sigemptyset(&watch->signals);
    sigaddset(&watch->signals, SIGINT);
    sigaddset(&watch->signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &watch->signals, NULL);
    pthread_mutex_init(&watch->lock, NULL);
    pthread_cond_init(&watch->stop, NULL);
    watch->phase = PHASE_LOADING;
    watch->received = 0;
    if (pthread_create(&watch->thread, NULL, watch_signals, watch) != 0) {
        pthread_mutex_destroy(&watch->lock);
        pthread_cond_destroy(&watch->stop);
        return false;
    }
    return true;
}

/* Loading is over: from now on a signal asks for a drain, which main()
 * starts once the server runs (at once if the signal came first). */
static void watch_serving(struct signal_watch *watch)
{
    pthread_mutex_lock(&watch->lock);
    if (watch->phase == PHASE_LOADING)
        watch->phase = PHASE_SERVING;
    pthread_mutex_unlock(&watch->lock);
}

/* Waits for the first signal while serving and returns it. */
static int watch_wait(struct signal_watch *watch)
{
    int sig;

    pthread_mutex_lock(&watch->lock);
    while (watch->received == 0)
        pthread_cond_wait(&watch->stop, &watch->lock);
    sig = watch->received;
    pthread_mutex_unlock(&watch->lock);
    return sig;
}

/* Ends the signal thread, woken with SIGTERM (one of the signals it waits
 * for) sent to it alone. Signals arriving later stay pending, unseen: the
 * process is about to end. */
static void watch_end(struct signal_watch *watch)
{
    pthread_mutex_lock(&watch->lock);
    watch->phase = PHASE_DONE;
    pthread_mutex_unlock(&watch->lock);
    pthread_kill(watch->thread, SIGTERM);
    pthread_join(watch->thread, NULL);
    pthread_mutex_destroy(&watch->lock);
    pthread_cond_destroy(&watch->stop);
}

/* ---- main ---------------------------------------------------------------- */

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
    struct fr_web *web = NULL;
    struct fr_metrics *metrics = NULL;
    struct fr_access_log *access_log = NULL;
    struct timespec load_start, load_end;
    char error[1024] = "";
    int status = 1;
    struct signal_watch watch;
    bool watching = false;

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

    /* Before any other thread starts, so that all inherit the mask. */
    signal(SIGPIPE, SIG_IGN);
    watching = watch_begin(&watch);
    if (!watching) {
        fprintf(stderr, "frontierd: could not start the thread that takes signals\n");
        goto out;
    }

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
    /* The dashboard is optional: without it the API is served and / says why. */
    if (fr_web_load(config.web, &web, error, sizeof(error)) != FR_OK) {
        fprintf(stderr, "frontierd: out of memory loading the dashboard\n");
        goto out;
    }
    if (fr_web_problem(web))
        fprintf(stderr, "frontierd: the dashboard at / is unavailable: %s\n", error);

    const char *origins[64];
    split_origins(config.cors_origins, origins, sizeof(origins) / sizeof(origins[0]));
    struct fr_server_options options = {
        .bind = config.bind,
        .port = config.port,
        .threads = config.threads,
        .routes = fr_api_routes,
        .snapshots = {fr_edits_acquire, fr_edits_release, edits},
        .docs = docs,
        .web = web,
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
    watch_serving(&watch);
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

    int sig = watch_wait(&watch);
    /* Said once it is true: /readyz answers 503 and connections are refused. */
    fr_server_begin_shutdown(server);
    fr_server_stop_accepting(server);
    fprintf(stderr, "frontierd: %s received; draining (up to %u s)\n", signal_name(sig),
            config.shutdown_timeout);
    size_t left = fr_server_drain(server, config.shutdown_timeout * 1000u);
    if (left > 0)
        fprintf(stderr, "frontierd: %zu request%s still in flight after %u s; cutting %s\n",
                left, left == 1 ? "" : "s", config.shutdown_timeout, left == 1 ? "it" : "them");
    status = 0;
out:
    fr_server_free(server);
    fr_edits_free(edits);
    fr_store_close(store);
    if (status == 0)
        fprintf(stderr, "frontierd: stopped\n");
    fr_tokens_free(tokens);
    fr_docs_free(docs);
    fr_web_free(web);
    fr_metrics_free(metrics);
    fr_access_log_free(access_log);
    if (watching)
        watch_end(&watch);
    return status;
}
