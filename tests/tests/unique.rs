//! Unique values (`#[scoped(unique)]`) against a real DynamoDB: each value is claimed by a
//! uniqueness item written in the item's own transaction, so exactly one of many concurrent
//! creates of one email wins; changing or deleting an item frees its old values; uniqueness is
//! per scope and per entity; and the writes that cannot keep uniqueness items are refused
//! before anything is sent.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests: a failed unwrap is the test failing"
)]

use std::collections::HashMap;
use std::sync::Arc;

use aws_smithy_http_client::tls;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, SharedHttpClient, SharedHttpConnector,
    http_client_fn,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;

use aws_sdk_dynamodb::types::AttributeValue;
use scoped_runtime::CredentialCacheConfig;
use scoped_runtime::{
    Capsule, Error, IsolationViolation, KeySegment, ScopedKey, Segment, Tenant, Update, UpdateRule,
    capsule_table, tenant_table,
};
use scoped_tests::entities::{Contact, Contacts};
use scoped_tests::{StsTap, factory, factory_with_tap, lone_capsule, lone_code, unique, unscoped};
use serde::{Deserialize, Serialize};

/// A supplier, in the contacts table beside `Contact` under another tag, with a unique email
/// of its own: the same email may be a contact's and a supplier's.
#[derive(ScopedKey, Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[scoped(table = Contacts, entity = "SUPPLIER")]
pub struct Supplier {
    /// The supplier's id.
    #[scoped(id)]
    pub supplier_id: String,
    /// Its email: unique among the capsule's suppliers.
    #[scoped(unique)]
    pub email: String,
}

/// A tenant's members table, keyed by `pk` alone: `{tenant_id}_uniq-members`.
#[tenant_table("uniq-members")]
pub struct Members;

/// A member of a tenant, with a unique email and an optional unique phone number.
#[derive(ScopedKey, Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[scoped(table = Members, entity = "MEMBER")]
pub struct Member {
    /// The member's id.
    #[scoped(id)]
    pub member_id: String,
    /// Its email.
    #[scoped(unique)]
    pub email: String,
    /// Its phone number, if it gave one: a member without one claims none.
    #[scoped(unique)]
    pub phone: Option<String>,
    /// A version, for optimistic locking.
    #[serde(default)]
    pub version: u64,
}

/// A note of a capsule without unique fields: its batch writes stay allowed.
#[capsule_table("uniq-plain")]
#[derive(ScopedKey, Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[scoped(entity = "PLAIN")]
pub struct Plain {
    #[scoped(id)]
    plain_id: String,
}

fn contact(id: &str, email: &str) -> Contact {
    Contact {
        contact_id: id.into(),
        email: email.into(),
        owner: None,
        created: 1,
        name: format!("name of {id}"),
    }
}

fn member(id: &str, email: &str, phone: Option<&str>) -> Member {
    Member {
        member_id: id.into(),
        email: email.into(),
        phone: phone.map(str::to_owned),
        version: 0,
    }
}

/// A capsule code of its own, so the test's table (`{code}_contacts`) is its own (see
/// [`lone_code`] and [`one_request_at_a_time`]).
fn new_code() -> String {
    lone_code("U")
}

fn new_capsule() -> Capsule {
    lone_capsule("U")
}

fn new_tenant() -> Tenant {
    Tenant::new(format!("t-{}", unique()), "Acme").unwrap()
}

/// Whether `error` is the duplicate of `attribute` = `value`.
fn is_duplicate(error: &Error, attribute: &str, value: &str) -> bool {
    matches!(error, Error::AlreadyExists { unique: Some(duplicate), .. }
        if duplicate.attribute == attribute && duplicate.value == value)
}

/// The uniqueness item keyed `pk` (and `sk = UNIQUE` when `sorted`), read unscoped.
async fn claim(
    raw: &aws_sdk_dynamodb::Client,
    table: &str,
    pk: &str,
    sorted: bool,
) -> Option<HashMap<String, AttributeValue>> {
    let mut request = raw
        .get_item()
        .table_name(table)
        .consistent_read(true)
        .key("pk", AttributeValue::S(pk.to_owned()));
    if sorted {
        request = request.key("sk", AttributeValue::S("UNIQUE".to_owned()));
    }
    request.send().await.unwrap().item
}

