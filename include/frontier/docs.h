/*
 * The API's own documentation: the OpenAPI contract compiled into the daemon
 * it describes (served as written, in YAML, and converted to JSON), the page
 * that renders it with Redoc, and Redoc's bundle, read from a directory at
 * start so that /docs works offline. Immutable once loaded.
 */
#ifndef FRONTIER_DOCS_H
#define FRONTIER_DOCS_H

#include <stddef.h>

#include <jansson.h>

#include "frontier/rendered.h"
#include "frontier/status.h"

struct fr_docs;

/* Loads the documentation; bundle_dir holds redoc.standalone.js. A missing
 * bundle is not an error (the API is served without it; /docs says why).
 * Fails only with FR_ENOMEM. The caller frees the result with fr_docs_free(). */
enum fr_status fr_docs_load(const char *bundle_dir, struct fr_docs **out, char *error,
                            size_t error_size);
void fr_docs_free(struct fr_docs *docs);

/* The representations, borrowed from docs and alive as long as it is; the
 * bundle's is NULL when it was not found. Not const: their gzip copies are
 * made on first demand. */
struct fr_rendered *fr_docs_openapi_yaml(const struct fr_docs *docs);
struct fr_rendered *fr_docs_openapi_json(const struct fr_docs *docs);
struct fr_rendered *fr_docs_page(const struct fr_docs *docs);
struct fr_rendered *fr_docs_bundle(const struct fr_docs *docs);
/* Why the bundle is absent, one sentence fit for clients (it names no path
 * of the machine), or NULL when it is there. */
const char *fr_docs_bundle_problem(const struct fr_docs *docs);

/* Converts the first YAML document of text to JSON, reading plain scalars
 * by the YAML 1.2 core schema (null, true/false, integers, floats; anything
 * else, and every quoted scalar, is a string). Anchors, aliases, tags other
 * than the standard ones and non-string mapping keys are refused, naming the
 * line. The caller owns *out. */
enum fr_status fr_yaml_to_json(const char *text, size_t len, json_t **out, char *error,
                               size_t error_size);

#endif
