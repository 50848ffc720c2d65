/*
 * What the libFuzzer harnesses of fuzz/ share: the seed data, a request read
 * from a harness's input the way the adapter (src/http/server.c) would have
 * filled it from the socket, and the checks every response must pass. A
 * check that fails aborts, which libFuzzer reports as a crash with the input
 * that caused it.
 */
#ifndef FRONTIER_FUZZ_H
#define FRONTIER_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frontier/auth.h"
#include "frontier/http.h"
#include "frontier/model.h"
#include "frontier/store.h"

/* The bearer token whose digest the write harness configures; its seeds
 * carry it, so the fuzzer starts from requests that get past 401. */
#define FUZZ_TOKEN "fuzz-token-0123456789abcdef"
#define FUZZ_TOKEN_NAME "fuzz"

/* Prints the message (printf format) and aborts: a harness's own check
 * failed, which libFuzzer reports with the input. */
void fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#define FUZZ_CHECK(cond, ...)        \
    do {                             \
        if (!(cond))                 \
            fuzz_fail(__VA_ARGS__);  \
    } while (0)

/* The seed directory: $FRONTIER_SEED_DIR, else the one the build names.
 * Static. */
const char *fuzz_seed_dir(void);

/* A NUL-terminated copy of size bytes at data; aborts when memory runs
 * out. The caller frees it. */
char *fuzz_strndup(const uint8_t *data, size_t size);

/* A :memory: store with the seed imported, or an abort naming why. The
 * caller closes it with fr_store_close(). */
struct fr_store *fuzz_store_open(void);

/* The seed's snapshot, built from a :memory: store, or an abort naming
 * why. The caller drops it with fr_snapshot_unref(). */
struct fr_snapshot *fuzz_snapshot_load(void);

/* The token list of one entry: FUZZ_TOKEN_NAME with FUZZ_TOKEN's digest.
 * Aborts on failure; the caller frees it with fr_tokens_free(). */
struct fr_tokens *fuzz_tokens_new(void);

/* A store holding the seed and nothing else, for harnesses whose inputs
 * write: the seed is imported once, into a database file in a directory of
 * its own (in /dev/shm when there is one, else $TMPDIR or /tmp), and each
 * call copies that file afresh and opens the copy, which takes a few
 * milliseconds where an import takes a hundred. The caller closes the store
 * with fr_store_close() before calling again; the files are removed at
 * exit. Aborts on failure. */
struct fr_store *fuzz_store_open_fresh(void);

/*
 * A request written as text, the harnesses' input format:
 *
 *   METHOD SP TARGET LF
 *   Name: value LF          (any number of header lines)
 *   LF
 *   body                    (the rest, any bytes)
 *
 * A CR before an LF is dropped. TARGET is split at its first '?' into the
 * path and the query; both are percent-decoded as the adapter decodes them
 * (a "%00" stays as written), the query's '+' read as a space first, as
 * libmicrohttpd does. Header values lose their leading blanks, as
 * libmicrohttpd drops them. A body is kept only for the methods whose body
 * the adapter keeps (POST, PUT, PATCH, DELETE). The request id and
 * traceparent are read as the adapter reads them. Snapshot, docs, metrics
 * and edits are left NULL for the harness to set.
 */
struct fuzz_request {
    struct fr_request req;
    char *text; /* owned: the input's copy that req points into */
    char trace_id[33];
};

/* Fills out from the input; false (nothing to free) when the input is not a
 * request the adapter could receive: no method line, or a NUL before the
 * body. Aborts when memory runs out. Release with fuzz_request_cleanup(). */
bool fuzz_request_parse(const uint8_t *data, size_t size, struct fuzz_request *out);
void fuzz_request_cleanup(struct fuzz_request *r);

/*
 * Aborts unless a finished response is well formed: a status from 100 to
 * 599; header names that are tokens and values without CR or LF (the
 * adapter would fail to send them); a body where the status has one, with a
 * content type; a 304 only for GET or HEAD; Allow on a 405 and
 * WWW-Authenticate on a 401; a body labelled JSON (gzipped or not) that
 * parses as UTF-8 JSON, and a problem document whose "status" is the
 * response's. req and resp are borrowed.
 */
void fuzz_check_response(const struct fr_request *req, const struct fr_response *resp);

#endif
