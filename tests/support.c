/*
 * Test helpers: see support.h. Under FRONTIER_VALGRIND the daemons that
 * test_server_start runs are run under valgrind's memcheck (see "a real
 * daemon").
 */
#include "support.h"

#include <check.h>
#include <arpa/inet.h>
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)

/* Where test_server_stop notes a daemon in which valgrind found something:
 * a file the forked tests inherit, so that a finding fails the run even
 * when it is made in a child, or by a test that ignores the daemon's exit
 * status. -1 when not under valgrind. */
static int valgrind_findings = -1;

static bool under_valgrind(void)
{
    const char *value = getenv("FRONTIER_VALGRIND");
    return value != NULL && *value != '\0';
}

int test_run_suite(Suite *suite)
{
    FILE *findings = NULL;
    struct stat noted = {0};

    if (curl_global_init(CURL_GLOBAL_ALL) != CURLE_OK) {
        fprintf(stderr, "curl_global_init failed\n");
        return 1;
    }
    if (under_valgrind()) {
        findings = tmpfile();
        if (findings == NULL) {
            fprintf(stderr, "cannot make the file for valgrind's findings: %s\n",
                    strerror(errno));
            curl_global_cleanup();
            return 1;
        }
        valgrind_findings = fileno(findings);
        /* The tests' forks share it; the daemons they exec need not. */
        fcntl(valgrind_findings, F_SETFD, FD_CLOEXEC);
    }
    SRunner *runner = srunner_create(suite);
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    if (findings != NULL) {
        if (fstat(valgrind_findings, &noted) != 0) {
            fprintf(stderr, "cannot read valgrind's findings: %s\n", strerror(errno));
            failed++;
        } else if (noted.st_size > 0) {
            fprintf(stderr, "valgrind found errors or definite leaks in %lld daemon%s "
                            "(their reports are above)\n",
                    (long long)noted.st_size, noted.st_size == 1 ? "" : "s");
            failed++;
        }
        fclose(findings);
        valgrind_findings = -1;
    }
    curl_global_cleanup();
    return failed;
}

void test_tmpdir_make(char *out, size_t size, const char *prefix)
{
    const char *base = getenv("TMPDIR");
    int n = snprintf(out, size, "%s/%s-XXXXXX", base && *base ? base : "/tmp", prefix);
    ck_assert_msg(n > 0 && (size_t)n < size, "temp path too long");
    ck_assert_msg(mkdtemp(out) != NULL, "mkdtemp %s: %s", out, strerror(errno));
}

void test_tmpdir_remove(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char path[1024];
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) < (int)sizeof(path))
            unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

const char *test_seed_dir(void)
{
    const char *dir = getenv("FRONTIER_SEED_DIR");
    return dir && *dir ? dir : "data/seed";
}

struct fr_snapshot *test_snapshot_load(void)
{
    struct fr_store *store = NULL;
    struct fr_snapshot *snapshot = NULL;
    json_t *data = NULL;
    char error[1024] = "";

    if (fr_store_open(":memory:", test_seed_dir(), &store, error, sizeof(error)) != FR_OK ||
        fr_store_load(store, &data, error, sizeof(error)) != FR_OK ||
        fr_snapshot_build(data, &snapshot, error, sizeof(error)) != FR_OK)
        ck_abort_msg("loading the seed failed: %s", error);
    fr_store_close(store);
    return snapshot;
}

/* ---- a real daemon -----------------------------------------------------
 *
 * With FRONTIER_VALGRIND set (to anything but ""), the daemon runs under
 * valgrind's memcheck: every error, and every definitely lost block at
 * exit, makes it exit with VALGRIND_STATUS instead of its own status, after
 * writing the report to its stderr (which test_server_stop copies to the
 * test's). Only definite leaks count: a block still reachable, or
 * possibly lost, at exit is how a library's one-time allocations look,
 * not memory that a long-running daemon loses again and again. No
 * suppression is needed: with Debian 12's libraries the daemon frees every
 * block before it exits 0. Under valgrind the daemon starts and stops
 * several times slower, so the helpers wait longer.
 */

