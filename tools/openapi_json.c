/*
 * A build step: converts the YAML contract to the compact JSON frontierd
 * serves as /openapi.json. Doing it at build time keeps the conversion off
 * the daemon's start-up path, and a contract that does not convert fails the
 * build instead of the start.
 *
 * Usage: openapi-json INPUT.yaml OUTPUT.json
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontier/docs.h"

/* Reads a whole file into a NUL-terminated buffer the caller frees. */
static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    size_t cap = 0, used = 0;

    if (!f)
        return NULL;
    for (;;) {
        if (cap - used < 4096) {
            size_t grown = cap ? cap * 2 : 65536;
            char *bigger = realloc(data, grown + 1);
            if (!bigger) {
                free(data);
                data = NULL;
                break;
            }
            data = bigger;
            cap = grown;
        }
        size_t n = fread(data + used, 1, cap - used, f);
        used += n;
        if (n == 0)
            break;
    }
    if (data && ferror(f)) {
        free(data);
        data = NULL;
    }
    fclose(f);
    if (data) {
        data[used] = '\0';
        *len = used;
    }
    return data;
}

int main(int argc, char **argv)
{
    char error[512] = "";
    size_t len = 0;
    char *yaml = NULL, *json = NULL;
    json_t *spec = NULL;
    FILE *out = NULL;
    int rc = EXIT_FAILURE;

    if (argc != 3) {
        fprintf(stderr, "usage: %s INPUT.yaml OUTPUT.json\n", argv[0]);
        return 2;
    }
    yaml = read_all(argv[1], &len);
    if (!yaml) {
        perror(argv[1]);
        goto out;
    }
    if (fr_yaml_to_json(yaml, len, &spec, error, sizeof(error)) != FR_OK) {
        fprintf(stderr, "%s: %s\n", argv[1], error);
        goto out;
    }
    json = json_dumps(spec, JSON_COMPACT | JSON_REAL_PRECISION(15));
    if (!json) {
        fprintf(stderr, "%s: out of memory\n", argv[0]);
        goto out;
    }
    out = fopen(argv[2], "wb");
    if (!out || fwrite(json, 1, strlen(json), out) != strlen(json)) {
        perror(argv[2]);
        goto out;
    }
    if (fclose(out) != 0) {
        out = NULL;
        perror(argv[2]);
        goto out;
    }
    out = NULL;
    rc = EXIT_SUCCESS;
out:
    if (out)
        fclose(out);
    free(json);
    json_decref(spec);
    free(yaml);
    return rc;
}
