/*
 * The tables and their layouts: which tables nest in which, how a table's
 * columns, as the database reports them, group into JSON fields by the
 * naming conventions of migrations.c, and which CHECK constraints of its
 * CREATE TABLE text can be judged and put in words before an INSERT, so
 * that a write hears of every problem at once. import.c and load.c use them.
 */
#include "schema.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const struct schema_table schema_tables[] = {
    {"organizations", SCHEMA_ENTITY, NULL, NULL, NULL, NULL},
    {"people", SCHEMA_ENTITY, NULL, NULL, NULL, NULL},
    {"sources", SCHEMA_ENTITY, NULL, NULL, NULL, NULL},
    {"models", SCHEMA_ENTITY, NULL, NULL, NULL, NULL},
    {"model_claims", SCHEMA_CHILD, "models", "claims", "model", NULL},
    {"model_plans", SCHEMA_CHILD, "models", "plans", "model", NULL},
    {"benchmarks", SCHEMA_ENTITY, NULL, NULL, NULL, NULL},
    {"results", SCHEMA_ENTITY, NULL, NULL, NULL, NULL},
    {"funding_rounds", SCHEMA_ENTITY, NULL, NULL, NULL, NULL},
    {"funding_tranches", SCHEMA_CHILD, "funding_rounds", "tranches", "round", NULL},
    {"funding_totals", SCHEMA_ENTITY, NULL, NULL, NULL, NULL},
    {"valuations", SCHEMA_ENTITY, NULL, NULL, NULL, NULL},
    {"valuation_organizations", SCHEMA_LINK, "valuations", "organizations",
     "valuation", "organization"},
    {"financials", SCHEMA_ENTITY, NULL, NULL, NULL, NULL},
    {"financial_organizations", SCHEMA_LINK, "financials", "organizations",
     "financial", "organization"},
    {"clusters", SCHEMA_ENTITY, NULL, NULL, NULL, NULL},
    {"cluster_capacities", SCHEMA_CHILD, "clusters", "capacities", "cluster", NULL},
    {"events", SCHEMA_ENTITY, NULL, NULL, NULL, NULL},
    {"event_revisions", SCHEMA_CHILD, "events", "revisions", "event", NULL},
    {NULL, SCHEMA_ENTITY, NULL, NULL, NULL, NULL},
};

const struct schema_table *schema_table_find(const char *name)
{
    for (const struct schema_table *t = schema_tables; t->name; t++) {
        if (strcmp(t->name, name) == 0)
            return t;
    }
    return NULL;
}

/* ---- layout: a table's columns grouped into JSON fields ---------------- */

int schema_layout_column(const struct schema_layout *layout, const char *name)
{
    for (int i = 0; i < layout->column_count; i++) {
        if (strcmp(layout->columns[i], name) == 0)
            return i;
    }
    return -1;
}

/* The column <prefix><suffix>, or -1. */
static int layout_sibling(const struct schema_layout *layout, const char *prefix,
                          size_t prefix_len, const char *suffix)
{
    char name[SCHEMA_NAME_MAX * 2];
    int n = snprintf(name, sizeof(name), "%.*s%s", (int)prefix_len, prefix, suffix);
    if (n < 0 || (size_t)n >= sizeof(name))
        return -1;
    return schema_layout_column(layout, name);
}

static bool ends_with(const char *s, const char *suffix, size_t *stem_len)
{
    size_t n = strlen(s), m = strlen(suffix);
    if (n <= m || strcmp(s + n - m, suffix) != 0)
        return false;
    *stem_len = n - m;
    return true;
}

static int sqlite_type_of(const char *declared)
{
    if (strcmp(declared, "INTEGER") == 0 || strcmp(declared, "INT") == 0)
        return SQLITE_INTEGER;
    if (strcmp(declared, "REAL") == 0)
        return SQLITE_FLOAT;
    return SQLITE_TEXT;
}

static enum fr_status field_add(struct schema_layout *layout, const char *name, size_t name_len,
                                enum schema_field_kind kind, int type)
{
    if (layout->field_count >= SCHEMA_MAX_COLUMNS || name_len >= SCHEMA_NAME_MAX)
        return FR_ESCHEMA;
    struct schema_field *f = &layout->fields[layout->field_count++];
    memcpy(f->name, name, name_len);
    f->name[name_len] = '\0';
    f->kind = kind;
    f->type = type;
    f->column_count = 0;
    return FR_OK;
}