#define VALGRIND_STATUS 99
#define START_SECONDS 20
#define VALGRIND_START_SECONDS 180
#define STOP_SECONDS 20
#define VALGRIND_STOP_SECONDS 120

/* Puts valgrind and its options in front of the daemon's argv; returns how
 * many entries it wrote (none when not under valgrind). */
static size_t valgrind_prefix(const char **argv)
{
    static const char *const options[] = {
        "valgrind", "--tool=memcheck", "--quiet",
        ("--error-exitcode=" STRINGIFY(VALGRIND_STATUS)), "--leak-check=full",
        "--errors-for-leak-kinds=definite", "--show-leak-kinds=definite", "--track-origins=no",
        "--num-callers=30"};
    size_t n = 0;

    if (!under_valgrind())
        return 0;
    for (; n < sizeof options / sizeof options[0]; n++)
        argv[n] = options[n];
    return n;
}

void test_server_start(struct test_server *server, const char *const *extra_args)
{
    const char *bin = getenv("FRONTIERD_BIN");
    const char *argv[48];
    size_t n = 0;
    int pipefd[2];
    long patience = under_valgrind() ? VALGRIND_START_SECONDS : START_SECONDS;

    ck_assert_msg(bin && *bin, "FRONTIERD_BIN is not set");
    n = valgrind_prefix(argv);
    argv[n++] = bin;
    argv[n++] = "--bind";
    argv[n++] = "127.0.0.1";
    argv[n++] = "--port";
    argv[n++] = "0";
    argv[n++] = "--db";
    argv[n++] = ":memory:";
    argv[n++] = "--seed";
    argv[n++] = test_seed_dir();
    argv[n++] = "--threads";
    argv[n++] = "2";
    for (size_t i = 0; extra_args && extra_args[i]; i++) {
        ck_assert_msg(n + 1 < sizeof argv / sizeof argv[0], "too many daemon arguments");
        argv[n++] = extra_args[i];
    }
    argv[n] = NULL;

    ck_assert_int_eq(pipe(pipefd), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        dup2(pipefd[1], STDERR_FILENO);
        close(pipefd[0]);
        close(pipefd[1]);
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(pipefd[1]);
    server->pid = pid;
    server->stderr_fd = pipefd[0];
    server->port = 0;

    /* Read the daemon's log until it names the port it bound. */
    char log[4096];
    size_t used = 0;
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (server->port == 0) {
        struct pollfd pfd = {.fd = server->stderr_fd, .events = POLLIN};
        int ready = poll(&pfd, 1, 200);
        if (ready > 0) {
            ssize_t got = read(server->stderr_fd, log + used, sizeof(log) - 1 - used);
            ck_assert_msg(got > 0, "frontierd exited before listening: %.*s", (int)used, log);
            used += (size_t)got;
            log[used] = '\0';
            const char *at = strstr(log, "listening on http://127.0.0.1:");
            if (at)
                server->port = (unsigned)strtoul(at + strlen("listening on http://127.0.0.1:"),
                                                 NULL, 10);
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        ck_assert_msg(now.tv_sec - start.tv_sec < patience, "frontierd did not start: %s", log);
    }
    ck_assert_uint_gt(server->port, 0);
}

/* Copies what the daemon wrote after its start-up line to our stderr, so a
 * sanitizer report or an error message shows in the test's log. */
static void drain_log(int fd)
{
    char buf[4096];
    ssize_t got;
    int flags = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    while ((got = read(fd, buf, sizeof(buf))) > 0)
        fwrite(buf, 1, (size_t)got, stderr);
}

/* A daemon valgrind found something in fails the run (see test_run_suite). */
static void note_valgrind_finding(pid_t pid)
{
    fprintf(stderr, "valgrind found errors or definite leaks in frontierd (pid %d)\n", (int)pid);
    if (valgrind_findings >= 0 && write(valgrind_findings, "!", 1) != 1)
        fprintf(stderr, "and could not note it: %s\n", strerror(errno));
}

int test_server_stop(struct test_server *server)
{
    int wstatus = 0, result = -1;
    int polls = (under_valgrind() ? VALGRIND_STOP_SECONDS : STOP_SECONDS) * 20;
    kill(server->pid, SIGTERM);
    for (int i = 0; i < polls; i++) {
        if (waitpid(server->pid, &wstatus, WNOHANG) == server->pid) {
            result = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
            break;
        }
        usleep(50 * 1000);
    }
    if (result == -1 && waitpid(server->pid, &wstatus, WNOHANG) == 0) {
        kill(server->pid, SIGKILL);
        waitpid(server->pid, &wstatus, 0);
    }
    drain_log(server->stderr_fd);
    close(server->stderr_fd);
    if (result == VALGRIND_STATUS && under_valgrind())
        note_valgrind_finding(server->pid);
    return result;
}

struct test_server test_daemon;
static bool daemon_failed;

void test_daemon_start(void)
{
    test_server_start(&test_daemon, NULL);
}

void test_daemon_stop(void)
{
    int status = test_server_stop(&test_daemon);
    if (status != 0) {
        fprintf(stderr, "frontierd exited with status %d on SIGTERM\n", status);
        daemon_failed = true;
    }
}

bool test_daemon_failed(void)
{
    return daemon_failed;
}

void test_format(char *out, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, size, fmt, ap);
    va_end(ap);
    ck_assert_msg(n >= 0 && (size_t)n < size, "does not fit in %zu bytes: %s", size, fmt);
}

void test_write_file(const char *dir, const char *name, const char *text)
{
    char path[1024];
    test_format(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(text, 1, strlen(text), f), strlen(text));
    ck_assert_int_eq(fclose(f), 0);
}

char *test_gunzip(const char *in, size_t len, size_t *out_len)
{
    size_t cap = (size_t)1 << 22; /* larger than any body the API sends */
    char *out = malloc(cap);
    z_stream z;
    ck_assert_ptr_nonnull(out);
    memset(&z, 0, sizeof(z));
    ck_assert_int_eq(inflateInit2(&z, 15 + 16), Z_OK);
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)out;
    z.avail_out = (uInt)cap;
    ck_assert_int_eq(inflate(&z, Z_FINISH), Z_STREAM_END);
    *out_len = z.total_out;
    inflateEnd(&z);
    return out;
}

