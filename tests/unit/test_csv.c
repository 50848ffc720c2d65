/*
 * CSV (RFC 4180) in the model: one field's quoting, the flattening of JSON
 * objects into columns (dotted names, arrays as JSON text, null as nothing,
 * the union of every object in first-seen order), whole rows, and the
 * columns the snapshot finds for its collections.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "frontier/buf.h"
#include "frontier/model.h"
#include "support.h"

/* ---- helpers ------------------------------------------------------------ */

/* fr_csv_append_field(text, len) as a new string; the caller frees it. */
static char *field(const char *text, size_t len)
{
    struct fr_buf out;
    fr_buf_init(&out);
    ck_assert_int_eq(fr_csv_append_field(&out, text, len), FR_OK);
    return fr_buf_steal(&out, NULL);
}

static void assert_field(const char *text, const char *expected)
{
    char *got = field(text, strlen(text));
    ck_assert_msg(strcmp(got, expected) == 0, "field(%s) is [%s], expected [%s]", text, got,
                  expected);
    free(got);
}

static json_t *parse(const char *text)
{
    json_error_t error;
    json_t *json = json_loads(text, 0, &error);
    ck_assert_msg(json != NULL, "bad test JSON (%s): %s", error.text, text);
    return json;
}

/* The columns of the objects in a JSON array (text). */
static struct fr_csv_columns *columns_of(const char *array_text)
{
    json_t *array = parse(array_text);
    struct fr_csv_columns *columns = fr_csv_columns_new();
    size_t i;
    json_t *obj;
    ck_assert_ptr_nonnull(columns);
    json_array_foreach(array, i, obj) ck_assert_int_eq(fr_csv_columns_add(columns, obj), FR_OK);
    json_decref(array);
    return columns;
}

static void assert_header(const struct fr_csv_columns *columns, const char *expected)
{
    struct fr_buf out;
    fr_buf_init(&out);
    ck_assert_int_eq(fr_csv_append_header(columns, &out), FR_OK);
    ck_assert_msg(strcmp(out.data ? out.data : "", expected) == 0, "header [%s], expected [%s]",
                  out.data ? out.data : "", expected);
    fr_buf_cleanup(&out);
}

static void assert_row(const struct fr_csv_columns *columns, const char *obj_text,
                       const char *expected)
{
    struct fr_buf out;
    json_t *obj = parse(obj_text);
    fr_buf_init(&out);
    ck_assert_int_eq(fr_csv_append_row(columns, obj, &out), FR_OK);
    ck_assert_msg(strcmp(out.data ? out.data : "", expected) == 0, "row of %s is [%s], expected [%s]",
                  obj_text, out.data ? out.data : "", expected);
    fr_buf_cleanup(&out);
    json_decref(obj);
}

/* ---- one field ------------------------------------------------------------ */

START_TEST(test_field_plain_is_as_is)
{
    assert_field("grok-4", "grok-4");
    assert_field("", "");
    assert_field(" spaces stay ", " spaces stay ");
    assert_field("埃隆·马斯克", "埃隆·马斯克");
    assert_field("single'quote;semicolon\ttab", "single'quote;semicolon\ttab");
}
END_TEST

START_TEST(test_field_quoting)
{
    assert_field("a,b", "\"a,b\"");
    assert_field("say \"hi\"", "\"say \"\"hi\"\"\"");
    assert_field("\"", "\"\"\"\"");
    assert_field("\"\"", "\"\"\"\"\"\"");
    assert_field("line\nbreak", "\"line\nbreak\"");
    assert_field("carriage\rreturn", "\"carriage\rreturn\"");
    assert_field("crlf\r\n", "\"crlf\r\n\"");
    assert_field(",", "\",\"");
    /* The seed's kind of text: Chinese with an ASCII comma and quotes. */
    assert_field("根据 Artificial Analysis 的测试,在 「人类最后的考试」 中",
                 "\"根据 Artificial Analysis 的测试,在 「人类最后的考试」 中\"");
    assert_field("\"满分\", he said", "\"\"\"满分\"\", he said\"");
}
END_TEST

/* The length is the field's, not strlen's: bytes after a NUL are kept, and
 * a shorter length stops before a comma. */
