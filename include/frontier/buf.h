/*
 * A growable byte buffer, always NUL-terminated, used to assemble response
 * bodies and small strings. Appends report FR_ENOMEM and leave the buffer as
 * it was, so callers can stop at the first failure and clean up once.
 */
#ifndef FRONTIER_BUF_H
#define FRONTIER_BUF_H

#include <stddef.h>

#include "frontier/status.h"

struct fr_buf {
    char *data; /* NULL until the first append; owned by the buffer */
    size_t len;
    size_t cap;
};

void fr_buf_init(struct fr_buf *buf);
/* Frees the data; the buffer is empty and reusable afterwards. */
void fr_buf_cleanup(struct fr_buf *buf);

enum fr_status fr_buf_append(struct fr_buf *buf, const void *data, size_t len);
enum fr_status fr_buf_append_str(struct fr_buf *buf, const char *str);
enum fr_status fr_buf_append_char(struct fr_buf *buf, char c);
enum fr_status fr_buf_appendf(struct fr_buf *buf, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Hands the data to the caller (who frees it with free()) and empties the
 * buffer. Returns an allocated empty string for an empty buffer, or NULL when
 * that allocation fails. */
char *fr_buf_steal(struct fr_buf *buf, size_t *len_out);

/* base64url (RFC 4648 section 5) without padding. encode appends to out;
 * decode appends the decoded bytes and fails with FR_EINVAL on any character
 * outside the alphabet or an impossible length. */
enum fr_status fr_base64url_encode(struct fr_buf *out, const void *data, size_t len);
enum fr_status fr_base64url_decode(struct fr_buf *out, const char *text, size_t len);

#endif
