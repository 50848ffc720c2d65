/*
 * The daemon's configuration: compiled defaults < config file (INI, libinih)
 * < environment (FRONTIERD_*) < command-line flags. Parsed and validated once
 * into a struct config that the rest of the program only reads.
 *
 *   key      flag        environment           default
 *   bind     --bind      FRONTIERD_BIND        127.0.0.1   (IPv4 or IPv6 literal)
 *   port     --port      FRONTIERD_PORT        8080        (0 picks a free port)
 *   db       --db        FRONTIERD_DB          data/frontier.db (":memory:" allowed)
 *   seed     --seed      FRONTIERD_SEED        data/seed   (imported into a new db)
 *   threads  --threads   FRONTIERD_THREADS     0           (0: one per CPU; max 256)
 *   docs     --docs      FRONTIERD_DOCS        node_modules/redoc/bundles (for /docs)
 *   web      --web       FRONTIERD_WEB         web         (the dashboard at /)
 *   shutdown_timeout --shutdown-timeout FRONTIERD_SHUTDOWN_TIMEOUT 10 (seconds, 0 to 3600)
 *   cache_max_age  --cache-max-age  FRONTIERD_CACHE_MAX_AGE  0 (Cache-Control: no-cache)
 *   cors_origins   --cors-origins   FRONTIERD_CORS_ORIGINS   * (any origin may read)
 *   access_log     --access-log     FRONTIERD_ACCESS_LOG     off ("stderr" or a file path)
 *   max_body_bytes --max-body-bytes FRONTIERD_MAX_BODY_BYTES 262144 (1024 to 16777216)
 *   max_connections --max-connections FRONTIERD_MAX_CONNECTIONS 1024 (1 to 1048576)
 *   max_connections_per_client --max-connections-per-client
 *                    FRONTIERD_MAX_CONNECTIONS_PER_CLIENT 64 (1 to 1048576)
 *   idle_timeout   --idle-timeout   FRONTIERD_IDLE_TIMEOUT   15 (seconds, 1 to 3600)
 *   request_timeout --request-timeout FRONTIERD_REQUEST_TIMEOUT 30 (seconds, 1 to 3600)
 *   max_header_bytes --max-header-bytes FRONTIERD_MAX_HEADER_BYTES 16384 (1024 to 65536)
 *   tokens   --tokens    FRONTIERD_TOKENS      (none: no one may write)
 *   config   --config    FRONTIERD_CONFIG      (none)      the INI file to read
 * The INI file has a [server] section (bind, port, threads, docs, web,
 * shutdown_timeout), a [store] section (db, seed), an [http] section
 * (cache_max_age, cors_origins, access_log, max_body_bytes and the limits
 * max_connections, max_connections_per_client, idle_timeout,
 * request_timeout and max_header_bytes) and an [auth] section (tokens). What each limit bounds
 * is said in include/frontier/server.h (struct fr_server_options).
 *
 * tokens is the list fr_tokens_parse reads (include/frontier/auth.h):
 * "name:sha256hex" entries separated by commas or blanks. In the INI file
 * its value may go on over indented lines that follow it (each continues the
 * list), since one line holds at most 198 bytes; an indented line after any
 * other key is an error. An empty list from the file or a flag means no one
 * may write; an empty FRONTIERD_TOKENS is an error, as every empty variable
 * is. Messages about tokens never quote a digest.
 *
 * `frontierd hash-token` (argv[1] exactly "hash-token", nothing after it) is
 * a command rather than a flag: the action FR_CONFIG_HASH_TOKEN.
 */
#ifndef FRONTIER_CONFIG_H
#define FRONTIER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "frontier/status.h"

#define FR_CONFIG_PATH_MAX 4096
#define FR_CONFIG_ORIGINS_MAX 1024
/* Room for FR_TOKENS_MAX entries with the longest names, and blanks. */
#define FR_CONFIG_TOKENS_MAX 16384
/* Where `npm ci` puts Redoc's standalone bundle, relative to the checkout. */
#define FR_CONFIG_DOCS_DEFAULT "node_modules/redoc/bundles"
/* The dashboard's files, relative to the checkout. */
#define FR_CONFIG_WEB_DEFAULT "web"

