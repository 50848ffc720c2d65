/*
 * The schema, as an ordered list of migrations. Migration i takes a database
 * from PRAGMA user_version i to i + 1; the store runs the missing ones in one
 * transaction. Never edit a migration that has shipped: append a new one.
 *
 * Naming conventions the generic importer and loader rely on (schema.c):
 *   <k>_value, <k>_precision, <k>_qualifier   a date with precision, JSON key <k>
 *   <k>_minor, <k>_currency, <k>_approximate  money in minor units, JSON key <k>
 *   is_<k>                                    a boolean
 * Every record's provenance lives in `citations`, keyed by table and id.
 */
#include "frontier/store.h"

#include <stddef.h>

#define ID_CHECK(col) \
    "CHECK (length(" col ") BETWEEN 1 AND 64 AND " col " NOT GLOB '*[^a-z0-9-]*' " \
    "AND " col " GLOB '[a-z0-9]*')"

#define DATE_COLS(k, null) \
    k "_value TEXT " null ", " \
    k "_precision TEXT " null " CHECK (" k "_precision IN " \
    "('year','quarter','month','week','day','minute')), " \
    k "_qualifier TEXT CHECK (" k "_qualifier IN " \
    "('early','mid','late','end','spring','summer','autumn','winter'," \
    "'before','after','about'))"

#define MONEY_COLS(k, null) \
    k "_minor INTEGER " null " CHECK (" k "_minor >= 0), " \
    k "_currency TEXT " null " CHECK (length(" k "_currency) = 3), " \
    k "_approximate INTEGER NOT NULL DEFAULT 0 CHECK (" k "_approximate IN (0, 1))"

#define FK(table) " REFERENCES " table "(id) DEFERRABLE INITIALLY DEFERRED"

#define STATUS_CHECK(col) \
    "CHECK (" col " IN ('done','planned','slipped','cancelled'))"

