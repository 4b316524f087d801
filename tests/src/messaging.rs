//! Support for the SQS and SNS tests: a factory whose HTTP client records the operation of
//! every SQS and SNS request that reaches it (so a test can prove a rejected request was never
//! sent), and unguarded SDK clients, the tests' view of the emulator as it is.

use std::sync::{Arc, Mutex};

use aws_smithy_http_client::{Builder, tls};
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, SharedHttpClient, SharedHttpConnector,
    http_client_fn,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use scoped_runtime::AwsClientFactory;

use crate::require_endpoint;

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
