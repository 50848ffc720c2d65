/*
 * Representations against the real daemon: lists as CSV (RFC 4180, read
 * back with a strict parser written here and compared value by value with
 * the JSON of the same query), the choice between JSON and CSV by ?format=
 * and by Accept q-values, 406 for what a resource cannot send, Vary, the
 * Link header of paginated lists (followed until the end and compared with
 * one big page), and ETags and 304s for CSV. A second daemon, fed a seed
 * with more than one default page of benchmarks, checks the Link of the
 * pre-rendered first page; an in-process case checks the encoding of
 * characters no valid list query carries.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "frontier/buf.h"
#include "frontier/http.h"
#include "support.h"

#define CSV_TYPE "text/csv; charset=utf-8; header=present"

/* ---- an RFC 4180 reader ---------------------------------------------------- */

/*
 * Parses CSV strictly as RFC 4180 writes it: every record ends with CRLF
 * (the last one too), a field is either quoted (and may then hold commas,
 * CR, LF and doubled quotes) or holds none of '"', ',', CR, LF; anything else
 * fails the test. Returns an array of records, each an array of strings
 * (new reference).
 */
static json_t *csv_parse(const char *text, size_t len)
{
    json_t *records = json_array();
    json_t *record = json_array();
    struct fr_buf field;
    size_t i = 0;

    fr_buf_init(&field);
    while (i < len) {
        field.len = 0;
        if (field.data)
            field.data[0] = '\0';
        if (text[i] == '"') {
            i++;
            for (;;) {
                ck_assert_msg(i < len, "CSV: a quoted field is not closed");
                if (text[i] == '"') {
                    if (i + 1 < len && text[i + 1] == '"') {
                        ck_assert(fr_buf_append_char(&field, '"') == FR_OK);
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                ck_assert(fr_buf_append_char(&field, text[i]) == FR_OK);
                i++;
            }
        } else {
            while (i < len && text[i] != ',' && text[i] != '\r' && text[i] != '\n') {
                ck_assert_msg(text[i] != '"', "CSV: a quote inside an unquoted field at byte %zu",
                              i);
                ck_assert(fr_buf_append_char(&field, text[i]) == FR_OK);
                i++;
            }
        }
        json_t *value = json_stringn(field.data ? field.data : "", field.len);
        ck_assert_msg(value != NULL, "CSV: a field is not UTF-8");
        json_array_append_new(record, value);
        if (i < len && text[i] == ',') {
            i++;
            ck_assert_msg(i < len, "CSV: the text ends after a comma");
            continue;
        }
        ck_assert_msg(i + 1 < len && text[i] == '\r' && text[i + 1] == '\n',
                      "CSV: a record does not end with CRLF at byte %zu", i);
        i += 2;
        json_array_append_new(records, record);
        record = json_array();
    }
    json_decref(record);
    fr_buf_cleanup(&field);
    return records;
}

static const char *cell(const json_t *records, size_t row, size_t column)
{
    return json_string_value(json_array_get(json_array_get(records, row), column));
}

/* The parser itself, on text with every hard case in it. */
START_TEST(test_parser_reads_rfc4180)
{
    static const char text[] = "a,\"b,c\",\"say \"\"hi\"\"\",\"line\r\nbreak\",,\"\"\r\n"
                               "甲,\"乙,丙\",x,y,z,\"\"\"\"\r\n";
    json_t *records = csv_parse(text, sizeof(text) - 1);
    ck_assert_uint_eq(json_array_size(records), 2);
    ck_assert_uint_eq(json_array_size(json_array_get(records, 0)), 6);
    ck_assert_str_eq(cell(records, 0, 1), "b,c");
    ck_assert_str_eq(cell(records, 0, 2), "say \"hi\"");
    ck_assert_str_eq(cell(records, 0, 3), "line\r\nbreak");
    ck_assert_str_eq(cell(records, 0, 4), "");
    ck_assert_str_eq(cell(records, 0, 5), "");
    ck_assert_str_eq(cell(records, 1, 1), "乙,丙");
    ck_assert_str_eq(cell(records, 1, 5), "\"");
    json_decref(records);
}
END_TEST

/* ---- helpers ------------------------------------------------------------ */

static void get(const char *method, const char *target, const char *h1, const char *h2,
                struct http_reply *reply)
{
    const char *headers[3] = {h1, h1 ? h2 : NULL, NULL};
    http_request(test_daemon.port, method, target, headers, reply);
}

static bool header_of(const struct http_reply *reply, const char *name, char *out, size_t size)
{
    return http_reply_header(reply, name, out, size);
}

static void assert_header(const struct http_reply *reply, const char *name, const char *expected,
                          const char *what)
{
    char value[1100];
    ck_assert_msg(header_of(reply, name, value, sizeof(value)), "%s: no %s in:\n%s", what, name,
                  reply->headers);
    ck_assert_msg(strcmp(value, expected) == 0, "%s: %s is '%s', expected '%s'", what, name,
                  value, expected);
}

static bool vary_has(const struct http_reply *reply, const char *field)
{
    char vary[256];
    if (!header_of(reply, "Vary", vary, sizeof(vary)))
        return false;
    for (char *save = NULL, *t = strtok_r(vary, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
        if (strcasecmp(t, field) == 0)
            return true;
    }
    return false;
}

/* target with one more query parameter (static buffer of the caller). */
static void with_param(const char *target, const char *param, char *out, size_t size)
{
    test_format(out, size, "%s%c%s", target, strchr(target, '?') ? '&' : '?', param);
}

/* GETs target (with header h, may be NULL), expecting 200 and a content
 * type; returns the body parsed as JSON (JSON) or CSV records (CSV). */
static json_t *get_as(const char *target, const char *h, bool csv)
{
    struct http_reply reply;
    get("GET", target, h, NULL, &reply);
    ck_assert_msg(reply.status == 200, "GET %s (%s): %ld %.300s", target, h ? h : "-",
                  reply.status, reply.body);
    assert_header(&reply, "Content-Type", csv ? CSV_TYPE : "application/json", target);
    json_t *parsed = csv ? csv_parse(reply.body, reply.body_len) : http_reply_json(&reply);
    http_reply_free(&reply);
    return parsed;
}

/* ---- the flattening rule, as the test reads it ------------------------------- */

/* Puts into out (name -> expected text, or JSON null for a null member) every
 * flattened member of value: objects with members as dotted names, strings as
 * their text, everything else as its compact JSON (the responses' rendering). */
static void flatten(const json_t *value, const char *name, json_t *out)
{
    if (json_is_object(value) && json_object_size(value) > 0) {
        const char *key;
        const json_t *member;
        json_object_foreach((json_t *)value, key, member) {
            char child[512];
            if (*name)
                test_format(child, sizeof(child), "%s.%s", name, key);
            else
                test_format(child, sizeof(child), "%s", key);
            flatten(member, child, out);
        }
        return;
    }
    if (json_is_null(value)) {
        json_object_set_new(out, name, json_null());
    } else if (json_is_string(value)) {
        json_object_set_new(out, name, json_stringn(json_string_value(value),
                                                    json_string_length(value)));
    } else {
        char *text = json_dumps(value, JSON_COMPACT | JSON_REAL_PRECISION(15) | JSON_ENCODE_ANY);
        json_object_set_new(out, name, json_string(text));
        free(text);
    }
}

/* Index of name in the header record, or -1. */
static long column_of(const json_t *header, const char *name)
{
    for (size_t i = 0; i < json_array_size(header); i++) {
        if (strcmp(json_string_value(json_array_get(header, i)), name) == 0)
            return (long)i;
    }
    return -1;
}

/* Checks CSV records against the JSON list of the same query: one row per
 * item, every row as wide as the header, no column twice, every cell the
 * item's flattened value (empty when the item has none or null), and every
 * member of the item somewhere in the header. Counts the fields that needed
 * quoting in *tricky. */
static void check_csv_matches(const json_t *records, const json_t *list, const char *target,
                              size_t *tricky)
{
    const json_t *items = json_object_get(list, "items");
    const json_t *header = json_array_get(records, 0);
    ck_assert_msg(header && json_array_size(header) > 0, "%s: no header row", target);
    ck_assert_msg(json_array_size(records) == json_array_size(items) + 1,
                  "%s: %zu CSV rows for %zu items", target, json_array_size(records) - 1,
                  json_array_size(items));
    for (size_t c = 0; c < json_array_size(header); c++)
        ck_assert_msg(column_of(header, cell(records, 0, c)) == (long)c,
                      "%s: column %s appears twice", target, cell(records, 0, c));

    for (size_t r = 0; r < json_array_size(items); r++) {
        const json_t *item = json_array_get(items, r);
        const json_t *row = json_array_get(records, r + 1);
        json_t *expected = json_object();
        flatten(item, "", expected);
        ck_assert_msg(json_array_size(row) == json_array_size(header),
                      "%s: row %zu has %zu fields, the header %zu", target, r,
                      json_array_size(row), json_array_size(header));
        for (size_t c = 0; c < json_array_size(header); c++) {
            const json_t *want = json_object_get(expected, cell(records, 0, c));
            const char *want_text = json_is_string(want) ? json_string_value(want) : "";
            ck_assert_msg(strcmp(cell(records, r + 1, c), want_text) == 0,
                          "%s: item %s, column %s is [%s], the JSON says [%s]", target,
                          test_member_str(item, "id"), cell(records, 0, c),
                          cell(records, r + 1, c), want_text);
            if (strpbrk(want_text, ",\"\r\n"))
                (*tricky)++;
        }
        /* Nothing is lost: a value has its column; a null has its column or
         * the dotted columns of the object it is elsewhere. */
        const char *key;
        const json_t *v;
        json_object_foreach(expected, key, v) {
            bool found = column_of(header, key) >= 0;
            for (size_t c = 0; !found && json_is_null(v) && c < json_array_size(header); c++) {
                const char *name = cell(records, 0, c);
                found = strncmp(name, key, strlen(key)) == 0 && name[strlen(key)] == '.';
            }
            ck_assert_msg(found, "%s: item %s has %s, which no column holds", target,
                          test_member_str(item, "id"), key);
        }
        json_decref(expected);
    }
}

/* ---- CSV ------------------------------------------------------------------ */

static const char *const list_targets[] = {
    "/v1/sources",
    "/v1/sources?kind=post&limit=3",
    "/v1/organizations",
    "/v1/people",
    "/v1/models",
    "/v1/models?organization=xai&limit=4",
    "/v1/benchmarks",
    "/v1/results?model=grok-4",
    "/v1/leaderboards",
    "/v1/funding-rounds",
    "/v1/valuations",
    "/v1/financials?kind=forecast",
    "/v1/compute/clusters",
    "/v1/timeline?from=2025-05&to=2025-07",
    "/v1/timeline?limit=5",
};

/* Every list as CSV, by ?format=csv and by Accept, equals its JSON. */
START_TEST(test_csv_matches_json)
{
    size_t tricky = 0, chinese = 0;
    for (size_t t = 0; t < sizeof(list_targets) / sizeof(list_targets[0]); t++) {
        const char *target = list_targets[t];
        char csv_target[512];
        with_param(target, "format=csv", csv_target, sizeof(csv_target));
        json_t *list = get_as(target, NULL, false);
        json_t *by_format = get_as(csv_target, NULL, true);
        json_t *by_accept = get_as(target, "Accept: text/csv", true);
        check_csv_matches(by_format, list, csv_target, &tricky);
        ck_assert_msg(json_equal(by_format, by_accept), "%s: format=csv and Accept differ",
                      target);
        for (size_t r = 1; r < json_array_size(by_format); r++) {
            for (size_t c = 0; c < json_array_size(json_array_get(by_format, r)); c++)
                chinese += strstr(cell(by_format, r, c), "马斯克") != NULL;
        }
        json_decref(list);
        json_decref(by_format);
        json_decref(by_accept);
    }
    /* The seed's notes and quotes put commas, quotes and Chinese in fields. */
    ck_assert_uint_gt(tricky, 50);
    ck_assert_uint_gt(chinese, 5);
}
END_TEST

/* The exact text of a small list: header, dotted dates, CRLF, quoting. */
START_TEST(test_csv_exact_text)
{
    struct http_reply reply;
    get("GET", "/v1/people?organization=yicai&format=csv", NULL, NULL, &reply);
    ck_assert_int_eq(reply.status, 200);
    ck_assert_str_eq(reply.body,
                     "id,name,name_zh,role,organization,note,citations,version,recorded_at,"
                     "updated_at\r\n"
                     "liu-xiaojie,Liu Xiaojie,刘晓洁,author of the article,yicai,,"
                     "\"[{\"\"source\"\":\"\"yicai-grok4-article\"\",\"\"quoted_in\"\":"
                     "\"\"yicai-grok4-article\"\",\"\"quote\"\":\"\"刘晓洁\"\",\"\"quote_en\"\":"
                     "\"\"Liu Xiaojie (byline)\"\"}]\",1,2026-11-28T21:09:35.000Z,"
                     "2026-11-28T21:09:35.000Z\r\n");
    http_reply_free(&reply);

    /* Dates and money become dotted columns. */
    json_t *records = get_as("/v1/valuations?format=csv", NULL, true);
    const json_t *header = json_array_get(records, 0);
    static const char *const dotted[] = {"date.value", "date.precision", "date.qualifier",
                                         "date.display", "date.earliest", "date.latest",
                                         "amount.amount_minor", "amount.currency",
                                         "amount.approximate", "amount.amount"};
    for (size_t i = 0; i < sizeof(dotted) / sizeof(dotted[0]); i++)
        ck_assert_msg(column_of(header, dotted[i]) >= 0, "no column %s", dotted[i]);
    ck_assert_int_lt(column_of(header, "date.value"), column_of(header, "amount.amount_minor"));
    json_decref(records);

    /* Empty result: the header row alone. */
    records = get_as("/v1/timeline?from=1990&to=1990&format=csv", NULL, true);
    ck_assert_uint_eq(json_array_size(records), 1);
    json_decref(records);
}
END_TEST

/* Every page of a list, filtered or not, has one header; the pages' rows
 * together are the whole list. */
START_TEST(test_csv_header_same_on_every_page)
{
    json_t *whole = get_as("/v1/models?format=csv&limit=500", NULL, true);
    json_t *filtered = get_as("/v1/models?format=csv&organization=openai", NULL, true);
    ck_assert(json_equal(json_array_get(whole, 0), json_array_get(filtered, 0)));

    char target[1200];
    test_format(target, sizeof(target), "%s", "/v1/models?format=csv&limit=3");
    size_t rows = 0, pages = 0;
    for (;;) {
        struct http_reply reply;
        get("GET", target, NULL, NULL, &reply);
        ck_assert_int_eq(reply.status, 200);
        json_t *page = csv_parse(reply.body, reply.body_len);
        ck_assert(json_equal(json_array_get(page, 0), json_array_get(whole, 0)));
        ck_assert_uint_le(json_array_size(page) - 1, 3);
        for (size_t r = 1; r < json_array_size(page); r++, rows++)
            ck_assert(json_equal(json_array_get(page, r), json_array_get(whole, rows + 1)));
        json_decref(page);
        pages++;
        char link[1100];
        bool more = header_of(&reply, "Link", link, sizeof(link));
        http_reply_free(&reply);
        if (!more)
            break;
        ck_assert(strncmp(link, "</v1/models?format=csv&limit=3&cursor=", 38) == 0);
        char *end = strstr(link, ">; rel=\"next\"");
        ck_assert_ptr_nonnull(end);
        *end = '\0';
        test_format(target, sizeof(target), "%s", link + 1);
    }
    ck_assert_uint_eq(rows, json_array_size(whole) - 1);
    ck_assert_uint_eq(pages, (rows + 2) / 3);
    json_decref(whole);
    json_decref(filtered);
}
END_TEST

/* HEAD: the CSV's headers and length, no body. */
START_TEST(test_csv_head)
{
    struct http_reply full, head;
    get("GET", "/v1/results", "Accept: text/csv", NULL, &full);
    get("HEAD", "/v1/results", "Accept: text/csv", NULL, &head);
    ck_assert_int_eq(head.status, 200);
    ck_assert_uint_eq(head.body_len, 0);
    assert_header(&head, "Content-Type", CSV_TYPE, "HEAD");
    char length[32];
    test_format(length, sizeof(length), "%zu", full.body_len);
    assert_header(&head, "Content-Length", length, "HEAD");
    http_reply_free(&full);
    http_reply_free(&head);
}
END_TEST

/* ---- choosing JSON or CSV -------------------------------------------------- */

START_TEST(test_accept_chooses)
{
    static const struct {
        const char *accept; /* NULL: no Accept at all */
        bool csv;
    } cases[] = {
        {NULL, false},
        {"Accept: */*", false},
        {"Accept: application/json", false},
        {"Accept: application/*", false},
        {"Accept: text/csv", true},
        {"Accept: text/*", true},
        {"Accept: text/csv; charset=utf-8", true},
        {"Accept: TEXT/CSV", true},
        {"Accept: text/csv, application/json", false}, /* a tie goes to JSON */
        {"Accept: text/csv;q=0.5, application/json;q=0.9", false},
        {"Accept: text/csv;q=0.9, application/json;q=0.5", true},
        {"Accept: application/json;q=0.4, text/*;q=0.5", true},
        {"Accept: application/json;q=0, */*", true},
        {"Accept: text/csv;q=0, */*", false},
        {"Accept: text/html, */*;q=0.1", false},
        {"Accept: text/html, text/csv;q=0.2", true},
        {"Accept: application/*;q=0.3, text/csv;q=0.3", false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *targets[] = {"/v1/benchmarks", "/v1/benchmarks?limit=2"};
        for (size_t t = 0; t < 2; t++) {
            struct http_reply reply;
            /* "Accept:" with nothing after it makes libcurl send none. */
            get("GET", targets[t], cases[i].accept ? cases[i].accept : "Accept:", NULL, &reply);
            ck_assert_msg(reply.status == 200, "%s: %ld", cases[i].accept, reply.status);
            assert_header(&reply, "Content-Type", cases[i].csv ? CSV_TYPE : "application/json",
                          cases[i].accept ? cases[i].accept : "no Accept");
            ck_assert_msg(vary_has(&reply, "Accept"), "%s: no Vary: Accept", targets[t]);
            http_reply_free(&reply);
        }
    }
}
END_TEST

/* ?format= overrides Accept (no 406, no Vary on Accept); a bad or missing
 * value is a 400 naming it; items take no format. */
START_TEST(test_format_parameter)
{
    struct http_reply reply;
    get("GET", "/v1/models?format=csv", "Accept: application/json", NULL, &reply);
    ck_assert_int_eq(reply.status, 200);
    assert_header(&reply, "Content-Type", CSV_TYPE, "format=csv");
    ck_assert(!vary_has(&reply, "Accept"));
    http_reply_free(&reply);
    get("GET", "/v1/models?format=json&limit=1", "Accept: text/csv", NULL, &reply);
    ck_assert_int_eq(reply.status, 200);
    assert_header(&reply, "Content-Type", "application/json", "format=json");
    http_reply_free(&reply);
    /* format=json alone is the pre-rendered first page, byte for byte. */
    struct http_reply plain;
    get("GET", "/v1/models?format=json", "Accept: text/html", NULL, &reply);
    get("GET", "/v1/models", NULL, NULL, &plain);
    ck_assert_int_eq(reply.status, 200);
    ck_assert_uint_eq(reply.body_len, plain.body_len);
    ck_assert_mem_eq(reply.body, plain.body, plain.body_len);
    http_reply_free(&reply);
    http_reply_free(&plain);

    static const char *const bad[] = {"/v1/models?format=xml", "/v1/models?format=CSV",
                                      "/v1/models?format=", "/v1/models?format",
                                      "/v1/leaderboards?format=text%2Fcsv"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        get("GET", bad[i], NULL, NULL, &reply);
        ck_assert_msg(reply.status == 400, "%s: %ld", bad[i], reply.status);
        json_t *body = http_reply_json(&reply);
        ck_assert_str_eq(test_member_str(body, "type"), "/problems/invalid-parameter");
        ck_assert_str_eq(test_member_str(body, "parameter"), "format");
        ck_assert_str_eq(test_member_str(body, "allowed"), "one of: json, csv");
        json_decref(body);
        http_reply_free(&reply);
    }
    get("GET", "/v1/models?format=csv&format=json", NULL, NULL, &reply);
    ck_assert_int_eq(reply.status, 400);
    http_reply_free(&reply);

    static const char *const items[] = {"/v1/models/grok-4?format=csv",
                                        "/v1/leaderboards/aime-2025?format=csv",
                                        "/v1/organizations/xai/funding?format=json"};
    for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
        get("GET", items[i], NULL, NULL, &reply);
        ck_assert_msg(reply.status == 400, "%s: %ld", items[i], reply.status);
        json_t *body = http_reply_json(&reply);
        ck_assert_str_eq(test_member_str(body, "parameter"), "format");
        ck_assert_ptr_nonnull(strstr(test_member_str(body, "detail"), "unknown query parameter"));
        json_decref(body);
        http_reply_free(&reply);
    }
}
END_TEST

/* ---- 406 ------------------------------------------------------------------ */

static void expect_406(const char *method, const char *target, const char *accept,
                       const char *available)
{
    struct http_reply reply;
    get(method, target, accept, NULL, &reply);
    ck_assert_msg(reply.status == 406, "%s %s with %s: %ld", method, target, accept,
                  reply.status);
    assert_header(&reply, "Content-Type", "application/problem+json", target);
    ck_assert_msg(vary_has(&reply, "Accept"), "%s: the 406 does not vary on Accept", target);
    char etag[64];
    ck_assert(!header_of(&reply, "ETag", etag, sizeof(etag)));
    if (strcmp(method, "GET") == 0) {
        json_t *body = http_reply_json(&reply);
        char detail[256];
        test_format(detail, sizeof(detail), "this resource is available as %s", available);
        ck_assert_str_eq(test_member_str(body, "type"), "/problems/not-acceptable");
        ck_assert_str_eq(test_member_str(body, "title"), "Not Acceptable");
        ck_assert_int_eq(json_integer_value(json_object_get(body, "status")), 406);
        ck_assert_str_eq(test_member_str(body, "detail"), detail);
        ck_assert(json_is_array(json_object_get(body, "available")));
        json_decref(body);
    } else {
        ck_assert_uint_eq(reply.body_len, 0);
    }
    http_reply_free(&reply);
}

static void expect_200(const char *target, const char *accept)
{
    struct http_reply reply;
    get("GET", target, accept, NULL, &reply);
    ck_assert_msg(reply.status == 200, "%s with %s: %ld", target, accept, reply.status);
    http_reply_free(&reply);
}

START_TEST(test_not_acceptable)
{
    static const char *const lists[] = {"/v1/models", "/v1/models?limit=2",
                                        "/v1/leaderboards"};
    static const char *const refusals[] = {
        "Accept: text/html", "Accept: application/xml, text/plain",
        "Accept: application/json;q=0, text/csv;q=0", "Accept: */*;q=0",
        "Accept: application/*;q=0, text/*;q=0.000", "Accept: image/*",
    };
    for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++) {
        for (size_t r = 0; r < sizeof(refusals) / sizeof(refusals[0]); r++)
            expect_406("GET", lists[l], refusals[r], "application/json or text/csv");
    }
    expect_406("HEAD", "/v1/models", "Accept: text/html", NULL);

    /* Items are JSON only: text/csv is refused, wildcards that cover JSON
     * are not. */
    static const char *const item_refusals[] = {
        "Accept: text/csv", "Accept: text/*", "Accept: application/json;q=0",
        "Accept: application/json;q=0, text/csv", "Accept: */*;q=0",
        "Accept: application/problem+json",
    };
    for (size_t r = 0; r < sizeof(item_refusals) / sizeof(item_refusals[0]); r++) {
        expect_406("GET", "/v1/models/grok-4", item_refusals[r], "application/json");
        expect_406("GET", "/v1/leaderboards/humanitys-last-exam?as_of=2025-07-09",
                   item_refusals[r], "application/json");
    }
    expect_406("GET", "/openapi.yaml", "Accept: application/json", "application/yaml");
    expect_406("HEAD", "/v1/results/grok-4-aime-2025-xai", "Accept: text/csv", NULL);

    static const char *const fine[] = {
        "Accept:", "Accept;", "Accept: */*", "Accept: application/*", "Accept: application/json",
        "Accept: text/html, application/json;q=0.1", "Accept: text/csv, */*;q=0.01",
        "Accept: application/json; charset=utf-8",
    };
    for (size_t f = 0; f < sizeof(fine) / sizeof(fine[0]); f++) {
        expect_200("/v1/models/grok-4", fine[f]);
        expect_200("/v1/models", fine[f]);
    }
    expect_200("/openapi.yaml", "Accept: application/yaml");
    expect_200("/v1/models?format=csv", "Accept: application/json");

    /* Errors stay errors, in problem+json, whatever Accept says. */
    struct http_reply reply;
    get("GET", "/v1/models/grok-9", "Accept: text/csv", NULL, &reply);
    ck_assert_int_eq(reply.status, 404);
    assert_header(&reply, "Content-Type", "application/problem+json", "404");
    http_reply_free(&reply);
    get("GET", "/v1/models?limit=0", "Accept: text/html", NULL, &reply);
    ck_assert_int_eq(reply.status, 400);
    http_reply_free(&reply);

    /* A current ETag does not turn a 406 into a 304. */
    char etag[64], inm[96];
    get("GET", "/v1/models/grok-4", NULL, NULL, &reply);
    ck_assert(header_of(&reply, "ETag", etag, sizeof(etag)));
    http_reply_free(&reply);
    test_format(inm, sizeof(inm), "If-None-Match: %s", etag);
    get("GET", "/v1/models/grok-4", inm, "Accept: text/csv", &reply);
    ck_assert_int_eq(reply.status, 406);
    http_reply_free(&reply);
}
END_TEST

/* Lists vary on Accept (JSON or CSV, first page or not); items do not. */
START_TEST(test_vary)
{
    static const char *const lists[] = {"/v1/models", "/v1/people?limit=1",
                                        "/v1/leaderboards", "/v1/timeline?kind=release"};
    for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
        struct http_reply json, csv;
        get("GET", lists[i], NULL, NULL, &json);
        get("GET", lists[i], "Accept: text/csv", NULL, &csv);
        ck_assert_msg(vary_has(&json, "Accept"), "%s (JSON): no Vary: Accept", lists[i]);
        ck_assert_msg(vary_has(&csv, "Accept"), "%s (CSV): no Vary: Accept", lists[i]);
        http_reply_free(&json);
        http_reply_free(&csv);
    }
    struct http_reply item;
    get("GET", "/v1/models/grok-4", NULL, NULL, &item);
    ck_assert(!vary_has(&item, "Accept"));
    http_reply_free(&item);
}
END_TEST

/* ---- Link ------------------------------------------------------------------ */

/* The Link target of reply into out, or false when there is none. */
static bool next_link(const struct http_reply *reply, char *out, size_t size)
{
    char link[1100];
    if (!header_of(reply, "Link", link, sizeof(link)))
        return false;
    size_t len = strlen(link);
    static const char suffix[] = ">; rel=\"next\"";
    ck_assert_msg(link[0] == '<' && len > sizeof(suffix) &&
                      strcmp(link + len - (sizeof(suffix) - 1), suffix) == 0,
                  "Link is not <...>; rel=\"next\": %s", link);
    link[len - (sizeof(suffix) - 1)] = '\0';
    test_format(out, size, "%s", link + 1);
    return true;
}

/* The ids of a JSON list's items, appended to ids. */
static void collect_ids(const json_t *list, json_t *ids)
{
    size_t i;
    const json_t *item;
    json_array_foreach(json_object_get(list, "items"), i, item)
        json_array_append_new(ids, json_string(test_member_str(item, "id")));
}

/* Walks a list from start by its Link headers only, checking on the way that
 * a Link comes exactly with a next_cursor and carries it; returns the ids. */
static json_t *walk(unsigned port, const char *start, size_t *pages)
{
    json_t *ids = json_array();
    char target[1100];
    test_format(target, sizeof(target), "%s", start);
    for (*pages = 0;; (*pages)++) {
        struct http_reply reply;
        http_request(port, "GET", target, NULL, &reply);
        ck_assert_msg(reply.status == 200, "GET %s: %ld", target, reply.status);
        json_t *list = http_reply_json(&reply);
        collect_ids(list, ids);
        char next[1100];
        bool linked = next_link(&reply, next, sizeof(next));
        const json_t *cursor = json_object_get(list, "next_cursor");
        ck_assert_msg(linked == json_is_string(cursor), "%s: Link %s, next_cursor %s", target,
                      linked ? "present" : "absent", json_is_string(cursor) ? "set" : "null");
        if (linked) {
            char needle[256];
            test_format(needle, sizeof(needle), "cursor=%s", json_string_value(cursor));
            ck_assert_msg(strstr(next, needle), "%s: Link %s lacks %s", target, next, needle);
        }
        json_decref(list);
        http_reply_free(&reply);
        if (!linked)
            break;
        test_format(target, sizeof(target), "%s", next);
        ck_assert_uint_lt(*pages, 1000);
    }
    (*pages)++;
    return ids;
}

/* Following Link from limit=2 gives the same items as one page of 500. */
START_TEST(test_link_walk)
{
    static const struct {
        const char *start, *whole;
    } lists[] = {
        {"/v1/sources?limit=2", "/v1/sources?limit=500"},
        {"/v1/sources?kind=post&limit=2", "/v1/sources?limit=500&kind=post"},
        {"/v1/organizations?limit=2", "/v1/organizations?limit=500"},
        {"/v1/models?limit=2&organization=xai", "/v1/models?organization=xai&limit=500"},
        {"/v1/timeline?limit=2&from=2025-01&to=2025-12", "/v1/timeline?from=2025&to=2025&limit=500"},
        {"/v1/leaderboards?limit=2", "/v1/leaderboards?limit=500"},
        {"/v1/results?limit=2&evaluator_relationship=third_party",
         "/v1/results?evaluator_relationship=third_party&limit=500"},
    };
    for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
        size_t pages = 0;
        json_t *walked = walk(test_daemon.port, lists[i].start, &pages);
        json_t *whole = http_get_json(test_daemon.port, lists[i].whole, 200);
        json_t *ids = json_array();
        collect_ids(whole, ids);
        ck_assert_msg(json_equal(walked, ids), "%s: walking by Link gives other items",
                      lists[i].start);
        ck_assert_msg(json_array_size(ids) > 2, "%s: one page only", lists[i].whole);
        ck_assert_uint_eq(pages, (json_array_size(ids) + 1) / 2);
        json_decref(walked);
        json_decref(whole);
        json_decref(ids);
    }
}
END_TEST