/* Groups the columns by the naming conventions of migrations.c. */
static enum fr_status layout_group(struct schema_layout *layout)
{
    for (int i = 0; i < layout->column_count; i++) {
        const char *col = layout->columns[i];
        size_t stem;
        enum fr_status st = FR_OK;
        struct schema_field *f;

        if (ends_with(col, "_value", &stem) &&
            layout_sibling(layout, col, stem, "_precision") >= 0) {
            st = field_add(layout, col, stem, SCHEMA_FIELD_DATE, SQLITE_TEXT);
            if (st != FR_OK)
                return st;
            f = &layout->fields[layout->field_count - 1];
            f->columns[0] = i;
            f->columns[1] = layout_sibling(layout, col, stem, "_precision");
            f->columns[2] = layout_sibling(layout, col, stem, "_qualifier");
            f->column_count = f->columns[2] >= 0 ? 3 : 2;
        } else if ((ends_with(col, "_precision", &stem) ||
                    ends_with(col, "_qualifier", &stem)) &&
                   layout_sibling(layout, col, stem, "_value") >= 0) {
            continue; /* part of a date */
        } else if (ends_with(col, "_minor", &stem) &&
                   layout_sibling(layout, col, stem, "_currency") >= 0) {
            st = field_add(layout, col, stem, SCHEMA_FIELD_MONEY, SQLITE_INTEGER);
            if (st != FR_OK)
                return st;
            f = &layout->fields[layout->field_count - 1];
            f->columns[0] = i;
            f->columns[1] = layout_sibling(layout, col, stem, "_currency");
            f->columns[2] = layout_sibling(layout, col, stem, "_approximate");
            f->column_count = f->columns[2] >= 0 ? 3 : 2;
        } else if ((ends_with(col, "_currency", &stem) ||
                    ends_with(col, "_approximate", &stem)) &&
                   layout_sibling(layout, col, stem, "_minor") >= 0) {
            continue; /* part of money */
        } else {
            bool is_bool = strncmp(col, "is_", 3) == 0;
            st = field_add(layout, col, strlen(col), is_bool ? SCHEMA_FIELD_BOOL : SCHEMA_FIELD_PLAIN,
                           is_bool ? SQLITE_INTEGER : layout->types[i]);
            if (st != FR_OK)
                return st;
            f = &layout->fields[layout->field_count - 1];
            f->columns[0] = i;
            f->column_count = 1;
        }
    }
    return FR_OK;
}

/* Copies text into a layout name slot; false when it does not fit. */
static bool name_copy(char out[SCHEMA_NAME_MAX], const unsigned char *text)
{
    if (!text || strlen((const char *)text) >= SCHEMA_NAME_MAX)
        return false;
    strcpy(out, (const char *)text);
    return true;
}

/* A failed read of the database's description of a table: FR_EDB. */
static enum fr_status read_failed(sqlite3 *db, const char *what, const char *table, char *error,
                                  size_t error_size)
{
    snprintf(error, error_size, "reading the %s of %s: %s", what, table, sqlite3_errmsg(db));
    return FR_EDB;
}

/* Reads which columns are foreign keys and what they refer to, so that writes
 * can check each reference by name before SQLite's deferred check (which
 * only says that some reference failed) would refuse the COMMIT. */
static enum fr_status layout_foreign_keys(sqlite3 *db, const char *table,
                                          struct schema_layout *layout, char *error,
                                          size_t error_size)
{
    sqlite3_stmt *stmt = NULL;
    enum fr_status status = FR_OK;
    char sql[160];
    int rc;

    snprintf(sql, sizeof(sql),
             "SELECT \"from\", \"table\", \"to\" FROM pragma_foreign_key_list('%s')", table);
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        status = read_failed(db, "foreign keys", table, error, error_size);
        goto out;
    }
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        int column = schema_layout_column(layout, (const char *)sqlite3_column_text(stmt, 0));
        if (column < 0 || !name_copy(layout->ref_tables[column], sqlite3_column_text(stmt, 1)) ||
            !name_copy(layout->ref_columns[column], sqlite3_column_text(stmt, 2))) {
            snprintf(error, error_size, "table %s has a foreign key this build cannot follow",
                     table);
            status = FR_ESCHEMA;
            goto out;
        }
    }
    if (rc != SQLITE_DONE)
        status = read_failed(db, "foreign keys", table, error, error_size);
out:
    sqlite3_finalize(stmt);
    return status;
}

/* ---- checks: CHECK constraints read from the CREATE TABLE text ---------- */

