/*
 * Unit tests for JSON Merge Patch (src/core/merge_patch.c): every example of
 * RFC 7396 Appendix A, and what PATCH relies on besides: the target and the
 * patch are left as they were, the result shares no value with either, a
 * NULL target, and nested objects.
 */
#include "frontier/merge_patch.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------ */

static json_t *parse(const char *text)
{
    json_error_t error;
    json_t *value = json_loads(text, JSON_DECODE_ANY, &error);

    ck_assert_msg(value != NULL, "'%s': %s", text, error.text);
    return value;
}

/* Applies patch to target (NULL for none) and checks the result is want,
 * that neither input changed, and that the result can be changed without
 * changing them. */
static void expect_merge(const char *target_text, const char *patch_text, const char *want_text)
{
    json_t *target = target_text != NULL ? parse(target_text) : NULL;
    json_t *target_before = target != NULL ? json_deep_copy(target) : NULL;
    json_t *patch = parse(patch_text);
    json_t *patch_before = json_deep_copy(patch);
    json_t *want = parse(want_text);
    json_t *result = fr_merge_patch(target, patch);
    char *got;

    ck_assert_ptr_nonnull(result);
    got = json_dumps(result, JSON_SORT_KEYS | JSON_ENCODE_ANY | JSON_COMPACT);
    ck_assert_msg(json_equal(result, want), "%s + %s: got %s, want %s",
                  target_text ? target_text : "(none)", patch_text, got, want_text);
    free(got);
    ck_assert(target == NULL || json_equal(target, target_before));
    ck_assert(json_equal(patch, patch_before));
    /* A new reference: the caller's alone (null is a shared singleton). */
    ck_assert(json_is_null(result) || result->refcount == 1);

    json_decref(want);
    json_decref(patch_before);
    json_decref(patch);
    json_decref(target_before);
    json_decref(target);
    json_decref(result);
}

#define NODES_MAX 64

/* Appends every value reachable from value (itself included) to nodes,
 * except true, false and null, which jansson shares as singletons. */
static void collect_nodes(json_t *value, json_t **nodes, size_t *count)
{
    const char *key;
    json_t *member;
    size_t i;

    if (json_is_true(value) || json_is_false(value) || json_is_null(value)) {
        return;
    }
    ck_assert_uint_lt(*count, NODES_MAX);
    nodes[(*count)++] = value;
    if (json_is_object(value)) {
        json_object_foreach (value, key, member) {
            collect_nodes(member, nodes, count);
        }
    } else if (json_is_array(value)) {
        json_array_foreach (value, i, member) {
            collect_nodes(member, nodes, count);
        }
    }
}

/* No json_t reachable from a is also reachable from b. */
static void assert_disjoint(json_t *a, json_t *b)
{
    json_t *in_a[NODES_MAX], *in_b[NODES_MAX];
    size_t count_a = 0, count_b = 0;
    size_t i, j;

    collect_nodes(a, in_a, &count_a);
    collect_nodes(b, in_b, &count_b);
    ck_assert_uint_gt(count_a, 0);
    for (i = 0; i < count_a; i++) {
        for (j = 0; j < count_b; j++) {
            ck_assert_ptr_ne(in_a[i], in_b[j]);
        }
    }
}

/* ------------------------------------------------------------------------
 * RFC 7396 Appendix A
 * ------------------------------------------------------------------------ */

START_TEST(test_rfc7396_appendix_a)
{
    static const char *const cases[][3] = {
        {"{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}"},
        {"{\"a\":\"b\"}", "{\"b\":\"c\"}", "{\"a\":\"b\",\"b\":\"c\"}"},
        {"{\"a\":\"b\"}", "{\"a\":null}", "{}"},
        {"{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}", "{\"b\":\"c\"}"},
        {"{\"a\":[\"b\"]}", "{\"a\":\"c\"}", "{\"a\":\"c\"}"},
        {"{\"a\":\"c\"}", "{\"a\":[\"b\"]}", "{\"a\":[\"b\"]}"},
        {"{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}", "{\"a\":{\"b\":\"d\"}}"},
        {"{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", "{\"a\":[1]}"},
        {"[\"a\",\"b\"]", "[\"c\",\"d\"]", "[\"c\",\"d\"]"},
        {"{\"a\":\"b\"}", "[\"c\"]", "[\"c\"]"},
        {"{\"a\":\"foo\"}", "null", "null"},
        {"{\"a\":\"foo\"}", "\"bar\"", "\"bar\""},
        {"{\"e\":null}", "{\"a\":1}", "{\"e\":null,\"a\":1}"},
        {"[1,2]", "{\"a\":\"b\",\"c\":null}", "{\"a\":\"b\"}"},
        {"{}", "{\"a\":{\"bb\":{\"ccc\":null}}}", "{\"a\":{\"bb\":{}}}"},
    };
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        expect_merge(cases[i][0], cases[i][1], cases[i][2]);
    }
}
END_TEST

