/*
 * Fuzzes the token list (the tokens key of the configuration, from the
 * file, FRONTIERD_TOKENS or --tokens): "name:sha256hex" entries. A list
 * that parses holds at most FR_TOKENS_MAX tokens and still refuses a
 * request without credentials; one that does not says why in a sentence
 * that never quotes a digest it was given.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frontier/auth.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The length of the run of hex digits at s. */
static size_t hex_run(const char *s)
{
    size_t len = 0;
    while (isxdigit((unsigned char)s[len]))
        len++;
    return len;
}

/* Does error quote any 16 hex digits of a run that follows a ':' in list (a
 * digest, or a piece of one)? Messages do quote names, so a piece that also
 * occurs outside such runs (in a name) does not count. */
static bool quotes_digest(const char *list, const char *error)
{
    char *names = fuzz_strndup((const uint8_t *)list, strlen(list));
    bool quoted = false;

    for (char *p = strchr(names, ':'); p != NULL; p = strchr(p + 1, ':'))
        memset(p + 1, ' ', hex_run(p + 1));
    for (const char *p = strchr(list, ':'); p != NULL && !quoted; p = strchr(p + 1, ':')) {
        size_t len = hex_run(p + 1);
        for (size_t at = 0; len >= 16 && at + 16 <= len && !quoted; at++) {
            const char *piece = p + 1 + at;
            quoted = memmem(error, strlen(error), piece, 16) != NULL &&
                     memmem(names, strlen(names), piece, 16) == NULL;
        }
    }
    free(names);
    return quoted;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *list = fuzz_strndup(data, size);
    struct fr_tokens *tokens = NULL;
    char error[512] = "";
    const char *name = NULL;

    if (fr_tokens_parse(list, &tokens, error, sizeof error) == FR_OK) {
        FUZZ_CHECK(tokens != NULL && fr_tokens_count(tokens) <= FR_TOKENS_MAX, "%zu tokens",
                   fr_tokens_count(tokens));
        FUZZ_CHECK(fr_tokens_check(tokens, NULL, &name) == FR_AUTH_MISSING && name == NULL,
                   "a request without Authorization passed");
        FUZZ_CHECK(fr_tokens_check(tokens, "Bearer not-a-configured-token", &name) ==
                       FR_AUTH_INVALID,
                   "an unknown token passed");
        fr_tokens_free(tokens);
    } else {
        FUZZ_CHECK(error[0] != '\0', "a list refused without a reason");
        FUZZ_CHECK(!quotes_digest(list, error), "the reason quotes a digest: %s", error);
    }
    free(list);
    return 0;
}