/* The migrations write their CHECKs in a few forms (see migrations.c:
 * ID_CHECK, DATE_COLS, MONEY_COLS, enum lists, bounds). Reading them from the
 * database rather than listing them here keeps one source of truth: a new
 * migration's CHECK is judged, and described, without a change to this file,
 * as long as it uses these forms. */

enum token_kind { TOKEN_END, TOKEN_WORD, TOKEN_NUMBER, TOKEN_STRING, TOKEN_PUNCT, TOKEN_BAD };

struct token {
    enum token_kind kind;
    const char *start; /* WORD, PUNCT: the text; NUMBER: the digits; STRING: with its quotes */
    size_t len;
};

struct check_parser {
    const char *p, *end; /* the expression not yet read */
    struct token tok;    /* the current token */
    const struct schema_layout *layout;
    struct schema_check *check;
};

static bool is_word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* The end of the SQL string literal that starts at s ('...', '' inside for
 * a quote), or NULL when it is not closed before end. */
static const char *string_end(const char *s, const char *end)
{
    for (const char *q = s + 1; q < end; q++) {
        if (*q != '\'')
            continue;
        if (q + 1 < end && q[1] == '\'')
            q++;
        else
            return q + 1;
    }
    return NULL;
}

/* Reads the next token. Numbers are unsigned decimals, with a '-' in front
 * when it directly precedes a digit; quoted identifiers and any other
 * syntax are TOKEN_BAD, which no form accepts. */
static void next_token(struct check_parser *cp)
{
    while (cp->p < cp->end && is_space(*cp->p))
        cp->p++;
    struct token t = {TOKEN_END, cp->p, 0};
    const char *s = cp->p, *q = s;
    if (s >= cp->end) {
        cp->tok = t;
        return;
    }
    if (is_word_char(*s) && !is_digit(*s)) {
        while (q < cp->end && is_word_char(*q))
            q++;
        t.kind = TOKEN_WORD;
    } else if (is_digit(*s) || (*s == '-' && s + 1 < cp->end && is_digit(s[1]))) {
        q = s + 1;
        while (q < cp->end && (is_digit(*q) || *q == '.'))
            q++;
        t.kind = q < cp->end && is_word_char(*q) ? TOKEN_BAD : TOKEN_NUMBER;
    } else if (*s == '\'') {
        q = string_end(s, cp->end);
        t.kind = q ? TOKEN_STRING : TOKEN_BAD;
        if (!q)
            q = cp->end;
    } else {
        static const char *const two[] = {">=", "<=", "==", "<>", "!=", NULL};
        q = s + 1;
        for (const char *const *op = two; *op; op++) {
            if (s + 1 < cp->end && s[0] == (*op)[0] && s[1] == (*op)[1])
                q = s + 2;
        }
        t.kind = strchr("()=<>,", *s) ? TOKEN_PUNCT : TOKEN_BAD;
    }
    t.len = (size_t)(q - s);
    cp->p = q;
    cp->tok = t;
}

static bool token_is(const struct token *t, enum token_kind kind, const char *text)
{
    return t->kind == kind && strlen(text) == t->len &&
           (kind == TOKEN_WORD ? strncasecmp(t->start, text, t->len) == 0
                               : strncmp(t->start, text, t->len) == 0);
}

/* Consumes the current token if it is that word or punctuation. */
static bool accept(struct check_parser *cp, enum token_kind kind, const char *text)
{
    if (!token_is(&cp->tok, kind, text))
        return false;
    next_token(cp);
    return true;
}

/* A column of the table; every term of a check must name the same one. */
static bool parse_column(struct check_parser *cp)
{
    char name[SCHEMA_NAME_MAX];
    if (cp->tok.kind != TOKEN_WORD || cp->tok.len >= sizeof(name))
        return false;
    memcpy(name, cp->tok.start, cp->tok.len);
    name[cp->tok.len] = '\0';
    int column = schema_layout_column(cp->layout, name);
    if (column < 0 || (cp->check->column >= 0 && cp->check->column != column))
        return false;
    cp->check->column = column;
    next_token(cp);
    return true;
}

static bool parse_number(struct check_parser *cp, double *out)
{
    char digits[64];
    if (cp->tok.kind != TOKEN_NUMBER || cp->tok.len >= sizeof(digits))
        return false;
    memcpy(digits, cp->tok.start, cp->tok.len);
    digits[cp->tok.len] = '\0';
    char *end = NULL;
    *out = strtod(digits, &end);
    if (*end != '\0')
        return false; /* "1.2.3" */
    next_token(cp);
    return true;
}