START_TEST(test_link_exact)
{
    struct http_reply reply;
    char next[1100];

    /* No next page, no Link: a short list, a last page, an empty one. */
    static const char *const single[] = {"/v1/models", "/v1/people?limit=2",
                                         "/v1/benchmarks?limit=3", "/v1/timeline?from=1990&to=1990"};
    for (size_t i = 0; i < sizeof(single) / sizeof(single[0]); i++) {
        get("GET", single[i], NULL, NULL, &reply);
        ck_assert_msg(!next_link(&reply, next, sizeof(next)), "%s has a Link", single[i]);
        http_reply_free(&reply);
    }

    /* Parameters keep their order, the cursor is replaced where it stands,
     * and what arrived percent-encoded goes out in its normal form. */
    json_t *first = http_get_json(test_daemon.port, "/v1/models?limit=2&organization=xai", 200);
    const char *c1 = test_member_str(first, "next_cursor");
    char target[512], expected[512];
    test_format(target, sizeof(target), "/v1/models?cursor=%s&%%6Cimit=2&organization=%%78ai", c1);
    get("GET", target, NULL, NULL, &reply);
    ck_assert_int_eq(reply.status, 200);
    json_t *second = http_reply_json(&reply);
    test_format(expected, sizeof(expected), "/v1/models?cursor=%s&limit=2&organization=xai",
                test_member_str(second, "next_cursor"));
    ck_assert(next_link(&reply, next, sizeof(next)));
    ck_assert_str_eq(next, expected);
    http_reply_free(&reply);

    /* HEAD and CSV carry the same Link; a cursor is appended at the end. */
    test_format(expected, sizeof(expected), "/v1/models?limit=2&organization=xai&cursor=%s", c1);
    get("HEAD", "/v1/models?limit=2&organization=xai", NULL, NULL, &reply);
    ck_assert(next_link(&reply, next, sizeof(next)));
    ck_assert_str_eq(next, expected);
    http_reply_free(&reply);
    get("GET", "/v1/models?limit=2&organization=xai", "Accept: text/csv", NULL, &reply);
    ck_assert(next_link(&reply, next, sizeof(next)));
    ck_assert_str_eq(next, expected);
    http_reply_free(&reply);
    test_format(expected, sizeof(expected), "/v1/models?limit=2&format=csv&organization=xai&cursor=%s",
                c1);
    get("GET", "/v1/models?limit=2&format=csv&organization=xai", NULL, NULL, &reply);
    ck_assert(next_link(&reply, next, sizeof(next)));
    ck_assert_str_eq(next, expected);
    http_reply_free(&reply);

    /* CORS lets scripts read it. */
    get("GET", "/v1/models?limit=2", "Origin: https://dash.example", NULL, &reply);
    char exposed[256];
    ck_assert(header_of(&reply, "Access-Control-Expose-Headers", exposed, sizeof(exposed)));
    ck_assert_ptr_nonnull(strstr(exposed, "Link"));
    http_reply_free(&reply);
    json_decref(first);
    json_decref(second);
}
END_TEST