const char *test_member_str(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    ck_assert_msg(s != NULL, "member '%s' is not a string", key);
    return s;
}

/* ---- a libcurl client -------------------------------------------------- */

struct sink {
    char *data;
    size_t len;
};

static size_t sink_write(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct sink *s = userdata;
    size_t n = size * nmemb;
    char *grown = realloc(s->data, s->len + n + 1);
    if (!grown)
        return 0;
    s->data = grown;
    memcpy(s->data + s->len, ptr, n);
    s->len += n;
    s->data[s->len] = '\0';
    return n;
}

bool http_try(unsigned port, const char *method, const char *target,
              const char *const *extra_headers, const char *body, size_t body_len,
              struct http_reply *reply)
{
    char url[2048];
    struct sink received = {0}, headers = {0};
    struct curl_slist *list = NULL;
    CURL *curl = curl_easy_init();
    bool expect_given = false;

    ck_assert_ptr_nonnull(curl);
    memset(reply, 0, sizeof(*reply));
    snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", port, target);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    else if (strcmp(method, "GET") != 0)
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    if (body) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)body_len);
    }
    for (size_t i = 0; extra_headers && extra_headers[i]; i++) {
        list = curl_slist_append(list, extra_headers[i]);
        expect_given |= strncasecmp(extra_headers[i], "Expect:", 7) == 0;
    }
    /* curl would wait for 100 Continue on larger bodies; say so when meant. */
    if (!expect_given)
        list = curl_slist_append(list, "Expect:");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, sink_write);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &received);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, sink_write);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &headers);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 20L);
    CURLcode rc = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply->status);
    curl_slist_free_all(list);
    curl_easy_cleanup(curl);
    reply->body = received.data ? received.data : calloc(1, 1);
    reply->body_len = received.len;
    reply->headers = headers.data ? headers.data : calloc(1, 1);
    return rc == CURLE_OK;
}

