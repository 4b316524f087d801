//! A tap on the HTTP path to STS and DynamoDB: counts `AssumeRole` requests and, on demand,
//! delays them, answers them with a fault instead of forwarding them to the emulator, or
//! shortens the lifetime of the credentials STS answers with; records the operation of every
//! DynamoDB request, so a test can prove a request was never sent.
//!
//! It wraps the SDK's real HTTP client, so every request it does not fault reaches moto's real
//! STS; it only stands in front of it, like a proxy.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, SharedHttpClient, SharedHttpConnector,
    http_client_fn,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::http::{Response, StatusCode};
use aws_smithy_types::DateTime;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::byte_stream::ByteStream;
use aws_smithy_types::date_time::Format;

/// A fault the tap answers `AssumeRole` with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// 403 `AccessDenied`: retrying cannot help.
    AccessDenied,
    /// 400 `Throttling`: the SDK retries it.
    Throttling,
    /// 503 `ServiceUnavailable`: the SDK retries it.
    Unavailable,
}

impl Fault {
    fn response(self) -> Response<SdkBody> {
        let (status, kind, code) = match self {
            Self::AccessDenied => (403, "Sender", "AccessDenied"),
            Self::Throttling => (400, "Sender", "Throttling"),
            Self::Unavailable => (503, "Receiver", "ServiceUnavailable"),
        };
        let body = format!(
            "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>\
             <Type>{kind}</Type><Code>{code}</Code><Message>injected by the test tap</Message>\
             </Error><RequestId>tap</RequestId></ErrorResponse>"
        );
        let status = StatusCode::try_from(status).unwrap_or_else(|_| unreachable!("valid status"));
        Response::new(status, SdkBody::from(body))
    }
}

#[derive(Debug, Default)]
struct TapState {
    assume_role_calls: AtomicU64,
    delay: Mutex<Duration>,
    fault: Mutex<Option<Fault>>,
    lifetime: Mutex<Option<Duration>>,
    /// The `Expiration` the tap gave each access key id.
    expirations: Mutex<HashMap<String, SystemTime>>,
    /// The access key id each DynamoDB request was signed with.
    dynamodb_keys: Mutex<Vec<String>>,
    bodies: Mutex<Vec<String>>,
    dynamodb_operations: Mutex<Vec<String>>,
}

/// Counts, delays and faults the `AssumeRole` requests of the clients built with it, and
/// records their DynamoDB requests.
#[derive(Debug, Clone, Default)]
pub struct StsTap {
    state: Arc<TapState>,
}

impl StsTap {
    /// A tap that forwards everything untouched.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// How many `AssumeRole` requests reached the tap (faulted ones included).
    #[must_use]
    pub fn assume_role_calls(&self) -> u64 {
        self.state.assume_role_calls.load(Ordering::SeqCst)
    }

    /// The form bodies of every `AssumeRole` request so far.
    #[must_use]
    pub fn assume_role_bodies(&self) -> Vec<String> {
        self.state
            .bodies
            .lock()
            .map(|b| b.clone())
            .unwrap_or_default()
    }

    /// The operation (`GetItem`, `Query`…) of every DynamoDB request that reached the HTTP
    /// client so far, in order.
    #[must_use]
    pub fn dynamodb_operations(&self) -> Vec<String> {
        self.state
            .dynamodb_operations
            .lock()
            .map(|ops| ops.clone())
            .unwrap_or_default()
    }

    /// How many DynamoDB requests reached the HTTP client so far.
    #[must_use]
    pub fn dynamodb_requests(&self) -> usize {
        self.state
            .dynamodb_operations
            .lock()
            .map(|ops| ops.len())
            .unwrap_or_default()
    }

    /// The access key id each DynamoDB request that reached the HTTP client was signed with,
    /// in order.
    #[must_use]
    pub fn dynamodb_access_keys(&self) -> Vec<String> {
        self.state
            .dynamodb_keys
            .lock()
            .map(|keys| keys.clone())
            .unwrap_or_default()
    }

    /// When the credentials of `access_key_id` expire, if the tap set their `Expiration`
    /// ([`StsTap::set_lifetime`]).
    #[must_use]
    pub fn expiration_of(&self, access_key_id: &str) -> Option<SystemTime> {
        self.state
            .expirations
            .lock()
            .ok()
            .and_then(|expirations| expirations.get(access_key_id).copied())
    }

    /// Holds each `AssumeRole` request for `delay` before forwarding it.
    pub fn set_delay(&self, delay: Duration) {
        if let Ok(mut slot) = self.state.delay.lock() {
            *slot = delay;
        }
    }

