//! Two entities with one tag in one table would have the same keys and overwrite each other's
//! items. From the user's side, against moto: the first entity to use the tag keeps it, and
//! every key, write, read, transaction and provisioning of the second is an error naming both.
//!
//! One test, because the registry of tags is per process and the order of claims matters.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests: a failed unwrap is the test failing"
)]

use scoped_runtime::{
    Capsule, Error, KeyError, ScopeKind, ScopedKey, Tenant, capsule_table, tenant_table,
};
use scoped_tests::{PK, factory, unique, unscoped};
use serde::{Deserialize, Serialize};

/// The first version of a lead, with the default tag `LEAD`.
mod crm {
    use super::{Deserialize, ScopedKey, Serialize, capsule_table};

    /// A sales lead.
    #[capsule_table("tagged")]
    #[derive(ScopedKey, Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
    pub(crate) struct Lead {
        /// Its id.
        #[scoped(id)]
        pub(crate) lead_id: String,
        /// Its name.
        pub(crate) name: String,
    }
}

/// Another module's lead in the same table, also with the default tag `LEAD`.
mod sales {
    use super::{Deserialize, ScopedKey, Serialize, capsule_table};

    /// A sales lead, as another module models it.
    #[capsule_table("tagged")]
    #[derive(ScopedKey, Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
    pub(crate) struct Lead {
        /// Its id.
        #[scoped(id)]
        pub(crate) lead_id: String,
        /// Its owner.
        pub(crate) owner: String,
    }
}

/// A second version of the lead, given the first's tag explicitly.
#[capsule_table("tagged")]
#[derive(ScopedKey, Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[scoped(entity = "LEAD")]
pub struct LeadV2 {
    /// Its id.
    #[scoped(id)]
    pub lead_id: String,
    /// Its score.
    pub score: u32,
}

/// The same tag in another table of the same scope: no conflict.
#[capsule_table("tagged-archive")]
#[derive(ScopedKey, Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[scoped(entity = "LEAD")]
pub struct ArchivedLead {
    /// Its id.
    #[scoped(id)]
    pub lead_id: String,
}

/// The same tag and base name in another scope: no conflict either.
#[tenant_table("tagged")]
#[derive(ScopedKey, Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[scoped(entity = "LEAD")]
pub struct TenantLead {
    /// Its id.
    #[scoped(id)]
    pub lead_id: String,
}

/// Whether `err` is the tag conflict of `entity` with `other` over `LEAD` in `tagged`.
fn is_conflict(err: &KeyError, entity: &str, other: &str) -> bool {
    matches!(
        err,
        KeyError::TagInUse { tag, scope: ScopeKind::Capsule, base, entity: refused, other: holder }
            if tag == "LEAD"
                && base == "tagged"
                && refused.ends_with(entity)
                && holder.ends_with(other)
    )
}

#[tokio::test]
async fn a_second_entity_with_a_tag_in_use_in_its_table_is_refused() {
    let factory = factory().await;
    let run = unique();
    let capsule = Capsule::new(format!("t-{run}"), "caps-1", "PRODUS").unwrap();
    let crm = factory.capsule_dynamodb(&capsule);

    // The first entity claims `LEAD` in `tagged` and works as always.
    let leads = crm.items::<crm::Lead>().consistent_reads();
    leads.provision().await.unwrap();
    let ada = crm::Lead {
        lead_id: "l1".into(),
        name: "Ada".into(),
    };
    leads.put(&ada).await.unwrap();

    // The other module's `Lead` would write over Ada: every way to its key is refused.
    let theirs = crm.items::<sales::Lead>();
    let overwrite = sales::Lead {
        lead_id: "l1".into(),
        owner: "mallory".into(),
    };
    let Err(Error::Key(err)) = theirs.put(&overwrite).await else {
        panic!("a put with a tag in use must fail");
    };
    assert!(is_conflict(&err, "sales::Lead", "crm::Lead"), "{err:?}");
    let message = err.to_string();
    for part in [
        "sales::Lead",
        "crm::Lead",
        "\"LEAD\"",
        "\"tagged\"",
        "#[scoped(entity",
    ] {
        assert!(message.contains(part), "{part} missing from: {message}");
    }
    assert!(matches!(theirs.get("l1").await, Err(Error::Key(_))));
    assert!(matches!(theirs.delete("l1").await, Err(Error::Key(_))));
    assert!(matches!(
        crm.key::<sales::Lead>("l1"),
        Err(KeyError::TagInUse { .. })
    ));
    assert!(matches!(
        sales::Lead::partition_key(&capsule, "l1"),
        Err(KeyError::TagInUse { .. })
    ));

    // The same with an explicit tag, and through provisioning and transactions.
    let v2 = crm.items::<LeadV2>();
    let Err(Error::Key(err)) = v2.provision().await else {
        panic!("provisioning with a tag in use must fail");
    };
    assert!(is_conflict(&err, "LeadV2", "crm::Lead"), "{err:?}");
    let scored = LeadV2 {
        lead_id: "l1".into(),
        score: 99,
    };
    let sent = crm.transaction().put(&scored).send().await;
    assert!(
        matches!(sent, Err(Error::Key(KeyError::TagInUse { .. }))),
        "{sent:?}"
    );

    // Ada is untouched, and alone in the table.
    assert_eq!(leads.get("l1").await.unwrap(), Some(ada));
    let table = crm.table::<crm::Lead>().into_name().into_string();
    let scan = unscoped(&factory)
        .scan()
        .table_name(&table)
        .send()
        .await
        .unwrap();
    let keys: Vec<_> = scan
        .items()
        .iter()
        .filter_map(|item| item.get(PK)?.as_s().ok().cloned())
        .filter(|key| key.contains(&format!("t-{run}")))
        .collect();
    assert_eq!(keys, [format!("TENANT#t-{run}#CAPSULE#caps-1#LEAD#l1")]);

    // The tag is free in another table and in another scope's table of the same base name.
    let archive = crm.items::<ArchivedLead>();
    archive.provision().await.unwrap();
    archive
        .put(&ArchivedLead {
            lead_id: "l1".into(),
        })
        .await
        .unwrap();
    let tenant = Tenant::new(format!("t-{run}"), "Acme").unwrap();
    assert_eq!(
        factory
            .tenant_dynamodb(&tenant)
            .key::<TenantLead>("l1")
            .unwrap(),
        format!("TENANT#t-{run}#LEAD#l1").as_str()
    );
}
