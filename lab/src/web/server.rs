//! The server: its state ([`Lab`]), its routes ([`router`]), and starting it ([`bind`] then
//! [`Bound::run`], or [`spawn`] on a thread of its own).

use std::convert::Infallible;
use std::ffi::OsString;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use tokio_stream::wrappers::ReceiverStream;
use tokio_stream::StreamExt;

use super::argv::Params;
use super::assets;
use super::catalog;
use super::claims::Claims;
use super::mnist::Mnist;
use super::paths::{race_body, trajectory_argv, Paths, MAX_RACE};

/// What the program chose when it started the server.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Where MNIST is (else `$MNIST_DIR`, else the cache).
    pub data_dir: Option<PathBuf>,
}

/// The server's state: the cache of paths, the claims, the MNIST runs.
pub struct Lab {
    paths: Paths,
    claims: Arc<Claims>,
    mnist: Arc<Mnist>,
    /// Bound to a loopback address: only requests naming a loopback host are answered.
    loopback: bool,
}

impl Lab {
    /// A server's state, for one that listens on `addr`.
    pub fn new(settings: Settings, addr: SocketAddr) -> Lab {
        Lab {
            paths: Paths::default(),
            claims: Arc::new(Claims::default()),
            mnist: Arc::new(Mnist::new(settings.data_dir)),
            loopback: addr.ip().is_loopback(),
        }
    }
}

/// Every route of the lab (see the table of [`super`]).
pub fn router(lab: Arc<Lab>) -> Router {
    Router::new()
        .route("/", get(|| async { assets::answer("index.html") }))
        .route(
            "/{file}",
            get(|Path(file): Path<String>| async move { assets::answer(&file) }),
        )
        .route(
            "/api/surfaces",
            get(|| async { json_answer(200, catalog::surfaces_json().to_string()) }),
        )
        .route(
            "/api/optimizers",
            get(|| async { json_answer(200, catalog::optimizers_json().to_string()) }),
        )
        .route("/api/trajectory", get(trajectory))
        .route("/api/paths", post(race))
        .route("/api/claims", get(claims))
        .route("/api/mnist/run", get(mnist_run))
        .route("/api/mnist/stop", post(mnist_stop))
        .route("/api/mnist/runs", get(mnist_runs))
        .route("/api/mnist/runs/{id}/{file}", get(mnist_csv))
        .layer(middleware::from_fn_with_state(
            Arc::clone(&lab),
            same_origin,
        ))
        .with_state(lab)
}

/// A bound server, not yet answering: [`Bound::addr`] says where, [`Bound::run`] serves.
pub struct Bound {
    runtime: tokio::runtime::Runtime,
    listener: tokio::net::TcpListener,
    settings: Settings,
}

/// Binds `addr` (port 0: any free port) for the lab, in a runtime of its own.
///
/// # Errors
/// The address cannot be bound (in use, not this machine's).
pub fn bind(addr: SocketAddr, settings: Settings) -> std::io::Result<Bound> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let listener = runtime.block_on(tokio::net::TcpListener::bind(addr))?;
    Ok(Bound {
        runtime,
        listener,
        settings,
    })
}

impl Bound {
    /// The address bound (with the port chosen for port 0).
    ///
    /// # Errors
    /// The socket's error.
    pub fn addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until the process ends.
    ///
    /// # Errors
    /// The listener's I/O error.
    pub fn run(self) -> std::io::Result<()> {
        let addr = self.addr()?;
        let lab = Arc::new(Lab::new(self.settings, addr));
        self.runtime
            .block_on(async move { axum::serve(self.listener, router(lab)).await })
    }
}

/// [`bind`], then serves on a thread of its own (for tests and tools); returns the address.
///
/// # Errors
/// As [`bind`].
pub fn spawn(addr: SocketAddr, settings: Settings) -> std::io::Result<SocketAddr> {
    let bound = bind(addr, settings)?;
    let at = bound.addr()?;
    std::thread::spawn(move || bound.run());
    Ok(at)
}

fn json_answer(status: u16, body: String) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn error_answer(status: u16, message: &str) -> Response {
    json_answer(status, json!({ "error": message }).to_string())
}

/// Refuses a request whose Host is not this loopback server (a page of another site that
/// renamed itself to 127.0.0.1), or whose Origin is another site.
async fn same_origin(
    State(lab): State<Arc<Lab>>,
    headers: HeaderMap,
    request: Request,
    next: Next,
) -> Response {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    let host = text(header::HOST);
    let name = host.rsplit_once(':').map_or(host, |(name, _)| name);
    let local = name == "localhost"
        || name == "[::1]"
        || name
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback());
    if lab.loopback && !local {
        return error_answer(
            403,
            &format!("this server answers to 127.0.0.1 and localhost, not `{host}`"),
        );
    }
    let origin = text(header::ORIGIN);
    if !origin.is_empty() && origin.split_once("://").map(|(_, rest)| rest) != Some(host) {
        return error_answer(
            403,
            &format!("requests from another site (`{origin}`) are refused"),
        );
    }
    next.run(request).await
}

