/*
 * Helpers shared by the test executables: the seed's location, an
 * in-process snapshot, and a real frontierd started on port 0 with a libcurl
 * client for it.
 */
#ifndef FRONTIER_TESTS_SUPPORT_H
#define FRONTIER_TESTS_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <check.h>
#include <jansson.h>

#include "frontier/buf.h"
#include "frontier/model.h"
#include "frontier/store.h"

/* Runs a suite (and frees it) with Check's normal report, libcurl set up
 * around it; returns the number of failed tests. */
int test_run_suite(Suite *suite);

/* Makes a fresh directory under $TMPDIR (or /tmp) named prefix-XXXXXX into
 * out; aborts the test on failure. */
void test_tmpdir_make(char *out, size_t size, const char *prefix);
/* Removes the files in dir, then dir. */
void test_tmpdir_remove(const char *dir);

/* The seed directory the build points the tests at (static). */
const char *test_seed_dir(void);

/* Opens a :memory: store with the seed and builds its snapshot; aborts the
 * test on failure. The caller drops the snapshot with fr_snapshot_unref. */
struct fr_snapshot *test_snapshot_load(void);

struct test_server {
    pid_t pid;
    unsigned port;
    int stderr_fd; /* the daemon's stderr, read up to its "listening" line */
};

/* Starts frontierd on 127.0.0.1 port 0 with a :memory: database and the
 * seed, plus extra_args (NULL-ended, may be NULL); waits until it listens. */
void test_server_start(struct test_server *server, const char *const *extra_args);
/* Sends SIGTERM and returns the exit status (or -1 if it did not exit). */
int test_server_stop(struct test_server *server);

/* One daemon shared by the tests of a case, for tcase_add_unchecked_fixture
 * (test_daemon_start, test_daemon_stop). An unchecked teardown cannot fail a
 * test, so a daemon that does not exit 0 on SIGTERM (a crash, or a leak under
 * ASan) is remembered: test_daemon_failed() tells main(). */
extern struct test_server test_daemon;
void test_daemon_start(void);
void test_daemon_stop(void);
bool test_daemon_failed(void);

/* snprintf that fails the test instead of truncating. */
void test_format(char *out, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Writes text as the whole of the file dir/name; fails the test if it cannot. */
void test_write_file(const char *dir, const char *name, const char *text);

/* Decompresses a gzip body (the test fails if it is not one); the caller
 * frees the result. */
char *test_gunzip(const char *in, size_t len, size_t *out_len);

/* The string member key of obj; fails the test if it is not a string. */
const char *test_member_str(const json_t *obj, const char *key);

struct http_reply {
    long status;
    char *body;     /* NUL-terminated; owned */
    size_t body_len;
    char *headers;  /* the raw response header block; owned */
};

/* Sends method to http://127.0.0.1:port<target>; extra_headers is NULL or
 * NULL-ended "Name: value" strings. Aborts the test on transport errors. */
void http_request(unsigned port, const char *method, const char *target,
                  const char *const *extra_headers, struct http_reply *reply);
void http_get(unsigned port, const char *target, struct http_reply *reply);
/* As http_request, with a body (body_len bytes; NULL for none). Name the
 * Content-Type: with a body and none named, curl sends its form type
 * ("Content-Type:" with no value sends none at all). */
void http_send(unsigned port, const char *method, const char *target,
               const char *const *extra_headers, const char *body, size_t body_len,
               struct http_reply *reply);
/* As http_send, but false instead of a failed test when no reply came (the
 * server went away); reply is set either way and must be freed. */
bool http_try(unsigned port, const char *method, const char *target,
              const char *const *extra_headers, const char *body, size_t body_len,
              struct http_reply *reply);
void http_reply_free(struct http_reply *reply);

/* The value of a response header (case-insensitive name), copied into out;
 * false when absent. */
bool http_reply_header(const struct http_reply *reply, const char *name, char *out,
                       size_t size);

/* The body parsed as JSON; aborts the test if it is not JSON. New reference. */
json_t *http_reply_json(const struct http_reply *reply);

/* GETs target, checks the status and returns the parsed body. */
json_t *http_get_json(unsigned port, const char *target, long expected_status);

/* ---- raw TCP, for what libcurl would not send as written ------------------ */

struct test_conn {
    int fd;
    struct fr_buf in; /* received */
    size_t used;      /* of in, already taken as responses */
    bool closed;      /* the server closed (or reset) the connection */
};

/* Connects to 127.0.0.1:port from the loopback address from (any
 * 127.x.y.z is this machine; NULL is 127.0.0.1), so that a test can be
 * clients at several addresses. Aborts the test on failure. */
void test_conn_open(struct test_conn *conn, unsigned port, const char *from);
void test_conn_close(struct test_conn *conn);
/* Sends all of data; false once the server has closed the connection. */
bool test_conn_send(struct test_conn *conn, const void *data, size_t len);
/* Reads what arrives within timeout seconds into conn->in: true when
 * something came or the connection ended (then conn->closed is set), false
 * on silence. */
bool test_conn_fill(struct test_conn *conn, double timeout);

#endif
