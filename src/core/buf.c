/*
 * A growable, always NUL-terminated byte buffer, and base64url on top of it.
 * Response bodies, cursors and small strings are assembled here. Every append
 * either succeeds completely or leaves the contents as they were, so a caller
 * can stop at its first failure and clean up once.
 */
#include "frontier/buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The first allocation; small strings then never need a second one. */
#define BUF_MIN_CAP 64

void fr_buf_init(struct fr_buf *buf)
{
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
}

void fr_buf_cleanup(struct fr_buf *buf)
{
    free(buf->data);
    fr_buf_init(buf);
}

/*
 * Makes room for extra more bytes plus the terminating NUL. Capacity doubles
 * so that n appends cost O(n) copying in total; every size is checked for
 * overflow before it is used. On failure nothing changes.
 */
static enum fr_status buf_reserve(struct fr_buf *buf, size_t extra)
{
    size_t need;
    size_t cap;
    char *grown;

    if (extra > SIZE_MAX - 1 - buf->len)
        return FR_ENOMEM;
    need = buf->len + extra + 1;
    if (buf->data != NULL && need <= buf->cap)
        return FR_OK;

    cap = buf->cap < BUF_MIN_CAP ? BUF_MIN_CAP : buf->cap;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;

    grown = realloc(buf->data, cap);
    if (grown == NULL)
        return FR_ENOMEM;
    if (buf->data == NULL)
        grown[0] = '\0';
    buf->data = grown;
    buf->cap = cap;
    return FR_OK;
}

/*
 * data may point into the buffer itself (appending a copy of part of what is
 * there); growing would move it, so such a source is kept as an offset.
 */
enum fr_status fr_buf_append(struct fr_buf *buf, const void *data, size_t len)
{
    const char *src = data;
    size_t self_offset = 0;
    int from_self = 0;
    enum fr_status status;

    if (src != NULL && buf->data != NULL) {
        uintptr_t p = (uintptr_t)src;
        uintptr_t lo = (uintptr_t)buf->data;
        if (p >= lo && p < lo + buf->cap) {
            from_self = 1;
            self_offset = (size_t)(p - lo);
        }
    }

    status = buf_reserve(buf, len);
    if (status != FR_OK)
        return status;
    if (from_self)
        src = buf->data + self_offset;
    if (len > 0)
        memmove(buf->data + buf->len, src, len);
    buf->len += len;
    buf->data[buf->len] = '\0';
    return FR_OK;
}

enum fr_status fr_buf_append_str(struct fr_buf *buf, const char *str)
{
    return fr_buf_append(buf, str, strlen(str));
}

enum fr_status fr_buf_append_char(struct fr_buf *buf, char c)
{
    return fr_buf_append(buf, &c, 1);
}

/*
 * Measures first, grows once, then writes: the output is never truncated and
 * never formatted twice into a buffer that is too small. The arguments must
 * not point into buf, since growing may move its data.
 */
enum fr_status fr_buf_appendf(struct fr_buf *buf, const char *fmt, ...)
{
    va_list ap;
    va_list again;
    int needed;
    int written;
    enum fr_status status;

    va_start(ap, fmt);
    va_copy(again, ap);

    needed = vsnprintf(NULL, 0, fmt, ap);
    if (needed < 0) {
        status = FR_EINVAL;
        goto out;
    }
    status = buf_reserve(buf, (size_t)needed);
    if (status != FR_OK)
        goto out;
    written = vsnprintf(buf->data + buf->len, (size_t)needed + 1, fmt, again);
    if (written != needed) {
        /* The format produced something else the second time: drop it. */
        buf->data[buf->len] = '\0';
        status = FR_EINVAL;
        goto out;
    }
    buf->len += (size_t)needed;

out:
    va_end(again);
    va_end(ap);
    return status;
}

char *fr_buf_steal(struct fr_buf *buf, size_t *len_out)
{
    char *data = buf->data;
    size_t len = buf->len;

    if (data == NULL) {
        data = malloc(1);
        if (data == NULL)
            return NULL;
        data[0] = '\0';
        len = 0;
    }
    fr_buf_init(buf);
    if (len_out != NULL)
        *len_out = len;
    return data;
}

