//! Unit tests of uniqueness claims: keys, conditions, writes and error messages.

use super::*;
use crate::scope::{Capsule, Scope, Tenant};

crate::dynamodb::entity::test_entity!(
    Lead,
    Capsule,
    "crm",
    "LEAD",
    attributes = [],
    id = "lead-789"
);

/// [`Lead`] with a unique `email`: only the constant [`refuse`] reads differs.
struct UniqueLead;

impl crate::dynamodb::entity::seal::BoundTable for UniqueLead {}
impl crate::dynamodb::entity::seal::DerivedEntity for UniqueLead {}

impl crate::dynamodb::entity::Table for UniqueLead {
    type Scope = Capsule;
    type Declaration = Lead;
    const BASE_NAME: crate::ident::BaseName = <Lead as crate::dynamodb::entity::Table>::BASE_NAME;
    const KEY_SCHEMA: crate::dynamodb::schema::KeySchema =
        <Lead as crate::dynamodb::entity::Table>::KEY_SCHEMA;
    const INDEXES: &'static [crate::dynamodb::schema::IndexSchema] = &[];
}

impl Entity for UniqueLead {
    const TAG: EntityTag = EntityTag::from_static("ULEAD");
    const ATTRIBUTES: crate::dynamodb::ops::Attributes =
        crate::dynamodb::ops::Attributes::new(&[], false);
    const SORT_ID_COUNT: usize = 0;
    const UNIQUE_ATTRIBUTES: &'static [&'static str] = &["email"];
    type Partition = Self;
    type Ids<'a> = &'a str;
    type PartitionIds<'a> = &'a str;
    type SortIds<'a> = ();
    type FirstSort = crate::dynamodb::range::Done;

    fn ids(&self) -> &str {
        "1"
    }

    fn split_ids<'a>(ids: &'a str) -> (&'a str, ())
    where
        Self: 'a,
    {
        (ids, ())
    }

    fn registration() -> &'static crate::dynamodb::tags::Registration {
        static REGISTRATION: crate::dynamodb::tags::Registration =
            crate::dynamodb::tags::Registration::new();
        &REGISTRATION
    }

    fn index_attributes(
        &self,
        _: &Capsule,
        _: &ItemKey<Self>,
    ) -> Result<crate::dynamodb::index::IndexAttributes, KeyError> {
        Ok(Vec::new())
    }

    fn visit_unique(&self, visit: &mut dyn FnMut(&'static str, crate::segment::Segment<'_>)) {
        visit("email", crate::segment::Segment::from("ada@example.com"));
    }
}

#[test]
fn claims_are_checked_against_the_stored_attributes() {
    let capsule = Capsule::new("t", "c", "PRODUS").unwrap();
    let mut attributes = Item::new();
    attributes.insert("email".into(), AttributeValue::S("ada@example.com".into()));
    let claims = claims_of(&capsule, &UniqueLead, &attributes).unwrap();
    assert_eq!(claims.len(), 1);
    assert_eq!(
        claims[0].pk,
        "TENANT#t#CAPSULE#c#UNIQUE#ULEAD#email#ada@example.com"
    );
    assert_eq!(stored_claims::<UniqueLead>(&capsule, &attributes), claims);
    attributes.insert("email".into(), AttributeValue::Bool(true));
    assert!(matches!(
        claims_of(&capsule, &UniqueLead, &attributes),
        Err(Error::UniqueValue {
            attribute: "email",
            ..
        })
    ));
    assert!(stored_claims::<UniqueLead>(&capsule, &attributes).is_empty());
    let mut condition = Condition::default();
    attributes.insert("email".into(), AttributeValue::Null(true));
    condition.unchanged::<UniqueLead>(Some(&attributes));
    assert_eq!(
        condition.expression().as_deref(),
        Some("attribute_exists(#upk) AND attribute_type(#u0, :u0)")
    );
}

#[test]
fn a_claim_is_a_key_of_the_scope_with_the_unique_tag() {
    let capsule = Capsule::new("tenant-123", "caps-456", "PRODUS").unwrap();
    let pk = claim_key::<Lead>(&capsule, "email", "ada#1@example.com").unwrap();
    assert_eq!(
        pk,
        "TENANT#tenant-123#CAPSULE#caps-456#UNIQUE#LEAD#email#ada%231@example.com"
    );
    capsule.check_key(&pk).unwrap();
    let decoded = key::DecodedKey::parse(&pk).unwrap();
    assert_eq!(decoded.entity(), "UNIQUE");
    // Another tenant's scope does not accept it.
    let other = Tenant::new("tenant-12", "acme").unwrap();
    assert!(other.check_key(&pk).is_err());
    assert!(matches!(
        claim_key::<Lead>(&capsule, "email", ""),
        Err(KeyError::EmptyId { position: 3, .. })
    ));
}

#[test]
fn errors_name_the_attribute_the_value_and_the_fix() {
    let taken = Error::AlreadyExists {
        table: "PRODUS_crm".into(),
        key: "TENANT#t#CAPSULE#c#LEAD#2 / LEAD".into(),
        unique: Some(Duplicate::new("email", "ada@example.com")),
    };
    let message = taken.to_string();
    assert!(
        message.starts_with("email \"ada@example.com\" is already taken in table PRODUS_crm"),
        "{message}"
    );
    assert!(message.contains("LEAD#2"), "{message}");
    let refused = refuse::<UniqueLead>("batch_put", BATCH).unwrap_err();
    let message = refused.to_string();
    assert!(
        message.contains("(email)")
            && message.contains("batch_put")
            && message.contains("not transactional")
            && message.contains("`put`"),
        "{message}"
    );
    assert!(refuse::<Lead>("batch_put", BATCH).is_ok());
}

#[test]
fn stored_values_are_claimed_by_their_text() {
    assert_eq!(stored_text(&AttributeValue::S("a".into())), Some("a"));
    assert_eq!(stored_text(&AttributeValue::N("42".into())), Some("42"));
    assert_eq!(stored_text(&AttributeValue::Null(true)), None);
    assert_eq!(stored_text(&AttributeValue::Bool(true)), None);
}

#[test]
fn the_item_is_written_only_if_its_unique_values_are_unchanged() {
    let mut condition = Condition::default();
    condition.unchanged::<Lead>(None);
    assert_eq!(
        condition.expression().as_deref(),
        Some("attribute_not_exists(#upk)")
    );
}

#[test]
fn claims_name_their_owner_and_are_free_or_own() {
    let owner = ItemKey::<Lead>::from_parts("TENANT#t#LEAD#1", Some("LEAD"));
    let claim = Claim {
        attribute: "email",
        value: "a@b".into(),
        pk: "TENANT#t#UNIQUE#LEAD#email#a@b".into(),
    };
    let write = claim_put("t_crm", &owner, &claim).unwrap();
    let put = write.put().unwrap();
    assert_eq!(put.condition_expression(), Some(FREE_OR_OWN_SORTED));
    assert_eq!(
        put.item().get(SK),
        Some(&AttributeValue::S(UNIQUE_SORT_KEY.into()))
    );
    assert_eq!(
        put.item().get(OWNER_SK),
        Some(&AttributeValue::S("LEAD".into()))
    );
    let unsorted = ItemKey::<Lead>::from_parts("TENANT#t#LEAD#1", None);
    let release = claim_release("t_crm", &unsorted, &claim).unwrap();
    let delete = release.delete().unwrap();
    assert_eq!(delete.condition_expression(), Some(FREE_OR_OWN));
    assert_eq!(delete.key().len(), 1);
}