static const char *const migration_1[] = {
    "CREATE TABLE organizations ("
    "  id TEXT PRIMARY KEY " ID_CHECK("id") ","
    "  name TEXT NOT NULL,"
    "  name_zh TEXT,"
    "  kind TEXT NOT NULL CHECK (kind IN ('ai_lab','technology_company',"
    "    'bank','evaluator','media','chip_maker')),"
    "  country TEXT CHECK (length(country) = 2),"
    "  " DATE_COLS("founded", "") ","
    "  note TEXT"
    ") STRICT;",


    "CREATE TABLE people ("
    "  id TEXT PRIMARY KEY " ID_CHECK("id") ","
    "  name TEXT NOT NULL,"
    "  name_zh TEXT,"
    "  role TEXT NOT NULL,"
    "  organization TEXT" FK("organizations") ","
    "  note TEXT"
    ") STRICT;",


    "CREATE TABLE sources ("
    "  id TEXT PRIMARY KEY " ID_CHECK("id") ","
    "  kind TEXT NOT NULL CHECK (kind IN ('article','livestream','post',"
    "    'evaluation','statement','media_report','earnings_report')),"
    "  title TEXT NOT NULL,"
    "  title_zh TEXT,"
    "  publisher TEXT" FK("organizations") ","
    "  author TEXT" FK("people") ","
    "  reprinted_by TEXT" FK("organizations") ","
    "  platform TEXT,"
    "  language TEXT,"
    "  url TEXT,"
    "  " DATE_COLS("published", "") ","
    "  note TEXT"
    ") STRICT;",


    "CREATE TABLE models ("
    "  id TEXT PRIMARY KEY " ID_CHECK("id") ","
    "  name TEXT NOT NULL,"
    "  organization TEXT NOT NULL" FK("organizations") ","
    "  family TEXT,"
    "  kind TEXT NOT NULL CHECK (kind IN ('language_model','coding_model',"
    "    'multi_agent','video_generation')),"
    "  status TEXT NOT NULL CHECK (status IN ('released','announced',"
    "    'planned','cancelled')),"
    "  " DATE_COLS("released", "") ","
    "  successor TEXT" FK("models") ","
    "  note TEXT"
    ") STRICT;",


    "CREATE TABLE model_claims ("
    "  id TEXT PRIMARY KEY " ID_CHECK("id") ","
    "  model TEXT NOT NULL" FK("models") ","
    "  kind TEXT NOT NULL CHECK (kind IN ('compute_multiple','statement')),"
    "  metric TEXT,"
    "  comparator TEXT CHECK (comparator IN ('eq','gt','ge','lt','le','about')),"
    "  value REAL,"
    "  unit TEXT,"
    "  relative_to TEXT" FK("models") ","
    "  relative_to_text TEXT,"
    "  stated_by TEXT" FK("organizations") ","
    "  statement TEXT NOT NULL,"
    "  note TEXT"
    ") STRICT;",


    "CREATE TABLE model_plans ("
    "  id TEXT PRIMARY KEY " ID_CHECK("id") ","
    "  model TEXT NOT NULL" FK("models") ","
    "  name TEXT NOT NULL,"
    "  " MONEY_COLS("price", "NOT NULL") ","
    "  period TEXT CHECK (period IN ('month','year')),"
    "  is_free INTEGER NOT NULL CHECK (is_free IN (0, 1)),"
    "  note TEXT"
    ") STRICT;",


    "CREATE TABLE benchmarks ("
    "  id TEXT PRIMARY KEY " ID_CHECK("id") ","
    "  name TEXT NOT NULL,"
    "  name_zh TEXT,"
    "  abbreviation TEXT,"
    "  kind TEXT NOT NULL CHECK (kind IN ('exam','competition','index')),"
    "  owner TEXT" FK("organizations") ","
    "  unit TEXT NOT NULL CHECK (unit IN ('percent','points')),"
    "  is_higher_better INTEGER NOT NULL CHECK (is_higher_better IN (0, 1)),"
    "  question_count INTEGER CHECK (question_count > 0),"
    "  subject_count_min INTEGER CHECK (subject_count_min > 0),"
    "  description TEXT,"
    "  note TEXT"
    ") STRICT;",


    "CREATE TABLE results ("
    "  id TEXT PRIMARY KEY " ID_CHECK("id") ","
    "  model TEXT NOT NULL" FK("models") ","
    "  benchmark TEXT NOT NULL" FK("benchmarks") ","
    "  score REAL NOT NULL,"
    "  reported_as TEXT,"
    "  evaluator TEXT NOT NULL" FK("organizations") ","
    "  evaluator_relationship TEXT NOT NULL CHECK (evaluator_relationship"
    "    IN ('first_party','third_party')),"
    "  tools TEXT NOT NULL CHECK (tools IN ('none','enabled','unspecified')),"
    "  " DATE_COLS("known_since", "NOT NULL") ","
    "  source TEXT NOT NULL" FK("sources") ","
    "  note TEXT"
    ") STRICT;",

    "CREATE INDEX results_by_benchmark ON results(benchmark, evaluator, tools);",

    "CREATE INDEX results_by_model ON results(model);",


    "CREATE TABLE funding_rounds ("
    "  id TEXT PRIMARY KEY " ID_CHECK("id") ","
    "  organization TEXT NOT NULL" FK("organizations") ","
    "  name TEXT NOT NULL,"
    "  " DATE_COLS("announced", "NOT NULL") ","
    "  " MONEY_COLS("amount", "") ","
    "  status TEXT NOT NULL " STATUS_CHECK("status") ","
    "  announced_by TEXT" FK("organizations") ","
    "  note TEXT"
    ") STRICT;",


    "CREATE TABLE funding_tranches ("
    "  id TEXT PRIMARY KEY " ID_CHECK("id") ","
    "  round TEXT NOT NULL" FK("funding_rounds") ","
    "  kind TEXT NOT NULL CHECK (kind IN ('debt','equity')),"
    "  " MONEY_COLS("amount", "NOT NULL") ","
    "  note TEXT"
    ") STRICT;",


    "CREATE TABLE funding_totals ("
    "  id TEXT PRIMARY KEY " ID_CHECK("id") ","
    "  organization TEXT NOT NULL" FK("organizations") ","
    "  " DATE_COLS("since", "NOT NULL") ","
    "  " DATE_COLS("as_of", "NOT NULL") ","
    "  " MONEY_COLS("amount", "NOT NULL") ","
    "  " MONEY_COLS("equivalent", "") ","
    "  basis TEXT NOT NULL CHECK (basis IN ('publicly_disclosed','reported')),"
    "  note TEXT"
    ") STRICT;",


    "CREATE TABLE valuations ("
    "  id TEXT PRIMARY KEY " ID_CHECK("id") ","
    "  " DATE_COLS("date", "NOT NULL") ","
    "  " MONEY_COLS("amount", "NOT NULL") ","
    "  basis TEXT NOT NULL CHECK (basis IN ('reported','implied')),"
    "  context TEXT,"
    "  part_of TEXT" FK("valuations") ","
    "  note TEXT"
    ") STRICT;",


    "CREATE TABLE valuation_organizations ("
    "  valuation TEXT NOT NULL" FK("valuations") ","
    "  position INTEGER NOT NULL,"
    "  organization TEXT NOT NULL" FK("organizations") ","
    "  PRIMARY KEY (valuation, position)"
    ") STRICT;",


    "CREATE TABLE financials ("
    "  id TEXT PRIMARY KEY " ID_CHECK("id") ","
    "  metric TEXT NOT NULL CHECK (metric IN ('burn_rate','cash_on_hand',"
    "    'revenue','capital_expenditure','profitability',"
    "    'cash_flow_positive')),"
    "  kind TEXT NOT NULL CHECK (kind IN ('actual','forecast')),"
    "  " DATE_COLS("period", "NOT NULL") ","
    "  " MONEY_COLS("amount", "") ","
    "  per TEXT CHECK (per IN ('month','year')),"
    "  bound TEXT NOT NULL DEFAULT 'exact' CHECK (bound IN ('exact','up_to',"
    "    'at_least','about')),"
    "  forecaster TEXT" FK("organizations") ","
    "  forecaster_note TEXT,"
    "  source TEXT NOT NULL" FK("sources") ","
    "  note TEXT"
    ") STRICT;",


    "CREATE TABLE financial_organizations ("
    "  financial TEXT NOT NULL" FK("financials") ","
    "  position INTEGER NOT NULL,"
    "  organization TEXT NOT NULL" FK("organizations") ","
    "  PRIMARY KEY (financial, position)"
    ") STRICT;",


    "CREATE TABLE clusters ("
    "  id TEXT PRIMARY KEY " ID_CHECK("id") ","
    "  name TEXT NOT NULL,"
    "  name_zh TEXT,"
    "  operator TEXT NOT NULL" FK("organizations") ","
    "  location TEXT,"
    "  purpose TEXT,"
    "  note TEXT"
    ") STRICT;",


    "CREATE TABLE cluster_capacities ("
    "  id TEXT PRIMARY KEY " ID_CHECK("id") ","
    "  cluster TEXT NOT NULL" FK("clusters") ","
    "  " DATE_COLS("date", "") ","
    "  gpu_count INTEGER NOT NULL CHECK (gpu_count > 0),"
    "  gpu_model TEXT,"
    "  status TEXT NOT NULL " STATUS_CHECK("status") ","
    "  note TEXT"
    ") STRICT;",


    "CREATE TABLE events ("
    "  id TEXT PRIMARY KEY " ID_CHECK("id") ","
    "  " DATE_COLS("date", "NOT NULL") ","
    "  kind TEXT NOT NULL CHECK (kind IN ('founding','launch','release',"
    "    'announcement','funding','merger','infrastructure','evaluation',"
    "    'post')),"
    "  status TEXT NOT NULL " STATUS_CHECK("status") ","
    "  title TEXT NOT NULL,"
    "  organization TEXT" FK("organizations") ","
    "  model TEXT" FK("models") ","
    "  source TEXT NOT NULL" FK("sources") ","
    "  note TEXT"
    ") STRICT;",


    "CREATE TABLE event_revisions ("
    "  id TEXT PRIMARY KEY " ID_CHECK("id") ","
    "  event TEXT NOT NULL" FK("events") ","
    "  " DATE_COLS("announced", "NOT NULL") ","
    "  " DATE_COLS("promised", "") ","
    "  promised_text TEXT,"
    "  outcome TEXT NOT NULL CHECK (outcome IN ('promised','slipped',"
    "    'cancelled','kept')),"
    "  source TEXT NOT NULL" FK("sources") ","
    "  note TEXT"
    ") STRICT;",


    "CREATE TABLE citations ("
    "  record_table TEXT NOT NULL,"
    "  record_id TEXT NOT NULL,"
    "  position INTEGER NOT NULL,"
    "  source TEXT NOT NULL" FK("sources") ","
    "  quoted_in TEXT NOT NULL" FK("sources") ","
    "  quote TEXT NOT NULL CHECK (length(quote) > 0),"
    "  quote_en TEXT,"
    "  PRIMARY KEY (record_table, record_id, position)"
    ") STRICT;",
    NULL,
};