/// `GET /api/trajectory`: one path, as `trajectories --json` prints it.
async fn trajectory(State(lab): State<Arc<Lab>>, Query(params): Query<Params>) -> Response {
    let argv = match trajectory_argv(&params) {
        Ok(argv) => argv,
        Err(message) => return error_answer(400, &message),
    };
    let answer = tokio::task::spawn_blocking(move || lab.paths.answers(&[argv]).0.remove(0)).await;
    match answer {
        Ok(a) => json_answer(a.status, a.body.clone()),
        Err(e) => error_answer(500, &e.to_string()),
    }
}

/// The race's request: the settings every path shares and one set per optimizer, as text
/// or numbers.
#[derive(Debug, Deserialize)]
struct RaceRequest {
    common: Map<String, Value>,
    runs: Vec<Map<String, Value>>,
}

fn texts(map: &Map<String, Value>, into: &mut Params) {
    for (key, value) in map {
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Null => continue,
            other => other.to_string(),
        };
        into.insert(key.clone(), text);
    }
}

/// `POST /api/paths`: one answer per run, in order.
async fn race(State(lab): State<Arc<Lab>>, Json(request): Json<RaceRequest>) -> Response {
    let started = Instant::now();
    if request.runs.len() > MAX_RACE {
        return error_answer(400, &format!("at most {MAX_RACE} paths at a time"));
    }
    let mut argvs: Vec<Vec<OsString>> = Vec::new();
    for run in &request.runs {
        let mut params = Params::new();
        texts(&request.common, &mut params);
        texts(run, &mut params);
        match trajectory_argv(&params) {
            Ok(argv) => argvs.push(argv),
            Err(message) => return error_answer(400, &message),
        }
    }
    let answers = tokio::task::spawn_blocking(move || lab.paths.answers(&argvs)).await;
    match answers {
        Ok((answers, computed)) => {
            let ms = started.elapsed().as_secs_f64() * 1e3;
            json_answer(200, race_body(&answers, computed, ms))
        }
        Err(e) => error_answer(500, &e.to_string()),
    }
}

/// `GET /api/claims`: 200 with the claims, 202 while they are computed.
async fn claims(State(lab): State<Arc<Lab>>) -> Response {
    match lab.claims.get() {
        Some(Ok(json)) => json_answer(200, json.to_string()),
        Some(Err(message)) => error_answer(500, &message),
        None => json_answer(202, json!({ "status": "computing" }).to_string()),
    }
}

/// `GET /api/mnist/run`: starts a run and streams its events; a refusal is JSON.
async fn mnist_run(State(lab): State<Arc<Lab>>, Query(params): Query<Params>) -> Response {
    match lab.mnist.start(&params) {
        Ok(events) => {
            let stream = ReceiverStream::new(events).map(|(name, data)| {
                Ok::<_, Infallible>(SseEvent::default().event(name).data(data))
            });
            // The comments every second write to the socket, so a closed page is noticed even
            // while an epoch is evaluated.
            Sse::new(stream)
                .keep_alive(KeepAlive::new().interval(Duration::from_secs(1)))
                .into_response()
        }
        Err((status, message)) => error_answer(status, &message),
    }
}

/// `POST /api/mnist/stop`.
async fn mnist_stop(State(lab): State<Arc<Lab>>) -> Response {
    match lab.mnist.stop() {
        Some(id) => json_answer(200, json!({ "stopping": id }).to_string()),
        None => error_answer(409, "no run is in progress"),
    }
}

/// `GET /api/mnist/runs`.
async fn mnist_runs(State(lab): State<Arc<Lab>>) -> Response {
    json_answer(200, lab.mnist.runs_json())
}

/// `GET /api/mnist/runs/{id}/steps.csv` or `metrics.csv`, made in memory.
async fn mnist_csv(State(lab): State<Arc<Lab>>, Path((id, file)): Path<(u64, String)>) -> Response {
    match lab.mnist.csv(id, &file) {
        Some(csv) => {
            let name = format!("attachment; filename=\"mnist_run{id}_{file}\"");
            let headers = [
                (header::CONTENT_TYPE, "text/csv".to_string()),
                (header::CONTENT_DISPOSITION, name),
            ];
            (headers, csv).into_response()
        }
        None => error_answer(404, &format!("no kept run {id} with a file {file}")),
    }
}