/* In process: names and values that no valid list query has, encoded. */
START_TEST(test_link_encoding)
{
    struct fr_request req;
    struct fr_buf out;
    memset(&req, 0, sizeof(req));
    req.path = "/v1/some path/ü";
    req.query[0] = (struct fr_query_param){"q", "a b&c=d/e?f#g+h%i~j.k_l-m"};
    req.query[1] = (struct fr_query_param){"cursor", "old"};
    req.query[2] = (struct fr_query_param){"flag", NULL};
    req.query[3] = (struct fr_query_param){"名", "值"};
    req.query[4] = (struct fr_query_param){"empty", ""};
    req.query_count = 5;
    fr_buf_init(&out);
    ck_assert_int_eq(fr_link_append(&req, "cursor", "YTpn<\">", "next", &out), FR_OK);
    ck_assert_str_eq(out.data,
                     "</v1/some%20path/%C3%BC?q=a%20b%26c%3Dd%2Fe%3Ff%23g%2Bh%25i~j.k_l-m"
                     "&cursor=YTpn%3C%22%3E&flag&%E5%90%8D=%E5%80%BC&empty=>; rel=\"next\"");
    fr_buf_cleanup(&out);

    /* No query: the cursor is the only parameter. */
    req.path = "/v1/models";
    req.query_count = 0;
    ck_assert_int_eq(fr_link_append(&req, "cursor", "abc", "next", &out), FR_OK);
    ck_assert_str_eq(out.data, "</v1/models?cursor=abc>; rel=\"next\"");
    fr_buf_cleanup(&out);
}
END_TEST

