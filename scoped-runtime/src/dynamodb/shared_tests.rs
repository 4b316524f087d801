//! The DynamoDB shared client, from the side of a request that should not get through: one
//! without a stamped scope, one stamped with a scope it does not belong to; and how stamped
//! requests are signed (as the scope's role, or with the factory's credentials).

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_sdk_dynamodb::types::AttributeValue;
use aws_smithy_runtime_api::client::http::{
    HttpConnector, HttpConnectorFuture, SharedHttpConnector, http_client_fn,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::http::{Response, StatusCode};
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::date_time::{DateTime, Format};

use crate::{AwsClientFactory, Capsule, IsolationViolation, Tenant};

/// Answers at once and records each request's target and the access key it was signed with.
#[derive(Debug, Clone, Default)]
struct Recorder {
    sent: Arc<Mutex<Vec<(String, String)>>>,
}

impl Recorder {
    fn sent(&self) -> Vec<(String, String)> {
        self.sent
            .lock()
            .map(|sent| sent.clone())
            .unwrap_or_default()
    }
}

impl HttpConnector for Recorder {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let header = |name| request.headers().get(name).unwrap_or_default().to_owned();
        let authorization = header("authorization");
        let access_key = authorization
            .split("Credential=")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_default()
            .to_owned();
        let is_sts = request
            .body()
            .bytes()
            .is_some_and(|body| body.starts_with(b"Action=AssumeRole"));
        let target = if is_sts {
            "AssumeRole".to_owned()
        } else {
            header("x-amz-target")
        };
        if let Ok(mut sent) = self.sent.lock() {
            sent.push((target, access_key));
        }
        let body = if is_sts {
            let expiration = DateTime::from(SystemTime::now() + Duration::from_secs(3600))
                .fmt(Format::DateTime)
                .unwrap_or_default();
            format!(
                "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
                 <AssumeRoleResult><Credentials><AccessKeyId>ASIAROLE</AccessKeyId>\
                 <SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken>\
                 <Expiration>{expiration}</Expiration></Credentials><AssumedRoleUser>\
                 <Arn>arn:aws:sts::123456789012:assumed-role/tenant/s</Arn>\
                 <AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser></AssumeRoleResult>\
                 </AssumeRoleResponse>"
            )
        } else {
            "{}".to_owned()
        };
        let status = match StatusCode::try_from(200) {
            Ok(status) => status,
            Err(err) => panic!("{err}"),
        };
        HttpConnectorFuture::ready(Ok(Response::new(status, SdkBody::from(body))))
    }
}

fn factory(recorder: &Recorder) -> AwsClientFactory {
    let recorder = recorder.clone();
    let config = SdkConfig::builder()
        .region(Region::from_static("us-east-1"))
        .behavior_version(BehaviorVersion::latest())
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "AKIDFACTORY",
            "secret",
            None,
            None,
            "test",
        )))
        .http_client(http_client_fn(move |_, _| {
            SharedHttpConnector::new(recorder.clone())
        }))
        .build();
    match AwsClientFactory::from_conf(config) {
        Ok(factory) => factory,
        Err(err) => panic!("offline factory: {err}"),
    }
}

fn capsule(id: &str) -> Capsule {
    match Capsule::new("tenant-1", id, "PRODUS") {
        Ok(capsule) => capsule,
        Err(err) => panic!("{err}"),
    }
}

fn pk(capsule: &str) -> AttributeValue {
    AttributeValue::S(format!("TENANT#tenant-1#CAPSULE#{capsule}#LEAD#lead-1"))
}

#[tokio::test]
async fn a_request_without_a_stamped_scope_is_rejected_and_not_sent() {
    let recorder = Recorder::default();
    let factory = factory(&recorder);
    let sender = factory.capsule_dynamodb(&capsule("caps-1")).sender();
    let err = sender
        .client()
        .get_item()
        .table_name("PRODUS_crm")
        .key("pk", pk("caps-1"))
        .send()
        .await
        .err();
    let violation = err
        .as_ref()
        .and_then(|err| IsolationViolation::find_in(err));
    assert!(
        matches!(violation, Some(IsolationViolation::Unscoped { operation }) if operation == "GetItem"),
        "{err:?}"
    );
    assert!(recorder.sent().is_empty(), "{:?}", recorder.sent());
}

