//! Typed objects: [`Objects`], declared by `#[capsule_objects("…")]` and its tenant and
//! platform forms, and the [`ObjectKey`]s built from their id fields.

use std::fmt;
use std::marker::PhantomData;

use crate::naming::s3 as naming;
use crate::scope::sealed::Sealed as _;
use crate::scope::{Capsule, Platform, Scope, Tenant};
use crate::segment::Segment;

use super::S3;
use super::error::S3Error;
use crate::client::ScopedClient;

/// A struct whose values name objects of one collection in one scope: the object key is the
/// scope's prefix, the collection, then the struct's `#[scoped(id)]` fields, each escaped into
/// one segment (`capsule/tenant-123/caps-456/uploads/lead-789/contract.pdf`).
///
/// Implemented by [`capsule_objects`](crate::capsule_objects),
/// [`tenant_objects`](crate::tenant_objects) and [`platform_objects`](crate::platform_objects)
/// only (sealed).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an object type",
    label = "`{Self}` has no objects attribute",
    note = "bind it to its scope and collection with `#[capsule_objects(\"…\")]`, `#[tenant_objects(\"…\")]` or `#[platform_objects(\"…\")]` and mark its id fields with `#[scoped(id)]`"
)]
pub trait Objects: seal::DeclaredObjects {
    /// The scope whose prefix holds the objects.
    type Scope: Scope;
    /// The collection: the key segment after the scope's prefix (`uploads`).
    const COLLECTION: &'static str;
    /// How many ids name one object.
    const ID_COUNT: usize;

    /// Calls `visit` with each id of `self`, in order.
    #[doc(hidden)]
    fn visit_ids(&self, visit: &mut dyn FnMut(Segment<'_>));
}

pub(crate) mod seal {
    /// Implemented by the objects attributes beside [`Objects`](super::Objects).
    #[diagnostic::on_unimplemented(
        message = "`Objects` cannot be implemented by hand: `{Self}` has no objects attribute",
        label = "hand-written `Objects` impl",
        note = "remove the impl and bind `{Self}` with `#[capsule_objects(\"…\")]`, `#[tenant_objects(\"…\")]` or `#[platform_objects(\"…\")]`: the attribute checks the collection name and fixes the scope"
    )]
    pub trait DeclaredObjects {}

    /// `ClientScope` and `ObjectScope` are the same scope: the seal of the per-scope checks
    /// ([`TenantObjects`](super::TenantObjects)…), implemented only here.
    #[diagnostic::on_unimplemented(
        message = "scope checks cannot be implemented by hand: `{Self}` is a `{ObjectScope}` object type, not a `{ClientScope}` one",
        label = "hand-written scope check",
        note = "`scoped_runtime` implements the object scope checks for exactly the object types of each scope; remove this impl and reach `{Self}` through a client of its own scope, or bind it to a `{ClientScope}` collection with that scope's objects attribute"
    )]
    pub trait InScope<ClientScope, ObjectScope> {}

    impl<O: super::Objects<Scope = S> + ?Sized, S: crate::scope::Scope> InScope<S, S> for O {}
}

/// Defines the trait a scoped S3 client's `objects::<O>()` requires: implemented exactly for
/// the object types of that client's scope, with an error naming both scopes and the right
/// client. `objects` bounds `O` by this trait alone (no `Objects<Scope = …>` equality, which
/// would fail first with a bare type mismatch), and gets its client as `O`'s scope's through
/// it.
macro_rules! objects_scope_check {
    ($(#[$doc:meta])* $trait:ident, $scope:ident, message = $message:literal, note = $note:literal $(,)?) => {
        $(#[$doc])*
        ///
        /// Sealed: implemented by the runtime for exactly the object types of this scope.
        #[diagnostic::on_unimplemented(
            message = $message,
            label = "`{Self}` objects belong to the `{ObjectScope}` scope",
            note = $note
        )]
        pub trait $trait<ObjectScope>: Objects + seal::InScope<$scope, ObjectScope> {
            /// The client, as the client of `Self`'s scope, which it is.
            #[doc(hidden)]
            fn client_of(client: &ScopedClient<$scope, S3>) -> &ScopedClient<Self::Scope, S3>;
        }

        impl<O: Objects<Scope = $scope> + ?Sized> $trait<$scope> for O {
            fn client_of(client: &ScopedClient<$scope, S3>) -> &ScopedClient<$scope, S3> {
                client
            }
        }
    };
}

objects_scope_check! {
    /// The object types a [`CapsuleClient<S3>`](crate::CapsuleClient) reaches.
    CapsuleObjects, Capsule,
    message = "`{Self}` is a `{ObjectScope}` object type, but a `CapsuleClient<S3>` reaches only capsule objects",
    note = "use the client of `{Self}`'s own scope: `factory.tenant_s3(&tenant)` for tenant objects, `factory.platform_s3()` for platform objects",
}

