//! Which DynamoDB implementation a test run talks to, and what it lacks.
//!
//! `SCOPED_TEST_BACKEND` selects it: `moto` (the default) serves DynamoDB and STS at
//! `AWS_ENDPOINT_URL`; `dynalite` serves DynamoDB at `AWS_ENDPOINT_URL_DYNAMODB` while STS
//! stays at moto. `scripts/test.sh` runs the same test binaries once on each.
//!
//! Every test runs on every backend unless it declares what it needs with one line at its
//! start, [`needs!`](crate::needs): on a backend without it, the test writes a `NOT RUN` line
//! naming the backend, the test and the reason to the terminal (past the test harness's
//! output capture) and returns. Before it does, it checks that the backend really lacks the
//! capability, and fails if it does not, so [`Backend::lacks`] cannot go stale (except
//! [`Capability::SerialConditionalWrites`], a race no single probe can show either way).

use std::fmt;
use std::io::Write;
use std::sync::Once;

use aws_sdk_dynamodb::error::{DisplayErrorContext, ProvideErrorMetadata};
use aws_sdk_dynamodb::types::{AttributeValue, ConditionCheck, TransactWriteItem};
use scoped_runtime::{AwsClientFactory, OperatorRole};

use crate::{table_names, unique, unscoped};

/// A DynamoDB implementation the integration tests run against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// moto server: DynamoDB and STS, state kept per AWS account.
    Moto,
    /// dynalite: DynamoDB only, validating requests as DynamoDB documents it.
    Dynalite,
}

/// Something a test may need that not every backend has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capability {
    /// Separate tables per AWS account: a role in another account sees other tables.
    Accounts,
    /// `TransactWriteItems` and `TransactGetItems`.
    Transactions,
    /// Conditional writes of one item applied one at a time: of two concurrent writes whose
    /// condition only one of them can meet, exactly one succeeds.
    SerialConditionalWrites,
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Accounts => "separate AWS accounts",
            Self::Transactions => "transactions (TransactWriteItems)",
            Self::SerialConditionalWrites => "conditional writes of one item applied one at a time",
        })
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Backend {
    /// The backend `SCOPED_TEST_BACKEND` selects, `moto` if it is unset.
    ///
    /// # Panics
    ///
    /// On any other value, or if the endpoints the backend needs are not set.
    #[must_use]
    pub fn current() -> Self {
        let backend = match std::env::var("SCOPED_TEST_BACKEND").as_deref() {
            Err(std::env::VarError::NotPresent) | Ok("" | "moto") => Self::Moto,
            Ok("dynalite") => Self::Dynalite,
            other => panic!(
                "SCOPED_TEST_BACKEND={other:?}: the integration tests run on `moto` (the default) \
                 or `dynalite`"
            ),
        };
        backend.check_endpoints();
        backend
    }

    /// `moto` or `dynalite`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Moto => "moto",
            Self::Dynalite => "dynalite",
        }
    }

    /// What the backend lacks, each with why. Keep docs/testing.md in step.
    #[must_use]
    pub fn lacks(self) -> &'static [(Capability, &'static str)] {
        match self {
            Self::Moto => &[(
                Capability::SerialConditionalWrites,
                "moto evaluates a write's condition and applies the write without a lock while \
                 its server runs requests on threads (moto 5.1.22, moto/dynamodb/models), so two \
                 concurrent writers can both meet the same version condition",
            )],
            Self::Dynalite => &[
                (
                    Capability::Accounts,
                    "dynalite keeps one set of tables for every caller, whatever account signs",
                ),
                (
                    Capability::Transactions,
                    "dynalite does not implement TransactWriteItems or TransactGetItems",
                ),
            ],
        }
    }

    /// The `Query` requests a paged query sends for a result that exactly fills its first
    /// page. DynamoDB documents that a query which reaches its `Limit` stops and returns a
    /// `LastEvaluatedKey`, so the stream asks once more (and gets an empty page): dynalite
    /// does that. moto leaves the key out when nothing follows, so one request is all.
    #[must_use]
    pub fn query_requests_for_one_full_page(self) -> &'static [&'static str] {
        match self {
            Self::Moto => &["Query"],
            Self::Dynalite => &["Query", "Query"],
        }
    }

    fn check_endpoints(self) {
        let set = |name: &str| std::env::var_os(name).is_some_and(|value| !value.is_empty());
        assert!(set("AWS_ENDPOINT_URL"), "{}", crate::MISSING_ENDPOINT);
        match self {
            Self::Moto => assert!(
                !set("AWS_ENDPOINT_URL_DYNAMODB"),
                "SCOPED_TEST_BACKEND is moto (or unset) but AWS_ENDPOINT_URL_DYNAMODB points \
                 DynamoDB elsewhere: unset it, or set SCOPED_TEST_BACKEND=dynalite if it is a \
                 dynalite (`bash scripts/with-dynalite.sh <command>` starts both)"
            ),
            Self::Dynalite => assert!(
                set("AWS_ENDPOINT_URL_DYNAMODB"),
                "SCOPED_TEST_BACKEND=dynalite but AWS_ENDPOINT_URL_DYNAMODB is not set: run \
                 `bash scripts/with-dynalite.sh <command>`, which starts dynalite for DynamoDB \
                 and moto for STS"
            ),
        }
        static ANNOUNCED: Once = Once::new();
        ANNOUNCED.call_once(|| {
            let dynamodb = std::env::var("AWS_ENDPOINT_URL_DYNAMODB")
                .or_else(|_| std::env::var("AWS_ENDPOINT_URL"))
                .unwrap_or_default();
            let sts = std::env::var("AWS_ENDPOINT_URL").unwrap_or_default();
            say(&format!(
                "{}: DynamoDB on {self} ({dynamodb}), STS on moto ({sts})",
                binary()
            ));
        });
    }
}

