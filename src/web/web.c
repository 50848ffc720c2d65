/*
 * Loading the dashboard's files once at start. The table of names built here
 * is the whole of what can be served: a request names a file by looking it
 * up, never by opening a path, so "..", encoded slashes, NUL bytes or
 * absolute paths in a URL have nothing to reach. Each file is opened with
 * O_NOFOLLOW relative to its directory's descriptor, so a symbolic link (or
 * a rename racing the walk) cannot lead the walk outside the directory.
 */
#include "frontier/web.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

struct entry {
    char *name; /* owned, relative to the web directory */
    const char *content_type;
    char *data; /* owned */
    struct fr_rendered rep;
};

struct fr_web {
    struct entry *entries; /* sorted by name */
    size_t count, capacity;
    size_t total_bytes;
    char problem[200]; /* empty when the dashboard is served */
};

/* Walking stops with FR_EIO when the dashboard turns out unusable (problem
 * and log are set then), or FR_ENOMEM. */
struct walk {
    struct fr_web *web;
    char *log;
    size_t log_size;
};

static const struct {
    const char *extension;
    const char *content_type;
} media_types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".json", "application/json"},
    {".map", "application/json"},
    {".woff2", "font/woff2"},
};

const char *fr_web_content_type(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (dot && dot != name && !strchr(dot, '/')) {
        for (size_t i = 0; i < sizeof(media_types) / sizeof(media_types[0]); i++) {
            if (strcasecmp(dot, media_types[i].extension) == 0)
                return media_types[i].content_type;
        }
    }
    return "application/octet-stream";
}

static void free_entries(struct fr_web *web)
{
    for (size_t i = 0; i < web->count; i++) {
        fr_rendered_cleanup(&web->entries[i].rep);
        free(web->entries[i].name);
        free(web->entries[i].data);
    }
    free(web->entries);
    web->entries = NULL;
    web->count = web->capacity = 0;
    web->total_bytes = 0;
}

/* Marks the dashboard unavailable: problem for clients, the formatted rest
 * for the operator's log. */
__attribute__((format(printf, 3, 4))) static enum fr_status
unusable(struct walk *w, const char *problem, const char *fmt, ...)
{
    snprintf(w->web->problem, sizeof(w->web->problem), "%s", problem);
    if (w->log && w->log_size > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(w->log, w->log_size, fmt, ap);
        va_end(ap);
    }
    return FR_EIO;
}

/* Reads the regular file open on fd (size from st) into a new entry. */
static enum fr_status add_file(struct walk *w, int fd, const struct stat *st, char *name)
{
    struct fr_web *web = w->web;
    char *data = NULL;
    size_t len = (size_t)st->st_size;
    enum fr_status status = FR_OK;

    if (web->count == FR_WEB_MAX_FILES) {
        status = unusable(w, "the dashboard directory holds more files than frontierd serves",
                          "more than %d files", FR_WEB_MAX_FILES);
        goto out;
    }
    if (st->st_size < 0 || (unsigned long long)st->st_size > FR_WEB_MAX_FILE_BYTES ||
        web->total_bytes + len > FR_WEB_MAX_TOTAL_BYTES) {
        status = unusable(w, "a dashboard file is larger than frontierd serves",
                          "%s is too large (at most %u bytes a file, %u in all)", name,
                          FR_WEB_MAX_FILE_BYTES, FR_WEB_MAX_TOTAL_BYTES);
        goto out;
    }
    data = malloc(len ? len : 1);
    if (!data) {
        status = FR_ENOMEM;
        goto out;
    }
    for (size_t done = 0; done < len;) {
        ssize_t n = read(fd, data + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            status = unusable(w, "a dashboard file could not be read when frontierd started",
                              "%s could not be read: %s", name,
                              n < 0 ? strerror(errno) : "it shrank while being read");
            goto out;
        }
        done += (size_t)n;
    }
    if (web->count == web->capacity) {
        size_t capacity = web->capacity ? web->capacity * 2 : 16;
        struct entry *grown = realloc(web->entries, capacity * sizeof(*grown));
        if (!grown) {
            status = FR_ENOMEM;
            goto out;
        }
        web->entries = grown;
        web->capacity = capacity;
    }
    struct entry *e = &web->entries[web->count];
    e->name = name;
    e->content_type = fr_web_content_type(name);
    e->data = data;
    fr_rendered_init(&e->rep, data, len);
    web->count++;
    web->total_bytes += len;
    return FR_OK;
out:
    free(data);
    free(name);
    return status;
}

/* "prefix/name", or name alone at the top; NULL when out of memory. */
static char *join(const char *prefix, const char *name)
{
    size_t prefix_len = strlen(prefix), name_len = strlen(name);
    char *out = malloc(prefix_len + 1 + name_len + 1);
    if (!out)
        return NULL;
    if (prefix_len) {
        memcpy(out, prefix, prefix_len);
        out[prefix_len++] = '/';
    }
    memcpy(out + prefix_len, name, name_len + 1);
    return out;
}