fn string(item: &HashMap<String, AttributeValue>, name: &str) -> String {
    match item.get(name) {
        Some(AttributeValue::S(value)) => value.clone(),
        other => panic!("{name} is not a string: {other:?}"),
    }
}

/// An HTTP client that lets one request at a time through to the backend.
///
/// moto applies concurrent `TransactWriteItems` without isolation: each transaction snapshots
/// its tables, applies its writes one by one, and on a failed condition restores the snapshot,
/// erasing what other transactions committed meanwhile (in our runs, 8 of 15 rounds of 50
/// unserialized creates let 2 or 3 through, and some answered HTTP 500). DynamoDB's
/// transactions are serializable; this client gives moto one serial order, while the creates
/// still run concurrently in the library (each its own task, transaction and decoding of the
/// cancellation).
fn one_request_at_a_time() -> SharedHttpClient {
    let inner = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::AwsLc,
        ))
        .build_https();
    let turn = Arc::new(tokio::sync::Mutex::new(()));
    http_client_fn(move |settings, components| {
        SharedHttpConnector::new(Serialized {
            inner: inner.http_connector(settings, components),
            turn: Arc::clone(&turn),
        })
    })
}

#[derive(Debug)]
struct Serialized {
    inner: SharedHttpConnector,
    turn: Arc<tokio::sync::Mutex<()>>,
}