/// Whether the running test may go on: `true` if the current backend has `capability`.
/// Otherwise writes the test's `NOT RUN` line and returns `false`, after checking with a
/// request that the backend really lacks it (it panics if the backend has it after all:
/// [`Backend::lacks`] is out of date). Use it through [`needs!`](crate::needs).
pub async fn supports(capability: Capability) -> bool {
    let backend = Backend::current();
    let Some((_, why)) = backend
        .lacks()
        .iter()
        .find(|(lacking, _)| *lacking == capability)
    else {
        return true;
    };
    if let Some(evidence) = has(capability, &crate::factory().await).await {
        panic!(
            "{backend} is listed as lacking {capability} ({why}), but it has it: {evidence}. \
             Remove it from Backend::lacks in tests/src/backend.rs and from docs/testing.md"
        );
    }
    let test = std::thread::current()
        .name()
        .unwrap_or("(unnamed test)")
        .to_owned();
    say(&format!(
        "NOT RUN on {backend}: {}::{test} needs {capability}: {why}; it runs on the other \
         backend (see docs/testing.md)",
        binary()
    ));
    false
}

/// Evidence that the backend has `capability`, `None` if it lacks it.
async fn has(capability: Capability, factory: &AwsClientFactory) -> Option<String> {
    match capability {
        // A race shows only now and then: no probe of a few requests proves a backend
        // serialises conditional writes (nor that it does not), so moto's listing rests on its
        // source (docs/testing.md) and this capability is the one not checked by a request.
        Capability::SerialConditionalWrites => None,
        Capability::Accounts => {
            let role = OperatorRole::new("arn:aws:iam::999999999999:role/probe", "probe")
                .expect("a valid role");
            let table = format!("probe-accounts-{}", unique());
            factory
                .operator(&role)
                .dynamodb()
                .provision_table(&table)
                .await
                .expect("create a table as a role of account 999999999999");
            let own = table_names(&unscoped(factory)).await;
            (!own.contains(&table)).then(|| {
                format!(
                    "table {table}, created in account 999999999999, is not among the tables \
                     of the factory's account"
                )
            })
        }
        Capability::Transactions => {
            let check = ConditionCheck::builder()
                .table_name(format!("probe-transactions-{}", unique()))
                .key(crate::PK, AttributeValue::S("probe".into()))
                .condition_expression("attribute_exists(pk)")
                .build()
                .expect("a complete condition check");
            let sent = unscoped(factory)
                .transact_write_items()
                .transact_items(TransactWriteItem::builder().condition_check(check).build())
                .send()
                .await;
            let answer = match &sent {
                Ok(_) => "success".to_owned(),
                Err(err) => match err.as_service_error().and_then(ProvideErrorMetadata::code) {
                    Some(code) => code.to_owned(),
                    None => panic!(
                        "TransactWriteItems probe: no answer from the backend: {}",
                        DisplayErrorContext(err)
                    ),
                },
            };
            (answer != "UnknownOperationException")
                .then(|| format!("TransactWriteItems was answered with {answer}"))
        }
    }
}

/// The test binary's name: `factory`, `isolation`…
fn binary() -> String {
    let exe = std::env::current_exe().unwrap_or_default();
    let stem = exe.file_stem().and_then(|s| s.to_str()).unwrap_or("tests");
    stem.rsplit_once('-')
        .map_or(stem, |(name, _hash)| name)
        .to_owned()
}

/// Writes `line` to the process's stderr directly, past libtest's capture of `eprintln!`, so
/// it shows in every run and not only for failed tests.
fn say(line: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "scoped-tests: {line}");
}

/// Returns from the calling test, with a `NOT RUN` line naming the backend and the reason,
/// unless the backend the tests run on has every capability listed, as the first line of an
/// async test: `scoped_tests::needs!(Accounts);` or `needs!(Accounts, Transactions);`. See
/// [`backend`](crate::backend).
#[macro_export]
macro_rules! needs {
    ($($capability:ident),+ $(,)?) => {
        $(
            if !$crate::backend::supports($crate::backend::Capability::$capability).await {
                return;
            }
        )+
    };
}
