/*
 * The daemon as a process: flags, exit codes and messages, a database file
 * that persists across restarts, databases it must refuse without touching
 * them, a clean exit on SIGTERM and SIGINT, and the drain they start:
 * requests in flight finish, new connections are refused, the deadline
 * cuts what does not finish, a second signal ends it at once, and a signal
 * during a long seed import stops it with the import rolled back.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "frontier/auth.h"
#include "support.h"

#define TOKEN "lifecycle-token-0123456789abcdef"

static char tmpdir[256];

static void make_tmpdir(void)
{
    test_tmpdir_make(tmpdir, sizeof(tmpdir), "frontier-life");
}

static void remove_tmpdir(void)
{
    test_tmpdir_remove(tmpdir);
}

/* Starts frontierd with args (NULL-ended) and one extra environment entry
 * ("NAME=value" or NULL) without waiting for it. Its stdout and stderr are
 * read through *out_fd and *err_fd, which the caller closes. */
static pid_t spawn(const char *const *args, const char *env, int *out_fd, int *err_fd)
{
    const char *argv[32];
    size_t n = 0;
    int out_pipe[2], err_pipe[2];
    argv[n++] = getenv("FRONTIERD_BIN");
    for (size_t i = 0; args[i] && n < 31; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    ck_assert_int_eq(pipe(out_pipe), 0);
    ck_assert_int_eq(pipe(err_pipe), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        dup2(out_pipe[1], STDOUT_FILENO);
        dup2(err_pipe[1], STDERR_FILENO);
        close(out_pipe[0]);
        close(err_pipe[0]);
        if (env)
            putenv((char *)env);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(out_pipe[1]);
    close(err_pipe[1]);
    *out_fd = out_pipe[0];
    *err_fd = err_pipe[0];
    return pid;
}

/* Runs frontierd with args (NULL-ended) and one extra environment entry
 * ("NAME=value" or NULL); collects stdout and stderr; returns the exit code. */
static int run(const char *const *args, const char *env, char *out, size_t out_size,
               char *err, size_t err_size)
{
    int out_fd, err_fd;
    pid_t pid = spawn(args, env, &out_fd, &err_fd);
    /* The outputs are short: read stdout to its end, then stderr. */
    size_t used = 0;
    ssize_t got;
    while ((got = read(out_fd, out + used, out_size - 1 - used)) > 0)
        used += (size_t)got;
    out[used] = '\0';
    used = 0;
    while ((got = read(err_fd, err + used, err_size - 1 - used)) > 0)
        used += (size_t)got;
    err[used] = '\0';
    close(out_fd);
    close(err_fd);
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

START_TEST(test_help_and_version)
{
    char out[8192], err[4096];
    static const char *const help[] = {"--help", NULL};
    ck_assert_int_eq(run(help, NULL, out, sizeof(out), err, sizeof(err)), 0);
    ck_assert_ptr_nonnull(strstr(out, "--port"));
    ck_assert_ptr_nonnull(strstr(out, "FRONTIERD_PORT"));
    ck_assert_ptr_nonnull(strstr(out, "--db"));

    static const char *const version[] = {"--version", NULL};
    ck_assert_int_eq(run(version, NULL, out, sizeof(out), err, sizeof(err)), 0);
    ck_assert_ptr_nonnull(strstr(out, "frontierd 0."));
}
END_TEST

START_TEST(test_bad_configuration_exits_2_naming_the_key)
{
    char out[4096], err[4096];
    static const char *const bogus[] = {"--bogus", NULL};
    ck_assert_int_eq(run(bogus, NULL, out, sizeof(out), err, sizeof(err)), 2);
    ck_assert_msg(strstr(err, "--bogus"), "%s", err);

    static const char *const none[] = {NULL};
    ck_assert_int_eq(run(none, "FRONTIERD_PORT=70000", out, sizeof(out), err, sizeof(err)), 2);
    ck_assert_msg(strstr(err, "port") && strstr(err, "70000") && strstr(err, "FRONTIERD_PORT"),
                  "%s", err);

    static const char *const threads[] = {"--threads", "many", NULL};
    ck_assert_int_eq(run(threads, NULL, out, sizeof(out), err, sizeof(err)), 2);
    ck_assert_msg(strstr(err, "threads") && strstr(err, "many"), "%s", err);
}
END_TEST

START_TEST(test_refuses_corrupt_database_untouched)
{
    char path[512], out[4096], err[4096];
    snprintf(path, sizeof(path), "%s/corrupt.db", tmpdir);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    for (int i = 0; i < 4096; i++)
        fputc((i * 13) & 0xff, f);
    fclose(f);

    const char *args[] = {"--port", "0", "--db", path, "--seed", test_seed_dir(), NULL};
    ck_assert_int_eq(run(args, NULL, out, sizeof(out), err, sizeof(err)), 1);
    ck_assert_msg(strstr(err, "cannot read database"), "%s", err);
    f = fopen(path, "rb");
    for (int i = 0; i < 4096; i++)
        ck_assert_int_eq(fgetc(f), (i * 13) & 0xff);
    ck_assert_int_eq(fgetc(f), EOF);
    fclose(f);
}
END_TEST

START_TEST(test_refuses_newer_schema)
{
    char path[512], out[4096], err[4096];
    sqlite3 *db = NULL;
    snprintf(path, sizeof(path), "%s/newer.db", tmpdir);
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(db, "CREATE TABLE t (x); PRAGMA user_version = 7", NULL, NULL,
                                  NULL), SQLITE_OK);
    sqlite3_close(db);

    const char *args[] = {"--port", "0", "--db", path, "--seed", test_seed_dir(), NULL};
    ck_assert_int_eq(run(args, NULL, out, sizeof(out), err, sizeof(err)), 1);
    ck_assert_msg(strstr(err, "schema version 7") && strstr(err, "newer"), "%s", err);
}
END_TEST

START_TEST(test_bad_seed_exits_1)
{
    char out[4096], err[4096];
    const char *args[] = {"--port", "0", "--db", ":memory:", "--seed", tmpdir, NULL};
    ck_assert_int_eq(run(args, NULL, out, sizeof(out), err, sizeof(err)), 1);
    ck_assert_msg(strstr(err, "organizations.json"), "%s", err);
}
END_TEST

/* The embedded default: a database file created on first start, reused on
 * the next, answering the same bytes. */
START_TEST(test_database_file_persists)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/frontier.db", tmpdir);
    const char *args[] = {"--db", path, NULL};
    struct test_server server;
    struct http_reply first, second;

    test_server_start(&server, args);
    http_get(server.port, "/v1/leaderboards/humanitys-last-exam", &first);
    ck_assert_int_eq(first.status, 200);
    ck_assert_int_eq(test_server_stop(&server), 0);
    ck_assert_int_eq(access(path, R_OK), 0);

    test_server_start(&server, args);
    http_get(server.port, "/v1/leaderboards/humanitys-last-exam", &second);
    ck_assert_int_eq(test_server_stop(&server), 0);
    ck_assert_uint_eq(first.body_len, second.body_len);
    ck_assert_int_eq(memcmp(first.body, second.body, first.body_len), 0);
    http_reply_free(&first);
    http_reply_free(&second);
}
END_TEST

START_TEST(test_config_file_and_signals)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/test.conf", tmpdir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("[server]\nthreads = 3\nport = 1\n", f);
    fclose(f);
    /* The flags that test_server_start passes (--port 0) win over the file. */
    const char *args[] = {"--config", path, NULL};

    /* The file is read: a bad value in it stops start-up naming file and line. */
    char bad[512], out[4096], err[4096];
    snprintf(bad, sizeof(bad), "%s/bad.conf", tmpdir);
    f = fopen(bad, "w");
    ck_assert_ptr_nonnull(f);
    fputs("[server]\n# comment\nport = eighty\n", f);
    fclose(f);
    const char *bad_args[] = {"--config", bad, NULL};
    ck_assert_int_eq(run(bad_args, NULL, out, sizeof(out), err, sizeof(err)), 2);
    ck_assert_msg(strstr(err, "eighty") && strstr(err, bad) && strstr(err, "line 3"), "%s", err);

    struct test_server server;
    test_server_start(&server, args);
    json_t *ready = http_get_json(server.port, "/readyz", 200);
    ck_assert_str_eq(json_string_value(json_object_get(ready, "status")), "pass");
    json_decref(ready);
    ck_assert_int_eq(test_server_stop(&server), 0); /* SIGTERM */

    test_server_start(&server, NULL);
    kill(server.pid, SIGINT);
    int status = 0;
    ck_assert_int_eq(waitpid(server.pid, &status, 0), server.pid);
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 0);
    close(server.stderr_fd);
}
END_TEST

