// gonogo check `licence-header`, in C: the project says under which licence
// it is distributed, and every source file carries a matching SPDX header.
//
// It identifies the project's licence from its LICENSE (or LICENSE.md,
// LICENSE.txt, COPYING) text, or takes `with: { license: "<SPDX id>" }`,
// then reads the first lines (`with: { lines: N }`, default 5) of every
// source file the project tracks (JavaScript, TypeScript, C, Python, Go,
// Rust, Java, shell) through ordinary WASI reads under /project, and
// reports:
//
// - `licence-file-missing`: no licence file;
// - `licence-unrecognised`: a licence file whose text is not one of MIT,
//   Apache-2.0, GPL-2.0/3.0, AGPL-3.0, LGPL-3.0, BSD-2/3-Clause, ISC,
//   MPL-2.0 (say which with `license:`);
// - `header-missing`: a source file without `SPDX-License-Identifier:`
//   in its first lines (one finding per file, the first 50 named);
// - `header-mismatch`: a header naming another licence than the project's.
//
// Facts (`checks.licence_header.facts`): `licence` (SPDX id or null),
// `licence_file`, `files` (source files read), `with_header`, `missing`,
// `mismatched`.

#define _GNU_SOURCE // strcasestr
#include "check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_NAMED 50

static const char *SOURCE_EXTENSIONS[] = {".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx", ".c", ".h",
                                          ".py", ".go", ".rs", ".java", ".sh", NULL};
static const char *LICENCE_FILES[] = {"LICENSE", "LICENSE.md", "LICENSE.txt", "LICENCE", "LICENCE.md", "COPYING", NULL};

/// A licence told apart by phrases its text always contains.
struct known_licence {
  const char *spdx;
  const char *phrases[3];
};

static const struct known_licence KNOWN[] = {
    {"Apache-2.0", {"Apache License", "Version 2.0", NULL}},
    {"AGPL-3.0", {"GNU AFFERO GENERAL PUBLIC LICENSE", "Version 3", NULL}},
    {"LGPL-3.0", {"GNU LESSER GENERAL PUBLIC LICENSE", "Version 3", NULL}},
    {"GPL-3.0", {"GNU GENERAL PUBLIC LICENSE", "Version 3", NULL}},
    {"GPL-2.0", {"GNU GENERAL PUBLIC LICENSE", "Version 2", NULL}},
    {"MPL-2.0", {"Mozilla Public License", "2.0", NULL}},
    {"BSD-3-Clause", {"Redistribution and use in source and binary forms", "Neither the name", NULL}},
    {"BSD-2-Clause", {"Redistribution and use in source and binary forms", NULL, NULL}},
    {"ISC", {"Permission to use, copy, modify, and/or distribute this software", NULL, NULL}},
    {"MIT", {"Permission is hereby granted, free of charge", NULL, NULL}},
};

// ---- a growable string, for messages and the facts JSON ----

struct text {
  char *ptr;
  size_t len, cap;
};

static void text_append(struct text *t, const char *s, size_t n) {
  if (t->len + n + 1 > t->cap) {
    t->cap = (t->len + n + 1) * 2;
    t->ptr = realloc(t->ptr, t->cap);
  }
  memcpy(t->ptr + t->len, s, n);
  t->len += n;
  t->ptr[t->len] = 0;
}

static void text_printf(struct text *t, const char *format, ...) {
  char buffer[1024];
  va_list args;
  va_start(args, format);
  int n = vsnprintf(buffer, sizeof buffer, format, args);
  va_end(args);
  text_append(t, buffer, n < (int)sizeof buffer ? (size_t)n : sizeof buffer - 1);
}

static void text_json_string(struct text *t, const char *s) {
  text_append(t, "\"", 1);
  for (; s && *s; s++) {
    if (*s == '"' || *s == '\\') {
      text_append(t, "\\", 1);
      text_append(t, s, 1);
    } else if ((unsigned char)*s < 0x20) {
      text_printf(t, "\\u%04x", *s);
    } else {
      text_append(t, s, 1);
    }
  }
  text_append(t, "\"", 1);
}

// ---- findings ----

struct findings {
  gonogo_check_types_finding_t *ptr;
  size_t len, cap;
};

