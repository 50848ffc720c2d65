/*
 * The documentation module: YAML to JSON by the core schema, refusing what
 * JSON cannot say; the embedded contract parsing; and the docs bundle, found
 * or reported missing.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontier/docs.h"
#include "support.h"

static json_t *convert(const char *yaml)
{
    json_t *out = NULL;
    char error[256] = "";
    enum fr_status st = fr_yaml_to_json(yaml, strlen(yaml), &out, error, sizeof(error));
    ck_assert_msg(st == FR_OK, "'%s' failed: %s", yaml, error);
    return out;
}

static void expect_json(const char *yaml, const char *json)
{
    json_t *got = convert(yaml);
    json_t *want = json_loads(json, JSON_DECODE_ANY, NULL);
    ck_assert_ptr_nonnull(want);
    char *text = json_dumps(got, JSON_COMPACT | JSON_ENCODE_ANY);
    ck_assert_msg(json_equal(got, want), "'%s' gave %s, expected %s", yaml, text, json);
    free(text);
    json_decref(got);
    json_decref(want);
}

static void expect_error(const char *yaml, const char *part)
{
    json_t *out = NULL;
    char error[256] = "";
    ck_assert_int_ne(fr_yaml_to_json(yaml, strlen(yaml), &out, error, sizeof(error)), FR_OK);
    ck_assert_ptr_null(out);
    ck_assert_msg(strstr(error, part), "'%s': '%s' lacks '%s'", yaml, error, part);
}

START_TEST(test_scalars_by_the_core_schema)
{
    expect_json("a: 1\nb: -7\nc: 2.5\nd: 1e3\ne: true\nf: False\ng: null\nh: ~\ni:\n",
                "{\"a\":1,\"b\":-7,\"c\":2.5,\"d\":1000.0,\"e\":true,\"f\":false,"
                "\"g\":null,\"h\":null,\"i\":null}");
    /* Quoted scalars are strings whatever they look like; so is anything else. */
    expect_json("a: '1'\nb: \"true\"\nc: yes\nd: 2025-07-10\ne: 1.2.3\nf: 0x10\ng: .inf\n",
                "{\"a\":\"1\",\"b\":\"true\",\"c\":\"yes\",\"d\":\"2025-07-10\","
                "\"e\":\"1.2.3\",\"f\":\"0x10\",\"g\":\".inf\"}");
    expect_json("a: !!str 12\n", "{\"a\":\"12\"}");
    expect_json("q: \"人类最后的考试 (HLE)\"\n", "{\"q\":\"人类最后的考试 (HLE)\"}");
}
END_TEST

START_TEST(test_structure_and_order)
{
    expect_json("z: 1\na: [1, two, {k: v}]\nm:\n  - x\n  - y: 2\n",
                "{\"z\":1,\"a\":[1,\"two\",{\"k\":\"v\"}],\"m\":[\"x\",{\"y\":2}]}");
    expect_json("- 1\n- 2\n", "[1,2]");
    expect_json("text: |\n  two\n  lines\n", "{\"text\":\"two\\nlines\\n\"}");
    /* Keys keep the file's order, so the served JSON reads like the YAML. */
    json_t *out = convert("b: 1\na: 2\nc: 3\n");
    char *text = json_dumps(out, JSON_COMPACT);
    ck_assert_str_eq(text, "{\"b\":1,\"a\":2,\"c\":3}");
    free(text);
    json_decref(out);
}
END_TEST

START_TEST(test_what_json_cannot_say_is_refused)
{
    expect_error("a: &x 1\nb: *x\n", "anchors");
    expect_error("a: [1, 2]\nb: *x\n", "line 2");
    expect_error("? [1, 2]\n: v\n", "mapping key");
    expect_error("a: !custom 1\n", "tag");
    expect_error("a: 1\na: 2\n", "twice");
    expect_error("a: [1, 2\n", "line");
    expect_error("", "no YAML document");
    expect_error("a: 1\n---\nb: 2\n", "one YAML document");
}
END_TEST

/* The contract compiled into the daemon parses and says what it is. */
START_TEST(test_embedded_contract)
{
    struct fr_docs *docs = NULL;
    char error[512] = "";
    ck_assert_int_eq(fr_docs_load("no/such/dir", &docs, error, sizeof(error)), FR_OK);
    const struct fr_rendered *json = fr_docs_openapi_json(docs);
    json_t *spec = json_loadb(json->body, json->len, 0, NULL);
    ck_assert_ptr_nonnull(spec);
    ck_assert_str_eq(json_string_value(json_object_get(spec, "openapi")), "3.1.0");
    ck_assert(json_is_object(json_object_get(json_object_get(spec, "paths"), "/v1/models")));
    json_decref(spec);

    const struct fr_rendered *yaml = fr_docs_openapi_yaml(docs);
    ck_assert_ptr_nonnull(strstr(yaml->body, "openapi: 3.1.0"));
    ck_assert_uint_eq(strlen(yaml->body), yaml->len);

    const struct fr_rendered *page = fr_docs_page(docs);
    ck_assert_ptr_nonnull(strstr(page->body, "spec-url=\"/openapi.json\""));
    ck_assert_ptr_nonnull(strstr(page->body, "/docs/redoc.standalone.js"));
    ck_assert_ptr_null(strstr(page->body, "http")); /* nothing from another host */

    /* The bundle was not there: said so, without the machine's path. */
    ck_assert_ptr_null(fr_docs_bundle(docs));
    ck_assert_ptr_nonnull(strstr(fr_docs_bundle_problem(docs), "redoc.standalone.js"));
    ck_assert_ptr_null(strstr(fr_docs_bundle_problem(docs), "no/such/dir"));
    fr_docs_free(docs);
}
END_TEST

START_TEST(test_bundle_is_read_when_present)
{
    char dir[256], path[512];
    struct fr_docs *docs = NULL;
    char error[512] = "";
    test_tmpdir_make(dir, sizeof(dir), "frontier-docs");
    test_format(path, sizeof(path), "%s/redoc.standalone.js", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("/* redoc */", f);
    fclose(f);
    ck_assert_int_eq(fr_docs_load(dir, &docs, error, sizeof(error)), FR_OK);
    ck_assert_ptr_null(fr_docs_bundle_problem(docs));
    const struct fr_rendered *bundle = fr_docs_bundle(docs);
    ck_assert_uint_eq(bundle->len, strlen("/* redoc */"));
    ck_assert_int_eq(memcmp(bundle->body, "/* redoc */", bundle->len), 0);
    fr_docs_free(docs);
    test_tmpdir_remove(dir);
}
END_TEST

static Suite *docs_suite(void)
{
    Suite *s = suite_create("docs");
    TCase *tc = tcase_create("docs");
    tcase_add_test(tc, test_scalars_by_the_core_schema);
    tcase_add_test(tc, test_structure_and_order);
    tcase_add_test(tc, test_what_json_cannot_say_is_refused);
    tcase_add_test(tc, test_embedded_contract);
    tcase_add_test(tc, test_bundle_is_read_when_present);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run_suite(docs_suite()) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
