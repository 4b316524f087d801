//! Support for the SQS and SNS tests: a factory whose HTTP client records the operation of
//! every SQS and SNS request that reaches it (so a test can prove a rejected request was never
//! sent), unguarded SDK clients, the tests' view of the emulator as it is, the matrix of
//! prefix-sibling scopes, and a table-driven check that a list of requests is rejected by a
//! guard.

use std::error::Error;
use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use aws_smithy_http_client::{Builder, tls};
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, SharedHttpClient, SharedHttpConnector,
    http_client_fn,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use scoped_runtime::{AwsClientFactory, Capsule, Tenant};

use crate::{lone_code, require_endpoint, unique};

/// Records the SQS (`AmazonSQS.{operation}` targets) and SNS (`Action={operation}` form
/// bodies) requests of the clients built with it.
#[derive(Debug, Clone, Default)]
pub struct MessagingTap {
    operations: Arc<Mutex<Vec<String>>>,
}

impl MessagingTap {
    /// The SQS and SNS operations that reached the HTTP client so far, in order (`SendMessage`,
    /// `sns:Publish`…).
    #[must_use]
    pub fn operations(&self) -> Vec<String> {
        self.operations
            .lock()
            .map(|ops| ops.clone())
            .unwrap_or_default()
    }

    /// How many SQS and SNS requests reached the HTTP client so far.
    #[must_use]
    pub fn requests(&self) -> usize {
        self.operations
            .lock()
            .map(|ops| ops.len())
            .unwrap_or_default()
    }

    fn wrap(&self, inner: SharedHttpClient) -> SharedHttpClient {
        let operations = Arc::clone(&self.operations);
        http_client_fn(move |settings, components| {
            SharedHttpConnector::new(TapConnector {
                inner: inner.http_connector(settings, components),
                operations: Arc::clone(&operations),
            })
        })
    }
}

#[derive(Debug)]
struct TapConnector {
    inner: SharedHttpConnector,
    operations: Arc<Mutex<Vec<String>>>,
}

impl HttpConnector for TapConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let target = request.headers().get("x-amz-target").unwrap_or_default();
        let operation = if let Some(operation) = target.strip_prefix("AmazonSQS.") {
            Some(operation.to_owned())
        } else {
            let body = request
                .body()
                .bytes()
                .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
                .unwrap_or_default();
            // SNS speaks the query protocol: `Action=Publish&Version=2010-03-31&…`.
            body.contains("Version=2010-03-31")
                .then(|| {
                    body.split('&')
                        .find_map(|pair| pair.strip_prefix("Action="))
                        .map(|action| format!("sns:{action}"))
                })
                .flatten()
        };
        if let Some(operation) = operation
            && let Ok(mut operations) = self.operations.lock()
        {
            operations.push(operation);
        }
        self.inner.call(request)
    }
}

/// A factory whose SQS and SNS requests pass through a new [`MessagingTap`].
///
/// # Panics
///
/// Without an emulator endpoint, or if the environment sets no region.
pub async fn tapped_factory() -> (AwsClientFactory, MessagingTap) {
    require_endpoint();
    let tap = MessagingTap::default();
    let http = Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::AwsLc,
        ))
        .build_https();
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .http_client(tap.wrap(http))
        .load()
        .await;
    let factory = AwsClientFactory::from_conf(config)
        .unwrap_or_else(|err| panic!("the test environment sets a region: {err}"));
    (factory, tap)
}

/// An SQS client without scope or guard, from `factory`'s configuration.
#[must_use]
pub fn unguarded_sqs(factory: &AwsClientFactory) -> aws_sdk_sqs::Client {
    aws_sdk_sqs::Client::new(factory.sdk_config())
}

/// An SNS client without scope or guard, from `factory`'s configuration.
#[must_use]
pub fn unguarded_sns(factory: &AwsClientFactory) -> aws_sdk_sns::Client {
    aws_sdk_sns::Client::new(factory.sdk_config())
}

