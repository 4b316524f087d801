//! The typed topic API: `factory.tenant_sns(&tenant).topic::<WebhookEvent>()`.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use aws_sdk_sns::types::{MessageAttributeValue, PublishBatchRequestEntry};
use tokio::sync::OnceCell;

use super::topic::{CapsuleNotification, PlatformNotification, TenantNotification, Topic};
use super::{Sns, SnsError};
use crate::client::{ScopedClient, Sender};
use crate::messaging::attribute::{self, SCOPE_ATTRIBUTE};
use crate::messaging::batch;
use crate::naming::sns as naming;
use crate::naming::sqs as queues;
use crate::scope::{Capsule, Platform, Scope, Tenant};

/// SNS's limit on one message, body and attributes together, and on a batch in all: 256 KiB.
pub const MAX_PUBLISH_BYTES: usize = 262_144;

/// SNS's limit on the messages of one batch.
pub const MAX_PUBLISH_BATCH: usize = batch::MAX_ENTRIES;

macro_rules! topic_accessor {
    ($scope:ident, $check:ident, $ctor:literal) => {
        impl ScopedClient<$scope, Sns> {
            #[doc = concat!(
                        "The topic of notification type `T`, which must be a ", stringify!($scope),
                        " notification (`T: ", stringify!($check), "`): `", $ctor, ".topic::<T>()`."
                    )]
            ///
            /// Building the handle sends nothing; its ARN is learnt on first use.
            #[must_use]
            pub fn topic<T: Topic + $check<<T as Topic>::Scope>>(&self) -> ScopedTopic<$scope, T> {
                ScopedTopic::new(self.clone())
            }
        }
    };
}

topic_accessor!(Platform, PlatformNotification, "factory.platform_sns()");
topic_accessor!(Tenant, TenantNotification, "factory.tenant_sns(&tenant)");
topic_accessor!(
    Capsule,
    CapsuleNotification,
    "factory.capsule_sns(&capsule)"
);

/// One scope's topic of notification type `T`, from `client.topic::<T>()`: typed publish
/// (single and batch) and subscriptions of the scope's own queues.
///
/// Every notification carries the scope's label in the `scoped.scope` message attribute;
/// subscriptions deliver raw, so the attribute arrives in SQS as the same message attribute,
/// where a scoped queue's `receive` checks it.
pub struct ScopedTopic<Sc: Scope, T> {
    client: ScopedClient<Sc, Sns>,
    /// What the typed operations send through: the SNS shared client, the scope stamped on
    /// each request.
    sender: Sender<Sns>,
    inner: Arc<TopicNames>,
    notification: PhantomData<fn() -> T>,
}

struct TopicNames {
    name: String,
    label: String,
    queue_prefix: String,
    arn: OnceCell<String>,
}

/// What one [`ScopedTopic::publish_batch`] did: SNS may accept some entries of a batch and
/// fail others.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchPublished {
    /// `(position in the batch, message id)` of each notification published.
    pub published: Vec<(usize, String)>,
    /// `(position in the batch, SNS's error code and message)` of each one not published.
    pub failed: Vec<(usize, String)>,
}

impl<Sc: Scope, T: Topic> ScopedTopic<Sc, T> {
    fn new(client: ScopedClient<Sc, Sns>) -> Self {
        let scope = client.scope().any_scope();
        Self {
            inner: Arc::new(TopicNames {
                name: naming::topic_name(&scope, T::BASE.as_str()),
                label: queues::scope_label(&scope),
                queue_prefix: queues::queue_prefix(&scope),
                arn: OnceCell::new(),
            }),
            sender: client.sender(),
            client,
            notification: PhantomData,
        }
    }

    /// The topic's name: `t_tenant-123_webhooks`.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// The label its notifications carry in `scoped.scope`: `tenant/tenant-123`.
    #[must_use]
    pub fn scope_label(&self) -> &str {
        &self.inner.label
    }

