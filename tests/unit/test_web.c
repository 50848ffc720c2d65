/*
 * The dashboard's file table (src/web/web.c): what a walk of the web
 * directory takes and leaves out, that names which try to climb out of it
 * find nothing, media types by extension, and a missing directory.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "frontier/web.h"
#include "support.h"

static char root[512];  /* the web directory */
static char other[512]; /* a directory beside it that links point into */

static void make_dir(const char *dir, const char *name)
{
    char path[1024];
    test_format(path, sizeof(path), "%s/%s", dir, name);
    ck_assert_int_eq(mkdir(path, 0700), 0);
}

static void make_link(const char *target, const char *dir, const char *name)
{
    char path[1024];
    test_format(path, sizeof(path), "%s/%s", dir, name);
    ck_assert_int_eq(symlink(target, path), 0);
}

/* Removes dir/sub's files and dir/sub, for the levels test_tmpdir_remove
 * does not reach. */
static void remove_sub(const char *dir, const char *sub)
{
    char path[1024];
    test_format(path, sizeof(path), "%s/%s", dir, sub);
    test_tmpdir_remove(path);
    unlink(path); /* when it was a link */
}

/*
 * web/: index.html, app.js, .env, vendor/{chart.js,.hidden},
 * deep/sub/x.js (too deep), a link to a file outside and one to a
 * directory outside, and a link to a file inside.
 */
static void tree_make(void)
{
    test_tmpdir_make(root, sizeof(root), "frontier-web");
    test_tmpdir_make(other, sizeof(other), "frontier-web-outside");
    test_write_file(root, "index.html", "<!DOCTYPE html><title>t</title>");
    test_write_file(root, "app.js", "console.log(1);");
    test_write_file(root, "Style.CSS", "body{}");
    test_write_file(root, "data.bin", "\x01\x02");
    test_write_file(root, ".env", "SECRET=1");
    make_dir(root, "vendor");
    make_dir(root, ".git");
    make_dir(root, "deep");
    make_dir(root, "deep/sub");
    test_write_file(root, "vendor/chart.js", "var chart;");
    test_write_file(root, "vendor/.hidden", "no");
    test_write_file(root, ".git/config", "no");
    test_write_file(root, "deep/sub/x.js", "too deep");
    test_write_file(other, "secret.txt", "outside");
    char target[1024];
    test_format(target, sizeof(target), "%s/secret.txt", other);
    make_link(target, root, "escape.txt");
    make_link(other, root, "outside");
    make_link("index.html", root, "alias.html");
}

static void tree_remove(void)
{
    remove_sub(root, "vendor");
    remove_sub(root, ".git");
    remove_sub(root, "deep/sub");
    remove_sub(root, "deep");
    test_tmpdir_remove(root);
    test_tmpdir_remove(other);
}

static struct fr_web *load(const char *dir, char *log, size_t log_size)
{
    struct fr_web *web = NULL;
    ck_assert_int_eq(fr_web_load(dir, &web, log, log_size), FR_OK);
    ck_assert_ptr_nonnull(web);
    return web;
}

