use scoped_runtime::capsule_objects;

/// A file attached to a lead: `/` cannot be in a collection name.
#[capsule_objects("up/loads")]
pub struct Attachment {
    /// The lead.
    #[scoped(id)]
    pub lead_id: String,
}

fn main() {}