/* An index on every foreign-key column not already leading an index. The keys
 * are deferred, so each parent row written while a reference is unresolved
 * makes SQLite look for its children; without these, that look is a scan of
 * the child table, and a large import is quadratic. */
#define FK_INDEX(table, col) "CREATE INDEX " table "_by_" col " ON " table "(" col ");"

static const char *const migration_2[] = {
    FK_INDEX("benchmarks", "owner"),
    FK_INDEX("citations", "quoted_in"),
    FK_INDEX("citations", "source"),
    FK_INDEX("cluster_capacities", "cluster"),
    FK_INDEX("clusters", "operator"),
    FK_INDEX("event_revisions", "source"),
    FK_INDEX("event_revisions", "event"),
    FK_INDEX("events", "source"),
    FK_INDEX("events", "model"),
    FK_INDEX("events", "organization"),
    FK_INDEX("financial_organizations", "organization"),
    FK_INDEX("financials", "source"),
    FK_INDEX("financials", "forecaster"),
    FK_INDEX("funding_rounds", "announced_by"),
    FK_INDEX("funding_rounds", "organization"),
    FK_INDEX("funding_totals", "organization"),
    FK_INDEX("funding_tranches", "round"),
    FK_INDEX("model_claims", "stated_by"),
    FK_INDEX("model_claims", "relative_to"),
    FK_INDEX("model_claims", "model"),
    FK_INDEX("model_plans", "model"),
    FK_INDEX("models", "successor"),
    FK_INDEX("models", "organization"),
    FK_INDEX("people", "organization"),
    FK_INDEX("results", "source"),
    FK_INDEX("results", "evaluator"),
    FK_INDEX("sources", "reprinted_by"),
    FK_INDEX("sources", "author"),
    FK_INDEX("sources", "publisher"),
    FK_INDEX("valuation_organizations", "organization"),
    FK_INDEX("valuations", "part_of"),
    NULL,
};