/* ---- the drain ------------------------------------------------------------ */

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* Connects to the daemon; 0 and *fd set, or the errno of the failure. */
static int try_connect(unsigned port, int *fd)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    *fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(*fd, 0);
    if (connect(*fd, (struct sockaddr *)&addr, sizeof addr) == 0)
        return 0;
    int error = errno;
    close(*fd);
    *fd = -1;
    return error;
}

static int connect_to(unsigned port)
{
    int fd;
    int error = try_connect(port, &fd);
    ck_assert_msg(error == 0, "connect: %s", strerror(error));
    return fd;
}

static void send_text(int fd, const char *text, size_t len)
{
    while (len > 0) {
        ssize_t sent = send(fd, text, len, MSG_NOSIGNAL);
        ck_assert_msg(sent > 0, "send: %s", strerror(errno));
        text += sent;
        len -= (size_t)sent;
    }
}

/* Reads one response (its head, and a body of its Content-Length) into
 * out, waiting at most timeout_ms for each piece. Returns its status code,
 * or 0 when the connection ended (closed or reset) before a whole head. */
static int read_response(int fd, char *out, size_t size, int timeout_ms)
{
    size_t used = 0;
    const char *end = NULL;
    size_t want = 0;

    out[0] = '\0';
    for (;;) {
        if (end == NULL && (end = strstr(out, "\r\n\r\n")) != NULL) {
            const char *length = strcasestr(out, "\r\nContent-Length:");
            want = (size_t)(end + 4 - out) +
                   (length != NULL && length < end ? strtoul(length + 17, NULL, 10) : 0);
        }
        if (end != NULL && used >= want)
            return atoi(out + strlen("HTTP/1.1 "));
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        ck_assert_msg(poll(&pfd, 1, timeout_ms) == 1, "no response within %d ms: %s",
                      timeout_ms, out);
        ck_assert_msg(used + 1 < size, "response larger than %zu bytes", size);
        ssize_t got = recv(fd, out + used, size - 1 - used, 0);
        if (got <= 0)
            return end != NULL ? atoi(out + strlen("HTTP/1.1 ")) : 0;
        used += (size_t)got;
        out[used] = '\0';
    }
}