START_TEST(test_field_uses_length)
{
    char *got = field("a\0b", 3);
    ck_assert_mem_eq(got, "a\0b", 4);
    free(got);
    got = field("ab,c", 2);
    ck_assert_str_eq(got, "ab");
    free(got);
}
END_TEST

/* ---- flattening ------------------------------------------------------------ */

START_TEST(test_nested_objects_become_dotted_columns)
{
    struct fr_csv_columns *columns = columns_of(
        "[{\"id\":\"xai-2025-03\",\"date\":{\"value\":\"2025-03\",\"precision\":\"month\","
        "\"qualifier\":null},\"amount\":{\"amount_minor\":8000000000000,\"currency\":\"USD\","
        "\"approximate\":false,\"amount\":\"80000000000.00\"},\"deep\":{\"a\":{\"b\":1}}}]");
    ck_assert_uint_eq(fr_csv_columns_count(columns), 9);
    assert_header(columns, "id,date.value,date.precision,date.qualifier,amount.amount_minor,"
                           "amount.currency,amount.approximate,amount.amount,deep.a.b\r\n");
    assert_row(columns,
               "{\"id\":\"xai-2025-03\",\"date\":{\"value\":\"2025-03\",\"precision\":\"month\","
               "\"qualifier\":null},\"amount\":{\"amount_minor\":8000000000000,\"currency\":"
               "\"USD\",\"approximate\":false,\"amount\":\"80000000000.00\"},\"deep\":{\"a\":"
               "{\"b\":1}}}",
               "xai-2025-03,2025-03,month,,8000000000000,USD,false,80000000000.00,1\r\n");
    fr_csv_columns_free(columns);
}
END_TEST

/* Arrays are one field of compact JSON (quoted: it has commas and quotes);
 * null is empty; booleans and numbers read as the JSON has them. */
START_TEST(test_values)
{
    struct fr_csv_columns *columns = columns_of(
        "[{\"s\":\"x\",\"t\":true,\"f\":false,\"n\":null,\"i\":-42,\"r\":24.0,\"r2\":0.1,"
        "\"a\":[{\"source\":\"s1\",\"quote\":\"甲,乙\"},{\"source\":\"s2\"}],\"one\":[1],"
        "\"empty\":[],\"obj\":{}}]");
    assert_header(columns, "s,t,f,n,i,r,r2,a,one,empty,obj\r\n");
    assert_row(columns,
               "{\"s\":\"x\",\"t\":true,\"f\":false,\"n\":null,\"i\":-42,\"r\":24.0,\"r2\":0.1,"
               "\"a\":[{\"source\":\"s1\",\"quote\":\"甲,乙\"},{\"source\":\"s2\"}],\"one\":[1],"
               "\"empty\":[],\"obj\":{}}",
               "x,true,false,,-42,24.0,0.1,"
               "\"[{\"\"source\"\":\"\"s1\"\",\"\"quote\"\":\"\"甲,乙\"\"},{\"\"source\"\":\"\"s2\"\"}]\","
               "[1],[],{}\r\n");
    /* Strings are the text, not JSON: escapes are undone. */
    assert_row(columns, "{\"s\":\"tab\\there \\\"q\\\" \\u00e9\"}",
               "\"tab\there \"\"q\"\" \xc3\xa9\",,,,,,,,,,\r\n");
    fr_csv_columns_free(columns);
}
END_TEST

/* The union of every object's members, in the order first seen, the members
 * of one object kept together; an item without a member has an empty field. */
START_TEST(test_union_in_first_seen_order)
{
    struct fr_csv_columns *columns = columns_of(
        "[{\"id\":\"a\",\"date\":{\"value\":\"2025\"},\"note\":\"n\"},"
        " {\"id\":\"b\",\"extra\":1,\"date\":{\"value\":\"2024\",\"precision\":\"year\"}},"
        " {\"note\":\"last\",\"id\":\"c\",\"later\":[\"x\"]}]");
    assert_header(columns, "id,date.value,date.precision,note,extra,later\r\n");
    assert_row(columns, "{\"id\":\"a\",\"date\":{\"value\":\"2025\"},\"note\":\"n\"}",
               "a,2025,,n,,\r\n");
    assert_row(columns, "{\"id\":\"b\",\"extra\":1,\"date\":{\"value\":\"2024\",\"precision\":\"year\"}}",
               "b,2024,year,,1,\r\n");
    /* Fields follow the columns, whatever order the object has. */
    assert_row(columns, "{\"note\":\"last\",\"id\":\"c\",\"later\":[\"x\"]}",
               "c,,,last,,\"[\"\"x\"\"]\"\r\n");
    fr_csv_columns_free(columns);
}
END_TEST

