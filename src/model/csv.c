/*
 * Lists as CSV (RFC 4180): one row per item of a page, under a header row
 * that is the same on every page of a collection.
 *
 * The flattening rule, the same for every collection:
 *   - a nested object becomes one column per member, named by the dotted
 *     path ("date.value", "date.precision", "amount.amount_minor");
 *   - an array is one field holding its compact JSON text ("citations",
 *     "tranches", "organizations"), and so is an object with no members
 *     ("{}");
 *   - null is an empty field; booleans are true and false; numbers and
 *     strings are written as the JSON has them (24.0 stays 24.0), strings
 *     without their JSON quotes and escapes;
 *   - the columns are the union over every item of the collection, members
 *     in the order first seen and the members of one object kept together,
 *     so a member that is null in one item and an object in another is
 *     still expanded into its dotted columns (empty in the null's row).
 * Fields are quoted when they hold a comma, a double quote, CR or LF, with
 * quotes doubled; rows end with CRLF.
 *
 * The columns are found once, when the snapshot is built (a tree of member
 * names, see struct fr_csv_columns); rows are written per request from the
 * items' JSON objects by walking that tree beside each object.
 */
#include "snapshot.h"

#include <stdlib.h>
#include <string.h>

/* One member name in the tree of columns. A node has a column of its own
 * when some item holds a value there that is not an object with members
 * (value_seen), or when nothing below it was ever seen (only nulls). */
struct csv_node {
    char *key; /* owned; NULL for the root */
    struct csv_node *children; /* in the order first seen */
    size_t child_count;
    size_t child_cap;
    bool value_seen;
};

struct fr_csv_columns {
    struct csv_node root;
    size_t count; /* columns, kept up to date by fr_csv_columns_add */
};

/* ---- fields ----------------------------------------------------------- */

enum fr_status fr_csv_append_field(struct fr_buf *out, const char *text, size_t len)
{
    if (!memchr(text, ',', len) && !memchr(text, '"', len) && !memchr(text, '\r', len) &&
        !memchr(text, '\n', len))
        return fr_buf_append(out, text, len);
    if (fr_buf_append_char(out, '"') != FR_OK)
        return FR_ENOMEM;
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *quote = memchr(p, '"', (size_t)(end - p));
        size_t run = quote ? (size_t)(quote - p) + 1 : (size_t)(end - p);
        if (fr_buf_append(out, p, run) != FR_OK)
            return FR_ENOMEM;
        if (quote && fr_buf_append_char(out, '"') != FR_OK) /* the doubled quote */
            return FR_ENOMEM;
        p += run;
    }
    return fr_buf_append_char(out, '"');
}

/* ---- finding the columns ---------------------------------------------- */

static void node_cleanup(struct csv_node *node)
{
    for (size_t i = 0; i < node->child_count; i++)
        node_cleanup(&node->children[i]);
    free(node->children);
    free(node->key);
}

static bool node_has_column(const struct csv_node *node)
{
    return node->value_seen || node->child_count == 0;
}

/* The columns under node, its own included. */
static size_t node_column_count(const struct csv_node *node)
{
    size_t n = node_has_column(node) ? 1 : 0;
    for (size_t i = 0; i < node->child_count; i++)
        n += node_column_count(&node->children[i]);
    return n;
}

/* The child named key, added at the end when new; NULL when memory ran out. */
static struct csv_node *node_child(struct csv_node *node, const char *key)
{
    for (size_t i = 0; i < node->child_count; i++) {
        if (strcmp(node->children[i].key, key) == 0)
            return &node->children[i];
    }
    if (node->child_count == node->child_cap) {
        size_t cap = node->child_cap ? node->child_cap * 2 : 8;
        struct csv_node *grown = realloc(node->children, cap * sizeof(*grown));
        if (!grown)
            return NULL;
        node->children = grown;
        node->child_cap = cap;
    }
    struct csv_node *child = &node->children[node->child_count];
    memset(child, 0, sizeof(*child));
    child->key = strdup(key);
    if (!child->key)
        return NULL;
    node->child_count++;
    return child;
}

/* Records every member of obj (an object) under node, recursing into
 * objects with members; jansson keeps members in their insertion order,
 * which is the order the JSON responses show. */
static enum fr_status node_add(struct csv_node *node, const json_t *obj)
{
    const char *key;
    const json_t *value;
    json_object_foreach((json_t *)obj, key, value) {
        struct csv_node *child = node_child(node, key);
        if (!child)
            return FR_ENOMEM;
        if (json_is_object(value) && json_object_size(value) > 0) {
            enum fr_status status = node_add(child, value);
            if (status != FR_OK)
                return status;
        } else if (!json_is_null(value)) {
            child->value_seen = true;
        }
    }
    return FR_OK;
}

struct fr_csv_columns *fr_csv_columns_new(void)
{
    return calloc(1, sizeof(struct fr_csv_columns));
}

void fr_csv_columns_free(struct fr_csv_columns *columns)
{
    if (!columns)
        return;
    node_cleanup(&columns->root);
    free(columns);
}

enum fr_status fr_csv_columns_add(struct fr_csv_columns *columns, const json_t *obj)
{
    if (!json_is_object(obj))
        return FR_EINVAL;
    /* A failure may leave a node half made: the count is then left as it
     * was and the columns should be dropped, as the snapshot build does. */
    enum fr_status status = node_add(&columns->root, obj);
    if (status == FR_OK)
        columns->count = 0;
    for (size_t i = 0; status == FR_OK && i < columns->root.child_count; i++)
        columns->count += node_column_count(&columns->root.children[i]);
    return status;
}

size_t fr_csv_columns_count(const struct fr_csv_columns *columns)
{
    return columns->count;
}