/* GET target on an open connection, kept alive; returns the status. */
static int get_on(int fd, const char *target, char *out, size_t size)
{
    char request[256];
    test_format(request, sizeof request, "GET %s HTTP/1.1\r\nHost: test\r\n\r\n", target);
    send_text(fd, request, strlen(request));
    return read_response(fd, out, size, 20000);
}

/* Reads the daemon's stderr into log (appending) until it holds text;
 * fails the test after timeout_ms. */
static void wait_for_log(int stderr_fd, char *log, size_t size, const char *text, int timeout_ms)
{
    struct timespec start;
    size_t used = strlen(log);

    clock_gettime(CLOCK_MONOTONIC, &start);
    while (strstr(log, text) == NULL) {
        int left = timeout_ms - (int)(seconds_since(&start) * 1000);
        ck_assert_msg(left > 0, "the daemon did not log '%s' in %d ms: %s", text, timeout_ms,
                      log);
        struct pollfd pfd = {.fd = stderr_fd, .events = POLLIN};
        if (poll(&pfd, 1, left) != 1)
            continue;
        ssize_t got = read(stderr_fd, log + used, size - 1 - used);
        ck_assert_msg(got > 0, "the daemon's stderr ended without '%s': %s", text, log);
        used += (size_t)got;
        log[used] = '\0';
    }
}

/* Waits up to timeout_ms for pid to end and returns its wait status, with
 * the seconds it took since start in *took. Fails the test (after killing
 * it) when it is still running. */