/* "<op> number" or "BETWEEN number AND number". */
static bool parse_bound(struct check_parser *cp, struct schema_term *term)
{
    static const struct {
        const char *text;
        enum schema_term_op op;
    } ops[] = {{"=", SCHEMA_OP_EQ}, {"==", SCHEMA_OP_EQ}, {">", SCHEMA_OP_GT},
               {">=", SCHEMA_OP_GE}, {"<", SCHEMA_OP_LT}, {"<=", SCHEMA_OP_LE}};
    if (accept(cp, TOKEN_WORD, "BETWEEN")) {
        term->op = SCHEMA_OP_BETWEEN;
        return parse_number(cp, &term->low) && accept(cp, TOKEN_WORD, "AND") &&
               parse_number(cp, &term->high);
    }
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        if (accept(cp, TOKEN_PUNCT, ops[i].text)) {
            term->op = ops[i].op;
            return parse_number(cp, &term->low);
        }
    }
    return false;
}

/* Appends the token's value to the check's text, NUL-ended: a string
 * literal without its quotes and with '' read as ', a number as written. */
static bool text_append(struct schema_check *check, const struct token *t, size_t *offset)
{
    const char *s = t->start, *end = t->start + t->len;
    if (t->kind == TOKEN_STRING) {
        s++;
        end--;
    }
    *offset = check->text_len;
    for (; s < end; s++) {
        if (check->text_len + 2 > sizeof(check->text))
            return false;
        check->text[check->text_len++] = *s;
        if (t->kind == TOKEN_STRING && *s == '\'')
            s++; /* the second quote of '' */
    }
    check->text[check->text_len++] = '\0';
    return true;
}

/* "(value, ...)" after IN: strings or numbers, not both. */
static bool parse_list(struct check_parser *cp, struct schema_term *term)
{
    if (!accept(cp, TOKEN_PUNCT, "("))
        return false;
    do {
        size_t offset;
        bool numeric = cp->tok.kind == TOKEN_NUMBER;
        if ((cp->tok.kind != TOKEN_STRING && !numeric) ||
            (term->count > 0 && numeric != term->numeric) ||
            !text_append(cp->check, &cp->tok, &offset))
            return false;
        if (term->count++ == 0)
            term->text = offset;
        term->numeric = numeric;
        next_token(cp);
    } while (accept(cp, TOKEN_PUNCT, ","));
    return accept(cp, TOKEN_PUNCT, ")");
}

/* A bracket expression's characters this file can put in words: printable
 * ASCII, no brackets, escapes or negation inside. */
static bool plain_set(const char *set, size_t len)
{
    if (len == 0 || set[0] == '^')
        return false;
    for (size_t i = 0; i < len; i++) {
        if (set[i] < ' ' || set[i] > '~' || strchr("[]\\*?", set[i]))
            return false;
    }
    return true;
}

/* The pattern after [NOT] GLOB, in the two forms that say which characters
 * a value is made of and starts with. */
static bool parse_glob(struct check_parser *cp, struct schema_term *term, bool negated)
{
    if (cp->tok.kind != TOKEN_STRING || !text_append(cp->check, &cp->tok, &term->text))
        return false;
    next_token(cp);
    const char *pattern = cp->check->text + term->text;
    size_t len = strlen(pattern);
    if (negated && len > 5 && strncmp(pattern, "*[^", 3) == 0 &&
        strcmp(pattern + len - 2, "]*") == 0) {
        term->kind = SCHEMA_TERM_ONLY;
        term->set = term->text + 3;
        term->set_len = len - 5;
    } else if (!negated && len > 3 && pattern[0] == '[' && strcmp(pattern + len - 2, "]*") == 0) {
        term->kind = SCHEMA_TERM_FIRST;
        term->set = term->text + 1;
        term->set_len = len - 3;
    } else {
        return false;
    }
    return plain_set(cp->check->text + term->set, term->set_len);
}