/* Writes: every top-level record's revision, the change log, and the
 * Idempotency-Keys of recent creations. Times are RFC 3339 UTC with
 * milliseconds, as SQLite's strftime writes them (NOW), so that they sort
 * as text. Records already stored get a revision recorded now; the whole
 * INSERT is one statement, so they all get the same time. */
#define NOW "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
#define REVISION_OF(table) "SELECT '" table "' AS record_table, id AS record_id FROM " table

static const char *const migration_3[] = {
    "CREATE TABLE revisions ("
    "  record_table TEXT NOT NULL,"
    "  record_id TEXT NOT NULL,"
    "  version INTEGER NOT NULL CHECK (version >= 1),"
    "  recorded_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  PRIMARY KEY (record_table, record_id)"
    ") STRICT;",

    "INSERT INTO revisions (record_table, record_id, version, recorded_at, updated_at) "
    "SELECT record_table, record_id, 1, now, now FROM (SELECT " NOW " AS now), ("
    REVISION_OF("organizations") " UNION ALL " REVISION_OF("people") " UNION ALL "
    REVISION_OF("sources") " UNION ALL " REVISION_OF("models") " UNION ALL "
    REVISION_OF("benchmarks") " UNION ALL " REVISION_OF("results") " UNION ALL "
    REVISION_OF("funding_rounds") " UNION ALL " REVISION_OF("funding_totals") " UNION ALL "
    REVISION_OF("valuations") " UNION ALL " REVISION_OF("financials") " UNION ALL "
    REVISION_OF("clusters") " UNION ALL " REVISION_OF("events") ");",

    "CREATE TABLE changes ("
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  at TEXT NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  action TEXT NOT NULL CHECK (action IN ('create','update','delete')),"
    "  record_table TEXT NOT NULL,"
    "  record_id TEXT NOT NULL,"
    "  version INTEGER NOT NULL CHECK (version >= 1),"
    "  old TEXT CHECK (old IS NULL OR json_valid(old)),"
    "  new TEXT CHECK (new IS NULL OR json_valid(new)),"
    "  CHECK ((old IS NULL) = (action = 'create') AND (new IS NULL) = (action = 'delete'))"
    ") STRICT;",

    "CREATE TABLE idempotency_keys ("
    "  actor TEXT NOT NULL,"
    "  key TEXT NOT NULL,"
    "  request_digest TEXT NOT NULL,"
    "  record_table TEXT NOT NULL,"
    "  record_id TEXT NOT NULL,"
    "  change_seq INTEGER NOT NULL,"
    "  record TEXT NOT NULL CHECK (json_valid(record)),"
    "  created_at TEXT NOT NULL,"
    "  PRIMARY KEY (actor, key)"
    ") STRICT;",

    /* Writes delete the keys older than a day: found through this index, not
     * by reading every key. */
    "CREATE INDEX idempotency_keys_by_created_at ON idempotency_keys(created_at);",
    NULL,
};

static const char *const *const migrations[] = {
    migration_1,
    migration_2,
    migration_3,
};

size_t fr_store_migration_count(void)
{
    return sizeof(migrations) / sizeof(migrations[0]);
}

const char *const *fr_store_migration(size_t index)
{
    return index < fr_store_migration_count() ? migrations[index] : NULL;
}
