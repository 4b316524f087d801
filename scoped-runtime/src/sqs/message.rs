//! Typed messages: a serde struct bound to one scope's queue by `#[tenant_queue("…")]`,
//! `#[capsule_queue("…")]` or `#[platform_queue("…")]`.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::scope::sealed::Sealed as _;
use crate::scope::{Capsule, Platform, Scope, Tenant};

crate::messaging::base_name! {
    /// A queue's base name: `notifications` in `t_tenant-123_notifications`. 1–32 of
    /// `a-z 0-9 -`, starting with a letter or digit ([`scoped_rules::check_queue_base`]).
    QueueBase, check = scoped_rules::check_queue_base, by = "queue attributes",
}

/// A message type bound to one scope's queue by a queue attribute:
/// `#[tenant_queue("notifications")]` on a serde struct. Its messages travel as JSON bodies
/// with the scope's label in the `scoped.scope` message attribute.
///
/// Sealed: only the attributes implement it (they check the base name at compile time).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not bound to a queue",
    label = "`{Self}` has no queue attribute",
    note = "bind it to its scope and queue with `#[capsule_queue(\"…\")]`, `#[tenant_queue(\"…\")]` or `#[platform_queue(\"…\")]` on a struct deriving `serde::Serialize` and `serde::Deserialize`"
)]
pub trait Queue: seal::BoundQueue + Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The scope whose queue carries this message type.
    type Scope: Scope;

    /// The queue's base name.
    const BASE: QueueBase;

    /// The name of this message type's queue in `scope`: `t_tenant-123_notifications`.
    #[must_use]
    fn queue_name(scope: &Self::Scope) -> String {
        crate::naming::sqs::queue_name(&scope.any_scope(), Self::BASE.as_str())
    }
}

/// The seal of [`Queue`], implemented by the queue attributes' generated code through
/// `::scoped_runtime::__private` (not public API).
pub(crate) mod seal {
    /// Implemented by the queue attributes beside [`Queue`](super::Queue).
    #[diagnostic::on_unimplemented(
        message = "`Queue` cannot be implemented by hand: `{Self}` has no queue attribute",
        label = "`{Self}` needs a queue attribute, not a hand-written `Queue` impl",
        note = "remove the impl and bind `{Self}` with `#[capsule_queue(\"…\")]`, `#[tenant_queue(\"…\")]` or `#[platform_queue(\"…\")]`: the attribute checks the base name and fixes the scope"
    )]
    pub trait BoundQueue {}
}

crate::messaging::scope_checks! {
    bound = Queue,
    param = MessageScope,
    label = "`{Self}` is a message of a `{MessageScope}` queue",
    generic_note = "in generic code over a message type `M`, bound its scope: `M: Queue<Scope = {MessageScope}>`",
    sealed = "Sealed: implemented by the runtime for exactly the message types of this scope.";

    /// Implemented by the platform message types (`#[platform_queue]`): the only ones a
    /// platform SQS client reaches.
    PlatformMessage, Platform,
    message = "`{Self}` is a `{MessageScope}` message, but `factory.platform_sqs()` reaches only platform queues",
    note = "send and receive it through the client of its own scope: `factory.tenant_sqs(&tenant)` for a tenant message, `factory.capsule_sqs(&capsule)` for a capsule message";

    /// Implemented by the tenant message types (`#[tenant_queue]`): the only ones a tenant
    /// SQS client reaches.
    TenantMessage, Tenant,
    message = "`{Self}` is a `{MessageScope}` message, but `factory.tenant_sqs(&tenant)` reaches only tenant queues",
    note = "send and receive it through the client of its own scope: `factory.capsule_sqs(&capsule)` for a capsule message, `factory.platform_sqs()` for a platform message";

    /// Implemented by the capsule message types (`#[capsule_queue]`): the only ones a capsule
    /// SQS client reaches.
    CapsuleMessage, Capsule,
    message = "`{Self}` is a `{MessageScope}` message, but `factory.capsule_sqs(&capsule)` reaches only capsule queues",
    note = "send and receive it through the client of its own scope: `factory.tenant_sqs(&tenant)` for a tenant message, `factory.platform_sqs()` for a platform message";
}
