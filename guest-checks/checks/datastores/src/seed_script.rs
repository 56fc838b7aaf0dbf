//! The tables a Prisma seed script fills, so that the live database can be
//! asked whether the seed ran: the script `package.json` names
//! (`"prisma": {"seed": "tsx prisma/seed.ts"}`), else `prisma/seed.{ts,js}`,
//! with the files of a `seed`/`seeds` folder beside it, read for the models
//! it creates or upserts (`prisma.industry.createMany(…)`), each mapped to
//! its table through the schema (`@@map("industries")`).

use gonogo_check::workspace;
use std::collections::BTreeMap;

/// Client calls that write seed rows.
const WRITES: &[&str] = &["create", "createMany", "createManyAndReturn", "upsert"];
/// Tables asked about at most (the host's own bound on `row-counts`).
const MAX_TABLES: usize = 50;

/// The seed script's path, from `package.json`'s `prisma.seed` command or
/// the usual file names.
fn script() -> Option<String> {
    let files = workspace::files();
    let exists = |path: &str| files.iter().any(|f| f.path == path);
    let from_manifest = workspace::read_text("package.json")
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|manifest| manifest["prisma"]["seed"].as_str().map(str::to_owned))
        .and_then(|command| {
            command
                .split_whitespace()
                .map(|word| word.trim_start_matches("./"))
                .find(|word| {
                    [".ts", ".js", ".mjs", ".cjs", ".mts"]
                        .iter()
                        .any(|e| word.ends_with(e))
                        && exists(word)
                })
                .map(str::to_owned)
        });
    from_manifest.or_else(|| {
        [
            "prisma/seed.ts",
            "prisma/seed.js",
            "prisma/seed.mjs",
            "prisma/seed/index.ts",
        ]
        .into_iter()
        .find(|p| exists(p))
        .map(str::to_owned)
    })
}

/// Model name → table name, from every Prisma schema of the project.
fn tables_of_models() -> BTreeMap<String, String> {
    let mut tables = BTreeMap::new();
    for file in workspace::files()
        .iter()
        .filter(|f| f.path.ends_with(".prisma") && !f.path.split('/').any(|p| p == "node_modules"))
    {
        let Some(text) = workspace::read_text(file.path) else {
            continue;
        };
        let mut model: Option<(String, String)> = None;
        for line in text.lines() {
            let line = line.split("//").next().unwrap_or_default().trim();
            if let Some(rest) = line.strip_prefix("model ") {
                let name = rest.trim_end_matches('{').trim().to_owned();
                model = Some((name.clone(), name));
            } else if let Some((_, table)) = model.as_mut()
                && let Some(mapped) = line.strip_prefix("@@map(")
            {
                *table = mapped
                    .trim_end_matches(')')
                    .trim()
                    .trim_start_matches("name:")
                    .trim()
                    .trim_matches('"')
                    .to_owned();
            } else if line.starts_with('}')
                && let Some((name, table)) = model.take()
            {
                tables.insert(name, table);
            }
        }
    }
    tables
}

/// The Prisma Client accessors that `text` writes rows through
/// (`prisma.industry.createMany(` → `industry`).
fn written_accessors(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for write in WRITES {
        let needle = format!(".{write}(");
        let mut from = 0;
        while let Some(at) = text[from..].find(&needle) {
            let end = from + at;
            from = end + needle.len();
            let before = &text[..end];
            let accessor: String = before
                .chars()
                .rev()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let client_dot = before[..before.len() - accessor.len()].ends_with('.');
            if !accessor.is_empty() && client_dot && !found.contains(&accessor) {
                found.push(accessor);
            }
        }
    }
    found
}

/// The seed script and the tables it fills (at most 50), when there is one
/// that writes through Prisma Client to models of the schema.
pub fn seeded_tables() -> Option<(String, Vec<String>)> {
    let script = script()?;
    let folder = script.rsplit_once('/').map_or("", |(dir, _)| dir);
    let mut texts = vec![workspace::read_text(&script).unwrap_or_default()];
    for file in workspace::files().iter().filter(|f| {
        let seed_folder = ["seed/", "seeds/"]
            .iter()
            .any(|d| f.path.starts_with(&format!("{folder}/{d}")));
        seed_folder && f.path != script
    }) {
        texts.push(workspace::read_text(file.path).unwrap_or_default());
    }
    let models = tables_of_models();
    let mut tables: Vec<String> = Vec::new();
    for accessor in texts.iter().flat_map(|t| written_accessors(t)) {
        // Prisma Client's accessor: the model's name, first letter lower case.
        let model = models.keys().find(|m| {
            let mut chars = m.chars();
            chars
                .next()
                .is_some_and(|first| first.to_lowercase().chain(chars).eq(accessor.chars()))
        });
        if let Some(table) = model.and_then(|m| models.get(m))
            && !tables.contains(table)
        {
            tables.push(table.clone());
        }
    }
    tables.truncate(MAX_TABLES);
    (!tables.is_empty()).then_some((script, tables))
}

#[cfg(test)]
mod tests {
    use super::written_accessors;

    #[test]
    fn the_models_a_seed_writes_are_read_from_its_client_calls() {
        let text = "const prisma = new PrismaClient();\nawait prisma.industry.createMany({ data });\nawait tx.role.upsert({ where: { name: 'admin' } });\nawait prisma.role.create({});\nconst x = create(y);\nlist.push(item);";
        assert_eq!(written_accessors(text), ["role", "industry"]);
    }
}
