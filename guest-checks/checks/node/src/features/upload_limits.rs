//! File upload size limits: where the service configures multipart uploads
//! (multer, Nest's `FileInterceptor`/`MulterModule`, `@fastify/multipart`,
//! express-fileupload, formidable, busboy), and whether each place, or a
//! module-wide `MulterModule.register`, sets a file size limit
//! (`limits: { fileSize }`, formidable's `maxFileSize`, Nest's
//! `MaxFileSizeValidator`).

use super::Sink;
use crate::findings;
use crate::scan::{self, At, calls};
use gonogo_analysis::graph::Module;
use gonogo_check::{Finding, Severity, Value, json};

/// Upload libraries whose imported binding is called to configure uploads.
const LIBRARIES: &[&str] = &[
    "multer",
    "express-fileupload",
    "formidable",
    "busboy",
    "@fastify/multipart",
];

/// Nest's upload interceptors.
const NEST_INTERCEPTORS: &[&str] = &[
    "FileInterceptor",
    "FilesInterceptor",
    "FileFieldsInterceptor",
    "AnyFilesInterceptor",
];

/// Whether the tokens of `call`'s arguments set a file size limit.
fn limits_size(call: &scan::Call) -> bool {
    let tokens = call.tokens();
    call.args.iter().any(|range| {
        tokens[range.clone()].iter().any(|t| {
            t.is_ident("fileSize")
                || t.is_ident("maxFileSize")
                || t.is_ident("MaxFileSizeValidator")
        })
    })
}

/// Places that configure uploads, each with whether it limits file sizes.
fn upload_configurations(modules: &[Module]) -> Vec<(At, bool, &'static str)> {
    let mut found = Vec::new();
    for module in modules {
        let single = std::slice::from_ref(module);
        for library in LIBRARIES {
            for binding in scan::bindings_of(module, &[library]) {
                for call in calls(single, binding) {
                    found.push((call.at(), limits_size(&call), *library));
                }
                // `app.register(multipart, { limits: { fileSize } })`.
                for call in calls(single, "register").filter(|c| {
                    c.args
                        .first()
                        .is_some_and(|r| c.tokens()[r.clone()].iter().any(|t| t.is_ident(binding)))
                }) {
                    found.push((call.at(), limits_size(&call), *library));
                }
            }
        }
        for name in NEST_INTERCEPTORS {
            for call in calls(single, name) {
                found.push((call.at(), limits_size(&call), "@nestjs/platform-express"));
            }
        }
        // `@UploadedFile(new ParseFilePipe({ validators: [new MaxFileSizeValidator(…)] }))`.
        if module.may_mention("MaxFileSizeValidator") {
            for entry in found.iter_mut().filter(|(at, _, _)| at.path == module.path) {
                entry.1 = true;
            }
        }
    }
    found
}

/// Whether a `MulterModule.register({ limits: { fileSize } })` sets a
/// limit for every interceptor of the application.
fn module_wide_limit(modules: &[Module]) -> bool {
    calls(modules, "register")
        .chain(calls(modules, "registerAsync"))
        .any(|call| call.receiver() == Some("MulterModule") && limits_size(&call))
}

/// Upload configurations and their size limits.
pub fn upload_limits(modules: &[Module], sink: &mut Sink) -> Value {
    let mut found = upload_configurations(modules);
    if module_wide_limit(modules) {
        for entry in &mut found {
            entry.1 = true;
        }
    }
    let library = found.first().map(|(_, _, library)| *library);
    let unlimited: Vec<Value> = found
        .iter()
        .filter(|(_, limited, _)| !limited)
        .map(|(at, _, _)| json!({"path": at.path, "line": at.line}))
        .collect();
    for (at, _, _) in found.iter().filter(|(_, limited, _)| !limited) {
        sink.push(
            Finding::fail(
                findings::UPLOAD_UNLIMITED,
                Severity::Medium,
                "file uploads are accepted without a size limit",
            )
            .fix("set `limits: { fileSize: 10 * 1024 * 1024 }` (multer, @fastify/multipart), or a `MaxFileSizeValidator`"),
            Some(at),
        );
    }
    json!({"library": library, "places": found.len(), "unlimited": unlimited})
}
