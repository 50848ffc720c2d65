/*
 * YAML to JSON, for the contract: it is written in YAML (comments, readable
 * examples) and served as JSON too. libyaml parses; this file maps its events
 * onto jansson values. Only what JSON can express is accepted: anchors and
 * aliases, custom tags and non-string keys are refused rather than guessed.
 */
#include "frontier/docs.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

struct reader {
    yaml_parser_t parser;
    char *error;
    size_t error_size;
};

static enum fr_status fail(struct reader *r, size_t line, const char *what)
{
    snprintf(r->error, r->error_size, "YAML line %zu: %s", line + 1, what);
    return FR_EINVAL;
}

static bool matches_all(const char *s, const char *allowed)
{
    return *s && strspn(s, allowed) == strlen(s);
}

/* The YAML 1.2 core schema's reading of a plain scalar. */
static json_t *plain_scalar(const char *s)
{
    if (!*s || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 || strcmp(s, "Null") == 0 ||
        strcmp(s, "NULL") == 0)
        return json_null();
    if (strcmp(s, "true") == 0 || strcmp(s, "True") == 0 || strcmp(s, "TRUE") == 0)
        return json_true();
    if (strcmp(s, "false") == 0 || strcmp(s, "False") == 0 || strcmp(s, "FALSE") == 0)
        return json_false();
    const char *digits = (*s == '-' || *s == '+') ? s + 1 : s;
    if (matches_all(digits, "0123456789")) {
        errno = 0;
        long long v = strtoll(s, NULL, 10);
        if (errno == 0)
            return json_integer(v);
    }
    /* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
    if (matches_all(digits, "0123456789.eE+-") && strchr("0123456789.", *digits)) {
        char *end = NULL;
        errno = 0;
        double v = strtod(s, &end);
        if (end && *end == '\0' && errno == 0 && isfinite(v))
            return json_real(v);
    }
    return json_string(s);
}

static enum fr_status read_node(struct reader *r, yaml_event_t *event, json_t **out);

/* Reads events up to the end of the mapping or sequence that started. */
static enum fr_status read_collection(struct reader *r, bool mapping, json_t **out)
{
    json_t *coll = mapping ? json_object() : json_array();
    enum fr_status status = FR_OK;
    yaml_event_t event;

    if (!coll)
        return FR_ENOMEM;
    for (;;) {
        if (!yaml_parser_parse(&r->parser, &event)) {
            status = fail(r, r->parser.problem_mark.line,
                          r->parser.problem ? r->parser.problem : "cannot parse");
            break;
        }
        if (event.type == YAML_MAPPING_END_EVENT || event.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&event);
            break;
        }
        if (!mapping) {
            json_t *item = NULL;
            status = read_node(r, &event, &item);
            yaml_event_delete(&event);
            if (status == FR_OK && json_array_append_new(coll, item))
                status = FR_ENOMEM;
            if (status != FR_OK)
                break;
            continue;
        }
        if (event.type != YAML_SCALAR_EVENT) {
            status = fail(r, event.start_mark.line, "a mapping key must be a plain string");
            yaml_event_delete(&event);
            break;
        }
        char *key = strdup((const char *)event.data.scalar.value);
        size_t key_line = event.start_mark.line;
        yaml_event_delete(&event);
        if (!key) {
            status = FR_ENOMEM;
            break;
        }
        json_t *value = NULL;
        if (!yaml_parser_parse(&r->parser, &event)) {
            status = fail(r, r->parser.problem_mark.line,
                          r->parser.problem ? r->parser.problem : "cannot parse");
        } else {
            status = read_node(r, &event, &value);
            yaml_event_delete(&event);
        }
        if (status == FR_OK && json_object_get(coll, key))
            status = fail(r, key_line, "a key appears twice in one mapping");
        if (status == FR_OK && json_object_set_new(coll, key, value))
            status = FR_ENOMEM;
        else if (status != FR_OK)
            json_decref(value);
        free(key);
        if (status != FR_OK)
            break;
    }
    if (status != FR_OK) {
        json_decref(coll);
        return status;
    }
    *out = coll;
    return FR_OK;
}

static enum fr_status read_node(struct reader *r, yaml_event_t *event, json_t **out)
{
    size_t line = event->start_mark.line;
    switch (event->type) {
    case YAML_ALIAS_EVENT:
        return fail(r, line, "aliases are not supported");
    case YAML_SCALAR_EVENT: {
        if (event->data.scalar.anchor)
            return fail(r, line, "anchors are not supported");
        const char *tag = (const char *)event->data.scalar.tag;
        if (tag && strcmp(tag, YAML_STR_TAG) != 0)
            return fail(r, line, "only the !!str tag is supported");
        const char *value = (const char *)event->data.scalar.value;
        bool plain = event->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !tag;
        *out = plain ? plain_scalar(value)
                     : json_stringn(value, event->data.scalar.length);
        return *out ? FR_OK : fail(r, line, "a string is not valid UTF-8");
    }
    case YAML_MAPPING_START_EVENT:
        if (event->data.mapping_start.anchor)
            return fail(r, line, "anchors are not supported");
        return read_collection(r, true, out);
    case YAML_SEQUENCE_START_EVENT:
        if (event->data.sequence_start.anchor)
            return fail(r, line, "anchors are not supported");
        return read_collection(r, false, out);
    default:
        return fail(r, line, "unexpected YAML event");
    }
}

enum fr_status fr_yaml_to_json(const char *text, size_t len, json_t **out, char *error,
                               size_t error_size)
{
    struct reader r = {.error = error, .error_size = error_size};
    yaml_event_t event;
    enum fr_status status = FR_OK;
    json_t *root = NULL;

    *out = NULL;
    if (!yaml_parser_initialize(&r.parser)) {
        snprintf(error, error_size, "out of memory");
        return FR_ENOMEM;
    }
    yaml_parser_set_input_string(&r.parser, (const unsigned char *)text, len);
    /* Skip the stream and document starts; read one node; expect the end. */
    for (;;) {
        if (!yaml_parser_parse(&r.parser, &event)) {
            status = fail(&r, r.parser.problem_mark.line,
                          r.parser.problem ? r.parser.problem : "cannot parse");
            goto out;
        }
        if (event.type == YAML_STREAM_START_EVENT || event.type == YAML_DOCUMENT_START_EVENT) {
            yaml_event_delete(&event);
            continue;
        }
        if (event.type == YAML_STREAM_END_EVENT) {
            yaml_event_delete(&event);
            status = fail(&r, 0, "the text holds no YAML document");
            goto out;
        }
        status = read_node(&r, &event, &root);
        yaml_event_delete(&event);
        break;
    }
    if (status == FR_OK) {
        /* The document's end, then the stream's: a second document is an error. */
        if (!yaml_parser_parse(&r.parser, &event)) {
            status = fail(&r, r.parser.problem_mark.line,
                          r.parser.problem ? r.parser.problem : "cannot parse");
        } else {
            yaml_event_delete(&event);
            if (!yaml_parser_parse(&r.parser, &event)) {
                status = fail(&r, r.parser.problem_mark.line,
                              r.parser.problem ? r.parser.problem : "cannot parse");
            } else {
                if (event.type != YAML_STREAM_END_EVENT)
                    status = fail(&r, event.start_mark.line, "only one YAML document is read");
                yaml_event_delete(&event);
            }
        }
    }
out:
    yaml_parser_delete(&r.parser);
    if (status != FR_OK) {
        json_decref(root);
        return status;
    }
    *out = root;
    return FR_OK;
}