/* Walks the directory open on dir_fd (borrowed); prefix names it relative
 * to the web directory ("" at the top, where depth is 0). */
static enum fr_status walk_dir(struct walk *w, int dir_fd, const char *prefix, int depth)
{
    enum fr_status status = FR_OK;
    int list_fd = dup(dir_fd);
    DIR *dir = list_fd >= 0 ? fdopendir(list_fd) : NULL;
    struct dirent *de;

    if (!dir) {
        if (list_fd >= 0)
            close(list_fd);
        return unusable(w, "the dashboard directory could not be read when frontierd started",
                        "the directory %s could not be listed: %s", *prefix ? prefix : ".",
                        strerror(errno));
    }
    while (status == FR_OK && (errno = 0, de = readdir(dir)) != NULL) {
        /* Dotfiles (".git", ".env", editors' swap files) are not the
         * dashboard's, and leaving them out also leaves out "." and "..". */
        if (de->d_name[0] == '.')
            continue;
        int fd = openat(dir_fd, de->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) {
            if (errno == ELOOP)
                continue; /* a symbolic link: never followed */
            status = unusable(w, "a dashboard file could not be read when frontierd started",
                              "%s%s%s could not be opened: %s", prefix, *prefix ? "/" : "",
                              de->d_name, strerror(errno));
            break;
        }
        struct stat st;
        if (fstat(fd, &st) != 0) {
            status = unusable(w, "a dashboard file could not be read when frontierd started",
                              "%s%s%s could not be examined: %s", prefix, *prefix ? "/" : "",
                              de->d_name, strerror(errno));
        } else if (S_ISREG(st.st_mode) || (S_ISDIR(st.st_mode) && depth == 0)) {
            char *name = join(prefix, de->d_name);
            if (!name)
                status = FR_ENOMEM;
            else if (S_ISREG(st.st_mode))
                status = add_file(w, fd, &st, name); /* takes name */
            else {
                status = walk_dir(w, fd, name, depth + 1);
                free(name);
            }
        }
        close(fd);
    }
    if (status == FR_OK && errno != 0)
        status = unusable(w, "the dashboard directory could not be read when frontierd started",
                          "the directory %s could not be listed: %s", *prefix ? prefix : ".",
                          strerror(errno));
    closedir(dir);
    return status;
}

static int compare_entries(const void *a, const void *b)
{
    return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

static int compare_name(const void *key, const void *e)
{
    return strcmp(key, ((const struct entry *)e)->name);
}

enum fr_status fr_web_load(const char *dir, struct fr_web **out, char *log, size_t log_size)
{
    struct fr_web *web = calloc(1, sizeof(*web));
    struct walk w = {web, log, log_size};
    enum fr_status status = FR_OK;
    int dir_fd = -1;

    *out = NULL;
    if (log && log_size > 0)
        log[0] = '\0';
    if (!web)
        return FR_ENOMEM;
    dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd < 0) {
        status = unusable(&w,
                          "the dashboard is not installed: its directory was not there when "
                          "frontierd started",
                          "no dashboard directory %s: %s", dir, strerror(errno));
    } else {
        status = walk_dir(&w, dir_fd, "", 0);
        close(dir_fd);
    }
    if (status == FR_OK) {
        qsort(web->entries, web->count, sizeof(*web->entries), compare_entries);
        if (!bsearch(FR_WEB_INDEX, web->entries, web->count, sizeof(*web->entries),
                     compare_name))
            status = unusable(&w,
                              "the dashboard is not installed: its directory had no "
                              FR_WEB_INDEX " when frontierd started",
                              "no " FR_WEB_INDEX " in %s", dir);
    }
    if (status == FR_ENOMEM) {
        fr_web_free(web);
        return FR_ENOMEM;
    }
    if (status != FR_OK)
        free_entries(web); /* all or nothing: half a dashboard helps nobody */
    *out = web;
    return FR_OK;
}

void fr_web_free(struct fr_web *web)
{
    if (!web)
        return;
    free_entries(web);
    free(web);
}

const char *fr_web_problem(const struct fr_web *web)
{
    return web->problem[0] ? web->problem : NULL;
}

bool fr_web_find(const struct fr_web *web, const char *name, struct fr_web_file *out)
{
    if (!web->count)
        return false;
    struct entry *e =
        bsearch(name, web->entries, web->count, sizeof(*web->entries), compare_name);
    if (!e)
        return false;
    out->rendered = &e->rep;
    out->content_type = e->content_type;
    return true;
}

size_t fr_web_count(const struct fr_web *web)
{
    return web->count;
}