static int wait_exit(pid_t pid, const struct timespec *start, int timeout_ms, double *took)
{
    int wstatus = 0;
    struct timespec pause = {0, 10 * 1000 * 1000};

    for (;;) {
        pid_t done = waitpid(pid, &wstatus, WNOHANG);
        ck_assert_int_ge(done, 0);
        *took = seconds_since(start);
        if (done == pid)
            return wstatus;
        if (*took * 1000 > timeout_ms) {
            kill(pid, SIGKILL);
            waitpid(pid, &wstatus, 0);
            ck_abort_msg("the daemon was still running %d ms after the signal", timeout_ms);
        }
        nanosleep(&pause, NULL);
    }
}

/* Reads what is left of the daemon's stderr into log (appending). */
static void read_rest(int stderr_fd, char *log, size_t size)
{
    size_t used = strlen(log);
    ssize_t got;
    while (used + 1 < size && (got = read(stderr_fd, log + used, size - 1 - used)) > 0)
        used += (size_t)got;
    log[used] = '\0';
    close(stderr_fd);
}

/* Sends sig to pid (0: sends nothing, one was sent already), waits for it
 * to exit, reads the rest of its stderr (stderr_fd, closed here) into log
 * and checks that it exited with status. Returns the seconds it took. */
static double expect_exit(pid_t pid, int stderr_fd, int sig, int status, char *log,
                          size_t size)
{
    struct timespec start;
    double took;

    clock_gettime(CLOCK_MONOTONIC, &start);
    if (sig != 0)
        kill(pid, sig);
    int wstatus = wait_exit(pid, &start, 20000, &took);
    read_rest(stderr_fd, log, size);
    ck_assert_msg(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == status,
                  "wait status %d, expected exit status %d: %s", wstatus, status, log);
    return took;
}

/* A new result for Grok 4 on HLE, as JSON text. */
static void result_body(char *out, size_t size, const char *id)
{
    test_format(out, size,
                "{\"id\":\"%s\",\"model\":\"grok-4\",\"benchmark\":\"humanitys-last-exam\","
                "\"score\":31,\"reported_as\":\"31%%\",\"evaluator\":\"artificial-analysis\","
                "\"evaluator_relationship\":\"third_party\",\"tools\":\"none\","
                "\"known_since\":{\"value\":\"2025-08-01\",\"precision\":\"day\"},"
                "\"source\":\"artificial-analysis-grok4-results\",\"note\":null,"
                "\"citations\":[{\"source\":\"artificial-analysis-grok4-results\","
                "\"quoted_in\":\"yicai-grok4-article\","
                "\"quote\":\"在 「人类最后的考试」(HLE) 测试中\"}]}",
                id);
}

/* Sends the head of a POST announcing body_len bytes and the first sent
 * bytes of body: a request in flight, waiting for the rest. */