/* A member that is null in one item and an object in another is expanded
 * in both, at the place it was first seen; one that is a value in one item
 * and an object in another keeps a column of its own as well. */
START_TEST(test_null_or_value_beside_objects)
{
    struct fr_csv_columns *columns = columns_of(
        "[{\"id\":\"m1\",\"released\":null,\"successor\":null},"
        " {\"id\":\"m2\",\"released\":{\"value\":\"2025\",\"precision\":\"year\"},"
        "  \"successor\":\"m3\"},"
        " {\"id\":\"m3\",\"released\":null,\"successor\":{\"id\":\"m4\"}},"
        " {\"id\":\"m4\",\"only_null\":null}]");
    assert_header(columns,
                  "id,released.value,released.precision,successor,successor.id,only_null\r\n");
    assert_row(columns, "{\"id\":\"m1\",\"released\":null,\"successor\":null}", "m1,,,,,\r\n");
    assert_row(columns,
               "{\"id\":\"m2\",\"released\":{\"value\":\"2025\",\"precision\":\"year\"},"
               "\"successor\":\"m3\"}",
               "m2,2025,year,m3,,\r\n");
    assert_row(columns, "{\"id\":\"m3\",\"released\":null,\"successor\":{\"id\":\"m4\"}}",
               "m3,,,,m4,\r\n");
    /* A value where the columns expect an object, or the reverse, is not
     * guessed at: nothing in the nested columns. */
    assert_row(columns, "{\"id\":\"m5\",\"released\":\"soon\"}", "m5,,,,,\r\n");
    fr_csv_columns_free(columns);
}
END_TEST

/* Column names are fields too: a name with a comma or quote is quoted. */
START_TEST(test_names_are_quoted)
{
    struct fr_csv_columns *columns =
        columns_of("[{\"a,b\":1,\"q\\\"\":{\"x\":2},\"名字\":\"值\"}]");
    assert_header(columns, "\"a,b\",\"q\"\".x\",名字\r\n");
    assert_row(columns, "{\"a,b\":1,\"q\\\"\":{\"x\":2},\"名字\":\"值\"}", "1,2,值\r\n");
    fr_csv_columns_free(columns);
}
END_TEST

START_TEST(test_edge_cases)
{
    struct fr_buf out;
    fr_buf_init(&out);
    /* No objects: no columns, no header, empty rows. */
    struct fr_csv_columns *columns = columns_of("[]");
    ck_assert_uint_eq(fr_csv_columns_count(columns), 0);
    assert_header(columns, "");
    assert_row(columns, "{\"id\":\"x\"}", "");
    /* Not an object: refused, and nothing is added. */
    json_t *array = parse("[1]");
    ck_assert_int_eq(fr_csv_columns_add(columns, array), FR_EINVAL);
    ck_assert_int_eq(fr_csv_columns_add(columns, json_array_get(array, 0)), FR_EINVAL);
    ck_assert_uint_eq(fr_csv_columns_count(columns), 0);
    fr_csv_columns_free(columns);

    /* One column with nothing in it: "" so the row is not an empty line. */
    columns = columns_of("[{\"v\":null}]");
    assert_header(columns, "v\r\n");
    assert_row(columns, "{\"v\":null}", "\"\"\r\n");
    assert_row(columns, "{\"v\":\"\"}", "\"\"\r\n");
    assert_row(columns, "{\"v\":\"x\"}", "x\r\n");
    ck_assert_int_eq(fr_csv_append_row(columns, array, &out), FR_EINVAL);
    fr_csv_columns_free(columns);
    /* A header of one column named "" is not an empty line either. */
    columns = columns_of("[{\"\":1}]");
    assert_header(columns, "\"\"\r\n");
    assert_row(columns, "{\"\":1}", "1\r\n");
    fr_csv_columns_free(columns);
    fr_csv_columns_free(NULL);
    json_decref(array);
    fr_buf_cleanup(&out);
}
END_TEST

/* ---- the snapshot's collections ---------------------------------------------- */

static struct fr_snapshot *snapshot;

