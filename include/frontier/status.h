/*
 * Status codes shared by every module. Functions that can fail return one of
 * these and pass results through out-parameters; fr_status_http() maps a
 * status to the HTTP status the API answers with.
 */
#ifndef FRONTIER_STATUS_H
#define FRONTIER_STATUS_H

enum fr_status {
    FR_OK = 0,
    FR_EINVAL,    /* the caller's input is malformed or out of range */
    FR_ENOTFOUND, /* no such record */
    FR_ECONFLICT, /* the input contradicts what is stored */
    FR_ENOMEM,    /* an allocation failed */
    FR_EDB,       /* the database refused or failed */
    FR_EIO,       /* a file or socket operation failed */
    FR_ESCHEMA,   /* the database's schema is not one this build can use */
};

/* A short, stable, lower-case name ("invalid", "not found", ...); static. */
const char *fr_status_name(enum fr_status status);

/* The HTTP status an API response carries for this status (FR_OK is 200). */
int fr_status_http(enum fr_status status);

#endif
