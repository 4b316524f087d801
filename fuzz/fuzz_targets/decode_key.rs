//! Fuzzes the partition-key decoder: it must never panic, and every string it accepts must be
//! canonical, i.e. re-encoding the decoded scope, entity and ids gives back the input exactly.

#![no_main]

use std::borrow::Cow;

use libfuzzer_sys::fuzz_target;
use scoped_runtime::{
    Capsule, DecodedKey, EntityTag, KeyError, KeyScope, MAX_PARTITION_KEY_BYTES, Platform, Scope,
    Tenant,
};

fuzz_target!(|data: &[u8]| {
    // Invalid UTF-8 is replaced rather than skipped, so the fuzzer's byte mutations still
    // reach the decoder.
    let key = String::from_utf8_lossy(data);
    let decoded = match DecodedKey::parse(&key) {
        Ok(decoded) => decoded,
        Err(KeyError::TooLong { len, .. }) => {
            assert!(len == key.len() && len > MAX_PARTITION_KEY_BYTES);
            return;
        }
        Err(_) => return,
    };
    assert_eq!(decoded.as_str(), key);
    let entity = EntityTag::new(decoded.entity()).expect("a decoded entity tag is valid");
    let ids: Vec<Cow<'_, str>> = decoded.ids().collect();
    let ids: Vec<&str> = ids.iter().map(AsRef::as_ref).collect();
    let (rebuilt, owned) = match decoded.scope() {
        KeyScope::Platform => {
            let platform = Platform::new();
            (
                platform.partition_key(&entity, &ids),
                platform.check_key(&key),
            )
        }
        KeyScope::Tenant { tenant_id } => {
            let tenant = Tenant::new(tenant_id, "fuzz").expect("a decoded tenant id is valid");
            (tenant.partition_key(&entity, &ids), tenant.check_key(&key))
        }
        KeyScope::Capsule {
            tenant_id,
            capsule_id,
        } => {
            let capsule = Capsule::new(tenant_id, capsule_id, "FUZZ")
                .expect("decoded tenant and capsule ids are valid");
            (
                capsule.partition_key(&entity, &ids),
                capsule.check_key(&key),
            )
        }
    };
    assert_eq!(
        rebuilt.as_deref(),
        Ok(&*key),
        "the decoder accepted a non-canonical key"
    );
    assert_eq!(owned, Ok(()), "the key's own scope rejected it");
});