/* ---- ETags and 304 for CSV ---------------------------------------------- */

START_TEST(test_csv_etag_and_304)
{
    static const char *const targets[] = {"/v1/models", "/v1/results?limit=3"};
    for (size_t t = 0; t < 2; t++) {
        struct http_reply csv, json, again, cond, by_format;
        char etag_csv[64], etag_json[64], etag_again[64], inm[96], csv_target[256];
        get("GET", targets[t], "Accept: text/csv", NULL, &csv);
        get("GET", targets[t], "Accept: application/json", NULL, &json);
        ck_assert(header_of(&csv, "ETag", etag_csv, sizeof(etag_csv)));
        ck_assert(header_of(&json, "ETag", etag_json, sizeof(etag_json)));
        ck_assert_str_ne(etag_csv, etag_json);
        /* Stable: the same CSV has the same tag, however it was asked for. */
        with_param(targets[t], "format=csv", csv_target, sizeof(csv_target));
        get("GET", csv_target, NULL, NULL, &by_format);
        ck_assert(header_of(&by_format, "ETag", etag_again, sizeof(etag_again)));
        ck_assert_str_eq(etag_again, etag_csv);

        test_format(inm, sizeof(inm), "If-None-Match: %s", etag_csv);
        get("GET", targets[t], "Accept: text/csv", inm, &cond);
        ck_assert_int_eq(cond.status, 304);
        ck_assert_uint_eq(cond.body_len, 0);
        assert_header(&cond, "ETag", etag_csv, "304");
        ck_assert(vary_has(&cond, "Accept"));
        http_reply_free(&cond);
        get("GET", csv_target, inm, NULL, &cond);
        ck_assert_int_eq(cond.status, 304);
        http_reply_free(&cond);
        /* The CSV's tag does not validate the JSON. */
        get("GET", targets[t], inm, NULL, &again);
        ck_assert_int_eq(again.status, 200);
        assert_header(&again, "Content-Type", "application/json", "JSON after CSV tag");
        http_reply_free(&again);

        /* gzip for CSV too, with its own tag and the same text inside. */
        get("GET", targets[t], "Accept: text/csv", "Accept-Encoding: gzip", &again);
        if (csv.body_len >= 1024) {
            assert_header(&again, "Content-Encoding", "gzip", "CSV gzip");
            ck_assert(header_of(&again, "ETag", etag_again, sizeof(etag_again)));
            ck_assert_str_ne(etag_again, etag_csv);
        }
        http_reply_free(&again);
        http_reply_free(&csv);
        http_reply_free(&json);
        http_reply_free(&by_format);
    }
}
END_TEST