void http_send(unsigned port, const char *method, const char *target,
               const char *const *extra_headers, const char *body, size_t body_len,
               struct http_reply *reply)
{
    bool ok = http_try(port, method, target, extra_headers, body, body_len, reply);
    ck_assert_msg(ok, "%s %s: no reply", method, target);
}

void http_request(unsigned port, const char *method, const char *target,
                  const char *const *extra_headers, struct http_reply *reply)
{
    http_send(port, method, target, extra_headers, NULL, 0, reply);
}

void http_get(unsigned port, const char *target, struct http_reply *reply)
{
    http_request(port, "GET", target, NULL, reply);
}

void http_reply_free(struct http_reply *reply)
{
    free(reply->body);
    free(reply->headers);
    memset(reply, 0, sizeof(*reply));
}

bool http_reply_header(const struct http_reply *reply, const char *name, char *out,
                       size_t size)
{
    size_t name_len = strlen(name);
    for (const char *line = reply->headers; line && *line;) {
        const char *end = strstr(line, "\r\n");
        size_t len = end ? (size_t)(end - line) : strlen(line);
        if (len > name_len && line[name_len] == ':' && strncasecmp(line, name, name_len) == 0) {
            const char *v = line + name_len + 1;
            while (*v == ' ')
                v++;
            size_t vlen = (size_t)(line + len - v);
            if (vlen >= size)
                vlen = size - 1;
            memcpy(out, v, vlen);
            out[vlen] = '\0';
            return true;
        }
        line = end ? end + 2 : NULL;
    }
    return false;
}

json_t *http_reply_json(const struct http_reply *reply)
{
    json_error_t error;
    json_t *json = json_loadb(reply->body, reply->body_len, 0, &error);
    ck_assert_msg(json != NULL, "not JSON (%s): %.200s", error.text, reply->body);
    return json;
}

json_t *http_get_json(unsigned port, const char *target, long expected_status)
{
    struct http_reply reply;
    http_get(port, target, &reply);
    ck_assert_msg(reply.status == expected_status, "GET %s: status %ld, expected %ld: %.300s",
                  target, reply.status, expected_status, reply.body);
    json_t *json = http_reply_json(&reply);
    http_reply_free(&reply);
    return json;
}

/* ---- raw TCP ------------------------------------------------------------ */

void test_conn_open(struct test_conn *conn, unsigned port, const char *from)
{
    struct sockaddr_in addr = {.sin_family = AF_INET};
    struct sockaddr_in source = {.sin_family = AF_INET};

    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(inet_pton(AF_INET, from ? from : "127.0.0.1", &source.sin_addr), 1);
    conn->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ck_assert_int_ge(conn->fd, 0);
    ck_assert_int_eq(bind(conn->fd, (const struct sockaddr *)&source, sizeof source), 0);
    ck_assert_msg(connect(conn->fd, (const struct sockaddr *)&addr, sizeof addr) == 0,
                  "connect: %s", strerror(errno));
    fr_buf_init(&conn->in);
    conn->used = 0;
    conn->closed = false;
}

void test_conn_close(struct test_conn *conn)
{
    if (conn->fd >= 0)
        close(conn->fd);
    conn->fd = -1;
    fr_buf_cleanup(&conn->in);
}

bool test_conn_send(struct test_conn *conn, const void *data, size_t len)
{
    const char *at = data;

    while (len > 0) {
        ssize_t n = send(conn->fd, at, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return false;
        at += n;
        len -= (size_t)n;
    }
    return true;
}

bool test_conn_fill(struct test_conn *conn, double timeout)
{
    struct pollfd ready = {.fd = conn->fd, .events = POLLIN};
    char chunk[65536];
    ssize_t n;

    if (conn->closed || poll(&ready, 1, (int)(timeout * 1000)) <= 0)
        return conn->closed;
    n = recv(conn->fd, chunk, sizeof chunk, 0);
    if (n <= 0) {
        conn->closed = true;
        return true;
    }
    ck_assert_int_eq(fr_buf_append(&conn->in, chunk, (size_t)n), FR_OK);
    return true;
}
