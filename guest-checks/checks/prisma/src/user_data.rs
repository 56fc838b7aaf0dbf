//! The rows that belong to a user: the relations that lead, directly or
//! through rows that go with them, to the `User` model, with what deleting
//! the user does to each (Prisma's referential actions: `onDelete`, whose
//! default is `Restrict` for a required relation and `SetNull` for an
//! optional one).

use crate::schema::{self, Model};
use gonogo_check::{Value, json};
use std::collections::BTreeSet;

/// One relation field that points at another model.
#[derive(Debug, Clone)]
pub struct Relation {
    /// The model that holds the foreign key.
    pub model: String,
    /// The relation field.
    pub field: String,
    /// The model it points at.
    pub target: String,
    /// Its foreign-key columns.
    pub columns: Vec<String>,
    /// `onDelete`, as written (`Cascade`, `SetNull`, `Restrict`…).
    pub on_delete: Option<String>,
    /// Whether the relation may be absent (`User?`).
    pub optional: bool,
    /// The schema file and line.
    pub path: String,
    pub line: u32,
}

/// The relations of `models` (of the schema at `path`) that hold a
/// foreign key (`@relation(fields: […])`).
pub fn relations(models: &[Model], path: &str) -> Vec<Relation> {
    let mut found = Vec::new();
    for model in models {
        for field in &model.fields {
            let columns = schema::relation_columns(field);
            if columns.is_empty() {
                continue;
            }
            let kind = field.rest.split_whitespace().next().unwrap_or_default();
            let on_delete = field.rest.find("onDelete:").map(|at| {
                field.rest[at + "onDelete:".len()..]
                    .trim_start()
                    .chars()
                    .take_while(char::is_ascii_alphanumeric)
                    .collect::<String>()
            });
            found.push(Relation {
                model: model.name.clone(),
                field: field.name.clone(),
                target: kind.trim_end_matches('?').to_owned(),
                columns,
                on_delete,
                optional: kind.ends_with('?'),
                path: path.to_owned(),
                line: field.line,
            });
        }
    }
    found
}

/// The user model among `names`: `User` (or `Users`), whatever its case.
pub fn user_model<'a>(names: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    names
        .into_iter()
        .find(|n| n.eq_ignore_ascii_case("user") || n.eq_ignore_ascii_case("users"))
}

/// What deleting the row it points at does to a relation's rows:
/// `erased` (Cascade), `detached` (SetNull, or an optional relation's
/// default), or `blocking` (Restrict, NoAction, SetDefault, or a required
/// relation's default: the delete fails unless the code removes them).
fn effect(relation: &Relation) -> &'static str {
    match relation.on_delete.as_deref() {
        Some("Cascade") => "erased",
        Some("SetNull") => "detached",
        None if relation.optional => "detached",
        _ => "blocking",
    }
}

/// Every relation that leads to the user model's rows: those that point at
/// it, and those that point at rows that go with a user's (erased with
/// them, or blocking until the code removes them). Each with `model`,
/// `accessor` (Prisma Client's), `field`, `columns`, `on_delete`,
/// `optional`, `effect` (`erased-with-owner` for a blocking relation of
/// rows that another relation erases with the user), `path`, `line`.
pub fn user_relations(relations: &[Relation], user: &str) -> Vec<Value> {
    let mut owned: BTreeSet<&str> = BTreeSet::from([user]);
    let mut listed: BTreeSet<(&str, &str)> = BTreeSet::new();
    let mut found = Vec::new();
    loop {
        let before = found.len();
        for relation in relations {
            if !owned.contains(relation.target.as_str())
                || !listed.insert((relation.model.as_str(), relation.field.as_str()))
            {
                continue;
            }
            let effect = effect(relation);
            if effect != "detached" {
                owned.insert(relation.model.as_str());
            }
            found.push(json!({
                "model": relation.model,
                "accessor": schema::accessor(&relation.model),
                "field": relation.field,
                "target": relation.target,
                "columns": relation.columns,
                "on_delete": relation.on_delete,
                "optional": relation.optional,
                "effect": effect,
                "path": relation.path,
                "line": relation.line,
            }));
        }
        if found.len() == before {
            break;
        }
    }
    // A row erased with the user through another relation (an order of the
    // user that also points at the user's own product) goes with it.
    let erased: BTreeSet<String> = found
        .iter()
        .filter(|r| r["effect"] == "erased")
        .filter_map(|r| r["model"].as_str().map(str::to_owned))
        .collect();
    for relation in &mut found {
        if relation["effect"] == "blocking"
            && relation["model"]
                .as_str()
                .is_some_and(|m| erased.contains(m))
        {
            relation["effect"] = json!("erased-with-owner");
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rows_of_a_user_are_followed_through_the_rows_that_go_with_them() {
        let parsed = schema::parse(
            "model User {\n  id String @id\n}\n\
             model Order {\n  id String @id\n  userId String\n  user User @relation(fields: [userId], references: [id], onDelete: Cascade)\n}\n\
             model OrderItem {\n  orderId String\n  order Order @relation(fields: [orderId], references: [id])\n}\n\
             model Review {\n  id String @id\n  authorId String?\n  author User? @relation(fields: [authorId], references: [id])\n}\n\
             model Comment {\n  reviewId String\n  review Review @relation(fields: [reviewId], references: [id])\n}\n\
             model Shop {\n  id String @id\n}\n\
             model Like {\n  id String @id\n  userId String\n  user User @relation(fields: [userId], references: [id], onDelete: Cascade)\n  orderId String\n  order Order @relation(fields: [orderId], references: [id])\n}\n",
        );
        let relations = relations(&parsed.models, "prisma/schema.prisma");
        let user = user_model(parsed.models.iter().map(|m| m.name.as_str())).expect("a user model");
        let found = user_relations(&relations, user);
        let effects: Vec<(String, String)> = found
            .iter()
            .map(|r| {
                (
                    r["model"].as_str().unwrap_or_default().to_owned(),
                    r["effect"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        assert_eq!(
            effects,
            [
                ("Order".to_owned(), "erased".to_owned()),
                ("OrderItem".to_owned(), "blocking".to_owned()),
                ("Review".to_owned(), "detached".to_owned()),
                ("Like".to_owned(), "erased".to_owned()),
                ("Like".to_owned(), "erased-with-owner".to_owned()),
            ],
            "a detached review keeps its comments; an erased order's items block"
        );
        assert_eq!(found[1]["line"], 11);
        assert_eq!(found[1]["accessor"], "orderItem");
    }
}
