/*
 * Durability: a stream of writes to a database file, the daemon killed with
 * SIGKILL at a random moment, restarted on the same file, and then every
 * acknowledged write must be there, whole, and nothing else: the write in
 * flight at the kill is either entirely present or entirely absent.
 * Each write is a funding round with two tranches (three tables, citations
 * in a fourth), so a torn write would show. The random seed is printed, and
 * FRONTIER_CRASH_SEED replays it.
 */
#include <check.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "frontier/auth.h"
#include "support.h"

#define TOKEN "crash-test-token-0123456789"
#define ROUNDS 4
#define MAX_WRITES 4000

static char tmpdir[256];

struct killer {
    pid_t pid;
    unsigned delay_ms;
};

static void *kill_later(void *arg)
{
    struct killer *k = arg;
    struct timespec delay = {k->delay_ms / 1000, (long)(k->delay_ms % 1000) * 1000000L};
    nanosleep(&delay, NULL);
    kill(k->pid, SIGKILL);
    return NULL;
}

static void start_on(struct test_server *server, const char *db, const char *tokens)
{
    const char *args[] = {"--db", db, "--tokens", tokens, NULL};
    test_server_start(server, args);
}

static void round_body(char *out, size_t size, const char *id)
{
    test_format(out, size,
                "{\"id\":\"%s\",\"organization\":\"xai\",\"name\":\"crash test round\","
                "\"announced\":{\"value\":\"2025-07\",\"precision\":\"month\"},"
                "\"amount\":{\"amount_minor\":200,\"currency\":\"USD\"},\"status\":\"done\","
                "\"citations\":[{\"source\":\"yicai-grok4-article\",\"quote\":\"q\"}],"
                "\"tranches\":["
                "{\"id\":\"%s-debt\",\"kind\":\"debt\",\"amount\":{\"amount_minor\":100,"
                "\"currency\":\"USD\"},\"citations\":[{\"source\":\"yicai-grok4-article\","
                "\"quote\":\"q\"}]},"
                "{\"id\":\"%s-equity\",\"kind\":\"equity\",\"amount\":{\"amount_minor\":100,"
                "\"currency\":\"USD\"},\"citations\":[{\"source\":\"yicai-grok4-article\","
                "\"quote\":\"q\"}]}]}",
                id, id, id);
}

/* 1 when the round is there whole, 0 when absent; fails on a torn one. */
static int round_state(unsigned port, const char *id)
{
    char target[160];
    struct http_reply reply;
    test_format(target, sizeof(target), "/v1/funding-rounds/%s", id);
    http_get(port, target, &reply);
    int present = reply.status == 200;
    ck_assert_msg(reply.status == 200 || reply.status == 404, "%s: %ld", id, reply.status);
    if (present) {
        json_t *round = http_reply_json(&reply);
        ck_assert_uint_eq(json_array_size(json_object_get(round, "tranches")), 2);
        ck_assert_uint_eq(json_array_size(json_object_get(round, "citations")), 1);
        json_decref(round);
    }
    http_reply_free(&reply);
    return present;
}

START_TEST(test_acknowledged_writes_survive_sigkill)
{
    char db[512], tokens[160], digest[FR_TOKEN_DIGEST_HEX + 1], body[2048];
    static char acked[MAX_WRITES][48];
    size_t acked_count = 0, in_flight_present = 0;
    struct test_server server;
    const char *seed_text = getenv("FRONTIER_CRASH_SEED");
    unsigned seed = seed_text ? (unsigned)strtoul(seed_text, NULL, 10) : (unsigned)time(NULL);
    fprintf(stderr, "crash test seed: %u (FRONTIER_CRASH_SEED replays it)\n", seed);

    fr_sha256_hex(TOKEN, strlen(TOKEN), digest);
    test_format(tokens, sizeof(tokens), "crasher:%s", digest);
    test_tmpdir_make(tmpdir, sizeof(tmpdir), "frontier-crash");
    test_format(db, sizeof(db), "%s/frontier.db", tmpdir);
    const char *headers[] = {"Authorization: Bearer " TOKEN, "Content-Type: application/json",
                             NULL};

    for (int round = 0; round < ROUNDS; round++) {
        start_on(&server, db, tokens);
        struct killer killer = {server.pid, 150 + (unsigned)(rand_r(&seed) % 450)};
        pthread_t thread;
        pthread_create(&thread, NULL, kill_later, &killer);
        char in_flight[48] = "";
        for (int n = 0; acked_count < MAX_WRITES; n++) {
            struct http_reply reply;
            test_format(in_flight, sizeof(in_flight), "crash-%d-%d", round, n);
            round_body(body, sizeof(body), in_flight);
            bool answered = http_try(server.port, "POST", "/v1/funding-rounds", headers, body,
                                     strlen(body), &reply);
            long status = reply.status;
            http_reply_free(&reply);
            if (!answered || status == 0)
                break; /* killed: this one may or may not have committed */
            ck_assert_int_eq(status, 201);
            memcpy(acked[acked_count++], in_flight, sizeof(in_flight));
            in_flight[0] = '\0';
        }
        pthread_join(thread, NULL);
        int wstatus = 0;
        waitpid(server.pid, &wstatus, 0);
        close(server.stderr_fd);
        ck_assert(WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL);

        /* Restarted on the same file: everything acknowledged, whole. */
        start_on(&server, db, tokens);
        for (size_t i = 0; i < acked_count; i++)
            ck_assert_msg(round_state(server.port, acked[i]) == 1, "lost %s", acked[i]);
        if (in_flight[0] && round_state(server.port, in_flight) == 1) {
            /* Committed but not acknowledged: allowed, and counted. */
            memcpy(acked[acked_count++], in_flight, sizeof(in_flight));
            in_flight_present++;
        }
        /* Nothing else: the list and the change log hold exactly these. */
        json_t *list = http_get_json(server.port, "/v1/funding-rounds?limit=1", 200);
        ck_assert_int_eq(json_integer_value(json_object_get(list, "total")),
                         3 + (json_int_t)acked_count);
        json_decref(list);
        json_t *feed = http_get_json(server.port, "/v1/changes?limit=500", 200);
        size_t changes = json_array_size(json_object_get(feed, "items"));
        json_decref(feed);
        if (acked_count <= 500)
            ck_assert_uint_eq(changes, acked_count);
        ck_assert_int_eq(test_server_stop(&server), 0);
    }
    fprintf(stderr, "crash test: %zu writes acknowledged over %d kills, %zu in flight found "
                    "committed\n", acked_count, ROUNDS, in_flight_present);
    ck_assert_uint_gt(acked_count, (size_t)ROUNDS);
    test_tmpdir_remove(tmpdir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("crash");
    TCase *tc = tcase_create("crash");
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, test_acknowledged_writes_survive_sigkill);
    suite_add_tcase(s, tc);
    return test_run_suite(s) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