static int start_post(unsigned port, const char *body, size_t body_len, size_t sent)
{
    char head[512];
    int fd = connect_to(port);
    test_format(head, sizeof head,
                "POST /v1/results HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer " TOKEN
                "\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                body_len);
    send_text(fd, head, strlen(head));
    send_text(fd, body, sent);
    return fd;
}

/* Waits until the daemon counts n requests in flight besides the /metrics
 * request that asks (a request is in flight once its head is in): a
 * signal sent after this finds them started. */
static void wait_in_flight(unsigned port, int n)
{
    char want[64];
    struct timespec start;
    test_format(want, sizeof want, "\nhttp_requests_in_flight %d\n", n + 1);
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        struct http_reply reply;
        http_get(port, "/metrics", &reply);
        bool there = strstr(reply.body, want) != NULL;
        http_reply_free(&reply);
        if (there)
            return;
        ck_assert_msg(seconds_since(&start) < 20, "%d requests never were in flight", n);
        struct timespec pause = {0, 5 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
}

static void tokens_arg(char *out, size_t size)
{
    char digest[FR_TOKEN_DIGEST_HEX + 1];
    fr_sha256_hex(TOKEN, strlen(TOKEN), digest);
    test_format(out, size, "editor:%s", digest);
}

/* The drain as a load balancer and a client see it: a write whose body is
 * still arriving when SIGTERM comes finishes with its 201 and is durable;
 * meanwhile /readyz answers 503 on a connection already open, and a new
 * connection is closed unanswered. The daemon then exits 0, the database closed with
 * its write-ahead log checkpointed away. */
START_TEST(test_drain_finishes_requests_in_flight)
{
    char db[512], wal[520], tokens[160], body[1024], response[8192], log[8192] = "";
    struct test_server server;
    int refused_fd;

    test_format(db, sizeof db, "%s/drain.db", tmpdir);
    test_format(wal, sizeof wal, "%s-wal", db);
    tokens_arg(tokens, sizeof tokens);
    const char *args[] = {"--db", db, "--tokens", tokens, NULL};
    test_server_start(&server, args);

    result_body(body, sizeof body, "grok-4-hle-drained");
    size_t len = strlen(body);
    int slow = start_post(server.port, body, len, len / 2);
    int open = connect_to(server.port);
    ck_assert_int_eq(get_on(open, "/readyz", response, sizeof response), 200);
    wait_in_flight(server.port, 1);

    kill(server.pid, SIGTERM);
    wait_for_log(server.stderr_fd, log, sizeof log, "SIGTERM received; draining (up to 10 s)",
                 20000);
    ck_assert_int_eq(get_on(open, "/readyz?verbose", response, sizeof response), 503);
    ck_assert_msg(strstr(response, "\"shutdown\":{\"status\":\"fail\"}"), "%s", response);
    /* A new connection is closed unanswered (see fr_server_stop_accepting). */
    refused_fd = connect_to(server.port);
    static const char probe[] = "GET /readyz HTTP/1.1\r\nHost: t\r\n\r\n";
    send_text(refused_fd, probe, sizeof probe - 1);
    ck_assert_int_le(read_response(refused_fd, response, sizeof response, 5000), 0);
    close(refused_fd);

    send_text(slow, body + len / 2, len - len / 2);
    ck_assert_int_eq(read_response(slow, response, sizeof response, 20000), 201);
    close(slow);

    expect_exit(server.pid, server.stderr_fd, 0, 0, log, sizeof log);
    ck_assert_msg(strstr(log, "frontierd: stopped"), "%s", log);
    ck_assert_msg(!strstr(log, "still in flight"), "%s", log);
    /* The kept-alive connection was closed by the stop, not left open. */
    ck_assert_int_eq(read_response(open, response, sizeof response, 5000), 0);
    close(open);
    ck_assert_msg(access(wal, F_OK) != 0, "%s is left behind", wal);

    test_server_start(&server, args);
    json_t *result = http_get_json(server.port, "/v1/results/grok-4-hle-drained", 200);
    ck_assert_str_eq(test_member_str(result, "reported_as"), "31%");
    json_decref(result);
    ck_assert_int_eq(test_server_stop(&server), 0);
}
END_TEST

/* A connection idle in keep-alive holds nothing up: with nothing in flight
 * the daemon stops at once (not after its 30 s idle timeout, nor the 10 s
 * deadline) and the connection is closed. */
START_TEST(test_idle_connections_do_not_hold_the_drain)
{
    char response[8192], log[4096] = "";
    struct test_server server;

    test_server_start(&server, NULL);
    int idle = connect_to(server.port);
    ck_assert_int_eq(get_on(idle, "/healthz", response, sizeof response), 200);

    double took = expect_exit(server.pid, server.stderr_fd, SIGTERM, 0, log, sizeof log);
    ck_assert_msg(took < 5.0, "the drain took %.2f s", took);
    ck_assert_int_eq(read_response(idle, response, sizeof response, 5000), 0);
    close(idle);
}
END_TEST

/* A request that never finishes is cut at the deadline: its connection is
 * closed unanswered, the daemon says so and still exits 0 (the shutdown
 * asked for was done; what was cut is in the log). */
START_TEST(test_deadline_cuts_what_does_not_finish)
{
    char tokens[160], body[1024], response[8192], log[8192] = "";
    struct test_server server;

    tokens_arg(tokens, sizeof tokens);
    const char *args[] = {"--tokens", tokens, "--shutdown-timeout", "1", NULL};
    test_server_start(&server, args);
    result_body(body, sizeof body, "grok-4-hle-never-sent");
    int stuck = start_post(server.port, body, strlen(body), 10);
    wait_in_flight(server.port, 1);

    double took = expect_exit(server.pid, server.stderr_fd, SIGTERM, 0, log, sizeof log);
    ck_assert_msg(took >= 1.0 && took < 10.0, "the drain took %.2f s", took);
    ck_assert_msg(strstr(log, "frontierd: SIGTERM received; draining (up to 1 s)\n"
                              "frontierd: 1 request still in flight after 1 s; cutting it\n"),
                  "%s", log);
    ck_assert_msg(strstr(log, "frontierd: stopped"), "%s", log);
    ck_assert_int_eq(read_response(stuck, response, sizeof response, 5000), 0);
    close(stuck);
}
END_TEST

/* A second signal during the drain ends the process at once with 128 plus
 * its number, whatever the deadline. */
START_TEST(test_second_signal_exits_at_once)
{
    static const int second[] = {SIGINT, SIGTERM};
    static const char *const said[] = {"frontierd: SIGINT received again; exiting at once",
                                       "frontierd: SIGTERM received again; exiting at once"};

    for (size_t i = 0; i < sizeof second / sizeof second[0]; i++) {
        char body[1024], log[8192] = "";
        struct test_server server;
        const char *args[] = {"--shutdown-timeout", "60", NULL};

        test_server_start(&server, args);
        result_body(body, sizeof body, "grok-4-hle-never-sent");
        int stuck = start_post(server.port, body, strlen(body), 10);
        wait_in_flight(server.port, 1);
        kill(server.pid, SIGTERM);
        wait_for_log(server.stderr_fd, log, sizeof log, "draining (up to 60 s)", 20000);

        double took = expect_exit(server.pid, server.stderr_fd, second[i], 128 + second[i],
                                  log, sizeof log);
        ck_assert_msg(took < 5.0, "exiting took %.2f s", took);
        ck_assert_msg(strstr(log, said[i]), "%s", log);
        close(stuck);
    }
}
END_TEST

/* Writes a seed 100 times the size of the real one with bench/gen (its
 * import takes a second or more). */
static void make_large_seed(const char *dir)
{
    const char *source = getenv("FRONTIER_SOURCE_DIR");
    char gen[1024];
    ck_assert_msg(source && *source, "FRONTIER_SOURCE_DIR is not set");
    test_format(gen, sizeof gen, "%s/bench/gen", source);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        if (freopen("/dev/null", "w", stdout) == NULL)
            _exit(126);
        execlp("python3", "python3", gen, "100", dir, test_seed_dir(), (char *)NULL);
        _exit(127);
    }
    int wstatus = 0;
    ck_assert_int_eq(waitpid(pid, &wstatus, 0), pid);
    ck_assert_msg(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0, "bench/gen failed: %d",
                  wstatus);
}

static int query_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *stmt = NULL;
    ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(stmt), SQLITE_ROW);
    int value = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    return value;
}