/* Section 3's longer example. */
START_TEST(test_rfc7396_section_3)
{
    expect_merge("{\"title\":\"Goodbye!\",\"author\":{\"givenName\":\"John\",\"familyName\":"
                 "\"Doe\"},\"tags\":[\"example\",\"sample\"],\"content\":\"This will be "
                 "unchanged\"}",
                 "{\"title\":\"Hello!\",\"phoneNumber\":\"+01-123-456-7890\",\"author\":"
                 "{\"familyName\":null},\"tags\":[\"example\"]}",
                 "{\"title\":\"Hello!\",\"author\":{\"givenName\":\"John\"},\"tags\":"
                 "[\"example\"],\"content\":\"This will be unchanged\",\"phoneNumber\":"
                 "\"+01-123-456-7890\"}");
}
END_TEST

/* ------------------------------------------------------------------------
 * Beyond the RFC's examples
 * ------------------------------------------------------------------------ */

START_TEST(test_null_target)
{
    expect_merge(NULL, "{\"a\":1,\"b\":null}", "{\"a\":1}");
    expect_merge(NULL, "{\"a\":{\"b\":{\"c\":null,\"d\":[null]}}}", "{\"a\":{\"b\":{\"d\":[null]}}}");
    expect_merge(NULL, "[1]", "[1]");
    expect_merge(NULL, "null", "null");
    expect_merge(NULL, "{}", "{}");
}
END_TEST

START_TEST(test_nested_objects)
{
    /* Members merge at every depth; siblings stay. */
    expect_merge("{\"a\":{\"b\":{\"c\":1,\"d\":2},\"e\":3},\"f\":4}",
                 "{\"a\":{\"b\":{\"c\":10,\"x\":{\"y\":null,\"z\":1}}}}",
                 "{\"a\":{\"b\":{\"c\":10,\"d\":2,\"x\":{\"z\":1}},\"e\":3},\"f\":4}");
    /* An object replaces a scalar and an array; a scalar replaces an object. */
    expect_merge("{\"a\":1,\"b\":[1,2],\"c\":{\"d\":1}}",
                 "{\"a\":{\"x\":1},\"b\":{\"y\":null},\"c\":5}",
                 "{\"a\":{\"x\":1},\"b\":{},\"c\":5}");
    /* Removing what is not there changes nothing; an empty patch copies. */
    expect_merge("{\"a\":{\"b\":1}}", "{\"z\":null,\"a\":{\"q\":null}}", "{\"a\":{\"b\":1}}");
    expect_merge("{\"a\":{\"b\":1}}", "{}", "{\"a\":{\"b\":1}}");
    /* Arrays are replaced whole, even arrays of objects and nulls in them. */
    expect_merge("{\"citations\":[{\"source\":\"s1\",\"quote\":\"q\"}]}",
                 "{\"citations\":[{\"source\":\"s2\",\"quote\":null}]}",
                 "{\"citations\":[{\"source\":\"s2\",\"quote\":null}]}");
    /* Values of every type are set as given. */
    expect_merge("{}", "{\"s\":\"x\",\"i\":-3,\"r\":1.5,\"t\":true,\"f\":false}",
                 "{\"s\":\"x\",\"i\":-3,\"r\":1.5,\"t\":true,\"f\":false}");
}
END_TEST

START_TEST(test_result_shares_nothing)
{
    json_t *target = parse("{\"keep\":{\"deep\":[1,{\"x\":\"y\"}]},\"s\":\"text\",\"n\":1,"
                           "\"m\":{\"a\":1}}");
    json_t *patch = parse("{\"new\":{\"list\":[\"p\"]},\"m\":{\"b\":\"two\"},\"r\":2.5}");
    json_t *target_before = json_deep_copy(target);
    json_t *result = fr_merge_patch(target, patch);

    ck_assert_ptr_nonnull(result);
    assert_disjoint(result, target);
    assert_disjoint(result, patch);

    /* Changing the result deep down leaves the target alone. */
    json_array_append_new(json_object_get(json_object_get(result, "keep"), "deep"),
                          json_integer(9));
    json_object_set_new(json_object_get(result, "m"), "c", json_integer(3));
    json_string_set(json_object_get(result, "s"), "changed");
    ck_assert(json_equal(target, target_before));
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(patch, "m"), "b")),
                     "two");
    ck_assert_ptr_null(json_object_get(json_object_get(patch, "m"), "c"));

    json_decref(result);
    json_decref(target_before);
    json_decref(patch);
    json_decref(target);
}
END_TEST

START_TEST(test_non_object_patch_is_a_copy)
{
    json_t *target = parse("{\"a\":1}");
    json_t *patch = parse("[{\"b\":2}]");
    json_t *result = fr_merge_patch(target, patch);

    ck_assert_ptr_nonnull(result);
    ck_assert(json_equal(result, patch));
    assert_disjoint(result, patch);
    json_decref(result);
    json_decref(patch);
    json_decref(target);
}
END_TEST

/* ------------------------------------------------------------------------ */

static Suite *merge_patch_suite(void)
{
    Suite *s = suite_create("merge_patch");
    TCase *tc = tcase_create("merge_patch");

    tcase_add_test(tc, test_rfc7396_appendix_a);
    tcase_add_test(tc, test_rfc7396_section_3);
    tcase_add_test(tc, test_null_target);
    tcase_add_test(tc, test_nested_objects);
    tcase_add_test(tc, test_result_shares_nothing);
    tcase_add_test(tc, test_non_object_patch_is_a_copy);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run_suite(merge_patch_suite()) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
