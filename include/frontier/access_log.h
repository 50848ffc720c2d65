/*
 * The access log: one JSON object per request, one per line, written when
 * the request completes. Each line goes out in a single write(2) to a file
 * opened with O_APPEND (or to stderr), so lines from the server's threads
 * never interleave, and the log can be rotated by renaming the file and
 * restarting the daemon.
 *
 *   {"time":"2025-07-10T04:00:00.123Z","method":"GET","route":"/v1/models/{id}",
 *    "path":"/v1/models/grok-4","status":200,"bytes":1234,
 *    "duration_seconds":0.000181,"request_id":"...","trace_id":null,
 *    "client":"127.0.0.1"}
 */
#ifndef FRONTIER_ACCESS_LOG_H
#define FRONTIER_ACCESS_LOG_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "frontier/status.h"

struct fr_access_log;

/* What one line says. Every pointer is borrowed for the call. */
struct fr_access_entry {
    struct timespec time;   /* arrival, CLOCK_REALTIME */
    const char *method;     /* as received; need not be UTF-8 */
    const char *route;      /* the route template; NULL when no route matched */
    const char *path;       /* percent-decoded, without the query; need not be UTF-8 */
    int status;
    uint64_t bytes;         /* body bytes sent */
    uint64_t duration_ns;   /* arrival to completion, CLOCK_MONOTONIC */
    const char *request_id;
    const char *trace_id;   /* NULL when the request had no valid traceparent */
    const char *client;     /* the peer's address as text; NULL when unknown */
};

/* Opens where the access log goes: "off" (*out is NULL: nothing is
 * logged), "stderr", or a file path, created (mode 0640 before the umask)
 * when missing and appended to. spec is borrowed. On FR_EIO, error holds
 * one sentence naming the key, the value and the system's reason, e.g.
 * "access_log: cannot open '/var/log/x': Permission denied". The caller
 * frees *out with fr_access_log_free(). */
enum fr_status fr_access_log_open(const char *spec, struct fr_access_log **out, char *error,
                                  size_t error_size);
/* Closes the file (never stderr); NULL is a no-op. */
void fr_access_log_free(struct fr_access_log *log);

/* Renders entry as one line of JSON ending in '\n' into *line (the caller
 * frees it with free()) and its length into *len. FR_ENOMEM is the only
 * failure. Text that is not UTF-8 is kept with U+FFFD for each bad byte. */
enum fr_status fr_access_log_format(const struct fr_access_entry *entry, char **line,
                                    size_t *len);

/* Formats and writes one line; safe from any thread. log may be NULL.
 * Returns FR_OK, FR_ENOMEM or FR_EIO (the write failed or was short: the
 * line is lost, since a retry could split it around another thread's). */
enum fr_status fr_access_log_write(struct fr_access_log *log,
                                   const struct fr_access_entry *entry);

#endif