    /// Answers `AssumeRole` with `fault` instead of forwarding it, until set back to `None`.
    pub fn set_fault(&self, fault: Option<Fault>) {
        if let Ok(mut slot) = self.state.fault.lock() {
            *slot = fault;
        }
    }

    /// Rewrites the `Expiration` of each `AssumeRole` answer to `lifetime` after the answer
    /// passes the tap, until set back to `None`: STS grants at least 15 minutes, and a test
    /// of refresh floors and expiry should take seconds.
    pub fn set_lifetime(&self, lifetime: Option<Duration>) {
        if let Ok(mut slot) = self.state.lifetime.lock() {
            *slot = lifetime;
        }
    }

    /// `inner` with the tap in front of it.
    #[must_use]
    pub fn wrap(&self, inner: SharedHttpClient) -> SharedHttpClient {
        let state = Arc::clone(&self.state);
        http_client_fn(move |settings, components| {
            SharedHttpConnector::new(TapConnector {
                inner: inner.http_connector(settings, components),
                state: Arc::clone(&state),
            })
        })
    }
}

#[derive(Debug)]
struct TapConnector {
    inner: SharedHttpConnector,
    state: Arc<TapState>,
}

impl HttpConnector for TapConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let target = request.headers().get("x-amz-target").unwrap_or_default();
        if let Some(operation) = target.strip_prefix("DynamoDB_20120810.") {
            if let Ok(mut operations) = self.state.dynamodb_operations.lock() {
                operations.push(operation.to_owned());
            }
            let authorization = request.headers().get("authorization").unwrap_or_default();
            let key = between(authorization, "Credential=", "/").unwrap_or_default();
            if let Ok(mut keys) = self.state.dynamodb_keys.lock() {
                keys.push(key.to_owned());
            }
            return self.inner.call(request);
        }
        let body = request
            .body()
            .bytes()
            .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
            .unwrap_or_default();
        if !body.contains("Action=AssumeRole") {
            return self.inner.call(request);
        }
        self.state.assume_role_calls.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut bodies) = self.state.bodies.lock() {
            bodies.push(body);
        }
        let delay = self.state.delay.lock().map(|d| *d).unwrap_or_default();
        let fault = self.state.fault.lock().map(|f| *f).unwrap_or_default();
        let lifetime = self.state.lifetime.lock().map(|l| *l).unwrap_or_default();
        let inner = self.inner.clone();
        let state = Arc::clone(&self.state);
        HttpConnectorFuture::new(async move {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            if let Some(fault) = fault {
                return Ok(fault.response());
            }
            let response = inner.call(request).await?;
            match lifetime {
                Some(lifetime) => with_lifetime(response, lifetime, &state).await,
                None => Ok(response),
            }
        })
    }
}

/// `response` with the `Expiration` of its credentials set to `lifetime` from now, recorded
/// in `state` under their access key id.
async fn with_lifetime(
    mut response: HttpResponse,
    lifetime: Duration,
    state: &TapState,
) -> Result<HttpResponse, ConnectorError> {
    let body = ByteStream::new(response.take_body())
        .collect()
        .await
        .map_err(|err| ConnectorError::io(err.into()))?
        .into_bytes();
    let body = String::from_utf8_lossy(&body);
    let expiration = DateTime::from(SystemTime::now() + lifetime)
        .fmt(Format::DateTime)
        .map_err(|err| ConnectorError::other(err.into(), None))?;
    // What the SDK reads back, in case formatting dropped precision.
    let expires = DateTime::from_str(&expiration, Format::DateTime)
        .ok()
        .and_then(|at| SystemTime::try_from(at).ok());
    let key = between(&body, "<AccessKeyId>", "</AccessKeyId>");
    if let (Some(key), Some(expires), Ok(mut expirations)) =
        (key, expires, state.expirations.lock())
    {
        expirations.insert(key.to_owned(), expires);
    }
    let rewritten = match (body.find("<Expiration>"), body.find("</Expiration>")) {
        (Some(start), Some(end)) if start < end => {
            format!("{}<Expiration>{expiration}{}", &body[..start], &body[end..])
        }
        _ => body.into_owned(),
    };
    response
        .headers_mut()
        .insert("content-length", rewritten.len().to_string());
    *response.body_mut() = SdkBody::from(rewritten);
    Ok(response)
}

/// The text of `text` between the first `start` and the next `end` after it.
fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = &text[text.find(start)? + start.len()..];
    Some(&rest[..rest.find(end)?])
}
