//! Index keys (`docs/design.md`, invariant 7): every index partition value a template builds is
//! a key of its scope and of no other, and different values, templates or entities never build
//! the same index key.

use proptest::prelude::*;
use proptest::test_runner::RngAlgorithm;
use scoped_runtime::{Capsule, Entity, Scope, ScopedKey, capsule_table};

use super::strategies::id_value;

/// A capsule table with a lookup index and a sharded collection.
#[capsule_table("props", sort_key, index(ByEmail), index(Recent, sort_key, shards = 4))]
pub(crate) struct Props;

/// A contact: found by email, listed by creation time.
#[derive(ScopedKey)]
#[scoped(table = Props, entity = "CONTACT")]
#[scoped(index(ByEmail(partition(email)), Recent(sort(created))))]
pub(crate) struct Contact {
    #[scoped(id)]
    pub(crate) contact_id: String,
    pub(crate) email: String,
    pub(crate) created: i64,
}

/// An account, found by email in the same index: another entity, another partition.
#[derive(ScopedKey)]
#[scoped(table = Props, entity = "ACCOUNT")]
#[scoped(index(ByEmail(partition(email))))]
pub(crate) struct Account {
    #[scoped(id)]
    pub(crate) account_id: String,
    pub(crate) email: String,
}

/// Near-colliding capsules: `t1`/`t10`/`t1-0`, `c1`/`c10`.
fn capsule() -> impl Strategy<Value = Capsule> {
    (
        prop::sample::select(&["t1", "t10", "t1-0", "t"][..]),
        prop::sample::select(&["c1", "c10", "c"][..]),
        prop::sample::select(&["PRODUS", "DEV"][..]),
    )
        .prop_filter_map("valid capsules", |(tenant, capsule, code)| {
            Capsule::new(tenant, capsule, code).ok()
        })
}

/// The index attributes of `entity`, or the test case's failure.
fn index_values<E: Entity>(
    entity: &E,
    scope: &E::Scope,
) -> Result<Vec<(&'static str, String)>, TestCaseError> {
    let key = entity
        .to_item_key(scope)
        .map_err(|err| TestCaseError::fail(format!("key: {err}")))?;
    entity
        .index_attributes(scope, &key)
        .map_err(|err| TestCaseError::fail(format!("index keys: {err}")))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, rng_algorithm: RngAlgorithm::XorShift, ..ProptestConfig::default() })]

    /// An index partition value is a key of its own scope, and of no other, whatever the
    /// template's value holds (`#`, `%23`, `TENANT#…`, unicode).
    #[test]
    fn index_partitions_stay_in_their_scope(
        a in capsule(),
        b in capsule(),
        email in id_value().prop_filter("ids are not empty", |v| !v.is_empty()),
        created in any::<i64>(),
    ) {
        let contact = Contact { contact_id: "c-1".into(), email, created };
        for (attribute, value) in index_values(&contact, &a)? {
            if !attribute.starts_with("pk_") {
                continue;
            }
            prop_assert!(a.check_key(&value).is_ok(), "{attribute} = {value} is not {a:?}'s");
            let same = a.tenant_id() == b.tenant_id() && a.id() == b.id();
            prop_assert_eq!(b.check_key(&value).is_ok(), same, "{} = {} in {:?}", attribute, value, b);
        }
    }

    /// Different values, or different entities on one index, never build the same index key.
    #[test]
    fn index_keys_are_injective(
        scope in capsule(),
        x in id_value().prop_filter("ids are not empty", |v| !v.is_empty()),
        y in id_value().prop_filter("ids are not empty", |v| !v.is_empty()),
    ) {
        let value_of = |values: Vec<(&'static str, String)>, name: &str| {
            values.into_iter().find(|(attribute, _)| *attribute == name).map(|(_, v)| v)
        };
        let cx = Contact { contact_id: "c".into(), email: x.clone(), created: 0 };
        let cy = Contact { contact_id: "c".into(), email: y.clone(), created: 0 };
        let ax = Account { account_id: "c".into(), email: x.clone() };
        let (pcx, pcy, pax) = (
            value_of(index_values(&cx, &scope)?, "pk_by_email"),
            value_of(index_values(&cy, &scope)?, "pk_by_email"),
            value_of(index_values(&ax, &scope)?, "pk_by_email"),
        );
        prop_assert_eq!(pcx == pcy, x == y);
        prop_assert_ne!(pcx, pax, "two entities share an index partition");
    }
}