/* ---- a seed with more than one default page -------------------------------- */

#define EXTRA_BENCHMARKS 60

static struct test_server big;
static char big_seed[512];

/* Copies the seed and adds EXTRA_BENCHMARKS benchmarks, so the list's first
 * page (no query, pre-rendered) has a next page. */
static void big_start(void)
{
    char from[1024], to[1024];
    test_tmpdir_make(big_seed, sizeof(big_seed), "frontier-repr");
    DIR *d = opendir(test_seed_dir());
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        test_format(from, sizeof(from), "%s/%s", test_seed_dir(), e->d_name);
        test_format(to, sizeof(to), "%s/%s", big_seed, e->d_name);
        FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
        ck_assert(in && out);
        char buf[8192];
        size_t n;
        while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
            ck_assert_uint_eq(fwrite(buf, 1, n, out), n);
        fclose(in);
        ck_assert_int_eq(fclose(out), 0);
    }
    closedir(d);

    test_format(to, sizeof(to), "%s/benchmarks.json", big_seed);
    json_error_t error;
    json_t *benchmarks = json_load_file(to, 0, &error);
    ck_assert_msg(benchmarks != NULL, "benchmarks.json: %s", error.text);
    json_t *model = json_deep_copy(json_array_get(benchmarks, 0));
    for (int i = 1; i <= EXTRA_BENCHMARKS; i++) {
        char id[32], name[64];
        test_format(id, sizeof(id), "synthetic-%02d", i);
        test_format(name, sizeof(name), "Synthetic, \"number\" %d", i);
        json_t *b = json_deep_copy(model);
        json_object_set_new(b, "id", json_string(id));
        json_object_set_new(b, "name", json_string(name));
        json_object_del(b, "abbreviation");
        json_array_append_new(benchmarks, b);
    }
    ck_assert_int_eq(json_dump_file(benchmarks, to, 0), 0);
    json_decref(model);
    json_decref(benchmarks);

    const char *args[] = {"--seed", big_seed, NULL};
    test_server_start(&big, args);
}

