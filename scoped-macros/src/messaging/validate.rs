//! The base name against the service's rule (`scoped_rules::sqs`, `scoped_rules::sns`).

use super::Resource;
use super::parse::MessageInput;

impl MessageInput {
    /// The checked base, or an error spanned on the literal naming the value and the rule.
    pub(crate) fn validate(&self) -> syn::Result<String> {
        let base = self.base.value();
        let (checked, what, rule) = match self.resource {
            Resource::Queue => (
                scoped_rules::check_queue_base(&base),
                "queue base name",
                "1–32 of `a-z 0-9 -`, starting with a lowercase letter or digit",
            ),
            Resource::Topic => (
                scoped_rules::check_topic_base(&base),
                "topic base name",
                "1–64 of `a-z 0-9 -`, starting with a lowercase letter or digit",
            ),
        };
        checked.map(|()| base.clone()).map_err(|broken| {
            syn::Error::new(
                self.base.span(),
                format!("invalid {what} {base:?}: it {broken} (the rule: {rule})"),
            )
        })
    }
}