/* SIGTERM while a large seed is being imported into a new database stops
 * the daemon at once with status 0; the import, one transaction, is left
 * rolled back: the file holds no table and no schema version, so the next
 * start creates and imports it afresh. */
START_TEST(test_signal_while_loading)
{
    char seed[512], db[512], wal[520], log[4096] = "";
    struct timespec start;
    int stdout_fd, stderr_fd;
    sqlite3 *handle = NULL;

    test_format(seed, sizeof seed, "%s/seed", tmpdir);
    test_format(db, sizeof db, "%s/loading.db", tmpdir);
    test_format(wal, sizeof wal, "%s-wal", db);
    make_large_seed(seed);

    const char *args[] = {"--port", "0", "--db", db, "--seed", seed, NULL};
    pid_t pid = spawn(args, NULL, &stdout_fd, &stderr_fd);
    close(stdout_fd);
    /* The write-ahead log appears when the import's transaction starts. */
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (access(wal, F_OK) != 0) {
        struct timespec pause = {0, 2 * 1000 * 1000};
        ck_assert_msg(seconds_since(&start) < 20, "no import started");
        nanosleep(&pause, NULL);
    }
    double took = expect_exit(pid, stderr_fd, SIGTERM, 0, log, sizeof log);
    ck_assert_str_eq(log, "frontierd: SIGTERM received while loading; stopped\n");
    ck_assert_msg(took < 1.0, "stopping took %.2f s", took);

    ck_assert_int_eq(sqlite3_open(db, &handle), SQLITE_OK);
    ck_assert_int_eq(query_int(handle, "SELECT count(*) FROM sqlite_schema"), 0);
    ck_assert_int_eq(query_int(handle, "PRAGMA user_version"), 0);
    sqlite3_close(handle);

    struct test_server server;
    const char *again[] = {"--db", db, NULL};
    test_server_start(&server, again);
    json_t *ready = http_get_json(server.port, "/readyz?verbose", 200);
    json_t *records = json_object_get(json_object_get(json_object_get(ready, "checks"), "model"),
                                      "records");
    ck_assert_int_eq(json_integer_value(records), 109);
    json_decref(ready);
    ck_assert_int_eq(test_server_stop(&server), 0);
}
END_TEST