static void setup(void)
{
    snapshot = test_snapshot_load();
}

static void teardown(void)
{
    fr_snapshot_unref(snapshot);
}

/* The text of a page of coll as CSV (caller frees). */
static char *page_csv(const struct fr_collection *coll, size_t start, size_t limit,
                      size_t *rows)
{
    struct fr_query query;
    struct fr_page page;
    struct fr_buf out;
    fr_query_init(&query);
    query.start = start;
    query.limit = limit;
    fr_buf_init(&out);
    ck_assert_int_eq(fr_collection_query(coll, &query, &page), FR_OK);
    ck_assert_int_eq(fr_render_page_csv(coll, &page, &out), FR_OK);
    *rows = page.count;
    free(page.indexes);
    return fr_buf_steal(&out, NULL);
}

START_TEST(test_collections_have_their_columns)
{
    const struct fr_collection *people = fr_snapshot_collection(snapshot, FR_COLL_PEOPLE);
    assert_header(people->csv_columns, "id,name,name_zh,role,organization,note,citations,"
                                        "version,recorded_at,updated_at\r\n");

    /* Dates and money as dotted columns, beside the other members. */
    const struct fr_collection *valuations = fr_snapshot_collection(snapshot, FR_COLL_VALUATIONS);
    struct fr_buf header;
    fr_buf_init(&header);
    ck_assert_int_eq(fr_csv_append_header(valuations->csv_columns, &header), FR_OK);
    ck_assert_msg(strstr(header.data, "id,date.value,date.precision,date.qualifier,date.display,"
                                      "date.earliest,date.latest,amount.amount_minor,"
                                      "amount.currency,amount.approximate,amount.amount,") ==
                      header.data,
                  "valuations header: %s", header.data);
    fr_buf_cleanup(&header);

    /* Every collection: the header row is the same on every page, and
     * there is one CRLF-ended line per item (the seed has no line breaks
     * inside values, so lines are rows here). */
    for (int c = 0; c < FR_COLL_COUNT; c++) {
        const struct fr_collection *coll = fr_snapshot_collection(snapshot, (enum fr_collection_id)c);
        ck_assert_msg(fr_csv_columns_count(coll->csv_columns) > 1, "%s has no columns",
                      coll->def->name);
        size_t rows_all = 0, rows_one = 0;
        char *all = page_csv(coll, 0, FR_LIMIT_MAX, &rows_all);
        char *last = page_csv(coll, coll->count - 1, 1, &rows_one);
        ck_assert_uint_eq(rows_all, coll->count);
        ck_assert_uint_eq(rows_one, 1);
        const char *end = strstr(all, "\r\n");
        ck_assert_ptr_nonnull(end);
        size_t header_len = (size_t)(end - all) + 2;
        ck_assert_msg(strncmp(all, last, header_len) == 0, "%s: headers differ by page",
                      coll->def->name);
        size_t lines = 0;
        for (const char *p = all; (p = strstr(p, "\r\n")); p += 2)
            lines++;
        ck_assert_uint_eq(lines, coll->count + 1);
        /* The last item's row ends both texts. */
        ck_assert_str_eq(all + strlen(all) - (strlen(last) - header_len), last + header_len);
        free(all);
        free(last);
    }
}
END_TEST

static Suite *csv_suite(void)
{
    Suite *s = suite_create("csv");
    TCase *fields = tcase_create("fields");
    tcase_add_test(fields, test_field_plain_is_as_is);
    tcase_add_test(fields, test_field_quoting);
    tcase_add_test(fields, test_field_uses_length);
    suite_add_tcase(s, fields);

    TCase *flatten = tcase_create("flatten");
    tcase_add_test(flatten, test_nested_objects_become_dotted_columns);
    tcase_add_test(flatten, test_values);
    tcase_add_test(flatten, test_union_in_first_seen_order);
    tcase_add_test(flatten, test_null_or_value_beside_objects);
    tcase_add_test(flatten, test_names_are_quoted);
    tcase_add_test(flatten, test_edge_cases);
    suite_add_tcase(s, flatten);

    TCase *model = tcase_create("model");
    tcase_add_checked_fixture(model, setup, teardown);
    tcase_add_test(model, test_collections_have_their_columns);
    suite_add_tcase(s, model);
    return s;
}

int main(void)
{
    return test_run_suite(csv_suite()) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
