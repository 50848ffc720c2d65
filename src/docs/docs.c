/*
 * Loading the documentation once at start: the embedded contract as YAML and
 * as JSON (both compiled in), the Redoc page, and Redoc's bundle from the
 * docs directory.
 */
#include "frontier/docs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Generated at build time from openapi/frontierd.yaml: the file itself, and
 * its JSON conversion by tools/openapi_json.c (scripts/embed). */
extern const unsigned char fr_openapi_yaml[];
extern const size_t fr_openapi_yaml_len;
extern const unsigned char fr_openapi_json[];
extern const size_t fr_openapi_json_len;

#define BUNDLE_NAME "redoc.standalone.js"
#define FR_DOCS_PATH_MAX 4200

/* The page is ours; the renderer is Redoc's, served by frontierd itself. */
static const char page[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"en\">\n"
    "<head>\n"
    "<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>frontier-api reference</title>\n"
    "<style>body { margin: 0; }</style>\n"
    "</head>\n"
    "<body>\n"
    "<redoc spec-url=\"/openapi.json\"></redoc>\n"
    "<script src=\"/docs/" BUNDLE_NAME "\"></script>\n"
    "</body>\n"
    "</html>\n";

struct fr_docs {
    char *bundle; /* NULL when not found */
    struct fr_rendered yaml_rep, json_rep, page_rep, bundle_rep;
    char bundle_problem[160];
};

/* Reads a whole file; NULL with errno set when it cannot. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long n = ftell(f);
        if (n >= 0 && fseek(f, 0, SEEK_SET) == 0) {
            data = malloc((size_t)n + 1);
            if (data && fread(data, 1, (size_t)n, f) == (size_t)n) {
                data[n] = '\0';
                *len = (size_t)n;
            } else {
                free(data);
                data = NULL;
            }
        }
    }
    fclose(f);
    return data;
}

enum fr_status fr_docs_load(const char *bundle_dir, struct fr_docs **out, char *error,
                            size_t error_size)
{
    struct fr_docs *docs = calloc(1, sizeof(*docs));
    char path[FR_DOCS_PATH_MAX];

    *out = NULL;
    if (!docs) {
        snprintf(error, error_size, "out of memory");
        return FR_ENOMEM;
    }
    fr_rendered_init(&docs->yaml_rep, (const char *)fr_openapi_yaml, fr_openapi_yaml_len);
    fr_rendered_init(&docs->json_rep, (const char *)fr_openapi_json, fr_openapi_json_len);
    fr_rendered_init(&docs->page_rep, page, sizeof(page) - 1);

    int n = snprintf(path, sizeof(path), "%s/%s", bundle_dir, BUNDLE_NAME);
    if (n < 0 || (size_t)n >= sizeof(path)) {
        snprintf(docs->bundle_problem, sizeof(docs->bundle_problem),
                 "the docs directory's path is too long");
    } else {
        size_t len = 0;
        docs->bundle = read_file(path, &len);
        if (docs->bundle)
            fr_rendered_init(&docs->bundle_rep, docs->bundle, len);
        else
            snprintf(docs->bundle_problem, sizeof(docs->bundle_problem),
                     "Redoc's bundle (" BUNDLE_NAME ") was not in the docs directory when "
                     "frontierd started; scripts/install-deps installs it");
    }
    *out = docs;
    return FR_OK;
}

void fr_docs_free(struct fr_docs *docs)
{
    if (!docs)
        return;
    fr_rendered_cleanup(&docs->yaml_rep);
    fr_rendered_cleanup(&docs->json_rep);
    fr_rendered_cleanup(&docs->page_rep);
    if (docs->bundle)
        fr_rendered_cleanup(&docs->bundle_rep);
    free(docs->bundle);
    free(docs);
}

/* The docs are immutable but for the lazily made gzip copies. */
struct fr_rendered *fr_docs_openapi_yaml(const struct fr_docs *docs)
{
    return (struct fr_rendered *)&docs->yaml_rep;
}

struct fr_rendered *fr_docs_openapi_json(const struct fr_docs *docs)
{
    return (struct fr_rendered *)&docs->json_rep;
}

struct fr_rendered *fr_docs_page(const struct fr_docs *docs)
{
    return (struct fr_rendered *)&docs->page_rep;
}

struct fr_rendered *fr_docs_bundle(const struct fr_docs *docs)
{
    return docs->bundle ? (struct fr_rendered *)&docs->bundle_rep : NULL;
}

const char *fr_docs_bundle_problem(const struct fr_docs *docs)
{
    return docs->bundle ? NULL : docs->bundle_problem;
}