static bool parse_term(struct check_parser *cp)
{
    struct schema_check *check = cp->check;
    if (check->term_count >= SCHEMA_CHECK_TERMS)
        return false;
    struct schema_term *term = &check->terms[check->term_count++];
    memset(term, 0, sizeof(*term));

    if (accept(cp, TOKEN_WORD, "length")) {
        term->kind = SCHEMA_TERM_LENGTH;
        return accept(cp, TOKEN_PUNCT, "(") && parse_column(cp) &&
               accept(cp, TOKEN_PUNCT, ")") && parse_bound(cp, term);
    }
    if (!parse_column(cp))
        return false;
    if (accept(cp, TOKEN_WORD, "IN")) {
        term->kind = SCHEMA_TERM_IN;
        return parse_list(cp, term);
    }
    if (accept(cp, TOKEN_WORD, "NOT"))
        return accept(cp, TOKEN_WORD, "GLOB") && parse_glob(cp, term, true);
    if (accept(cp, TOKEN_WORD, "GLOB"))
        return parse_glob(cp, term, false);
    term->kind = SCHEMA_TERM_COMPARE;
    return parse_bound(cp, term);
}

/* Reads the expression of one CHECK (the text between its parentheses)
 * into check; false when it is not a conjunction of known terms. */
static bool check_parse(const struct schema_layout *layout, const char *expr, size_t len,
                        struct schema_check *check)
{
    struct check_parser cp = {.p = expr, .end = expr + len, .layout = layout, .check = check};
    memset(check, 0, sizeof(*check));
    check->column = -1;
    next_token(&cp);
    do {
        if (!parse_term(&cp))
            return false;
    } while (accept(&cp, TOKEN_WORD, "AND"));
    return cp.tok.kind == TOKEN_END;
}

/* Finds each CHECK (...) of a CREATE TABLE statement and keeps those it can
 * read; string literals and quoted names are skipped, so that a "check"
 * inside one is not taken for the keyword. */
static void layout_checks(struct schema_layout *layout, const char *sql)
{
    const char *p = sql, *end = sql + strlen(sql);
    while (p < end) {
        if (*p == '\'' || *p == '"' || *p == '`' || *p == '[') {
            const char *close = *p == '\'' ? string_end(p, end)
                                           : strchr(p + 1, *p == '[' ? ']' : *p);
            p = close ? close + (*p == '\'' ? 0 : 1) : end;
            continue;
        }
        if (!is_word_char(*p)) {
            p++;
            continue;
        }
        const char *word = p;
        while (p < end && is_word_char(*p))
            p++;
        if (p - word != 5 || strncasecmp(word, "CHECK", 5) != 0)
            continue;
        while (p < end && is_space(*p))
            p++;
        if (p >= end || *p != '(')
            continue;
        /* The matching parenthesis, past nested ones and literals. */
        const char *open = p, *q = p;
        int depth = 0;
        for (; q < end; q++) {
            if (*q == '\'') {
                const char *close = string_end(q, end);
                q = close ? close - 1 : end - 1;
            } else if (*q == '(') {
                depth++;
            } else if (*q == ')' && --depth == 0) {
                break;
            }
        }
        if (q >= end)
            return;
        if (layout->check_count < SCHEMA_MAX_CHECKS &&
            check_parse(layout, open + 1, (size_t)(q - open - 1),
                        &layout->checks[layout->check_count]))
            layout->check_count++;
        p = q + 1;
    }
}

/* Reads the table's CREATE TABLE statement for its CHECKs. */
static enum fr_status layout_read_checks(sqlite3 *db, const char *table,
                                         struct schema_layout *layout, char *error,
                                         size_t error_size)
{
    sqlite3_stmt *stmt = NULL;
    enum fr_status status = FR_OK;
    static const char sql[] = "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?1";

    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK ||
        sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC) != SQLITE_OK) {
        status = read_failed(db, "definition", table, error, error_size);
        goto out;
    }
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW && sqlite3_column_text(stmt, 0))
        layout_checks(layout, (const char *)sqlite3_column_text(stmt, 0));
    else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        status = read_failed(db, "definition", table, error, error_size);
out:
    sqlite3_finalize(stmt);
    return status;
}

/* ---- checks: judging a value, and saying why it is refused -------------- */