    /// The scope's own guarded SDK client, for operations the typed API does not wrap (the
    /// typed operations send through the service's shared client, the scope stamped on each
    /// request). Built on first use.
    #[must_use]
    pub fn raw(&self) -> &aws_sdk_sns::Client {
        self.client.raw()
    }

    /// Creates the topic, or finds it if it exists (`CreateTopic` is idempotent); returns its
    /// ARN.
    ///
    /// # Errors
    ///
    /// [`SnsError::Sdk`] if SNS refuses it.
    pub async fn provision(&self) -> Result<String, SnsError> {
        Ok(self.arn().await?.to_owned())
    }

    /// The topic's ARN, learnt once per handle from `CreateTopic` (which creates the topic if
    /// it does not exist: SNS has no lookup by name, and the name is the scope's).
    ///
    /// # Errors
    ///
    /// [`SnsError::Sdk`] if SNS refuses it.
    pub async fn arn(&self) -> Result<&str, SnsError> {
        let arn = self
            .inner
            .arn
            .get_or_try_init(|| async {
                let out = self
                    .sender
                    .client()
                    .create_topic()
                    .name(&self.inner.name)
                    .customize()
                    .interceptor(self.sender.stamp())
                    .send()
                    .await
                    .map_err(|err| SnsError::sdk("CreateTopic", &self.inner.name, err))?;
                out.topic_arn.ok_or_else(|| SnsError::Response {
                    operation: "CreateTopic",
                    topic: self.inner.name.clone(),
                    field: "TopicArn",
                })
            })
            .await?;
        Ok(arn)
    }

    fn scope_value(&self) -> Result<MessageAttributeValue, SnsError> {
        MessageAttributeValue::builder()
            .data_type(attribute::DATA_TYPE)
            .string_value(&self.inner.label)
            .build()
            .map_err(|err| SnsError::sdk("Publish", &self.inner.name, err))
    }

    fn encode(&self, notification: &T, index: usize) -> Result<String, SnsError> {
        let (body, bytes) =
            attribute::encode(notification, &self.inner.label).map_err(|source| {
                SnsError::Encode {
                    topic: self.inner.name.clone(),
                    message: std::any::type_name::<T>(),
                    source,
                }
            })?;
        if bytes > MAX_PUBLISH_BYTES {
            return Err(SnsError::MessageTooLarge {
                topic: self.inner.name.clone(),
                index,
                bytes,
                max: MAX_PUBLISH_BYTES,
            });
        }
        Ok(body)
    }

    /// Publishes one notification; returns its SNS message id.
    ///
    /// # Errors
    ///
    /// [`SnsError::MessageTooLarge`] over 256 KiB, [`SnsError::Encode`] if serde fails,
    /// [`SnsError::Sdk`] if SNS refuses it.
    pub async fn publish(&self, notification: &T) -> Result<String, SnsError> {
        let body = self.encode(notification, 0)?;
        let arn = self.arn().await?;
        let out = self
            .sender
            .client()
            .publish()
            .topic_arn(arn)
            .message(body)
            .message_attributes(SCOPE_ATTRIBUTE, self.scope_value()?)
            .customize()
            .interceptor(self.sender.stamp())
            .send()
            .await
            .map_err(|err| SnsError::sdk("Publish", &self.inner.name, err))?;
        out.message_id.ok_or_else(|| SnsError::Response {
            operation: "Publish",
            topic: self.inner.name.clone(),
            field: "MessageId",
        })
    }