START_TEST(test_content_types)
{
    static const struct {
        const char *name, *type;
    } cases[] = {
        {"index.html", "text/html; charset=utf-8"},
        {"app.js", "text/javascript; charset=utf-8"},
        {"vendor/chart.esm.mjs", "text/javascript; charset=utf-8"},
        {"style.css", "text/css; charset=utf-8"},
        {"STYLE.CSS", "text/css; charset=utf-8"},
        {"img/icon.svg", "image/svg+xml"},
        {"logo.png", "image/png"},
        {"data.json", "application/json"},
        {"app.js.map", "application/json"},
        {"font.woff2", "font/woff2"},
        {"font.woff", "application/octet-stream"},
        {"README", "application/octet-stream"},
        {"archive.tar.gz", "application/octet-stream"},
        {"js", "application/octet-stream"},
        {"v.d.html/file", "application/octet-stream"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        ck_assert_msg(strcmp(fr_web_content_type(cases[i].name), cases[i].type) == 0,
                      "%s: %s", cases[i].name, fr_web_content_type(cases[i].name));
}
END_TEST

START_TEST(test_walk_takes_regular_files_two_levels_deep)
{
    tree_make();
    char log[512];
    struct fr_web *web = load(root, log, sizeof(log));
    ck_assert_ptr_null(fr_web_problem(web));
    ck_assert_str_eq(log, "");
    /* index.html, app.js, Style.CSS, data.bin, vendor/chart.js: nothing else. */
    ck_assert_uint_eq(fr_web_count(web), 5);

    struct fr_web_file file;
    ck_assert(fr_web_find(web, "index.html", &file));
    ck_assert_str_eq(file.content_type, "text/html; charset=utf-8");
    ck_assert_uint_eq(file.rendered->len, strlen("<!DOCTYPE html><title>t</title>"));
    ck_assert(memcmp(file.rendered->body, "<!DOCTYPE html>", 15) == 0);
    ck_assert(file.rendered->etag[0] == '"');
    ck_assert(fr_web_find(web, "vendor/chart.js", &file));
    ck_assert_str_eq(file.content_type, "text/javascript; charset=utf-8");
    ck_assert(fr_web_find(web, "Style.CSS", &file));
    ck_assert_str_eq(file.content_type, "text/css; charset=utf-8");
    ck_assert(fr_web_find(web, "data.bin", &file));
    ck_assert_str_eq(file.content_type, "application/octet-stream");
    ck_assert_uint_eq(file.rendered->len, 2);
    fr_web_free(web);
    tree_remove();
}
END_TEST

/* Dotfiles, links (inside or out), deeper files and every spelling of a
 * climb out of the directory find nothing. */
START_TEST(test_names_outside_the_table_find_nothing)
{
    static const char *const names[] = {
        ".env", "vendor/.hidden", ".git/config", "deep/sub/x.js", "deep/sub", "deep", "vendor",
        "escape.txt", "outside/secret.txt", "alias.html", "../index.html", "./index.html",
        "vendor/../index.html", "vendor/./chart.js", "vendor//chart.js", "/index.html",
        "index.html/", "%2e%2e/index.html", "vendor%2Fchart.js", "..", ".", "",
        "INDEX.HTML", "index.html%00.png", "secret.txt",
    };
    tree_make();
    struct fr_web *web = load(root, NULL, 0);
    ck_assert_ptr_null(fr_web_problem(web));
    struct fr_web_file file;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        ck_assert_msg(!fr_web_find(web, names[i], &file), "%s was found", names[i]);
    /* An absolute path to a real file is a name like any other. */
    char absolute[1024];
    test_format(absolute, sizeof(absolute), "%s/index.html", root);
    ck_assert(!fr_web_find(web, absolute, &file));
    fr_web_free(web);
    tree_remove();
}
END_TEST

START_TEST(test_missing_directory)
{
    char dir[512], absent[600], log[1024];
    test_tmpdir_make(dir, sizeof(dir), "frontier-web-missing");
    test_format(absent, sizeof(absent), "%s/web", dir);
    struct fr_web *web = load(absent, log, sizeof(log));
    const char *problem = fr_web_problem(web);
    ck_assert_ptr_nonnull(problem);
    ck_assert_msg(strstr(problem, "not installed") != NULL, "%s", problem);
    ck_assert_msg(strstr(problem, dir) == NULL, "the problem names the path: %s", problem);
    ck_assert_msg(strstr(log, absent) != NULL, "the log does not name the path: %s", log);
    ck_assert_uint_eq(fr_web_count(web), 0);
    struct fr_web_file file;
    ck_assert(!fr_web_find(web, "index.html", &file));
    fr_web_free(web);
    test_tmpdir_remove(dir);
}
END_TEST

/* A directory without index.html is no dashboard: nothing is served. */
START_TEST(test_directory_without_index)
{
    char dir[512];
    test_tmpdir_make(dir, sizeof(dir), "frontier-web-noindex");
    test_write_file(dir, "app.js", "x");
    struct fr_web *web = load(dir, NULL, 0);
    ck_assert_ptr_nonnull(fr_web_problem(web));
    ck_assert_msg(strstr(fr_web_problem(web), FR_WEB_INDEX) != NULL, "%s",
                  fr_web_problem(web));
    struct fr_web_file file;
    ck_assert(!fr_web_find(web, "app.js", &file));
    fr_web_free(web);
    test_tmpdir_remove(dir);
}
END_TEST

/* A file, not a directory, given as the web directory. */
START_TEST(test_file_as_directory)
{
    char dir[512], path[600];
    test_tmpdir_make(dir, sizeof(dir), "frontier-web-file");
    test_write_file(dir, "index.html", "x");
    test_format(path, sizeof(path), "%s/index.html", dir);
    struct fr_web *web = load(path, NULL, 0);
    ck_assert_ptr_nonnull(fr_web_problem(web));
    fr_web_free(web);
    test_tmpdir_remove(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("web");
    TCase *tc = tcase_create("files");
    tcase_add_test(tc, test_content_types);
    tcase_add_test(tc, test_walk_takes_regular_files_two_levels_deep);
    tcase_add_test(tc, test_names_outside_the_table_find_nothing);
    tcase_add_test(tc, test_missing_directory);
    tcase_add_test(tc, test_directory_without_index);
    tcase_add_test(tc, test_file_as_directory);
    suite_add_tcase(s, tc);
    return test_run_suite(s) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