static void add_finding(struct findings *list, const char *id, uint8_t status, uint8_t severity, const char *message,
                        const char *path, int line, const char *remediation) {
  if (list->len == list->cap) {
    list->cap = list->cap ? list->cap * 2 : 8;
    list->ptr = realloc(list->ptr, list->cap * sizeof *list->ptr);
  }
  gonogo_check_types_finding_t *f = &list->ptr[list->len++];
  memset(f, 0, sizeof *f);
  check_string_dup(&f->id, id);
  f->status = status;
  f->severity = severity;
  check_string_dup(&f->message, message);
  if (path) {
    f->location.is_some = true;
    check_string_dup(&f->location.val.path, path);
    f->location.val.line.is_some = line > 0;
    f->location.val.line.val = (uint32_t)line;
  }
  if (remediation) {
    f->remediation.is_some = true;
    check_string_dup(&f->remediation.val, remediation);
  }
}

// ---- the project ----

static char *c_string(const check_string_t *s) {
  char *copy = malloc(s->len + 1);
  memcpy(copy, s->ptr, s->len);
  copy[s->len] = 0;
  return copy;
}

static int ends_with(const char *s, const char *suffix) {
  size_t a = strlen(s), b = strlen(suffix);
  return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int is_source(const char *path) {
  if (strstr(path, "node_modules/") || strstr(path, "vendor/") || ends_with(path, ".min.js") || ends_with(path, ".d.ts"))
    return 0;
  for (const char **ext = SOURCE_EXTENSIONS; *ext; ext++)
    if (ends_with(path, *ext)) return 1;
  return 0;
}

/// Reads up to `limit` bytes of /project/<path>; NULL if unreadable.
static char *read_head(const char *path, size_t limit) {
  char full[4096];
  snprintf(full, sizeof full, "/project/%s", path);
  FILE *file = fopen(full, "rb");
  if (!file) return NULL;
  char *buffer = malloc(limit + 1);
  size_t n = fread(buffer, 1, limit, file);
  fclose(file);
  buffer[n] = 0;
  return buffer;
}

static const char *identify(const char *text) {
  for (size_t i = 0; i < sizeof KNOWN / sizeof KNOWN[0]; i++) {
    int all = 1;
    for (int k = 0; k < 3 && KNOWN[i].phrases[k]; k++)
      if (!strcasestr(text, KNOWN[i].phrases[k])) all = 0;
    if (all) return KNOWN[i].spdx;
  }
  return NULL;
}

/// The SPDX id in the first `lines` lines of `head` (copied), its line, or NULL.
static char *spdx_header(const char *head, int lines, int *line) {
  const char *marker = "SPDX-License-Identifier:";
  int number = 1;
  for (const char *p = head; *p && number <= lines; number++) {
    const char *end = strchr(p, '\n');
    size_t length = end ? (size_t)(end - p) : strlen(p);
    const char *hit = strstr(p, marker);
    if (hit && hit < p + length) {
      const char *id = hit + strlen(marker);
      while (*id == ' ') id++;
      size_t n = 0;
      while (id + n < p + length && id[n] != ' ' && id[n] != '*' && id[n] != '\r' && id[n] != '\t') n++;
      char *copy = malloc(n + 1);
      memcpy(copy, id, n);
      copy[n] = 0;
      *line = number;
      return copy;
    }
    if (!end) break;
    p = end + 1;
  }
  return NULL;
}

/// `"key": <number>` or `"key": "<string>"` of the flat `with:` object.
static int config_number(const char *config, const char *key, int fallback) {
  char pattern[64];
  snprintf(pattern, sizeof pattern, "\"%s\":", key);
  const char *at = strstr(config, pattern);
  return at ? atoi(at + strlen(pattern)) : fallback;
}

static char *config_string(const char *config, const char *key) {
  char pattern[64];
  snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
  const char *at = strstr(config, pattern);
  if (!at) return NULL;
  at += strlen(pattern);
  const char *end = strchr(at, '"');
  if (!end) return NULL;
  char *copy = malloc(end - at + 1);
  memcpy(copy, at, end - at);
  copy[end - at] = 0;
  return copy;
}

void exports_check_describe(check_check_info_t *ret) {
  check_string_dup(&ret->id, "licence-header");
  check_string_dup(&ret->name, "Licence and SPDX headers");
  check_string_dup(&ret->version, "0.1.0");
  check_string_dup(&ret->description,
                   "The project has a licence file, and every source file carries an SPDX-License-Identifier header "
                   "that matches it.");
}

bool exports_check_run(check_string_t *config_wit, check_outcome_t *ret, check_string_t *err) {
  (void)err;
  char *config = c_string(config_wit);
  int lines = config_number(config, "lines", 5);
  char *configured = config_string(config, "license");
  struct findings findings = {0};
  char message[1024];

  const char *licence = configured;
  const char *licence_file = NULL;
  char *licence_text = NULL;
  for (const char **name = LICENCE_FILES; *name && !licence_file; name++) {
    licence_text = read_head(*name, 64 * 1024);
    if (licence_text) licence_file = *name;
  }
  if (!licence_file) {
    add_finding(&findings, "licence-file-missing", GONOGO_CHECK_TYPES_STATUS_FAIL, GONOGO_CHECK_TYPES_SEVERITY_MEDIUM,
                "The project has no LICENSE file", NULL, 0, "Add the licence text as LICENSE at the root");
  } else if (!licence) {
    licence = identify(licence_text);
    if (!licence) {
      snprintf(message, sizeof message, "%s is not a licence this check recognises", licence_file);
      add_finding(&findings, "licence-unrecognised", GONOGO_CHECK_TYPES_STATUS_WARN, GONOGO_CHECK_TYPES_SEVERITY_LOW,
                  message, licence_file, 0, "Name it with `with: { license: \"<SPDX id>\" }`");
    }
  }

  gonogo_check_workspace_list_file_entry_t files;
  gonogo_check_workspace_files(&files);
  int sources = 0, with_header = 0, missing = 0, mismatched = 0;
  for (size_t i = 0; i < files.len; i++) {
    char *path = c_string(&files.ptr[i].path);
    if (!is_source(path)) {
      free(path);
      continue;
    }
    char *head = read_head(path, 4096);
    if (!head) {
      free(path);
      continue;
    }
    sources++;
    int line = 0;
    char *id = spdx_header(head, lines, &line);
    if (!id) {
      if (++missing <= MAX_NAMED) {
        snprintf(message, sizeof message, "%s has no SPDX-License-Identifier in its first %d lines", path, lines);
        add_finding(&findings, "header-missing", GONOGO_CHECK_TYPES_STATUS_FAIL, GONOGO_CHECK_TYPES_SEVERITY_LOW,
                    message, path, 0, "Start the file with a comment `SPDX-License-Identifier: <licence>`");
      }
    } else {
      with_header++;
      if (licence && strcmp(id, licence) != 0) {
        mismatched++;
        snprintf(message, sizeof message, "%s declares %s, the project is %s", path, id, licence);
        add_finding(&findings, "header-mismatch", GONOGO_CHECK_TYPES_STATUS_FAIL, GONOGO_CHECK_TYPES_SEVERITY_MEDIUM,
                    message, path, line, "Correct the header, or the project's licence");
      }
      free(id);
    }
    free(head);
    free(path);
  }
  gonogo_check_workspace_list_file_entry_free(&files);
  if (missing > MAX_NAMED) {
    snprintf(message, sizeof message, "%d more source files have no SPDX header", missing - MAX_NAMED);
    add_finding(&findings, "header-missing", GONOGO_CHECK_TYPES_STATUS_FAIL, GONOGO_CHECK_TYPES_SEVERITY_LOW, message,
                NULL, 0, NULL);
  }
  if (findings.len == 0) {
    snprintf(message, sizeof message, "%s: %d source files carry its SPDX header", licence, sources);
    add_finding(&findings, "headers", GONOGO_CHECK_TYPES_STATUS_PASS, GONOGO_CHECK_TYPES_SEVERITY_INFO, message,
                licence_file, 0, NULL);
  }

  struct text facts = {0};
  text_append(&facts, "{\"licence\":", 11);
  if (licence) text_json_string(&facts, licence); else text_append(&facts, "null", 4);
  text_append(&facts, ",\"licence_file\":", 16);
  if (licence_file) text_json_string(&facts, licence_file); else text_append(&facts, "null", 4);
  text_printf(&facts, ",\"files\":%d,\"with_header\":%d,\"missing\":%d,\"mismatched\":%d}", sources, with_header,
              missing, mismatched);

  ret->findings.ptr = findings.ptr;
  ret->findings.len = findings.len;
  ret->facts.ptr = (uint8_t *)facts.ptr;
  ret->facts.len = facts.len;
  free(licence_text);
  free(configured);
  free(config);
  return true;
}
