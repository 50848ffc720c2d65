/*
 * Correlating requests: the X-Request-Id a client sends (or the one the
 * server makes up when it sends none or a bad one), and the W3C Trace
 * Context traceparent header (https://www.w3.org/TR/trace-context/), whose
 * trace id joins a request's access-log line to the caller's trace.
 */
#ifndef FRONTIER_TRACE_H
#define FRONTIER_TRACE_H

#include <stdbool.h>
#include <stddef.h>

#include "frontier/status.h"

#define FR_TRACE_ID_LEN 32   /* lower-case hex characters */
#define FR_PARENT_ID_LEN 16  /* lower-case hex characters */
#define FR_REQUEST_ID_GENERATED_LEN 32

struct fr_traceparent {
    unsigned version;                    /* 0 to 254 */
    char trace_id[FR_TRACE_ID_LEN + 1];  /* NUL-terminated lower-case hex */
    char parent_id[FR_PARENT_ID_LEN + 1];
    unsigned flags;                      /* trace-flags; bit 0 is "sampled" */
};

/* Is id (borrowed, may be NULL) one the server may echo: 1 to 128
 * characters, each a letter, a digit, '.', '_' or '-'? Anything else could
 * forge a log line or a header and is replaced. */
bool fr_request_id_valid(const char *id);

/* Writes a new request id, 32 lower-case hex characters and a NUL, into out
 * (at least FR_REQUEST_ID_GENERATED_LEN + 1 bytes). The 128 bits come from
 * getrandom(2); should the kernel refuse, a process-wide counter mixed with
 * the clock keeps ids unique within the process. Safe from any thread. */
void fr_request_id_generate(char *out);

/*
 * Parses a traceparent header value (len bytes at value, borrowed; no NUL
 * needed, and one inside makes it invalid) as the W3C Trace Context Level 1
 * says a receiver must: version, trace-id, parent-id and trace-flags
 * separated by '-', all lower-case hex; version "ff" and all-zero ids are
 * invalid. Version 00 is exactly 55 characters; a higher version may carry
 * more after a '-' at position 55, which is ignored. The caller strips the
 * blanks around a field value (RFC 9110 section 5.5). Returns FR_OK and fills
 * *out, or FR_EINVAL (an invalid header must be ignored, as if absent)
 * leaving *out untouched. value may be NULL.
 */
enum fr_status fr_traceparent_parse(const char *value, size_t len, struct fr_traceparent *out);

struct fr_request;

/* Sets req->request_id to the client's X-Request-Id when it is one we may
 * echo, else a new one; and trace_id (FR_TRACE_ID_LEN + 1 bytes) to the
 * trace id of the request's traceparent when there is exactly one and it
 * parses, else "". (Two cannot both name the caller's span: the W3C test
 * suite treats a duplicate as invalid.) */
void fr_request_identify(struct fr_request *req, char *trace_id);

#endif