static void big_stop(void)
{
    ck_assert_int_eq(test_server_stop(&big), 0);
    test_tmpdir_remove(big_seed);
}

/* The first page with no query at all is pre-rendered; it links its next
 * page all the same, as JSON and as CSV. */
START_TEST(test_first_page_link)
{
    struct http_reply reply;
    char next[1100];
    http_request(big.port, "GET", "/v1/benchmarks", NULL, &reply);
    ck_assert_int_eq(reply.status, 200);
    json_t *page = http_reply_json(&reply);
    ck_assert_uint_eq(json_array_size(json_object_get(page, "items")), 50);
    ck_assert(next_link(&reply, next, sizeof(next)));
    char expected[256];
    test_format(expected, sizeof(expected), "/v1/benchmarks?cursor=%s",
                test_member_str(page, "next_cursor"));
    ck_assert_str_eq(next, expected);
    http_reply_free(&reply);

    static const char *const csv_accept[] = {"Accept: text/csv", NULL};
    http_request(big.port, "GET", "/v1/benchmarks", csv_accept, &reply);
    ck_assert_int_eq(reply.status, 200);
    json_t *records = csv_parse(reply.body, reply.body_len);
    ck_assert_uint_eq(json_array_size(records), 51);
    char csv_next[1100];
    ck_assert(next_link(&reply, csv_next, sizeof(csv_next)));
    ck_assert_str_eq(csv_next, expected);
    http_reply_free(&reply);
    json_decref(records);
    json_decref(page);

    /* Walking from it reaches every benchmark once. */
    size_t pages = 0;
    json_t *ids = walk(big.port, "/v1/benchmarks", &pages);
    ck_assert_uint_eq(json_array_size(ids), EXTRA_BENCHMARKS + 3);
    ck_assert_uint_eq(pages, 2);
    json_decref(ids);
    ids = walk(big.port, "/v1/leaderboards", &pages);
    ck_assert_uint_eq(json_array_size(ids), EXTRA_BENCHMARKS + 3);
    json_decref(ids);

    /* The synthetic names hold a comma and quotes: CSV quotes them. */
    records = NULL;
    http_request(big.port, "GET", "/v1/benchmarks?format=csv&limit=500", NULL, &reply);
    records = csv_parse(reply.body, reply.body_len);
    long name = column_of(json_array_get(records, 0), "name");
    ck_assert_int_ge(name, 0);
    ck_assert_str_eq(cell(records, EXTRA_BENCHMARKS + 3, (size_t)name),
                     "Synthetic, \"number\" 60");
    ck_assert_ptr_nonnull(strstr(reply.body, "\"Synthetic, \"\"number\"\" 60\""));
    http_reply_free(&reply);
    json_decref(records);
}
END_TEST

