/*
 * The browser dashboard's files: every regular file under the web directory
 * (and one directory level below it) read once at start into a table of
 * pre-rendered representations, so that serving one is a lookup by name and
 * a request's path never reaches the filesystem. Immutable once loaded but
 * for the gzip copies the representations make on first demand.
 */
#ifndef FRONTIER_WEB_H
#define FRONTIER_WEB_H

#include <stdbool.h>
#include <stddef.h>

#include "frontier/rendered.h"
#include "frontier/status.h"

/* The page the dashboard starts from, served at "/". */
#define FR_WEB_INDEX "index.html"
/* Limits that keep a mistaken --web (a home directory, say) from filling
 * memory: past them the dashboard is refused as a whole. */
#define FR_WEB_MAX_FILES 1024
#define FR_WEB_MAX_FILE_BYTES (32u * 1024u * 1024u)
#define FR_WEB_MAX_TOTAL_BYTES (128u * 1024u * 1024u)

struct fr_web;

/* One served file: its representation and media type, both borrowed from
 * the struct fr_web it came from. */
struct fr_web_file {
    struct fr_rendered *rendered;
    const char *content_type; /* static */
};

/*
 * Walks dir: files directly in it and in its subdirectories (not deeper),
 * named by their path relative to dir ("index.html", "vendor/chart.js").
 * Dotfiles and dot-directories, symbolic links and anything but regular
 * files and directories are left out, so nothing outside dir is read. A
 * missing or unusable directory, one without FR_WEB_INDEX, or one past the
 * limits is not an error: the dashboard is then unavailable and
 * fr_web_problem() says why. Fails only with FR_ENOMEM. When the dashboard
 * is unavailable, log (when not NULL) gets a sentence for the operator that
 * may name dir. The caller frees the result with fr_web_free().
 */
enum fr_status fr_web_load(const char *dir, struct fr_web **out, char *log, size_t log_size);
void fr_web_free(struct fr_web *web);

/* Why the dashboard is unavailable, one sentence fit for clients (it names
 * no path of the machine), or NULL when it is served. */
const char *fr_web_problem(const struct fr_web *web);

/* The file named name (relative to the web directory, as above), compared
 * byte for byte with the names found at start; false when there is none
 * (always, when the dashboard is unavailable). */
bool fr_web_find(const struct fr_web *web, const char *name, struct fr_web_file *out);

/* How many files are served. */
size_t fr_web_count(const struct fr_web *web);

/* The media type of a file name by its extension (case-insensitive);
 * application/octet-stream for any other. Static. */
const char *fr_web_content_type(const char *name);

#endif
