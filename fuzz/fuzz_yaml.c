/*
 * Fuzzes the YAML to JSON conversion (fr_yaml_to_json, libyaml underneath)
 * that turns the OpenAPI contract into the JSON the daemon serves. The
 * build runs it on the checked-in contract only, but it is a parser of
 * text all the same: whatever it is given, it converts to a JSON value that
 * serialises, or refuses with a sentence.
 */
#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>

#include "frontier/docs.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *json = NULL;
    char error[512] = "";

    if (fr_yaml_to_json((const char *)data, size, &json, error, sizeof error) == FR_OK) {
        FUZZ_CHECK(json != NULL, "converted to nothing");
        char *text = json_dumps(json, JSON_ENCODE_ANY | JSON_COMPACT);
        FUZZ_CHECK(text != NULL, "the converted value does not serialise");
        free(text);
        json_decref(json);
    } else {
        FUZZ_CHECK(error[0] != '\0', "refused without a reason");
        json_decref(json);
    }
    return 0;
}