#[tokio::test]
async fn a_stamped_request_is_checked_against_its_own_scope() {
    let recorder = Recorder::default();
    let factory = factory(&recorder);
    let sender = factory.capsule_dynamodb(&capsule("caps-1")).sender();
    let own = sender
        .client()
        .get_item()
        .table_name("PRODUS_crm")
        .key("pk", pk("caps-1"))
        .customize()
        .interceptor(sender.stamp())
        .send()
        .await;
    assert!(own.is_ok(), "{own:?}");
    // A prefix sibling's key, stamped with caps-1: the guard reads the stamp, not the key.
    let foreign = sender
        .client()
        .get_item()
        .table_name("PRODUS_crm")
        .key("pk", pk("caps-10"))
        .customize()
        .interceptor(sender.stamp())
        .send()
        .await
        .err();
    assert!(
        matches!(
            foreign
                .as_ref()
                .and_then(|err| IsolationViolation::find_in(err)),
            Some(IsolationViolation::CrossCapsule { .. })
        ),
        "{foreign:?}"
    );
    // The same shared client, stamped with caps-10 by caps-10's own client, sends it.
    let sibling = factory.capsule_dynamodb(&capsule("caps-10")).sender();
    let theirs = sibling
        .client()
        .get_item()
        .table_name("PRODUS_crm")
        .key("pk", pk("caps-10"))
        .customize()
        .interceptor(sibling.stamp())
        .send()
        .await;
    assert!(theirs.is_ok(), "{theirs:?}");
    assert_eq!(recorder.sent().len(), 2, "{:?}", recorder.sent());
    assert_eq!(factory.client_stats().client_builds, 1);
}

#[tokio::test]
async fn stamped_requests_sign_as_their_scopes_role_or_with_the_factorys_credentials() {
    let recorder = Recorder::default();
    let factory = factory(&recorder);
    let tenant = match Tenant::new("tenant-1", "Acme")
        .and_then(|t| t.with_role_arn("arn:aws:iam::123456789012:role/tenant-1"))
    {
        Ok(tenant) => tenant,
        Err(err) => panic!("{err}"),
    };
    let with_role = factory.tenant_dynamodb(&tenant).sender();
    let without = factory.capsule_dynamodb(&capsule("caps-1")).sender();
    for _ in 0..2 {
        let sent = with_role
            .client()
            .get_item()
            .table_name("tenant-1_webhooks")
            .key(
                "pk",
                AttributeValue::S("TENANT#tenant-1#WEBHOOK#w-1".into()),
            )
            .customize()
            .interceptor(with_role.stamp())
            .send()
            .await;
        assert!(sent.is_ok(), "{sent:?}");
        let sent = without
            .client()
            .get_item()
            .table_name("PRODUS_crm")
            .key("pk", pk("caps-1"))
            .customize()
            .interceptor(without.stamp())
            .send()
            .await;
        assert!(sent.is_ok(), "{sent:?}");
    }
    let signed: Vec<(String, String)> = recorder.sent();
    let keys: Vec<&str> = signed.iter().map(|(_, key)| key.as_str()).collect();
    // One AssumeRole (signed with the factory's credentials), then the role's requests with
    // the role's key and the capsule's with the factory's, alternating.
    assert_eq!(
        keys,
        [
            "AKIDFACTORY",
            "ASIAROLE",
            "AKIDFACTORY",
            "ASIAROLE",
            "AKIDFACTORY"
        ],
        "{signed:?}"
    );
    assert_eq!(signed[0].0, "AssumeRole");
    assert_eq!(factory.credential_stats().sts_calls, 1);
}
