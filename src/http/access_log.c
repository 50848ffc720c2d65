/*
 * The access log (include/frontier/access_log.h). Lines are built with
 * jansson, so a path holding quotes, control characters or bytes that are
 * not UTF-8 cannot break the line or forge another, and written with one
 * write(2) each on an O_APPEND descriptor: each write lands at the end of
 * the file, and Linux writes a regular file under its inode's lock, so lines
 * from concurrent requests never interleave. No lock of ours is taken.
 */
#include "frontier/access_log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "frontier/http.h"

#define ACCESS_LOG_KEY "access_log"

struct fr_access_log {
    int fd;
    bool owned; /* opened here, so closed here; stderr is not */
};

/* Writes the message into error, ending it with "..." when it is cut. */
static void set_error(char *error, size_t size, const char *spec, int err)
{
    int n;

    if (!error || size == 0)
        return;
    n = snprintf(error, size, "%s: cannot open '%s': %s", ACCESS_LOG_KEY, spec, strerror(err));
    if (n < 0)
        error[0] = '\0';
    else if ((size_t)n >= size && size >= 4)
        memcpy(error + size - 4, "...", 4);
}

enum fr_status fr_access_log_open(const char *spec, struct fr_access_log **out, char *error,
                                  size_t error_size)
{
    struct fr_access_log *log = NULL;
    int fd = -1;
    enum fr_status status = FR_OK;

    *out = NULL;
    if (error && error_size)
        error[0] = '\0';
    if (strcmp(spec, "off") == 0)
        goto out;
    if (strcmp(spec, "stderr") != 0) {
        fd = open(spec, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0640);
        if (fd < 0) {
            set_error(error, error_size, spec, errno);
            status = FR_EIO;
            goto out;
        }
    }
    log = calloc(1, sizeof *log);
    if (!log) {
        set_error(error, error_size, spec, ENOMEM);
        status = FR_ENOMEM;
        goto out;
    }
    log->fd = fd >= 0 ? fd : STDERR_FILENO;
    log->owned = fd >= 0;
    fd = -1;
    *out = log;
out:
    if (fd >= 0)
        close(fd);
    return status;
}

void fr_access_log_free(struct fr_access_log *log)
{
    if (!log)
        return;
    if (log->owned)
        close(log->fd);
    free(log);
}

/* RFC 3339 in UTC with milliseconds: 2025-07-10T04:00:00.123Z. Each thread
 * keeps the text of the last second it formatted: under load most lines
 * share their second, and gmtime_r and strftime cost more than the rest of
 * the line. */
static void format_time(const struct timespec *when, char out[32])
{
    static _Thread_local time_t cached_second = -1;
    static _Thread_local char cached[24];
    struct tm tm;
    time_t seconds = when->tv_sec;

    if (seconds != cached_second) {
        /* 19 characters for any year from 1000 to 9999. */
        if (!gmtime_r(&seconds, &tm) ||
            strftime(cached, sizeof cached, "%Y-%m-%dT%H:%M:%S", &tm) != 19)
            memcpy(cached, "1970-01-01T00:00:00", 20);
        cached_second = seconds;
    }
    memcpy(out, cached, 19);
    snprintf(out + 19, 32 - 19, ".%03ldZ", (long)(when->tv_nsec / 1000000) % 1000);
}

/* A JSON string, or null when text is NULL; NULL only when memory ran out. */
static json_t *string_or_null(const char *text)
{
    return text ? json_string(text) : json_null();
}

/* Sets key to value (a new reference, stolen even on failure); false when
 * value is NULL or the object cannot take it. */
static bool set(json_t *obj, const char *key, json_t *value)
{
    return value != NULL && json_object_set_new(obj, key, value) == 0;
}

/* The line as an object, members in the order they are written; NULL when
 * memory ran out. The method and path came from the network and may not be
 * UTF-8; the route, ids and client were checked or made here. */
static json_t *entry_object(const struct fr_access_entry *entry)
{
    char when[32];
    json_t *obj = json_object();
    bool ok = obj != NULL;

    format_time(&entry->time, when);
    ok = ok && set(obj, "time", json_string(when));
    ok = ok && set(obj, "method", fr_json_string_lossy(entry->method ? entry->method : ""));
    ok = ok && set(obj, "route", string_or_null(entry->route));
    ok = ok && set(obj, "path", fr_json_string_lossy(entry->path ? entry->path : ""));
    ok = ok && set(obj, "status", json_integer(entry->status));
    ok = ok && set(obj, "bytes", json_integer((json_int_t)entry->bytes));
    ok = ok && set(obj, "duration_seconds", json_real((double)entry->duration_ns / 1e9));
    ok = ok && set(obj, "request_id",
                   fr_json_string_lossy(entry->request_id ? entry->request_id : ""));
    ok = ok && set(obj, "trace_id", string_or_null(entry->trace_id));
    ok = ok && set(obj, "client", string_or_null(entry->client));
    if (!ok) {
        json_decref(obj);
        return NULL;
    }
    return obj;
}

#define LINE_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(9))

/*
 * Renders the line, '\n' included, into buf (size bytes) when it fits, or
 * else into a new allocation returned in *spill (the caller frees it; it has
 * one byte to spare after the line). *line
 * points at whichever holds it. Most lines fit a small stack buffer, which
 * spares the allocations of json_dumps on the path of every request.
 */
static enum fr_status render_line(const struct fr_access_entry *entry, char *buf, size_t size,
                                  char **spill, const char **line, size_t *len)
{
    json_t *obj = entry_object(entry);
    size_t need;
    enum fr_status status = FR_ENOMEM;

    *spill = NULL;
    if (!obj)
        goto out;
    need = json_dumpb(obj, buf, size, LINE_FLAGS);
    if (need == 0)
        goto out;
    if (need + 1 > size) {
        /* Room for the '\n', and a NUL that fr_access_log_format adds. */
        *spill = malloc(need + 2);
        if (!*spill || json_dumpb(obj, *spill, need + 2, LINE_FLAGS) != need)
            goto out;
        buf = *spill;
    }
    buf[need] = '\n';
    *line = buf;
    *len = need + 1;
    status = FR_OK;
out:
    if (status != FR_OK) {
        free(*spill);
        *spill = NULL;
    }
    json_decref(obj);
    return status;
}

enum fr_status fr_access_log_format(const struct fr_access_entry *entry, char **line,
                                    size_t *len)
{
    char buf[1024];
    char *spill = NULL;
    const char *text = NULL;
    size_t n = 0;
    enum fr_status status;

    *line = NULL;
    *len = 0;
    status = render_line(entry, buf, sizeof buf, &spill, &text, &n);
    if (status != FR_OK)
        return status;
    if (spill) {
        *line = spill; /* render_line left room for the NUL */
    } else {
        *line = malloc(n + 1);
        if (!*line)
            return FR_ENOMEM;
        memcpy(*line, text, n);
    }
    (*line)[n] = '\0';
    *len = n;
    return FR_OK;
}

enum fr_status fr_access_log_write(struct fr_access_log *log,
                                   const struct fr_access_entry *entry)
{
    char buf[2048];
    char *spill = NULL;
    const char *line = NULL;
    size_t len = 0;
    ssize_t written;
    enum fr_status status;

    if (!log)
        return FR_OK;
    status = render_line(entry, buf, sizeof buf, &spill, &line, &len);
    if (status != FR_OK)
        return status;
    do {
        written = write(log->fd, line, len);
    } while (written < 0 && errno == EINTR);
    free(spill);
    return written == (ssize_t)len ? FR_OK : FR_EIO;
}