static Suite *representations_suite(void)
{
    Suite *s = suite_create("representations");
    TCase *parser = tcase_create("parser");
    tcase_add_test(parser, test_parser_reads_rfc4180);
    tcase_add_test(parser, test_link_encoding);
    suite_add_tcase(s, parser);

    TCase *tc = tcase_create("daemon");
    tcase_add_unchecked_fixture(tc, test_daemon_start, test_daemon_stop);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_csv_matches_json);
    tcase_add_test(tc, test_csv_exact_text);
    tcase_add_test(tc, test_csv_header_same_on_every_page);
    tcase_add_test(tc, test_csv_head);
    tcase_add_test(tc, test_accept_chooses);
    tcase_add_test(tc, test_format_parameter);
    tcase_add_test(tc, test_not_acceptable);
    tcase_add_test(tc, test_vary);
    tcase_add_test(tc, test_link_walk);
    tcase_add_test(tc, test_link_exact);
    tcase_add_test(tc, test_csv_etag_and_304);
    suite_add_tcase(s, tc);

    TCase *pages = tcase_create("first page");
    tcase_add_unchecked_fixture(pages, big_start, big_stop);
    tcase_set_timeout(pages, 120);
    tcase_add_test(pages, test_first_page_link);
    suite_add_tcase(s, pages);
    return s;
}

int main(void)
{
    int failed = test_run_suite(representations_suite());
    return failed == 0 && !test_daemon_failed() ? EXIT_SUCCESS : EXIT_FAILURE;
}
