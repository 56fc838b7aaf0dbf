//! The routes a service defines, as `METHOD` and a path whose parameters
//! read `{}` (`GET /users/:id` → `/users/{}`), for rules that compare them
//! with an API reference. Express mounts (`app.use('/api', router)`) are
//! not followed: a route's path is its own, under its Nest controller.

use crate::scan::{self, Call};
use gonogo_analysis::graph::Module;
use gonogo_check::{Value, json};

/// Routes kept at most per service.
const MAX_ROUTES: usize = 300;

/// The service's routes: `method` (upper case) and `path`, each once.
pub fn routes(modules: &[Module], routes: &[Vec<(String, Call<'_>)>]) -> Value {
    let mut found: Vec<(String, String)> = Vec::new();
    for (module, calls) in modules.iter().zip(routes) {
        let prefix = scan::controller_prefix(module).unwrap_or_default();
        for (path, call) in calls {
            // A member call names a path from the root (`router.get('/x')`);
            // `c.get('requestId')` reads a context variable. Nest's
            // decorators name theirs without the slash (`@Get('me')`).
            let decorator = call.name_index > 0 && call.tokens()[call.name_index - 1].is_punct("@");
            if !decorator && !path.starts_with('/') {
                continue;
            }
            let method = call.tokens()[call.name_index]
                .text
                .to_ascii_uppercase()
                .to_string();
            if !matches!(method.as_str(), "GET" | "POST" | "PUT" | "PATCH" | "DELETE") {
                continue;
            }
            let route = (
                method,
                gonogo_analysis::route_path(&scan::join_route(&prefix, path)),
            );
            if !found.contains(&route) && found.len() < MAX_ROUTES {
                found.push(route);
            }
        }
    }
    json!(
        found
            .into_iter()
            .map(|(method, path)| json!({"method": method, "path": path}))
            .collect::<Vec<_>>()
    )
}
