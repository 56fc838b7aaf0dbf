//! A reader for Prisma schema files: datasources, models, fields with
//! their attributes, and block attributes (`@@index`, `@@unique`, `@@id`).

/// One field of a model.
#[derive(Debug, Clone)]
pub struct Field {
    /// Its name.
    pub name: String,
    /// The text after the name (type and attributes).
    pub rest: String,
    /// 1-based line.
    pub line: u32,
}

/// One model.
#[derive(Debug, Clone, Default)]
pub struct Model {
    /// Its name.
    pub name: String,
    /// Its fields.
    pub fields: Vec<Field>,
    /// Field lists of `@@index`, `@@unique` and `@@id`, and of `@id` /
    /// `@unique` fields (one column each).
    pub keys: Vec<Vec<String>>,
}

/// A parsed schema.
#[derive(Debug, Clone, Default)]
pub struct Schema {
    /// `provider` of the datasource.
    pub provider: Option<String>,
    /// `relationMode` of the datasource (`prisma` or `foreignKeys`).
    pub relation_mode: Option<String>,
    /// The models.
    pub models: Vec<Model>,
    /// Why the text is not a well-formed schema (a block never closed, a
    /// `}` that closes nothing), with the 1-based line: what follows
    /// the fault may be missing from the models.
    pub problem: Option<(String, u32)>,
}

/// The names in the first `[a, b]` list of `text`.
pub fn field_list(text: &str) -> Vec<String> {
    let Some(open) = text.find('[') else {
        return Vec::new();
    };
    let Some(close) = text[open..].find(']') else {
        return Vec::new();
    };
    text[open + 1..open + close]
        .split(',')
        .map(|f| f.split('(').next().unwrap_or_default().trim().to_owned())
        .filter(|f| !f.is_empty())
        .collect()
}

/// Parses a schema; unknown constructs are skipped.
pub fn parse(text: &str) -> Schema {
    let mut schema = Schema::default();
    let mut block: Option<(String, Model)> = None;
    let mut opened_at = 0;
    let problem = |schema: &mut Schema, why: String, line: u32| {
        schema.problem.get_or_insert((why, line));
    };
    for (index, raw) in text.lines().enumerate() {
        let line_no = index as u32 + 1;
        let line = raw.split("//").next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        if block.is_none() {
            let mut words = line.split_whitespace();
            if let (Some(kind), Some(name)) = (words.next(), words.next())
                && line.ends_with('{')
            {
                let model = Model {
                    name: name.trim_end_matches('{').to_owned(),
                    ..Model::default()
                };
                block = Some((kind.to_owned(), model));
                opened_at = line_no;
            } else if line.starts_with('}') {
                problem(&mut schema, "a `}` closes no block".into(), line_no);
            }
            continue;
        }
        if let Some((kind, model)) = &block
            && BLOCKS.iter().any(|b| line.starts_with(&format!("{b} ")))
            && line.ends_with('{')
        {
            problem(
                &mut schema,
                format!(
                    "`{kind} {}`, opened at line {opened_at}, is not closed before the next block",
                    model.name
                ),
                line_no,
            );
        }
        if line.starts_with('}') {
            if let Some((kind, model)) = block.take()
                && kind == "model"
            {
                schema.models.push(model);
            }
            continue;
        }
        let Some((kind, model)) = block.as_mut() else {
            continue;
        };
        match kind.as_str() {
            "datasource" => {
                if let Some((key, value)) = line.split_once('=') {
                    let value = value.trim().trim_matches('"').to_owned();
                    match key.trim() {
                        "provider" => schema.provider = Some(value),
                        "relationMode" => schema.relation_mode = Some(value),
                        _ => {}
                    }
                }
            }
            "model" => {
                if let Some(rest) = line.strip_prefix("@@") {
                    if ["index", "unique", "id"]
                        .iter()
                        .any(|k| rest.starts_with(k))
                    {
                        model.keys.push(field_list(rest));
                    }
                    continue;
                }
                let (name, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
                if rest.contains("@id") || rest.contains("@unique") {
                    model.keys.push(vec![name.to_owned()]);
                }
                model.fields.push(Field {
                    name: name.to_owned(),
                    rest: rest.trim().to_owned(),
                    line: line_no,
                });
            }
            _ => {}
        }
    }
    if let Some((kind, model)) = &block {
        problem(
            &mut schema,
            format!(
                "`{kind} {}`, opened at line {opened_at}, is never closed",
                model.name
            ),
            opened_at,
        );
    }
    schema
}

/// The keywords that open a top-level block of a Prisma schema.
const BLOCKS: &[&str] = &["model", "enum", "datasource", "generator", "view", "type"];

/// The name by which Prisma Client reaches a model (`OrderItem` →
/// `orderItem`).
pub fn accessor(model: &str) -> String {
    let mut chars = model.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_lowercase().chain(chars).collect()
    })
}

