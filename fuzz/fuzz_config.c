/*
 * Fuzzes the configuration file (INI, read with libinih) as
 * fr_config_load reads it through --config, with no environment: the input
 * is the file's content, held in an in-memory file (memfd) named by its
 * /proc/self/fd path. A file that loads gives a configuration whose values
 * are usable as they stand (a thread count, a body limit in range, a token
 * list that parses); one that does not says why in a sentence.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "frontier/auth.h"
#include "frontier/config.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int file = -1;
static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    file = memfd_create("frontierd.conf", MFD_CLOEXEC);
    FUZZ_CHECK(file >= 0, "memfd_create failed");
    FUZZ_CHECK(snprintf(path, sizeof path, "/proc/self/fd/%d", file) < (int)sizeof path,
               "the memfd's path does not fit");
    return 0;
}

static void write_file(const uint8_t *data, size_t size)
{
    size_t done = 0;

    FUZZ_CHECK(ftruncate(file, 0) == 0, "truncating the memfd failed");
    while (done < size) {
        ssize_t n = pwrite(file, data + done, size - done, (off_t)done);
        FUZZ_CHECK(n > 0, "writing the memfd failed");
        done += (size_t)n;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct fr_config config; /* 30 KB: not on the stack */
    static char program[] = "frontierd", flag[] = "--config";
    char *argv[] = {program, flag, path, NULL};
    char *envp[] = {NULL};
    enum fr_config_action action = FR_CONFIG_RUN;
    char error[1024] = "";

    write_file(data, size);
    enum fr_status status = fr_config_load(&config, 3, argv, envp, &action, error, sizeof error);
    if (status != FR_OK) {
        FUZZ_CHECK(status == FR_EINVAL || status == FR_EIO || status == FR_ENOMEM, "status %d",
                   status);
        FUZZ_CHECK(error[0] != '\0', "a file refused without a reason");
        return 0;
    }
    FUZZ_CHECK(action == FR_CONFIG_RUN, "a file changed the action to %d", action);
    FUZZ_CHECK(config.threads >= 1 && config.threads <= 256, "%u threads", config.threads);
    FUZZ_CHECK(config.max_body_bytes >= 1024 && config.max_body_bytes <= 16777216,
               "max_body_bytes %zu", config.max_body_bytes);
    FUZZ_CHECK(config.port <= 65535, "port %u", config.port);
    FUZZ_CHECK(config.bind[0] != '\0' && config.db[0] != '\0' && config.seed[0] != '\0' &&
                   config.docs[0] != '\0' && config.access_log[0] != '\0',
               "an empty setting was accepted");
    struct fr_tokens *tokens = NULL;
    FUZZ_CHECK(fr_tokens_parse(config.tokens, &tokens, error, sizeof error) == FR_OK,
               "accepted tokens do not parse: %s", error);
    fr_tokens_free(tokens);
    return 0;
}