/* ---- base64url (RFC 4648 section 5, no padding) ---- */

static const char b64url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* The 6-bit value of c, or -1 for any character outside the alphabet. Not a
 * table, so it cannot be confused by signed chars or by the locale. */
static int b64url_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

enum fr_status fr_base64url_encode(struct fr_buf *out, const void *data, size_t len)
{
    const unsigned char *in = data;
    size_t full = len / 3;
    size_t rest = len % 3;
    size_t out_len;
    char *dst;
    size_t i;
    enum fr_status status;

    if (full > (SIZE_MAX - 3) / 4)
        return FR_ENOMEM;
    out_len = full * 4 + (rest == 0 ? 0 : rest + 1);
    status = buf_reserve(out, out_len);
    if (status != FR_OK)
        return status;

    dst = out->data + out->len;
    for (i = 0; i < full; i++) {
        uint32_t v = (uint32_t)in[3 * i] << 16 | (uint32_t)in[3 * i + 1] << 8 | in[3 * i + 2];
        *dst++ = b64url_alphabet[v >> 18 & 63];
        *dst++ = b64url_alphabet[v >> 12 & 63];
        *dst++ = b64url_alphabet[v >> 6 & 63];
        *dst++ = b64url_alphabet[v & 63];
    }
    if (rest > 0) {
        uint32_t v = (uint32_t)in[3 * full] << 16;
        if (rest == 2)
            v |= (uint32_t)in[3 * full + 1] << 8;
        *dst++ = b64url_alphabet[v >> 18 & 63];
        *dst++ = b64url_alphabet[v >> 12 & 63];
        if (rest == 2)
            *dst++ = b64url_alphabet[v >> 6 & 63];
    }
    out->len += out_len;
    out->data[out->len] = '\0';
    return FR_OK;
}

/*
 * Strict: besides characters outside the alphabet (padding '=' included) and
 * lengths of 4n+1, it rejects a last character whose unused low bits are not
 * zero. Each byte string then has exactly one accepted text, so a decoded
 * cursor or id can be compared by its text.
 */
enum fr_status fr_base64url_decode(struct fr_buf *out, const char *text, size_t len)
{
    const unsigned char *in = (const unsigned char *)text;
    size_t full = len / 4;
    size_t rest = len % 4;
    size_t out_len;
    unsigned char *dst;
    size_t i;
    int v[4];
    enum fr_status status;

    if (rest == 1)
        return FR_EINVAL;
    out_len = full * 3 + (rest == 0 ? 0 : rest - 1);
    status = buf_reserve(out, out_len);
    if (status != FR_OK)
        return status;

    /* Decode past len and commit only at the end, so a failure leaves the
     * buffer's contents as they were. */
    dst = (unsigned char *)out->data + out->len;
    for (i = 0; i < full; i++) {
        for (int k = 0; k < 4; k++) {
            v[k] = b64url_value(in[4 * i + (size_t)k]);
            if (v[k] < 0)
                goto invalid;
        }
        *dst++ = (unsigned char)(v[0] << 2 | v[1] >> 4);
        *dst++ = (unsigned char)((v[1] & 15) << 4 | v[2] >> 2);
        *dst++ = (unsigned char)((v[2] & 3) << 6 | v[3]);
    }
    if (rest > 0) {
        for (size_t k = 0; k < rest; k++) {
            v[k] = b64url_value(in[4 * full + k]);
            if (v[k] < 0)
                goto invalid;
        }
        *dst++ = (unsigned char)(v[0] << 2 | v[1] >> 4);
        if (rest == 2 && (v[1] & 15) != 0)
            goto invalid;
        if (rest == 3) {
            *dst++ = (unsigned char)((v[1] & 15) << 4 | v[2] >> 2);
            if ((v[2] & 3) != 0)
                goto invalid;
        }
    }
    out->len += out_len;
    out->data[out->len] = '\0';
    return FR_OK;

invalid:
    out->data[out->len] = '\0';
    return FR_EINVAL;
}
