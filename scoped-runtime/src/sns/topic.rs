//! Typed notifications: a serde struct bound to one scope's topic by `#[tenant_topic("…")]`,
//! `#[capsule_topic("…")]` or `#[platform_topic("…")]`.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::scope::sealed::Sealed as _;
use crate::scope::{Capsule, Platform, Scope, Tenant};

crate::messaging::base_name! {
    /// A topic's base name: `webhooks` in `t_tenant-123_webhooks`. 1–64 of `a-z 0-9 -`,
    /// starting with a letter or digit ([`scoped_rules::check_topic_base`]).
    TopicBase, check = scoped_rules::check_topic_base, by = "topic attributes",
}

/// A notification type bound to one scope's topic by a topic attribute:
/// `#[tenant_topic("webhooks")]` on a serde struct. Notifications are published as JSON with
/// the scope's label in the `scoped.scope` message attribute.
///
/// Sealed: only the attributes implement it (they check the base name at compile time).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not bound to a topic",
    label = "`{Self}` has no topic attribute",
    note = "bind it to its scope and topic with `#[capsule_topic(\"…\")]`, `#[tenant_topic(\"…\")]` or `#[platform_topic(\"…\")]` on a struct deriving `serde::Serialize` and `serde::Deserialize`"
)]
pub trait Topic: seal::BoundTopic + Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The scope whose topic carries this notification type.
    type Scope: Scope;

    /// The topic's base name.
    const BASE: TopicBase;

    /// The name of this type's topic in `scope`: `t_tenant-123_webhooks`.
    #[must_use]
    fn topic_name(scope: &Self::Scope) -> String {
        crate::naming::sns::topic_name(&scope.any_scope(), Self::BASE.as_str())
    }
}

/// The seal of [`Topic`], implemented by the topic attributes' generated code through
/// `::scoped_runtime::__private` (not public API).
pub(crate) mod seal {
    /// Implemented by the topic attributes beside [`Topic`](super::Topic).
    #[diagnostic::on_unimplemented(
        message = "`Topic` cannot be implemented by hand: `{Self}` has no topic attribute",
        label = "`{Self}` needs a topic attribute, not a hand-written `Topic` impl",
        note = "remove the impl and bind `{Self}` with `#[capsule_topic(\"…\")]`, `#[tenant_topic(\"…\")]` or `#[platform_topic(\"…\")]`: the attribute checks the base name and fixes the scope"
    )]
    pub trait BoundTopic {}
}

crate::messaging::scope_checks! {
    bound = Topic,
    param = TopicScope,
    label = "`{Self}` is a notification of a `{TopicScope}` topic",
    generic_note = "in generic code over a notification type `T`, bound its scope: `T: Topic<Scope = {TopicScope}>`",
    sealed = "Sealed: implemented by the runtime for exactly the notification types of this scope.";

    /// Implemented by the platform notification types (`#[platform_topic]`).
    PlatformNotification, Platform,
    message = "`{Self}` is a `{TopicScope}` notification, but `factory.platform_sns()` reaches only platform topics",
    note = "publish it through the client of its own scope: `factory.tenant_sns(&tenant)` for a tenant notification, `factory.capsule_sns(&capsule)` for a capsule notification";

    /// Implemented by the tenant notification types (`#[tenant_topic]`).
    TenantNotification, Tenant,
    message = "`{Self}` is a `{TopicScope}` notification, but `factory.tenant_sns(&tenant)` reaches only tenant topics",
    note = "publish it through the client of its own scope: `factory.capsule_sns(&capsule)` for a capsule notification, `factory.platform_sns()` for a platform notification";

    /// Implemented by the capsule notification types (`#[capsule_topic]`).
    CapsuleNotification, Capsule,
    message = "`{Self}` is a `{TopicScope}` notification, but `factory.capsule_sns(&capsule)` reaches only capsule topics",
    note = "publish it through the client of its own scope: `factory.tenant_sns(&tenant)` for a tenant notification, `factory.platform_sns()` for a platform notification";
}