impl HttpConnector for Serialized {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let inner = self.inner.clone();
        let turn = Arc::clone(&self.turn);
        HttpConnectorFuture::new(async move {
            let _turn = turn.lock().await;
            inner.call(request).await
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn exactly_one_of_fifty_concurrent_creates_of_one_email_succeeds() {
    scoped_tests::needs!(Transactions);
    let factory = serialized_factory().await;
    let capsule = new_capsule();
    let contacts = factory.capsule_dynamodb(&capsule).items::<Contact>();
    contacts.provision().await.unwrap();
    let email = "ada@example.com";

    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let contacts = contacts.clone();
            tokio::spawn(async move { contacts.create(&contact(&format!("c{i}"), email)).await })
        })
        .collect();
    let mut winners = Vec::new();
    let mut duplicates = 0;
    for (i, task) in tasks.into_iter().enumerate() {
        match task.await.unwrap() {
            Ok(()) => winners.push(format!("c{i}")),
            Err(err) if is_duplicate(&err, "email", email) => {
                let message = err.to_string();
                assert!(
                    message.contains("email") && message.contains(email),
                    "{message}"
                );
                duplicates += 1;
            }
            Err(err) => panic!("create c{i}: {err}"),
        }
    }
    assert_eq!(winners.len(), 1, "winners: {winners:?}");
    assert_eq!(duplicates, 49);

    // The winner's item exists, no loser's does, and the claim names the winner.
    let ids: Vec<String> = (0..50).map(|i| format!("c{i}")).collect();
    let stored = contacts
        .clone()
        .consistent_reads()
        .batch_get(ids.iter().map(String::as_str))
        .await
        .unwrap();
    assert_eq!(
        stored
            .iter()
            .map(|c| c.contact_id.clone())
            .collect::<Vec<_>>(),
        winners
    );
    let pk = format!(
        "TENANT#{}#CAPSULE#caps-1#UNIQUE#CONTACT#email#ada@example.com",
        capsule.tenant_id()
    );
    let raw = unscoped(&factory);
    let claimed = claim(&raw, contacts.table().as_str(), &pk, true)
        .await
        .unwrap();
    let winner = contacts.item_key(winners[0].as_str()).unwrap();
    assert_eq!(string(&claimed, "owner_pk"), winner.partition().as_str());
    assert_eq!(string(&claimed, "owner_sk"), "CONTACT");
}

/// A factory whose requests reach the backend one at a time (see [`one_request_at_a_time`]).
async fn serialized_factory() -> scoped_runtime::AwsClientFactory {
    scoped_tests::require_endpoint();
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .http_client(one_request_at_a_time())
        .load()
        .await;
    scoped_runtime::AwsClientFactory::from_conf(config).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_changes_of_one_item_leave_exactly_its_final_value_claimed() {
    scoped_tests::needs!(Transactions);
    let factory = serialized_factory().await;
    let capsule = new_capsule();
    let contacts = factory.capsule_dynamodb(&capsule).items::<Contact>();
    contacts.provision().await.unwrap();
    contacts.create(&contact("c1", "start@x")).await.unwrap();
    // Ten writers change c1's email at once: each reads c1, then writes it only if its email
    // is still the one read, so most of them find it changed and read again.
    let emails: Vec<String> = (0..10).map(|i| format!("e{i}@x")).collect();
    let tasks: Vec<_> = emails
        .iter()
        .map(|email| {
            let contacts = contacts.clone();
            let email = email.clone();
            tokio::spawn(async move { contacts.put(&contact("c1", &email)).await })
        })
        .collect();
    for task in tasks {
        match task.await.unwrap() {
            Ok(()) | Err(Error::UniqueConflict { .. }) => {}
            Err(err) => panic!("{err}"),
        }
    }
    let last = contacts
        .clone()
        .consistent_reads()
        .get("c1")
        .await
        .unwrap()
        .unwrap()
        .email;
    // c1's final email is claimed by c1; every other one is free again.
    let err = contacts.create(&contact("c2", &last)).await.unwrap_err();
    assert!(is_duplicate(&err, "email", &last), "{err}");
    for (i, email) in emails.iter().chain([&"start@x".to_owned()]).enumerate() {
        if *email != last {
            contacts
                .create(&contact(&format!("other{i}"), email))
                .await
                .unwrap();
        }
    }
}

#[tokio::test]
async fn changing_an_email_frees_the_old_one_and_claims_the_new_one() {
    scoped_tests::needs!(Transactions);
    let factory = factory().await;
    let capsule = new_capsule();
    let contacts = factory.capsule_dynamodb(&capsule).items::<Contact>();
    contacts.provision().await.unwrap();
    contacts
        .create(&contact("c1", "old@example.com"))
        .await
        .unwrap();

    contacts
        .put(&contact("c1", "new@example.com"))
        .await
        .unwrap();
    // The old email is free: another contact takes it.
    contacts
        .create(&contact("c2", "old@example.com"))
        .await
        .unwrap();
    // The new one is c1's.
    let err = contacts
        .create(&contact("c3", "new@example.com"))
        .await
        .unwrap_err();
    assert!(is_duplicate(&err, "email", "new@example.com"), "{err}");
    // A put of another contact with it is refused too, and writes nothing.
    let err = contacts
        .put(&contact("c2", "new@example.com"))
        .await
        .unwrap_err();
    assert!(is_duplicate(&err, "email", "new@example.com"), "{err}");
    let c2 = contacts
        .clone()
        .consistent_reads()
        .get("c2")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c2.email, "old@example.com");
    assert!(
        contacts
            .clone()
            .consistent_reads()
            .get("c3")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn deleting_an_item_frees_its_values() {
    scoped_tests::needs!(Transactions);
    let factory = factory().await;
    let capsule = new_capsule();
    let contacts = factory.capsule_dynamodb(&capsule).items::<Contact>();
    contacts.provision().await.unwrap();
    contacts
        .create(&contact("c1", "ada@example.com"))
        .await
        .unwrap();
    contacts.delete("c1").await.unwrap();
    let raw = unscoped(&factory);
    let pk = format!(
        "TENANT#{}#CAPSULE#caps-1#UNIQUE#CONTACT#email#ada@example.com",
        capsule.tenant_id()
    );
    assert!(
        claim(&raw, contacts.table().as_str(), &pk, true)
            .await
            .is_none()
    );
    contacts
        .create(&contact("c2", "ada@example.com"))
        .await
        .unwrap();
    // Deleting an absent item is still not an error.
    contacts.delete("c1").await.unwrap();
}

#[tokio::test]
async fn a_put_by_the_owner_of_its_own_value_is_idempotent() {
    scoped_tests::needs!(Transactions);
    let factory = factory().await;
    let capsule = new_capsule();
    let contacts = factory.capsule_dynamodb(&capsule).items::<Contact>();
    contacts.provision().await.unwrap();
    contacts
        .put(&contact("c1", "ada@example.com"))
        .await
        .unwrap();
    let mut renamed = contact("c1", "ada@example.com");
    renamed.name = "Ada Lovelace".into();
    contacts.put(&renamed).await.unwrap();
    contacts.put(&renamed).await.unwrap();
    let stored = contacts
        .clone()
        .consistent_reads()
        .get("c1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored, renamed);
    // A create of the same item is still a create: the item exists.
    let err = contacts.create(&renamed).await.unwrap_err();
    assert!(
        matches!(&err, Error::AlreadyExists { unique: None, key, .. } if key.contains("CONTACT#c1")),
        "{err}"
    );
}

#[tokio::test]
async fn uniqueness_is_per_scope() {
    scoped_tests::needs!(Transactions);
    let factory = factory().await;
    // Two capsules of one tenant and one of another, all sharing the table {code}_contacts.
    let tenant_id = format!("t-{}", unique());
    let code = new_code();
    let first = Capsule::new(tenant_id.as_str(), "caps-1", code.as_str()).unwrap();
    let second = Capsule::new(tenant_id.as_str(), "caps-2", code.as_str()).unwrap();
    let other = Capsule::new(format!("t-{}", unique()), "caps-1", code.as_str()).unwrap();
    let table = |capsule: &Capsule| {
        factory
            .capsule_dynamodb(capsule)
            .items::<Contact>()
            .table()
            .to_string()
    };
    assert_eq!(table(&first), table(&other));
    assert_eq!(table(&second), table(&other));
    for capsule in [&first, &second, &other] {
        let contacts = factory.capsule_dynamodb(capsule).items::<Contact>();
        contacts.provision().await.unwrap();
        contacts
            .create(&contact("c1", "ada@example.com"))
            .await
            .unwrap();
        let err = contacts
            .create(&contact("c2", "ada@example.com"))
            .await
            .unwrap_err();
        assert!(is_duplicate(&err, "email", "ada@example.com"), "{err}");
    }
    // Tenant tables: two tenants, one email each.
    for tenant in [new_tenant(), new_tenant()] {
        let members = factory.tenant_dynamodb(&tenant).items::<Member>();
        members.provision().await.unwrap();
        members
            .create(&member("m1", "ada@example.com", Some("+1 555")))
            .await
            .unwrap();
        let err = members
            .create(&member("m2", "bob@example.com", Some("+1 555")))
            .await
            .unwrap_err();
        assert!(is_duplicate(&err, "phone", "+1 555"), "{err}");
    }
}

#[tokio::test]
async fn the_same_value_on_two_entities_is_allowed() {
    scoped_tests::needs!(Transactions);
    let factory = factory().await;
    let capsule = new_capsule();
    let crm = factory.capsule_dynamodb(&capsule);
    crm.items::<Contact>().provision().await.unwrap();
    crm.items::<Contact>()
        .create(&contact("c1", "ada@example.com"))
        .await
        .unwrap();
    let suppliers = crm.items::<Supplier>();
    let supplier = Supplier {
        supplier_id: "s1".into(),
        email: "ada@example.com".into(),
    };
    suppliers.create(&supplier).await.unwrap();
    let err = suppliers
        .create(&Supplier {
            supplier_id: "s2".into(),
            email: "ada@example.com".into(),
        })
        .await
        .unwrap_err();
    assert!(is_duplicate(&err, "email", "ada@example.com"), "{err}");
}

#[tokio::test]
async fn an_optional_value_claims_only_when_set() {
    scoped_tests::needs!(Transactions);
    let factory = factory().await;
    let members = factory.tenant_dynamodb(&new_tenant()).items::<Member>();
    members.provision().await.unwrap();
    members.create(&member("m1", "a@x", None)).await.unwrap();
    members.create(&member("m2", "b@x", None)).await.unwrap();
    members.put(&member("m1", "a@x", Some("+1"))).await.unwrap();
    let err = members
        .put(&member("m2", "b@x", Some("+1")))
        .await
        .unwrap_err();
    assert!(is_duplicate(&err, "phone", "+1"), "{err}");
    // Clearing it frees it.
    members.put(&member("m1", "a@x", None)).await.unwrap();
    members.put(&member("m2", "b@x", Some("+1"))).await.unwrap();
}

#[tokio::test]
async fn a_versioned_put_keeps_claims_and_versions() {
    scoped_tests::needs!(Transactions);
    let factory = factory().await;
    let members = factory.tenant_dynamodb(&new_tenant()).items::<Member>();
    members.provision().await.unwrap();
    let mut m1 = member("m1", "a@x", None);
    m1.version = members.put_versioned(&m1, "version").await.unwrap();
    assert_eq!(m1.version, 1);
    let stale = m1.clone();
    m1.email = "b@x".into();
    m1.version = members.put_versioned(&m1, "version").await.unwrap();
    assert_eq!(m1.version, 2);
    // A stale version is a conflict, and changes no claim.
    let mut late = stale;
    late.email = "c@x".into();
    let err = members.put_versioned(&late, "version").await.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::VersionConflict {
                expected: 1,
                found: Some(2),
                ..
            }
        ),
        "{err}"
    );
    members.create(&member("m2", "c@x", None)).await.unwrap();
    members.create(&member("m3", "a@x", None)).await.unwrap();
    let err = members
        .create(&member("m4", "b@x", None))
        .await
        .unwrap_err();
    assert!(is_duplicate(&err, "email", "b@x"), "{err}");
    // A duplicate in a versioned put names it too.
    m1.email = "c@x".into();
    let err = members.put_versioned(&m1, "version").await.unwrap_err();
    assert!(is_duplicate(&err, "email", "c@x"), "{err}");
}

#[tokio::test]
async fn a_transaction_create_claims_its_values() {
    scoped_tests::needs!(Transactions);
    let factory = factory().await;
    let capsule = new_capsule();
    let crm = factory.capsule_dynamodb(&capsule);
    crm.items::<Contact>().provision().await.unwrap();
    crm.transaction()
        .create(&contact("c1", "ada@example.com"))
        .send()
        .await
        .unwrap();
    let err = crm
        .transaction()
        .create(&contact("c2", "ada@example.com"))
        .send()
        .await
        .unwrap_err();
    assert!(is_duplicate(&err, "email", "ada@example.com"), "{err}");
    assert!(
        matches!(&err, Error::AlreadyExists { key, .. } if key.contains("CONTACT#c2")),
        "{err}"
    );
    assert!(
        crm.items::<Contact>()
            .clone()
            .consistent_reads()
            .get("c2")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_scan_of_a_tenant_table_with_uniqueness_items_returns_only_entities() {
    scoped_tests::needs!(Transactions);
    let factory = factory().await;
    let tenant = new_tenant();
    let members = factory.tenant_dynamodb(&tenant).items::<Member>();
    members.provision().await.unwrap();
    for i in 0..3 {
        members
            .create(&member(
                &format!("m{i}"),
                &format!("{i}@x"),
                Some(&format!("+{i}")),
            ))
            .await
            .unwrap();
    }
    // The table holds 3 members and 6 uniqueness items.
    let raw = unscoped(&factory);
    let all = raw
        .scan()
        .table_name(members.table().as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(all.items().len(), 9);
    let mut scanned = members.scan().try_collect().await.unwrap();
    scanned.sort_by(|a, b| a.member_id.cmp(&b.member_id));
    assert_eq!(
        scanned
            .iter()
            .map(|m| m.member_id.as_str())
            .collect::<Vec<_>>(),
        ["m0", "m1", "m2"]
    );
    assert_eq!(members.count().await.unwrap(), 3);
}

#[tokio::test]
async fn the_guard_holds_uniqueness_keys_to_the_scope() {
    let factory = factory().await;
    let tenant = new_tenant();
    let members = factory.tenant_dynamodb(&tenant).items::<Member>();
    members.provision().await.unwrap();
    // The scope's own uniqueness key passes the guard; another tenant's does not.
    let own = format!("TENANT#{}#UNIQUE#MEMBER#email#a@x", tenant.id());
    let other = new_tenant();
    let foreign = format!("TENANT#{}#UNIQUE#MEMBER#email#a@x", other.id());
    for (pk, allowed) in [(own, true), (foreign, false)] {
        let sent = members
            .raw()
            .put_item()
            .table_name(members.table().as_str())
            .item("pk", AttributeValue::S(pk.clone()))
            .send()
            .await;
        match sent {
            Ok(_) => assert!(allowed, "{pk} was written"),
            Err(err) => {
                assert!(!allowed, "{pk}: {err:?}");
                let found = IsolationViolation::find_in(&err);
                let _ = found.map(|v| v.to_string());
                assert!(found.is_some(), "{pk}: {err:?}");
            }
        }
    }
}

#[tokio::test]
async fn writes_that_cannot_keep_uniqueness_items_are_refused_before_sending() {
    let factory = factory().await;
    let tenant = new_tenant();
    let client = factory.tenant_dynamodb(&tenant);
    let members = client.items::<Member>();
    members.provision().await.unwrap();
    let m1 = member("m1", "a@x", None);

    let err = members.batch_put([&m1]).await.unwrap_err();
    assert!(
        matches!(&err, Error::UniqueWrite { operation: "batch_put", attributes, .. }
            if *attributes == ["email", "phone"]),
        "{err}"
    );
    let err = members.batch_delete(["m1"]).await.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::UniqueWrite {
                operation: "batch_delete",
                ..
            }
        ),
        "{err}"
    );
    let err = client.transaction().put(&m1).send().await.unwrap_err();
    assert!(matches!(&err, Error::UniqueWrite { .. }), "{err}");
    let err = client
        .transaction()
        .delete::<Member>("m1")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::UniqueWrite { .. }), "{err}");
    assert!(err.to_string().contains("email, phone"), "{err}");
    let raw = unscoped(&factory);
    let all = raw
        .scan()
        .table_name(members.table().as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(all.items().len(), 0, "nothing was written");

    // An update naming a unique field is refused, and says to put the item.
    let err = members
        .update("m1", Update::new().set("email", "b@x"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            Error::UpdateAttribute {
                rule: UpdateRule::Indexed,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("put"), "{err}");

    // Entities without unique fields batch as before.
    let plain = factory.capsule_dynamodb(&new_capsule()).items::<Plain>();
    plain.provision().await.unwrap();
    plain
        .batch_put([&Plain {
            plain_id: "p1".into(),
        }])
        .await
        .unwrap();
}

/// An email that serializes as a map, though its key segment is its text: a unique value
/// stored unlike its key text, whose uniqueness item a later put could not find.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Address {
    address: String,
}

impl KeySegment for Address {
    fn segment(&self) -> Segment<'_> {
        Segment::from(self.address.as_str())
    }
}

/// A subscriber whose unique field is an [`Address`].
#[derive(ScopedKey, Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[scoped(table = Members, entity = "SUBSCRIBER")]
pub struct Subscriber {
    /// The subscriber's id.
    #[scoped(id)]
    pub subscriber_id: String,
    /// Its address.
    #[scoped(unique)]
    pub address: Address,
}

#[tokio::test]
async fn a_unique_value_stored_unlike_its_key_text_is_refused_before_sending() {
    let factory = factory().await;
    let subscribers = factory.tenant_dynamodb(&new_tenant()).items::<Subscriber>();
    subscribers.provision().await.unwrap();
    let subscriber = Subscriber {
        subscriber_id: "s1".into(),
        address: Address {
            address: "a@x".into(),
        },
    };
    let err = subscribers.create(&subscriber).await.unwrap_err();
    assert!(
        matches!(&err, Error::UniqueValue { attribute: "address", value, .. } if value == "a@x"),
        "{err}"
    );
    let raw = unscoped(&factory);
    let all = raw
        .scan()
        .table_name(subscribers.table().as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(all.items().len(), 0, "nothing was written");
}

#[tokio::test]
async fn each_write_sends_what_the_patterns_guide_says() {
    scoped_tests::needs!(Transactions);
    let tap = StsTap::new();
    let factory = factory_with_tap(&tap, CredentialCacheConfig::default()).await;
    let members = factory.tenant_dynamodb(&new_tenant()).items::<Member>();
    members.provision().await.unwrap();
    let sent = |from: usize| tap.dynamodb_operations()[from..].to_vec();

    let start = tap.dynamodb_operations().len();
    members
        .create(&member("m1", "a@x", Some("+1")))
        .await
        .unwrap();
    assert_eq!(sent(start), ["TransactWriteItems"]);
    let start = tap.dynamodb_operations().len();
    members.put(&member("m1", "b@x", None)).await.unwrap();
    assert_eq!(sent(start), ["GetItem", "TransactWriteItems"]);
    let start = tap.dynamodb_operations().len();
    members.delete("m1").await.unwrap();
    assert_eq!(sent(start), ["GetItem", "TransactWriteItems"]);
    let start = tap.dynamodb_operations().len();
    members.delete("m1").await.unwrap();
    assert_eq!(sent(start), ["GetItem"], "an absent item: nothing to write");
}