    /// Publishes 1 to 10 notifications in one request.
    ///
    /// # Errors
    ///
    /// [`SnsError::BatchSize`] for an empty batch or one of more than 10,
    /// [`SnsError::MessageTooLarge`] or [`SnsError::BatchTooLarge`] over 256 KiB, and as
    /// [`Self::publish`].
    pub async fn publish_batch(&self, notifications: &[T]) -> Result<BatchPublished, SnsError> {
        if !batch::is_valid_size(notifications.len()) {
            return Err(SnsError::BatchSize {
                topic: self.inner.name.clone(),
                count: notifications.len(),
            });
        }
        let mut entries = Vec::with_capacity(notifications.len());
        let mut total = 0;
        for (index, notification) in notifications.iter().enumerate() {
            let body = self.encode(notification, index)?;
            total += attribute::message_bytes(&body, &self.inner.label);
            let entry = PublishBatchRequestEntry::builder()
                .id(index.to_string())
                .message(body)
                .message_attributes(SCOPE_ATTRIBUTE, self.scope_value()?)
                .build()
                .map_err(|err| SnsError::sdk("PublishBatch", &self.inner.name, err))?;
            entries.push(entry);
        }
        if total > MAX_PUBLISH_BYTES {
            return Err(SnsError::BatchTooLarge {
                topic: self.inner.name.clone(),
                bytes: total,
                max: MAX_PUBLISH_BYTES,
            });
        }
        let arn = self.arn().await?;
        let out = self
            .sender
            .client()
            .publish_batch()
            .topic_arn(arn)
            .set_publish_batch_request_entries(Some(entries))
            .customize()
            .interceptor(self.sender.stamp())
            .send()
            .await
            .map_err(|err| SnsError::sdk("PublishBatch", &self.inner.name, err))?;
        let published = batch::by_position(out.successful().iter().map(|entry| {
            (
                entry.id().unwrap_or_default(),
                entry.message_id().unwrap_or_default().to_owned(),
            )
        }));
        let failed = batch::by_position(
            out.failed()
                .iter()
                .map(|entry| (entry.id(), batch::failure(entry.code(), entry.message()))),
        );
        Ok(BatchPublished { published, failed })
    }

    /// Subscribes the SQS queue `queue_arn`, which must be a queue of this topic's scope
    /// (`ProvisionedQueue::arn` of a scoped queue), with raw delivery, so the `scoped.scope`
    /// attribute arrives as an SQS message attribute. Returns the subscription ARN.
    ///
    /// On AWS the queue also needs a policy letting the topic send to it; see docs/sns.md.
    ///
    /// # Errors
    ///
    /// [`SnsError::ForeignSubscriber`] for any other endpoint (before sending),
    /// [`SnsError::Sdk`] if SNS refuses it, or with an
    /// [`SnsViolation::ForeignAccount`](crate::SnsViolation::ForeignAccount) inside if the queue
    /// is in another account than the topic (the guard's check, before sending).
    pub async fn subscribe_queue(&self, queue_arn: &str) -> Result<String, SnsError> {
        let own = queues::queue_name_from_arn(queue_arn)
            .is_some_and(|name| queues::is_own_queue_name(&self.inner.queue_prefix, name));
        if !own {
            return Err(SnsError::ForeignSubscriber {
                topic: self.inner.name.clone(),
                endpoint: queue_arn.to_owned(),
                prefix: self.inner.queue_prefix.clone(),
            });
        }
        let arn = self.arn().await?;
        let out = self
            .sender
            .client()
            .subscribe()
            .topic_arn(arn)
            .protocol("sqs")
            .endpoint(queue_arn)
            .attributes("RawMessageDelivery", "true")
            .return_subscription_arn(true)
            .customize()
            .interceptor(self.sender.stamp())
            .send()
            .await
            .map_err(|err| SnsError::sdk("Subscribe", &self.inner.name, err))?;
        out.subscription_arn.ok_or_else(|| SnsError::Response {
            operation: "Subscribe",
            topic: self.inner.name.clone(),
            field: "SubscriptionArn",
        })
    }
}

impl<Sc: Scope, T> Clone for ScopedTopic<Sc, T> {
    fn clone(&self) -> Self {
        Self {
            client: self.client.clone(),
            sender: self.sender.clone(),
            inner: Arc::clone(&self.inner),
            notification: PhantomData,
        }
    }
}

impl<Sc: Scope, T> fmt::Debug for ScopedTopic<Sc, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScopedTopic")
            .field("name", &self.inner.name)
            .field("scope", self.client.scope())
            .finish_non_exhaustive()
    }
}