struct fr_config {
    char bind[64];
    unsigned port;
    char db[FR_CONFIG_PATH_MAX];
    char seed[FR_CONFIG_PATH_MAX];
    unsigned threads; /* resolved: never 0 after fr_config_load */
    char docs[FR_CONFIG_PATH_MAX];
    char web[FR_CONFIG_PATH_MAX];
    /* Seconds the requests in flight get to finish after SIGTERM or SIGINT
     * before they are cut. */
    unsigned shutdown_timeout;
    unsigned cache_max_age;                  /* seconds; 0: no-cache */
    char cors_origins[FR_CONFIG_ORIGINS_MAX]; /* "*" or "https://a,https://b" */
    char access_log[FR_CONFIG_PATH_MAX];      /* "off", "stderr" or a file path */
    size_t max_body_bytes;                    /* largest request body accepted */
    unsigned max_connections;                 /* open at once */
    unsigned max_connections_per_client;      /* open at once from one address */
    unsigned idle_timeout;                    /* seconds without a byte either way */
    unsigned request_timeout;                 /* seconds for a whole request */
    size_t max_header_bytes;                  /* request line and header fields */
    /* The token list as given (validated with fr_tokens_parse, which the
     * daemon calls again to get the tokens); "" when no one may write. */
    char tokens[FR_CONFIG_TOKENS_MAX];
    char config_file[FR_CONFIG_PATH_MAX]; /* "" when none was read */
};

enum fr_config_action {
    FR_CONFIG_RUN = 0,  /* start the daemon */
    FR_CONFIG_HELP,     /* --help was given: print usage, exit 0 */
    FR_CONFIG_VERSION,  /* --version was given: print version, exit 0 */
    FR_CONFIG_ROUTES,   /* --routes was given: print the routes, exit 0 */
    FR_CONFIG_HASH_TOKEN, /* `frontierd hash-token`: run fr_hash_token_command */
};

/* Builds the configuration from defaults, the file named by --config or
 * FRONTIERD_CONFIG, the environment envp (NULL-terminated "KEY=value"
 * strings; pass environ) and argv. On FR_EINVAL, error holds one sentence
 * naming the key (or flag), the value and what is allowed, e.g.
 * "port: '70000' is not allowed: expected an integer from 0 to 65535
 * (from FRONTIERD_PORT)". Unknown flags, unknown INI sections or keys, and
 * unreadable config files are errors too.
 *
 * Every value is validated where it is read, even one that a later source
 * overrides; an empty environment variable is an error, not "unset". Only
 * the variables in the table above are read: other FRONTIERD_* variables
 * are ignored, because other tools may use the prefix. --config wins over
 * FRONTIERD_CONFIG. A flag given twice keeps its last value. argv is read
 * left to right and --help / -h, --version / -V or --routes stops there:
 * *action is set, *config gets the defaults and FR_OK is returned without
 * reading anything else (a mistake before the flag is still an error). So
 * does hash-token as argv[1] (any argument after it is an error). The first
 * error found is the one reported.
 *
 * Returns FR_OK, FR_EINVAL, FR_EIO (the config file cannot be opened or
 * read) or FR_ENOMEM; error (error_size bytes, cut with "..." when too
 * small) is set for every status but FR_OK. config and action must not be
 * NULL; error may be NULL when error_size is 0. *config is written only on
 * FR_OK. argv, envp, config, action and error are borrowed: nothing is kept
 * after the call. */
enum fr_status fr_config_load(struct fr_config *config, int argc, char *const argv[],
                              char *const envp[], enum fr_config_action *action,
                              char *error, size_t error_size);

/* The usage text printed by --help: every flag, its environment variable
 * and default. Static. */
const char *fr_config_usage(void);

#endif