/// The scalar columns of a model: fields whose type is not another model.
pub fn columns<'a>(model: &'a Model, models: &[Model]) -> Vec<&'a str> {
    model
        .fields
        .iter()
        .filter(|f| {
            let kind = f
                .rest
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .trim_end_matches(['?', '[', ']']);
            !models.iter().any(|m| m.name == kind)
        })
        .map(|f| f.name.as_str())
        .collect()
}

/// The columns an index leads with (`@id`, `@unique`, the first column of
/// `@@index`, `@@unique`, `@@id`): lookups on them are served by an index.
pub fn leading_columns(model: &Model) -> Vec<&str> {
    let mut leading: Vec<&str> = model
        .keys
        .iter()
        .filter_map(|key| key.first().map(String::as_str))
        .collect();
    leading.sort_unstable();
    leading.dedup();
    leading
}

/// The foreign-key columns of a relation field (`@relation(fields: [a])`).
pub fn relation_columns(field: &Field) -> Vec<String> {
    let Some(at) = field.rest.find("@relation(") else {
        return Vec::new();
    };
    let inner = &field.rest[at..];
    match inner.find("fields:") {
        Some(fields) => field_list(&inner[fields..]),
        None => Vec::new(),
    }
}

/// Whether some key of the model starts with exactly these columns (a
/// B-tree index serves lookups on its leading columns).
pub fn covered(model: &Model, columns: &[String]) -> bool {
    model
        .keys
        .iter()
        .any(|key| key.len() >= columns.len() && key[..columns.len()] == *columns)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_and_leading_index_columns_are_told_apart() {
        let schema = parse(
            "model User {\n  id String @id\n  email String @unique\n  status String\n  orders Order[]\n}\n\
             model Order {\n  id Int @id\n  userId String\n  user User @relation(fields: [userId], references: [id])\n  createdAt DateTime\n  @@index([userId, createdAt])\n}\n",
        );
        let user = &schema.models[0];
        assert_eq!(columns(user, &schema.models), ["id", "email", "status"]);
        assert_eq!(leading_columns(user), ["email", "id"]);
        let order = &schema.models[1];
        assert_eq!(
            columns(order, &schema.models),
            ["id", "userId", "createdAt"]
        );
        assert_eq!(leading_columns(order), ["id", "userId"]);
        assert_eq!(accessor("OrderItem"), "orderItem");
    }

    #[test]
    fn relations_and_keys_are_read() {
        let schema = parse(
            "datasource db {\n  provider = \"postgresql\"\n}\nmodel Order {\n  id Int @id\n  userId Int\n  \
             user User @relation(fields: [userId], references: [id]) // owner\n  shopId Int\n  \
             shop Shop @relation(\"x\", fields: [shopId], references: [id])\n  @@index([shopId, id])\n}\n",
        );
        assert_eq!(schema.provider.as_deref(), Some("postgresql"));
        let order = &schema.models[0];
        let relations: Vec<(Vec<String>, bool)> = order
            .fields
            .iter()
            .map(relation_columns)
            .filter(|c| !c.is_empty())
            .map(|c| {
                let ok = covered(order, &c);
                (c, ok)
            })
            .collect();
        assert_eq!(
            relations,
            [
                (vec!["userId".to_owned()], false),
                (vec!["shopId".to_owned()], true)
            ]
        );
        assert_eq!(order.fields[2].line, 7);
    }
}
