//! `KeySegment` is how users add id types; whatever text one returns is escaped into one id,
//! so it cannot write another scope's, tenant's or entity's key.

use scoped_runtime::{
    Capsule, DecodedKey, KeyScope, KeySegment, Scope, ScopedKey, Segment, capsule_table,
};

/// An id type whose text tries to close the key and start another tenant's capsule key.
pub(crate) struct ForgingId(pub(crate) String);

impl KeySegment for ForgingId {
    fn segment(&self) -> Segment<'_> {
        Segment::from(self.0.as_str())
    }
}

/// A prospect keyed by that id type.
#[capsule_table("crm")]
#[derive(ScopedKey)]
pub(crate) struct Prospect {
    /// Its id.
    #[scoped(id)]
    pub(crate) lead_id: ForgingId,
}

pub(crate) fn main() -> Result<(), Box<dyn std::error::Error>> {
    let capsule = Capsule::new("t1", "c1", "PRODUS")?;
    for forged in [
        "x#TENANT#t2#CAPSULE#c2#LEAD#y",
        "%23TENANT%23t2",
        "x%",
        "#",
        "\u{0}#\u{ffff}",
    ] {
        let id = ForgingId(forged.to_owned());
        let key = Prospect::partition_key(&capsule, &id)?;
        capsule.check_key(key.as_str())?;
        let decoded = DecodedKey::parse(key.as_str())?;
        assert_eq!(
            decoded.scope(),
            KeyScope::Capsule {
                tenant_id: "t1",
                capsule_id: "c1"
            }
        );
        assert_eq!(decoded.entity(), "PROSPECT");
        assert_eq!(decoded.ids().collect::<Vec<_>>(), [forged]);
    }
    Ok(())
}
