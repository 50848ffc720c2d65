/*
 * Names and HTTP statuses of enum fr_status. Kept in one place so every
 * handler answers a given failure with the same status and the same words.
 */
#include "frontier/status.h"

const char *fr_status_name(enum fr_status status)
{
    switch (status) {
    case FR_OK:
        return "ok";
    case FR_EINVAL:
        return "invalid";
    case FR_ENOTFOUND:
        return "not found";
    case FR_ECONFLICT:
        return "conflict";
    case FR_ENOMEM:
        return "out of memory";
    case FR_EDB:
        return "database error";
    case FR_EIO:
        return "i/o error";
    case FR_ESCHEMA:
        return "schema mismatch";
    }
    /* A value outside the enum is a bug elsewhere; name it rather than crash. */
    return "unknown";
}

int fr_status_http(enum fr_status status)
{
    switch (status) {
    case FR_OK:
        return 200;
    case FR_EINVAL:
        return 400;
    case FR_ENOTFOUND:
        return 404;
    case FR_ECONFLICT:
        return 409;
    case FR_ENOMEM:
    case FR_EDB:
    case FR_EIO:
    case FR_ESCHEMA:
        return 500;
    }
    return 500;
}
