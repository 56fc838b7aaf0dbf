//! Reading the host's answers: a table of text, by column name.

use gonogo_check::datastore::{self, ProbeError, Question, Table};

/// Asks `question` of the datastore in `variable`.
pub fn ask(variable: &str, question: &Question) -> Result<Table, ProbeError> {
    datastore::ask(variable, question)
}

/// The rows of `table` as maps from column to value.
pub fn records(table: &Table) -> Vec<Vec<(&str, Option<&str>)>> {
    table
        .rows
        .iter()
        .map(|row| {
            table
                .columns
                .iter()
                .zip(row)
                .map(|(column, value)| (column.as_str(), value.as_deref()))
                .collect()
        })
        .collect()
}

/// The value of `column` in a record.
pub fn value<'a>(record: &[(&str, Option<&'a str>)], column: &str) -> Option<&'a str> {
    record
        .iter()
        .find(|(name, _)| *name == column)
        .and_then(|(_, value)| *value)
}

/// The values of a `name`, `value` table under `name`, in order.
pub fn pairs<'a>(table: &'a Table, name: &str) -> Vec<&'a str> {
    table
        .rows
        .iter()
        .filter(|row| row.first().and_then(|v| v.as_deref()) == Some(name))
        .filter_map(|row| row.get(1).and_then(|v| v.as_deref()))
        .collect()
}

/// The first value of a `name`, `value` table under `name`.
pub fn pair<'a>(table: &'a Table, name: &str) -> Option<&'a str> {
    pairs(table, name).into_iter().next()
}
