//! The service's HTTP API: reports pushed in (`POST /api/v1/reports`,
//! with a repository's push token) and the organisation's data out as
//! JSON, JSON Lines and the dashboard's pages, behind the read access the
//! service was started with.

use super::ingest;
use super::store::{ReportQuery, Store, StoreError};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;
use sha2::{Digest as _, Sha256};
use std::sync::Arc;

/// Who may read the organisation's data.
#[derive(Debug, Clone)]
pub enum ReadAccess {
    /// Anyone who reaches the service (it listens on loopback only).
    Open,
    /// A bearer token (API) or the password of HTTP basic authentication
    /// (a browser), compared by its sha256.
    Token(String),
    /// A header the reverse proxy in front sets to the signed-in user.
    IdentityHeader(String),
}

/// What every handler shares.
pub struct Shared {
    pub store: Store,
    pub read: ReadAccess,
}

type AppState = Arc<Shared>;

/// An error answered as JSON: `{"error": "…"}`.
pub struct ApiError(pub StatusCode, pub String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(json!({ "error": self.1 }))).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Duplicate => ApiError(
                StatusCode::CONFLICT,
                "this report was received before: reports are stored once".into(),
            ),
            StoreError::Database(why) => {
                crate::stderr::line(format_args!("gonogo serve: database error: {why}"));
                ApiError(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "the database failed; try again".into(),
                )
            }
        }
    }
}

/// The sha256 of a token, as stored.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The service's routes.
pub fn router(shared: Shared) -> axum::Router {
    let state = Arc::new(shared);
    let read = axum::Router::new()
        .route("/", get(super::pages::fleet))
        .route("/repository/{*name}", get(super::pages::repository))
        .route("/exceptions", get(super::pages::exceptions))
        .route("/campaigns", get(super::pages::campaigns))
        .route("/api/v1/repositories", get(repositories))
        .route("/api/v1/reports", get(reports))
        .route("/api/v1/reports.jsonl", get(reports_jsonl))
        .route("/api/v1/reports/{id}", get(report))
        .route("/api/v1/exceptions", get(super::pages::exceptions_json))
        .route_layer(middleware::from_fn_with_state(state.clone(), require_read));
    axum::Router::new()
        .route("/api/v1/reports", post(push))
        .route("/openapi.json", get(openapi))
        .route("/healthz", get(|| async { "ok\n" }))
        .merge(read)
        .layer(DefaultBodyLimit::max(ingest::MAX_REPORT_BYTES))
        .with_state(state)
}

/// The token of `Authorization: Bearer …`, or the password of `Basic …`.
fn presented_token(headers: &HeaderMap) -> Option<String> {
    use base64::Engine as _;
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    if let Some(token) = value.strip_prefix("Bearer ") {
        return Some(token.trim().to_owned());
    }
    let encoded = value.strip_prefix("Basic ")?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    Some(
        text.split_once(':')
            .map_or(text.clone(), |(_, p)| p.to_owned()),
    )
}

async fn require_read(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let allowed = match &state.read {
        ReadAccess::Open => true,
        ReadAccess::Token(hash) => {
            presented_token(request.headers()).is_some_and(|token| token_hash(&token) == *hash)
        }
        ReadAccess::IdentityHeader(name) => request
            .headers()
            .get(name.as_str())
            .is_some_and(|v| !v.is_empty()),
    };
    if allowed {
        return next.run(request).await;
    }
    let mut response = ApiError(
        StatusCode::UNAUTHORIZED,
        "reading needs the read token (Authorization: Bearer, or basic authentication's password)"
            .into(),
    )
    .into_response();
    if matches!(state.read, ReadAccess::Token(_)) {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Basic realm=\"gonogo\""),
        );
    }
    response
}

/// `POST /api/v1/reports`: stores a report pushed with a push token.
async fn push(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| {
            ApiError(
                StatusCode::UNAUTHORIZED,
                "a push needs the repository's push token: Authorization: Bearer <token>".into(),
            )
        })?;
    let owner = state
        .store
        .token_owner(&token_hash(token.trim()))
        .await?
        .ok_or_else(|| {
            ApiError(
                StatusCode::UNAUTHORIZED,
                "this push token is unknown or revoked".into(),
            )
        })?;
    let now = chrono::Utc::now().timestamp();
    let report = ingest::read(&body, &owner.repository, now)
        .map_err(|why| ApiError(StatusCode::BAD_REQUEST, why))?;
    state.store.add_report(&report).await?;
    Ok((
        StatusCode::CREATED,
        Json(
            json!({ "id": report.id, "repository": report.repository, "verdict": report.verdict }),
        ),
    ))
}

/// `GET /api/v1/repositories`: each repository's newest report.
async fn repositories(State(state): State<AppState>) -> Result<Json<serde_json::Value>, ApiError> {
    let latest = state.store.latest().await?;
    Ok(Json(json!({ "repositories": latest })))
}

/// `GET /api/v1/reports`: reports by repository, rule, environment and time.
async fn reports(
    State(state): State<AppState>,
    Query(query): Query<ReportQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let reports = state.store.reports(&query).await?;
    Ok(Json(json!({ "reports": reports })))
}

/// `GET /api/v1/reports.jsonl`: the same, each line the stored report
/// with `received` beside it: the audit log, exported.
async fn reports_jsonl(
    State(state): State<AppState>,
    Query(query): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    let reports = state.store.reports(&query).await?;
    let mut lines = String::new();
    for summary in reports {
        let Some(body) = state.store.report_body(&summary.id).await? else {
            continue;
        };
        let report: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        let line = json!({ "received": summary, "report": report });
        lines.push_str(&line.to_string());
        lines.push('\n');
    }
    Ok(([(header::CONTENT_TYPE, "application/jsonl")], lines).into_response())
}

/// `GET /api/v1/reports/{id}`: one stored report, as pushed.
async fn report(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let body = state
        .store
        .report_body(&id)
        .await?
        .ok_or_else(|| ApiError(StatusCode::NOT_FOUND, format!("no report `{id}`")))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// `GET /openapi.json`: the API's OpenAPI document.
async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        include_str!("openapi.json"),
    )
        .into_response()
}