/* SQLite's length() of text: characters, not bytes. */
static size_t utf8_length(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static bool compare(enum schema_term_op op, double x, double low, double high)
{
    switch (op) {
    case SCHEMA_OP_EQ:
        return x == low;
    case SCHEMA_OP_GT:
        return x > low;
    case SCHEMA_OP_GE:
        return x >= low;
    case SCHEMA_OP_LT:
        return x < low;
    case SCHEMA_OP_LE:
        return x <= low;
    default:
        return x >= low && x <= high;
    }
}

static bool is_number(const struct schema_value *v)
{
    return v->type == SQLITE_INTEGER || v->type == SQLITE_FLOAT;
}

static double number_of(const struct schema_value *v)
{
    return v->type == SQLITE_INTEGER ? (double)v->integer : v->real;
}

/* One term; a value of a type the term does not compare passes, for SQLite
 * to judge (its rules across types are its own). */
static bool term_allows(const struct schema_check *check, const struct schema_term *t,
                        const struct schema_value *v)
{
    const char *text = check->text + t->text;
    switch (t->kind) {
    case SCHEMA_TERM_IN:
        if (t->numeric != is_number(v) || (!t->numeric && v->type != SQLITE_TEXT))
            return true;
        for (int i = 0; i < t->count; i++, text += strlen(text) + 1) {
            if (t->numeric ? strtod(text, NULL) == number_of(v) : strcmp(text, v->text) == 0)
                return true;
        }
        return false;
    case SCHEMA_TERM_COMPARE:
        return !is_number(v) || compare(t->op, number_of(v), t->low, t->high);
    case SCHEMA_TERM_LENGTH:
        return v->type != SQLITE_TEXT ||
               compare(t->op, (double)utf8_length(v->text), t->low, t->high);
    case SCHEMA_TERM_ONLY:
        return v->type != SQLITE_TEXT || sqlite3_strglob(text, v->text) != 0;
    default: /* SCHEMA_TERM_FIRST */
        return v->type != SQLITE_TEXT || sqlite3_strglob(text, v->text) == 0;
    }
}

bool schema_check_allows(const struct schema_check *check, const struct schema_value *value)
{
    if (value->type == SQLITE_NULL)
        return true;
    for (int i = 0; i < check->term_count; i++) {
        if (!term_allows(check, &check->terms[i], value))
            return false;
    }
    return true;
}

/* A sentence built piece by piece into a fixed buffer; what does not fit
 * is cut (at a character boundary: the text goes into JSON). */
struct sentence {
    char *buf;
    size_t size, used;
};

__attribute__((format(printf, 2, 3)))
static void say(struct sentence *s, const char *fmt, ...)
{
    if (s->used + 1 >= s->size)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(s->buf + s->used, s->size - s->used, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < s->size - s->used) {
        s->used += (size_t)n;
        return;
    }
    /* Cut: drop an incomplete UTF-8 sequence at the end. */
    s->used = s->size - 1;
    size_t start = s->used;
    while (start > 0 && ((unsigned char)s->buf[start - 1] & 0xC0) == 0x80)
        start--;
    if (start > 0) {
        unsigned char lead = (unsigned char)s->buf[start - 1];
        size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        if (s->used - (start - 1) < need)
            s->used = start - 1;
    }
    s->buf[s->used] = '\0';
}

/* The separator before item i of n: ", " and, before the last, word. */
static void say_separator(struct sentence *s, int i, int n, const char *word)
{
    if (i > 0)
        say(s, "%s", i == n - 1 ? word : ", ");
}

/* The refused value, quoted if text, its first 60 bytes when long. */
static void say_value(struct sentence *s, const struct schema_value *v)
{
    enum { SHOWN = 60 };
    if (v->type == SQLITE_NULL || (v->type == SQLITE_TEXT && !v->text)) {
        say(s, "null");
    } else if (v->type == SQLITE_INTEGER) {
        say(s, "%lld", v->integer);
    } else if (v->type == SQLITE_FLOAT) {
        say(s, "%.15g", v->real);
    } else {
        size_t n = strlen(v->text);
        if (n <= SHOWN) {
            say(s, "'%s'", v->text);
            return;
        }
        n = SHOWN;
        while (n > 0 && ((unsigned char)v->text[n] & 0xC0) == 0x80)
            n--; /* not inside a character */
        say(s, "'%.*s...'", (int)n, v->text);
    }
}

/* The items of a bracket expression ("a-z0-9-"): ranges and characters. */
struct set_item {
    char first, last; /* equal for one character */
};

static int set_items(const struct schema_check *check, const struct schema_term *t,
                     struct set_item *items, int max)
{
    const char *set = check->text + t->set;
    int n = 0;
    for (size_t i = 0; i < t->set_len && n < max; n++) {
        if (i + 2 < t->set_len && set[i + 1] == '-') {
            items[n] = (struct set_item){set[i], set[i + 2]};
            i += 3;
        } else {
            items[n] = (struct set_item){set[i], set[i]};
            i++;
        }
    }
    return n;
}

/* "a-z, 0-9 and '-'": the characters a value may be made of. */
static void say_set(struct sentence *s, const struct schema_check *check,
                    const struct schema_term *t)
{
    struct set_item items[SCHEMA_CHECK_TEXT];
    int n = set_items(check, t, items, SCHEMA_CHECK_TEXT);
    for (int i = 0; i < n; i++) {
        say_separator(s, i, n, " and ");
        if (items[i].first == items[i].last)
            say(s, "'%c'", items[i].first);
        else
            say(s, "%c-%c", items[i].first, items[i].last);
    }
}

/* "a lower-case letter or a digit": what a value may start with. */
static void say_set_words(struct sentence *s, const struct schema_check *check,
                          const struct schema_term *t)
{
    struct set_item items[SCHEMA_CHECK_TEXT];
    int n = set_items(check, t, items, SCHEMA_CHECK_TEXT);
    for (int i = 0; i < n; i++) {
        struct set_item it = items[i];
        say_separator(s, i, n, " or ");
        if (it.first == 'a' && it.last == 'z')
            say(s, "a lower-case letter");
        else if (it.first == 'A' && it.last == 'Z')
            say(s, "a capital letter");
        else if (it.first == '0' && it.last == '9')
            say(s, "a digit");
        else if (it.first == it.last)
            say(s, "'%c'", it.first);
        else
            say(s, "a character from '%c' to '%c'", it.first, it.last);
    }
}

/* "greater than 0", "from 1 to 10": a bound on a number; for a length
 * ("1 to 64" characters), "> 0" reads "at least 1", lengths being whole.
 * Returns the last number said, for "character" or "characters". */
static double say_bound(struct sentence *s, const struct schema_term *t, bool length)
{
    static const char *const words[] = {
        [SCHEMA_OP_EQ] = "", [SCHEMA_OP_GT] = "greater than ", [SCHEMA_OP_GE] = "at least ",
        [SCHEMA_OP_LT] = "less than ", [SCHEMA_OP_LE] = "at most ", [SCHEMA_OP_BETWEEN] = "from ",
    };
    double low = t->low;
    enum schema_term_op op = t->op;
    bool whole = low == (double)(long long)low;
    if (length && whole && op == SCHEMA_OP_GT) {
        op = SCHEMA_OP_GE;
        low += 1;
    } else if (length && whole && op == SCHEMA_OP_LT) {
        op = SCHEMA_OP_LE;
        low -= 1;
    }
    say(s, "%s%.15g", length && op == SCHEMA_OP_BETWEEN ? "" : words[op], low);
    if (op != SCHEMA_OP_BETWEEN)
        return low;
    say(s, " to %.15g", t->high);
    return t->high;
}

/* "one of a, b and c" is said as "one of a, b, c": the list is the point. */
static void say_list(struct sentence *s, const struct schema_check *check,
                     const struct schema_term *t)
{
    const char *value = check->text + t->text;
    say(s, "one of ");
    for (int i = 0; i < t->count; i++, value += strlen(value) + 1)
        say(s, "%s%s", i ? ", " : "", value);
}

static const struct schema_term *term_of(const struct schema_check *check,
                                         enum schema_term_kind kind, int *from)
{
    for (int i = *from; i < check->term_count; i++) {
        if (check->terms[i].kind == kind) {
            *from = i + 1;
            return &check->terms[i];
        }
    }
    *from = check->term_count;
    return NULL;
}

/* The sentence is built from the kinds of terms, whichever order they come
 * in: an id's three terms read "must be 1 to 64 characters of a-z, 0-9 and
 * '-', starting with a lower-case letter or a digit". */
void schema_check_describe(const struct schema_check *check, const struct schema_value *value,
                           char *out, size_t size)
{
    struct sentence s = {out, size, 0};
    const struct schema_term *t;
    int at;

    if (size == 0)
        return;
    out[0] = '\0';
    if (check->term_count == 1 && check->terms[0].kind == SCHEMA_TERM_IN) {
        say_value(&s, value);
        say(&s, " is not allowed: expected ");
        say_list(&s, check, &check->terms[0]);
        return;
    }

    bool shape = false;
    say(&s, "must be");
    /* The shape of text: its length, its characters, its first one. */
    at = 0;
    int lengths = 0;
    while ((t = term_of(check, SCHEMA_TERM_LENGTH, &at)) != NULL) {
        say(&s, lengths++ ? " and " : " ");
        say(&s, say_bound(&s, t, true) == 1 ? " character" : " characters");
    }
    at = 0;
    for (int i = 0; (t = term_of(check, SCHEMA_TERM_ONLY, &at)) != NULL; i++) {
        say(&s, i ? " and " : lengths ? " of " : " made of ");
        say_set(&s, check, t);
        shape = true;
    }
    if (shape && !lengths)
        say(&s, " only");
    else if (lengths && !shape)
        say(&s, " long");
    shape = shape || lengths;
    at = 0;
    for (int i = 0; (t = term_of(check, SCHEMA_TERM_FIRST, &at)) != NULL; i++) {
        say(&s, i ? " and " : shape ? ", starting with " : " starting with ");
        say_set_words(&s, check, t);
        shape = true;
    }
    /* Bounds on a number and lists of values, joined by "and". */
    bool any = shape;
    for (int i = 0; i < check->term_count; i++) {
        t = &check->terms[i];
        if (t->kind != SCHEMA_TERM_COMPARE && t->kind != SCHEMA_TERM_IN)
            continue;
        say(&s, any ? " and " : " ");
        if (t->kind == SCHEMA_TERM_IN)
            say_list(&s, check, t);
        else
            say_bound(&s, t, false);
        any = true;
    }
}

/* Reads a table's columns from the database. The table name comes from the
 * compiled-in list above, never from input. */
enum fr_status schema_layout_load(sqlite3 *db, const char *table, struct schema_layout *layout,
                                  char *error, size_t error_size)
{
    sqlite3_stmt *stmt = NULL;
    enum fr_status status = FR_OK;
    char sql[256];

    memset(layout, 0, sizeof(*layout));
    layout->key_column = -1;
    /* The last two: whether the column is part of the primary key, and how
     * many columns the key has (a one-column key is a record's id). */
    int n = snprintf(sql, sizeof(sql),
                     "SELECT name, type, \"notnull\" AND dflt_value IS NULL AND NOT pk, "
                     "\"notnull\", pk, sum(pk > 0) OVER () "
                     "FROM pragma_table_info('%s') ORDER BY cid",
                     table);
    if (n < 0 || (size_t)n >= sizeof(sql)) {
        snprintf(error, error_size, "table name %s is too long", table);
        status = FR_ESCHEMA;
        goto out;
    }
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        status = read_failed(db, "columns", table, error, error_size);
        goto out;
    }
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *type = (const char *)sqlite3_column_text(stmt, 1);
        if (layout->column_count >= SCHEMA_MAX_COLUMNS ||
            !name_copy(layout->columns[layout->column_count], sqlite3_column_text(stmt, 0))) {
            snprintf(error, error_size, "table %s has too many or too long columns", table);
            status = FR_ESCHEMA;
            goto out;
        }
        layout->types[layout->column_count] = sqlite_type_of(type ? type : "");
        layout->required[layout->column_count] = sqlite3_column_int(stmt, 2) != 0;
        layout->not_null[layout->column_count] = sqlite3_column_int(stmt, 3) != 0;
        if (sqlite3_column_int(stmt, 4) > 0 && sqlite3_column_int(stmt, 5) == 1)
            layout->key_column = layout->column_count;
        layout->column_count++;
    }
    if (rc != SQLITE_DONE || layout->column_count == 0) {
        snprintf(error, error_size, "table %s is missing or unreadable: %s", table,
                 sqlite3_errmsg(db));
        status = FR_ESCHEMA;
        goto out;
    }
    if (layout_group(layout) != FR_OK) {
        snprintf(error, error_size, "table %s has too many columns", table);
        status = FR_ESCHEMA;
        goto out;
    }
    status = layout_foreign_keys(db, table, layout, error, error_size);
    if (status == FR_OK)
        status = layout_read_checks(db, table, layout, error, error_size);
out:
    sqlite3_finalize(stmt);
    return status;
}

const struct schema_field *schema_layout_field(const struct schema_layout *layout, const char *name)
{
    for (int i = 0; i < layout->field_count; i++) {
        if (strcmp(layout->fields[i].name, name) == 0)
            return &layout->fields[i];
    }
    return NULL;
}

const struct schema_field *schema_layout_field_of(const struct schema_layout *layout, int column)
{
    for (int i = 0; i < layout->field_count; i++) {
        const struct schema_field *f = &layout->fields[i];
        for (int c = 0; c < f->column_count; c++) {
            if (f->columns[c] == column)
                return f;
        }
    }
    return NULL;
}
