/*
 * Who may write: bearer tokens (RFC 6750), configured only as the SHA-256
 * of each token with a name for the change log, never the token itself.
 * Checking a presented token hashes it and compares the digest with every
 * configured one in constant time (libsodium), so neither the comparison
 * nor the position of a match leaks through timing.
 */
#ifndef FRONTIER_AUTH_H
#define FRONTIER_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "frontier/status.h"

#define FR_TOKEN_NAME_MAX 64   /* [a-z0-9][a-z0-9._-]*, at most this many bytes */
#define FR_TOKEN_DIGEST_HEX 64 /* SHA-256 as lowercase hex */
#define FR_TOKENS_MAX 64

struct fr_tokens;

/* Parses a token list: "name:sha256hex" entries separated by commas and/or
 * whitespace, e.g. "alice:9f86d0...,ci-bot:60303a...". Hex is accepted in
 * either case. An empty list is allowed (no one may write). Duplicate names
 * or digests, a bad name, a digest that is not 64 hex digits, or more than
 * FR_TOKENS_MAX entries are FR_EINVAL with one sentence in error naming the
 * entry (by position and name, never echoing a digest). FR_ENOMEM too. The
 * caller frees *out with fr_tokens_free(). */
enum fr_status fr_tokens_parse(const char *list, struct fr_tokens **out, char *error,
                               size_t error_size);
void fr_tokens_free(struct fr_tokens *tokens);
size_t fr_tokens_count(const struct fr_tokens *tokens);

enum fr_auth_result {
    FR_AUTH_OK = 0,
    FR_AUTH_MISSING,   /* no Authorization header, or not the Bearer scheme */
    FR_AUTH_MALFORMED, /* Bearer, but not one token68 (RFC 6750 section 2.1) */
    FR_AUTH_INVALID,   /* a well-formed token that matches no configured one */
};

/* Checks an Authorization header value (NULL when absent). On FR_AUTH_OK,
 * *name points at the matching token's name (borrowed from tokens). The
 * scheme is matched case-insensitively; the token is never copied anywhere
 * but a local buffer that is wiped (sodium_memzero) before returning. */
enum fr_auth_result fr_tokens_check(const struct fr_tokens *tokens,
                                    const char *authorization, const char **name);

/* SHA-256 of data as lowercase hex into out (FR_TOKEN_DIGEST_HEX + 1 bytes). */
void fr_sha256_hex(const void *data, size_t len, char out[FR_TOKEN_DIGEST_HEX + 1]);

/* `frontierd hash-token`: reads one token from in (up to a newline or EOF;
 * a trailing CR LF or LF is not part of it), checks it is a usable bearer
 * token (token68 characters, at least 16 of them) and prints its digest and
 * a newline to out. Returns the exit status: 0, or 2 with one sentence on
 * err when the token is unusable or empty, or 1 with one sentence on err
 * when in cannot be read or out cannot be written. in, out and err are
 * borrowed; the token is wiped from memory before returning. */
int fr_hash_token_command(FILE *in, FILE *out, FILE *err);

#endif