/* ---- writing rows ----------------------------------------------------- */

struct row_writer {
    struct fr_buf *out;
    struct fr_buf scratch; /* a value's JSON text before it is quoted */
    size_t written;        /* fields written so far in this row */
};

static int scratch_append(const char *data, size_t len, void *ctx)
{
    return fr_buf_append(ctx, data, len) == FR_OK ? 0 : -1;
}

/* Starts a field: the separator before every field but the first. */
static enum fr_status field_start(struct row_writer *w)
{
    return w->written++ ? fr_buf_append_char(w->out, ',') : FR_OK;
}

/* The field of a column for value (NULL when the item has nothing there). */
static enum fr_status write_cell(struct row_writer *w, const json_t *value)
{
    enum fr_status status = field_start(w);
    if (status != FR_OK)
        return status;
    if (json_is_string(value))
        return fr_csv_append_field(w->out, json_string_value(value), json_string_length(value));
    if (json_is_true(value))
        return fr_buf_append_str(w->out, "true");
    if (json_is_false(value))
        return fr_buf_append_str(w->out, "false");
    /* Nothing there, or an object spread over its dotted columns. */
    if (!value || json_is_null(value) || (json_is_object(value) && json_object_size(value) > 0))
        return FR_OK;
    /* Numbers, arrays and the empty object: their JSON text, rendered as
     * the JSON responses render it. */
    w->scratch.len = 0;
    if (json_dump_callback(value, scratch_append, &w->scratch, FR_JSON_FLAGS | JSON_ENCODE_ANY))
        return FR_ENOMEM;
    return fr_csv_append_field(w->out, w->scratch.data ? w->scratch.data : "", w->scratch.len);
}

/* Writes node's columns for value, the item's JSON at node's place (NULL
 * when the item has nothing there). */
static enum fr_status write_node(struct row_writer *w, const struct csv_node *node,
                                 const json_t *value)
{
    enum fr_status status = FR_OK;
    if (node->key && node_has_column(node))
        status = write_cell(w, value);
    for (size_t i = 0; status == FR_OK && i < node->child_count; i++) {
        const json_t *member =
            json_is_object(value) ? json_object_get(value, node->children[i].key) : NULL;
        status = write_node(w, &node->children[i], member);
    }
    return status;
}

/* Writes the dotted names of node's columns; path holds the parent's name. */
static enum fr_status write_names(struct row_writer *w, const struct csv_node *node,
                                  struct fr_buf *path)
{
    size_t parent_len = path->len;
    enum fr_status status = FR_OK;
    if (node->key) {
        if (parent_len)
            status = fr_buf_append_char(path, '.');
        if (status == FR_OK)
            status = fr_buf_append_str(path, node->key);
        if (status == FR_OK && node_has_column(node)) {
            status = field_start(w);
            if (status == FR_OK)
                status = fr_csv_append_field(w->out, path->data, path->len);
        }
    }
    for (size_t i = 0; status == FR_OK && i < node->child_count; i++)
        status = write_names(w, &node->children[i], path);
    if (path->data) {
        path->len = parent_len;
        path->data[parent_len] = '\0';
    }
    return status;
}

enum fr_status fr_csv_append_header(const struct fr_csv_columns *columns, struct fr_buf *out)
{
    struct row_writer w = {.out = out};
    struct fr_buf path;
    if (columns->count == 0)
        return FR_OK;
    size_t start = out->len;
    fr_buf_init(&path);
    enum fr_status status = write_names(&w, &columns->root, &path);
    fr_buf_cleanup(&path);
    if (status == FR_OK && out->len == start) /* one column named "" */
        status = fr_buf_append_str(out, "\"\"");
    return status == FR_OK ? fr_buf_append_str(out, "\r\n") : status;
}

/* Writes one row per object with one scratch buffer for them all. */
static enum fr_status append_rows(const struct fr_csv_columns *columns,
                                  const json_t *const *objs, size_t count, struct fr_buf *out)
{
    struct row_writer w = {.out = out};
    enum fr_status status = FR_OK;
    fr_buf_init(&w.scratch);
    for (size_t i = 0; i < count && status == FR_OK && columns->count; i++) {
        if (!json_is_object(objs[i])) {
            status = FR_EINVAL;
            break;
        }
        size_t row_start = out->len;
        w.written = 0;
        status = write_node(&w, &columns->root, objs[i]);
        /* A row of one empty field would be an empty line, which readers
         * skip: it is written as "" instead. */
        if (status == FR_OK && out->len == row_start)
            status = fr_buf_append_str(out, "\"\"");
        if (status == FR_OK)
            status = fr_buf_append_str(out, "\r\n");
    }
    fr_buf_cleanup(&w.scratch);
    return status;
}

enum fr_status fr_csv_append_row(const struct fr_csv_columns *columns, const json_t *obj,
                                 struct fr_buf *out)
{
    return append_rows(columns, &obj, 1, out);
}

enum fr_status fr_render_page_csv(const struct fr_collection *coll, const struct fr_page *page,
                                  struct fr_buf *out)
{
    const json_t **objs = NULL;
    enum fr_status status = FR_ENOMEM;

    if (!coll->csv_columns)
        return FR_EINVAL;
    objs = malloc((page->count ? page->count : 1) * sizeof(*objs));
    if (!objs)
        goto out;
    for (size_t i = 0; i < page->count; i++)
        objs[i] = coll->items[page->indexes[i]].obj;
    status = fr_csv_append_header(coll->csv_columns, out);
    if (status == FR_OK)
        status = append_rows(coll->csv_columns, objs, page->count, out);
out:
    free(objs);
    return status;
}