/* shutdown_timeout is read from the file, the environment and the flag,
 * each checked: 0 to 3600 seconds. */
START_TEST(test_shutdown_timeout_is_checked)
{
    char path[512], out[8192], err[4096];

    static const char *const flag[] = {"--shutdown-timeout", "3601", NULL};
    ck_assert_int_eq(run(flag, NULL, out, sizeof(out), err, sizeof(err)), 2);
    ck_assert_msg(strstr(err, "shutdown_timeout: '3601' is not allowed: expected an integer "
                              "number of seconds from 0 to 3600 (from --shutdown-timeout)"),
                  "%s", err);

    static const char *const none[] = {NULL};
    ck_assert_int_eq(
        run(none, "FRONTIERD_SHUTDOWN_TIMEOUT=-1", out, sizeof(out), err, sizeof(err)), 2);
    ck_assert_msg(strstr(err, "'-1'") && strstr(err, "FRONTIERD_SHUTDOWN_TIMEOUT"), "%s", err);

    test_format(path, sizeof path, "%s/timeout.conf", tmpdir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("[server]\nshutdown_timeout = 10s\n", f);
    fclose(f);
    const char *file[] = {"--config", path, NULL};
    ck_assert_int_eq(run(file, NULL, out, sizeof(out), err, sizeof(err)), 2);
    ck_assert_msg(strstr(err, "'10s'") && strstr(err, "line 2"), "%s", err);

    static const char *const help[] = {"--help", NULL};
    ck_assert_int_eq(run(help, NULL, out, sizeof(out), err, sizeof(err)), 0);
    ck_assert_ptr_nonnull(strstr(out, "--shutdown-timeout N   FRONTIERD_SHUTDOWN_TIMEOUT 10"));
}
END_TEST

static Suite *lifecycle_suite(void)
{
    Suite *s = suite_create("lifecycle");
    TCase *tc = tcase_create("process");
    tcase_add_checked_fixture(tc, make_tmpdir, remove_tmpdir);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_help_and_version);
    tcase_add_test(tc, test_bad_configuration_exits_2_naming_the_key);
    tcase_add_test(tc, test_refuses_corrupt_database_untouched);
    tcase_add_test(tc, test_refuses_newer_schema);
    tcase_add_test(tc, test_bad_seed_exits_1);
    tcase_add_test(tc, test_database_file_persists);
    tcase_add_test(tc, test_config_file_and_signals);
    suite_add_tcase(s, tc);

    TCase *drain = tcase_create("drain");
    tcase_add_checked_fixture(drain, make_tmpdir, remove_tmpdir);
    tcase_set_timeout(drain, 120);
    tcase_add_test(drain, test_drain_finishes_requests_in_flight);
    tcase_add_test(drain, test_idle_connections_do_not_hold_the_drain);
    tcase_add_test(drain, test_deadline_cuts_what_does_not_finish);
    tcase_add_test(drain, test_second_signal_exits_at_once);
    tcase_add_test(drain, test_signal_while_loading);
    tcase_add_test(drain, test_shutdown_timeout_is_checked);
    suite_add_tcase(s, drain);
    return s;
}

int main(void)
{
    return test_run_suite(lifecycle_suite()) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