objects_scope_check! {
    /// The object types a [`TenantClient<S3>`](crate::TenantClient) reaches.
    TenantObjects, Tenant,
    message = "`{Self}` is a `{ObjectScope}` object type, but a `TenantClient<S3>` reaches only tenant objects",
    note = "use the client of `{Self}`'s own scope: `factory.capsule_s3(&capsule)` for capsule objects, `factory.platform_s3()` for platform objects",
}

objects_scope_check! {
    /// The object types a [`PlatformClient<S3>`](crate::PlatformClient) reaches.
    PlatformObjects, Platform,
    message = "`{Self}` is a `{ObjectScope}` object type, but a `PlatformClient<S3>` reaches only platform objects",
    note = "use the client of `{Self}`'s own scope: `factory.capsule_s3(&capsule)` for capsule objects, `factory.tenant_s3(&tenant)` for tenant objects",
}

/// Bytes reserved per id when an object key is written from an object's fields (ids are
/// usually ids, file names or timestamps: a longer one grows the key once).
const ID_LEN_GUESS: usize = 24;

/// The key of one object of type `O` in one scope: built only from a scope and ids, so always
/// under the scope's prefix and in normal form.
pub struct ObjectKey<O: ?Sized> {
    key: String,
    _object: PhantomData<fn() -> O>,
}

impl<O: Objects + ?Sized> ObjectKey<O> {
    /// The key of the object with `ids` in `scope`.
    ///
    /// # Errors
    ///
    /// [`S3Error::ObjectKey`] if an id is empty or the key exceeds 1,024 bytes.
    pub fn new(scope: &O::Scope, ids: &[&str]) -> Result<Self, S3Error> {
        let key = naming::object_key(scope.scope_ref(), O::COLLECTION, ids).map_err(|rule| {
            S3Error::ObjectKey {
                collection: O::COLLECTION,
                ids: ids.iter().map(|id| (*id).to_owned()).collect(),
                rule: rule.describe(),
            }
        })?;
        Ok(Self {
            key,
            _object: PhantomData,
        })
    }

    /// The key of `object` in `scope`, from its id fields.
    ///
    /// # Errors
    ///
    /// As [`Self::new`].
    pub fn of(scope: &O::Scope, object: &O) -> Result<Self, S3Error> {
        // Written straight into the key: no id is collected unless the key is refused.
        let built = naming::object_key_with(
            scope.scope_ref(),
            O::COLLECTION,
            ID_LEN_GUESS * O::ID_COUNT,
            |write| {
                let mut written = Ok(());
                object.visit_ids(&mut |segment| {
                    if written.is_ok() {
                        written = write(segment.as_str());
                    }
                });
                written
            },
        );
        match built {
            Ok(key) => Ok(Self {
                key,
                _object: PhantomData,
            }),
            Err(_) => {
                let mut ids: Vec<String> = Vec::with_capacity(O::ID_COUNT);
                object.visit_ids(&mut |segment| ids.push(segment.as_str().to_owned()));
                let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
                Self::new(scope, &ids)
            }
        }
    }

    /// A key read back from a listing of `scope`'s collection, if it is one of `O`'s: the ids
    /// it holds, unescaped.
    pub(crate) fn read(scope_prefix: &str, key: &str) -> Option<(Self, Vec<String>)> {
        let rest = key
            .strip_prefix(scope_prefix)?
            .strip_prefix(O::COLLECTION)?
            .strip_prefix('/')?;
        let ids: Option<Vec<String>> = rest.split('/').map(naming::read_id).collect();
        let ids = ids.filter(|ids| ids.len() == O::ID_COUNT)?;
        Some((
            Self {
                key: key.to_owned(),
                _object: PhantomData,
            },
            ids,
        ))
    }

    /// The key as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.key
    }
}

impl<O: ?Sized> Clone for ObjectKey<O> {
    fn clone(&self) -> Self {
        Self {
            key: self.key.clone(),
            _object: PhantomData,
        }
    }
}

impl<O: ?Sized> PartialEq for ObjectKey<O> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl<O: ?Sized> Eq for ObjectKey<O> {}

impl<O: ?Sized> PartialEq<str> for ObjectKey<O> {
    fn eq(&self, other: &str) -> bool {
        self.key == other
    }
}

impl<O: ?Sized> PartialEq<&str> for ObjectKey<O> {
    fn eq(&self, other: &&str) -> bool {
        self.key == *other
    }
}

impl<O: ?Sized> fmt::Debug for ObjectKey<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.key, f)
    }
}

impl<O: ?Sized> fmt::Display for ObjectKey<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key)
    }
}

impl<O: ?Sized> AsRef<str> for ObjectKey<O> {
    fn as_ref(&self) -> &str {
        &self.key
    }
}
