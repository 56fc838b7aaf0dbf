// The gonogo check `{{name}}`: reads README.md from the project and reports
// whether it is there and how long it is.
//
// wit-bindgen generates check.h from wit/ (build.sh). Strings handed to the
// host must be heap-allocated (check_string_dup): the bindings free them
// after the call.

#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void exports_check_describe(check_check_info_t *ret) {
  check_string_dup(&ret->id, "{{name}}");
  check_string_dup(&ret->name, "{{name}}");
  check_string_dup(&ret->version, "0.1.0");
  check_string_dup(&ret->description, "Whether the project has a README, and how long it is.");
}

// Returns false with `err` set when the check cannot run at all.
bool exports_check_run(check_string_t *config, check_outcome_t *ret, check_string_t *err) {
  (void)config; // the pack's `with:` as JSON
  (void)err;
  // The project is mounted read-only at /project.
  FILE *file = fopen("/project/README.md", "r");
  int lines = 0;
  if (file) {
    int c, last = '\n';
    while ((c = fgetc(file)) != EOF) {
      if (c == '\n') lines++;
      last = c;
    }
    if (last != '\n') lines++;
    fclose(file);
  }
  gonogo_check_types_finding_t *finding = calloc(1, sizeof *finding);
  if (file) {
    check_string_dup(&finding->id, "readme");
    finding->status = GONOGO_CHECK_TYPES_STATUS_PASS;
    finding->severity = GONOGO_CHECK_TYPES_SEVERITY_INFO;
    check_string_dup(&finding->message, "README.md is present");
    finding->location.is_some = true;
    check_string_dup(&finding->location.val.path, "README.md");
  } else {
    check_string_dup(&finding->id, "readme-missing");
    finding->status = GONOGO_CHECK_TYPES_STATUS_FAIL;
    finding->severity = GONOGO_CHECK_TYPES_SEVERITY_LOW;
    check_string_dup(&finding->message, "The project has no README.md");
    finding->remediation.is_some = true;
    check_string_dup(&finding->remediation.val, "Add a README.md that says how to run the service");
  }
  ret->findings.ptr = finding;
  ret->findings.len = 1;
  char facts[128];
  snprintf(facts, sizeof facts, "{\"readme\": {\"present\": %s, \"lines\": %d}}", file ? "true" : "false", lines);
  check_string_dup(&ret->facts, facts);
  return true;
}