/// An SQS `scoped.scope` attribute carrying `label`, as a scoped client writes it (or a forger).
///
/// # Panics
///
/// Never: both required fields are set.
#[must_use]
pub fn sqs_label(label: &str) -> aws_sdk_sqs::types::MessageAttributeValue {
    aws_sdk_sqs::types::MessageAttributeValue::builder()
        .data_type("String")
        .string_value(label)
        .build()
        .unwrap_or_else(|err| panic!("a string attribute: {err}"))
}

/// An SNS `scoped.scope` attribute carrying `label`.
///
/// # Panics
///
/// Never: both required fields are set.
#[must_use]
pub fn sns_label(label: &str) -> aws_sdk_sns::types::MessageAttributeValue {
    aws_sdk_sns::types::MessageAttributeValue::builder()
        .data_type("String")
        .string_value(label)
        .build()
        .unwrap_or_else(|err| panic!("a string attribute: {err}"))
}

/// The isolation matrix: two tenants whose ids are prefix siblings (`t1-{unique}` and
/// `t1-{unique}0`) and, for each, two capsules sharing one new capsule code starting with
/// `code_prefix` (`caps-1`, `caps-10`): tenants first, then the capsules of the first tenant.
///
/// # Panics
///
/// Never for these ids; a failed construction is the test failing.
#[must_use]
pub fn sibling_scopes(code_prefix: &str) -> ([Tenant; 2], [Capsule; 4]) {
    let t1 = format!("t1-{}", unique());
    let t10 = format!("{t1}0");
    let code = lone_code(code_prefix);
    let tenant = |id: &str, name: &str| {
        Tenant::new(id, name).unwrap_or_else(|err| panic!("tenant {id}: {err}"))
    };
    let capsule = |tenant: &str, id: &str| {
        Capsule::new(tenant, id, &code).unwrap_or_else(|err| panic!("capsule {id}: {err}"))
    };
    (
        [tenant(&t1, "One"), tenant(&t10, "Ten")],
        [
            capsule(&t1, "caps-1"),
            capsule(&t1, "caps-10"),
            capsule(&t10, "caps-1"),
            capsule(&t10, "caps-10"),
        ],
    )
}

/// What a request came to, its output dropped.
pub type Outcome = Result<(), Box<dyn Error + Send + Sync>>;

/// One row of a rejection table: a request not yet sent, and which guard violation it must be
/// rejected with.
pub struct Attempt<'a, V> {
    operation: &'static str,
    expected: fn(&V) -> bool,
    request: Pin<Box<dyn Future<Output = Outcome> + Send + 'a>>,
}

/// A row: `request` (an SDK `send()` future, not yet polled) must fail with a violation for
/// which `expected` holds.
pub fn attempt<'a, V, T, E>(
    operation: &'static str,
    expected: fn(&V) -> bool,
    request: impl Future<Output = Result<T, E>> + Send + 'a,
) -> Attempt<'a, V>
where
    E: Error + Send + Sync + 'static,
{
    Attempt {
        operation,
        expected,
        request: Box::pin(async move {
            request
                .await
                .map(drop)
                .map_err(|err| Box::new(err) as Box<dyn Error + Send + Sync>)
        }),
    }
}

/// Sends each row's request in order and checks it failed with the violation it names, found
/// in the error's chain by `find` (`SqsViolation::find_in`); `who` says whose client tried
/// what on whose resource. Returns how many rows it checked.
///
/// # Panics
///
/// On a row whose request succeeded, failed otherwise than by the guard, or with another
/// violation than the row names: the test failing.
pub async fn assert_rejected<V: Debug + 'static>(
    who: &str,
    find: for<'e> fn(&'e (dyn Error + 'static)) -> Option<&'e V>,
    attempts: Vec<Attempt<'_, V>>,
) -> usize {
    let rows = attempts.len();
    for Attempt {
        operation,
        expected,
        request,
    } in attempts
    {
        let err = match request.await {
            Ok(()) => panic!("{who}: {operation} was not rejected"),
            Err(err) => err,
        };
        let error: &(dyn Error + 'static) = &*err;
        match find(error) {
            Some(violation) if expected(violation) => {}
            Some(violation) => panic!("{who}: {operation} rejected with {violation:?}"),
            None => panic!("{who}: {operation} failed, but not by the guard: {err:?}"),
        }
    }
    rows
}
