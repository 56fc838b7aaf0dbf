//! The `datastore` interface: WIT questions turned into
//! [`crate::probe::datastore`] requests on the check's probe session (grants,
//! budget, timeout, record / replay).

use super::bindings::ProbeError;
use super::bindings::gonogo::check::datastore;
use super::reuse::imports::Import;
use super::state::CheckState;
use crate::probe::datastore::{Engine, Question, Table};
use crate::probe::exchange::{Answer, Request};

impl From<Engine> for datastore::Engine {
    fn from(engine: Engine) -> Self {
        match engine {
            Engine::Postgres => datastore::Engine::Postgres,
            Engine::Redis => datastore::Engine::Redis,
        }
    }
}

impl From<datastore::Question> for Question {
    fn from(question: datastore::Question) -> Self {
        use datastore::Question as Wit;
        match question {
            Wit::Connection => Question::Connection,
            Wit::RefusesUnprotected => Question::RefusesUnprotected,
            Wit::Settings => Question::Settings,
            Wit::Info => Question::Info,
            Wit::PrismaMigrations => Question::PrismaMigrations,
            Wit::Indexes => Question::Indexes,
            Wit::ForeignKeys => Question::ForeignKeys,
            Wit::Activity => Question::Activity,
            Wit::RowCounts(names) => Question::RowCounts(names),
        }
    }
}

impl From<Table> for datastore::Table {
    fn from(table: Table) -> Self {
        datastore::Table {
            columns: table.columns,
            rows: table.rows,
        }
    }
}

impl datastore::Host for CheckState {
    fn granted(&mut self) -> Vec<datastore::DatastoreGrant> {
        self.asked(Import::DatastoreGranted);
        self.probes
            .datastore_engines()
            .into_iter()
            .map(|(variable, engine)| datastore::DatastoreGrant {
                variable,
                engine: engine.map(Into::into),
            })
            .collect()
    }

    async fn ask(
        &mut self,
        variable: String,
        question: datastore::Question,
    ) -> Result<datastore::Table, ProbeError> {
        self.asked(Import::DatastoreAsk);
        let call = Request::Datastore {
            variable,
            question: question.into(),
        };
        match self.probes.call(call, None).await? {
            Answer::Table(table) => Ok(table.into()),
            _ => Err(ProbeError::Connection(
                "the probe recording answers this question with another kind of answer".into(),
            )),
        }
    }
}
