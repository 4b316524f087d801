// #[capsule_objects("uploads")] expands to:

/// A file attached to a lead.
/**

**Objects** (capsule scope): each value names the object `capsule/{tenant_id}/{capsule_id}/uploads/{lead_id}/{version}`, reached through `factory.capsule_s3(&capsule).objects::<Attachment>()`. Ids are escaped into one segment each (`/` → `%2F`, `%` → `%25`).*/
pub struct Attachment {
    pub lead_id: String,
    pub version: u32,
    pub size: u64,
}
const _: () = {
    #[automatically_derived]
    impl ::scoped_runtime::__private::s3::DeclaredObjects for Attachment {}
    #[automatically_derived]
    impl ::scoped_runtime::__private::s3::Objects for Attachment {
        type Scope = ::scoped_runtime::__private::Capsule;
        const COLLECTION: &'static str = "uploads";
        const ID_COUNT: usize = 2usize;
        fn visit_ids(
            &self,
            visit: &mut dyn FnMut(::scoped_runtime::__private::Segment<'_>),
        ) {
            visit(::scoped_runtime::__private::s3::KeySegment::segment(&self.lead_id));
            visit(::scoped_runtime::__private::s3::KeySegment::segment(&self.version));
        }
    }
};
#[automatically_derived]
impl Attachment {
    /**The key of the `Attachment` object with these ids in a capsule: `capsule/{tenant_id}/{capsule_id}/uploads/{lead_id}/{version}`.

# Errors

`S3Error::ObjectKey` if an id is empty or the key exceeds 1,024 bytes.*/
    pub fn object_key(
        scope: &::scoped_runtime::__private::Capsule,
        lead_id: &str,
        version: u32,
    ) -> ::core::result::Result<
        ::scoped_runtime::__private::s3::ObjectKey<Attachment>,
        ::scoped_runtime::__private::s3::S3Error,
    > {
        let lead_id = ::scoped_runtime::__private::s3::KeySegment::segment(&lead_id);
        let version = ::scoped_runtime::__private::s3::KeySegment::segment(&version);
        ::scoped_runtime::__private::s3::ObjectKey::new(
            scope,
            &[lead_id.as_str(), version.as_str()],
        )
    }
    /**This object's key in `scope`, from its id fields: `capsule/{tenant_id}/{capsule_id}/uploads/{lead_id}/{version}`.

# Errors

As [`Attachment::object_key`].*/
    pub fn to_object_key(
        &self,
        scope: &::scoped_runtime::__private::Capsule,
    ) -> ::core::result::Result<
        ::scoped_runtime::__private::s3::ObjectKey<Attachment>,
        ::scoped_runtime::__private::s3::S3Error,
    > {
        ::scoped_runtime::__private::s3::ObjectKey::of(scope, self)
    }
}
