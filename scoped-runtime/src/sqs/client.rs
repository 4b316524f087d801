//! The typed queue API: `factory.tenant_sqs(&tenant).queue::<Notification>()`.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use aws_sdk_sqs::types::{MessageAttributeValue, QueueAttributeName, SendMessageBatchRequestEntry};
use tokio::sync::OnceCell;

use super::message::{CapsuleMessage, PlatformMessage, Queue, TenantMessage};
use super::{Sqs, SqsError};
use crate::client::{ScopedClient, Sender};
use crate::messaging::attribute::{self, SCOPE_ATTRIBUTE};
use crate::messaging::batch;
use crate::naming::sqs as naming;
use crate::scope::{Capsule, Platform, Scope, Tenant};

/// SQS's limit on one message, body and attributes together, and on a batch in all: 256 KiB,
/// the default `MaximumMessageSize` of a queue.
pub const MAX_MESSAGE_BYTES: usize = 262_144;

/// SQS's limit on the messages of one batch, and of one receive.
pub const MAX_BATCH: usize = batch::MAX_ENTRIES;

/// How many receives a message may have before SQS moves it to the dead-letter queue
/// `provision` creates.
pub const MAX_RECEIVE_COUNT: u32 = 5;

/// The attribute a refused message carries in the dead-letter queue: why it was refused.
pub const REFUSED_ATTRIBUTE: &str = "scoped.refused";

macro_rules! queue_accessor {
    ($scope:ident, $check:ident, $ctor:literal) => {
        impl ScopedClient<$scope, Sqs> {
            #[doc = concat!(
                        "The queue of message type `M`, which must be a ", stringify!($scope),
                        " message (`M: ", stringify!($check), "`): `", $ctor, ".queue::<M>()`."
                    )]
            ///
            /// Building the handle sends nothing; its queue URL is looked up once, on first use.
            #[must_use]
            pub fn queue<M: Queue + $check<<M as Queue>::Scope>>(&self) -> MessageQueue<$scope, M> {
                MessageQueue::new(self.clone())
            }
        }
    };
}

queue_accessor!(Platform, PlatformMessage, "factory.platform_sqs()");
queue_accessor!(Tenant, TenantMessage, "factory.tenant_sqs(&tenant)");
queue_accessor!(Capsule, CapsuleMessage, "factory.capsule_sqs(&capsule)");

/// One scope's queue of message type `M`, from `client.queue::<M>()`: typed send, receive,
/// delete and visibility changes, and `provision`.
///
/// Every message it sends carries the scope's label in the `scoped.scope` message attribute,
/// and [`receive`](Self::receive) hands out only messages that carry exactly that label; any
/// other is moved to the queue's dead-letter queue and counted in [`Received::refused`].
pub struct MessageQueue<Sc: Scope, M> {
    client: ScopedClient<Sc, Sqs>,
    /// What the typed operations send through: the SQS shared client, the scope stamped on
    /// each request.
    sender: Sender<Sqs>,
    inner: Arc<QueueNames>,
    message: PhantomData<fn() -> M>,
}

struct QueueNames {
    name: String,
    dead_letter: String,
    label: String,
    url: OnceCell<String>,
    dead_letter_url: OnceCell<String>,
}

/// A received message's handle, for [`MessageQueue::delete`] and
/// [`MessageQueue::change_visibility`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt(String);

impl Receipt {
    /// SQS's receipt handle.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A message [`MessageQueue::receive`] handed out: of the queue's scope, decoded.
#[derive(Debug, Clone)]
pub struct Delivery<M> {
    /// The message.
    pub message: M,
    /// Its SQS message id.
    pub message_id: String,
    /// Its receipt, to delete it or change its visibility.
    pub receipt: Receipt,
}

/// Why [`MessageQueue::receive`] refused a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RefusedReason {
    /// The message carries no `scoped.scope` string attribute.
    #[error("the message carries no `scoped.scope` attribute")]
    MissingScope,
    /// The message carries another scope's label.
    #[error("the message carries scope {found:?}, not the queue's {expected:?}")]
    ForeignScope {
        /// The label it carries.
        found: String,
        /// The queue's scope label.
        expected: String,
    },
    /// The message is of the queue's scope but its body is not a valid `M`.
    #[error("the body is not a valid message of the queue's type: {error}")]
    Undecodable {
        /// serde_json's error.
        error: String,
    },
}

/// A message [`MessageQueue::receive`] moved to the dead-letter queue instead of handing it
/// out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// Its SQS message id in the queue it was received from.
    pub message_id: String,
    /// Why.
    pub reason: RefusedReason,
}

/// What one [`MessageQueue::receive`] got.
#[derive(Debug, Clone)]
pub struct Received<M> {
    /// The messages of the queue's scope, decoded.
    pub messages: Vec<Delivery<M>>,
    /// The messages it refused and dead-lettered (never handed out).
    pub refused: Vec<Refused>,
}

/// What one [`MessageQueue::send_batch`] did: SQS may accept some messages of a batch and
/// fail others.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchSent {
    /// `(position in the batch, message id)` of each message sent.
    pub sent: Vec<(usize, String)>,
    /// `(position in the batch, SQS's error code and message)` of each message not sent.
    pub failed: Vec<(usize, String)>,
}

/// The queue URLs and ARNs [`MessageQueue::provision`] created or found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvisionedQueue {
    /// The queue's URL.
    pub url: String,
    /// The queue's ARN (what an SNS subscription names).
    pub arn: String,
    /// Its dead-letter queue's URL.
    pub dead_letter_url: String,
    /// Its dead-letter queue's ARN.
    pub dead_letter_arn: String,
}

impl<Sc: Scope, M: Queue> MessageQueue<Sc, M> {
    fn new(client: ScopedClient<Sc, Sqs>) -> Self {
        let scope = client.scope().any_scope();
        let base = M::BASE.as_str();
        Self {
            inner: Arc::new(QueueNames {
                name: naming::queue_name(&scope, base),
                dead_letter: naming::dead_letter_name(&scope, base),
                label: naming::scope_label(&scope),
                url: OnceCell::new(),
                dead_letter_url: OnceCell::new(),
            }),
            sender: client.sender(),
            client,
            message: PhantomData,
        }
    }

    /// The queue's name: `t_tenant-123_notifications`.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// The name of its dead-letter queue: `t_tenant-123_notifications_dlq`.
    #[must_use]
    pub fn dead_letter_name(&self) -> &str {
        &self.inner.dead_letter
    }

    /// The label its messages carry in `scoped.scope`: `tenant/tenant-123`.
    #[must_use]
    pub fn scope_label(&self) -> &str {
        &self.inner.label
    }

    /// The scope's own guarded SDK client, for operations the typed API does not wrap (the
    /// typed operations send through the service's shared client, the scope stamped on each
    /// request). Built on first use.
    #[must_use]
    pub fn raw(&self) -> &aws_sdk_sqs::Client {
        self.client.raw()
    }

    /// The queue's URL, looked up with `GetQueueUrl` once per handle.
    ///
    /// # Errors
    ///
    /// [`SqsError::Sdk`] if the queue does not exist (provision it) or the lookup fails.
    pub async fn url(&self) -> Result<&str, SqsError> {
        self.lookup(&self.inner.url, &self.inner.name).await
    }

    async fn dead_letter_url(&self) -> Result<&str, SqsError> {
        self.lookup(&self.inner.dead_letter_url, &self.inner.dead_letter)
            .await
    }

    async fn lookup<'a>(
        &'a self,
        cell: &'a OnceCell<String>,
        name: &str,
    ) -> Result<&'a str, SqsError> {
        let url = cell
            .get_or_try_init(|| async {
                let out = self
                    .sender
                    .client()
                    .get_queue_url()
                    .queue_name(name)
                    .customize()
                    .interceptor(self.sender.stamp())
                    .send()
                    .await
                    .map_err(|err| SqsError::sdk("GetQueueUrl", name, err))?;
                out.queue_url.ok_or_else(|| SqsError::Response {
                    operation: "GetQueueUrl",
                    queue: name.to_owned(),
                    field: "QueueUrl",
                })
            })
            .await?;
        Ok(url)
    }

    /// Creates the queue and its dead-letter queue (or finds them, if they exist with the
    /// same attributes): the queue redrives a message to the dead-letter queue after
    /// [`MAX_RECEIVE_COUNT`] receives.
    ///
    /// # Errors
    ///
    /// [`SqsError::Sdk`] if SQS refuses a request.
    pub async fn provision(&self) -> Result<ProvisionedQueue, SqsError> {
        let (dead_letter_url, dead_letter_arn) = self.create(&self.inner.dead_letter, None).await?;
        let redrive = serde_json::json!({
            "deadLetterTargetArn": dead_letter_arn,
            "maxReceiveCount": MAX_RECEIVE_COUNT,
        })
        .to_string();
        let (url, arn) = self.create(&self.inner.name, Some(redrive)).await?;
        // A handle that looked the URLs up before keeps them; they are the same queues.
        let _ = self.inner.url.set(url.clone());
        let _ = self.inner.dead_letter_url.set(dead_letter_url.clone());
        Ok(ProvisionedQueue {
            url,
            arn,
            dead_letter_url,
            dead_letter_arn,
        })
    }

    async fn create(
        &self,
        name: &str,
        redrive: Option<String>,
    ) -> Result<(String, String), SqsError> {
        let mut request = self.sender.client().create_queue().queue_name(name);
        if let Some(redrive) = redrive {
            request = request.attributes(QueueAttributeName::RedrivePolicy, redrive);
        }
        let url = request
            .customize()
            .interceptor(self.sender.stamp())
            .send()
            .await
            .map_err(|err| SqsError::sdk("CreateQueue", name, err))?
            .queue_url
            .ok_or_else(|| SqsError::Response {
                operation: "CreateQueue",
                queue: name.to_owned(),
                field: "QueueUrl",
            })?;
        let arn = self
            .sender
            .client()
            .get_queue_attributes()
            .queue_url(&url)
            .attribute_names(QueueAttributeName::QueueArn)
            .customize()
            .interceptor(self.sender.stamp())
            .send()
            .await
            .map_err(|err| SqsError::sdk("GetQueueAttributes", name, err))?
            .attributes
            .and_then(|mut attributes| attributes.remove(&QueueAttributeName::QueueArn))
            .ok_or_else(|| SqsError::Response {
                operation: "GetQueueAttributes",
                queue: name.to_owned(),
                field: "QueueArn",
            })?;
        Ok((url, arn))
    }

    fn scope_value(&self) -> Result<MessageAttributeValue, SqsError> {
        string_attribute(&self.inner.name, &self.inner.label)
    }

    fn encode(&self, message: &M, index: usize) -> Result<String, SqsError> {
        let (body, bytes) =
            attribute::encode(message, &self.inner.label).map_err(|source| SqsError::Encode {
                queue: self.inner.name.clone(),
                message: std::any::type_name::<M>(),
                source,
            })?;
        if bytes > MAX_MESSAGE_BYTES {
            return Err(SqsError::MessageTooLarge {
                queue: self.inner.name.clone(),
                index,
                bytes,
                max: MAX_MESSAGE_BYTES,
            });
        }
        Ok(body)
    }

    /// Sends one message; returns its SQS message id.
    ///
    /// # Errors
    ///
    /// [`SqsError::MessageTooLarge`] over 256 KiB, [`SqsError::Encode`] if serde fails,
    /// [`SqsError::Sdk`] if SQS refuses it.
    pub async fn send(&self, message: &M) -> Result<String, SqsError> {
        let body = self.encode(message, 0)?;
        let url = self.url().await?;
        let out = self
            .sender
            .client()
            .send_message()
            .queue_url(url)
            .message_body(body)
            .message_attributes(SCOPE_ATTRIBUTE, self.scope_value()?)
            .customize()
            .interceptor(self.sender.stamp())
            .send()
            .await
            .map_err(|err| SqsError::sdk("SendMessage", &self.inner.name, err))?;
        out.message_id.ok_or_else(|| SqsError::Response {
            operation: "SendMessage",
            queue: self.inner.name.clone(),
            field: "MessageId",
        })
    }

    /// Sends 1 to 10 messages in one request. SQS may fail some and send the others: see
    /// [`BatchSent`].
    ///
    /// # Errors
    ///
    /// [`SqsError::BatchSize`] for an empty batch or one of more than 10,
    /// [`SqsError::MessageTooLarge`] or [`SqsError::BatchTooLarge`] over 256 KiB, and as
    /// [`Self::send`].
    pub async fn send_batch(&self, messages: &[M]) -> Result<BatchSent, SqsError> {
        if !batch::is_valid_size(messages.len()) {
            return Err(SqsError::BatchSize {
                queue: self.inner.name.clone(),
                count: messages.len(),
            });
        }
        let mut entries = Vec::with_capacity(messages.len());
        let mut total = 0;
        for (index, message) in messages.iter().enumerate() {
            let body = self.encode(message, index)?;
            total += attribute::message_bytes(&body, &self.inner.label);
            let entry = SendMessageBatchRequestEntry::builder()
                .id(index.to_string())
                .message_body(body)
                .message_attributes(SCOPE_ATTRIBUTE, self.scope_value()?)
                .build()
                .map_err(|err| SqsError::sdk("SendMessageBatch", &self.inner.name, err))?;
            entries.push(entry);
        }
        if total > MAX_MESSAGE_BYTES {
            return Err(SqsError::BatchTooLarge {
                queue: self.inner.name.clone(),
                bytes: total,
                max: MAX_MESSAGE_BYTES,
            });
        }
        let url = self.url().await?;
        let out = self
            .sender
            .client()
            .send_message_batch()
            .queue_url(url)
            .set_entries(Some(entries))
            .customize()
            .interceptor(self.sender.stamp())
            .send()
            .await
            .map_err(|err| SqsError::sdk("SendMessageBatch", &self.inner.name, err))?;
        let sent = batch::by_position(
            out.successful
                .iter()
                .map(|entry| (entry.id(), entry.message_id().to_owned())),
        );
        let failed = batch::by_position(
            out.failed
                .iter()
                .map(|entry| (entry.id(), batch::failure(entry.code(), entry.message()))),
        );
        Ok(BatchSent { sent, failed })
    }

    /// Receives up to `max_messages` (1–10) messages, waiting up to `wait` (at most 20 s) for
    /// the first (a long poll).
    ///
    /// Only messages whose `scoped.scope` attribute is exactly the queue's scope label and
    /// whose body decodes as `M` are handed out. Any other is sent to the dead-letter queue
    /// (with its reason in `scoped.refused`), deleted from this queue, and listed in
    /// [`Received::refused`]; it is never handed out.
    ///
    /// # Errors
    ///
    /// [`SqsError::ReceiveCount`], [`SqsError::Wait`], or [`SqsError::Sdk`] if a request
    /// fails (a refused message that could not be dead-lettered stays in the queue, to be
    /// refused again when it is next received).
    pub async fn receive(&self, max_messages: u8, wait: Duration) -> Result<Received<M>, SqsError> {
        if max_messages == 0 || usize::from(max_messages) > MAX_BATCH {
            return Err(SqsError::ReceiveCount {
                queue: self.inner.name.clone(),
                count: max_messages,
            });
        }
        if wait > Duration::from_secs(20) {
            return Err(SqsError::Wait {
                queue: self.inner.name.clone(),
                seconds: wait.as_secs(),
            });
        }
        let url = self.url().await?;
        let out = self
            .sender
            .client()
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(i32::from(max_messages))
            .wait_time_seconds(i32::try_from(wait.as_secs()).unwrap_or(20))
            .message_attribute_names(SCOPE_ATTRIBUTE)
            .customize()
            .interceptor(self.sender.stamp())
            .send()
            .await
            .map_err(|err| SqsError::sdk("ReceiveMessage", &self.inner.name, err))?;
        let mut received = Received {
            messages: Vec::new(),
            refused: Vec::new(),
        };
        for message in out.messages.unwrap_or_default() {
            let message_id = message.message_id().unwrap_or_default().to_owned();
            let Some(receipt) = message.receipt_handle().map(str::to_owned) else {
                return Err(SqsError::Response {
                    operation: "ReceiveMessage",
                    queue: self.inner.name.clone(),
                    field: "ReceiptHandle",
                });
            };
            let body = message.body().unwrap_or_default();
            let found = message
                .message_attributes()
                .and_then(|attributes| attributes.get(SCOPE_ATTRIBUTE))
                .and_then(|value| attribute::carried(value.data_type(), value.string_value()));
            let decoded = match attribute::check(found, &self.inner.label) {
                Err(None) => Err(RefusedReason::MissingScope),
                Err(Some(found)) => Err(RefusedReason::ForeignScope {
                    found,
                    expected: self.inner.label.clone(),
                }),
                Ok(()) => {
                    serde_json::from_str::<M>(body).map_err(|err| RefusedReason::Undecodable {
                        error: err.to_string(),
                    })
                }
            };
            match decoded {
                Ok(decoded) => received.messages.push(Delivery {
                    message: decoded,
                    message_id,
                    receipt: Receipt(receipt),
                }),
                Err(reason) => {
                    self.dead_letter(body, &reason, &receipt).await?;
                    received.refused.push(Refused { message_id, reason });
                }
            }
        }
        Ok(received)
    }

    /// Moves a refused message to the dead-letter queue: a copy there first, labelled with
    /// this scope (it is in this scope's queue now) and the reason, then the original deleted.
    async fn dead_letter(
        &self,
        body: &str,
        reason: &RefusedReason,
        receipt: &str,
    ) -> Result<(), SqsError> {
        let dead_letter_url = self.dead_letter_url().await?;
        self.sender
            .client()
            .send_message()
            .queue_url(dead_letter_url)
            .message_body(if body.is_empty() { " " } else { body })
            .message_attributes(SCOPE_ATTRIBUTE, self.scope_value()?)
            .message_attributes(
                REFUSED_ATTRIBUTE,
                string_attribute(&self.inner.dead_letter, &reason.to_string())?,
            )
            .customize()
            .interceptor(self.sender.stamp())
            .send()
            .await
            .map_err(|err| SqsError::sdk("SendMessage", &self.inner.dead_letter, err))?;
        let url = self.url().await?;
        self.sender
            .client()
            .delete_message()
            .queue_url(url)
            .receipt_handle(receipt)
            .customize()
            .interceptor(self.sender.stamp())
            .send()
            .await
            .map_err(|err| SqsError::sdk("DeleteMessage", &self.inner.name, err))?;
        Ok(())
    }

    /// Deletes a received message.
    ///
    /// # Errors
    ///
    /// [`SqsError::Sdk`] if SQS refuses it.
    pub async fn delete(&self, receipt: &Receipt) -> Result<(), SqsError> {
        let url = self.url().await?;
        self.sender
            .client()
            .delete_message()
            .queue_url(url)
            .receipt_handle(receipt.as_str())
            .customize()
            .interceptor(self.sender.stamp())
            .send()
            .await
            .map_err(|err| SqsError::sdk("DeleteMessage", &self.inner.name, err))?;
        Ok(())
    }

    /// Makes a received message invisible for `timeout` from now (0 makes it visible again).
    ///
    /// # Errors
    ///
    /// [`SqsError::Visibility`] over 12 hours, [`SqsError::Sdk`] if SQS refuses it.
    pub async fn change_visibility(
        &self,
        receipt: &Receipt,
        timeout: Duration,
    ) -> Result<(), SqsError> {
        let seconds = timeout.as_secs();
        let Ok(seconds_i32) = i32::try_from(seconds) else {
            return Err(self.visibility_error(seconds));
        };
        if seconds > 43_200 {
            return Err(self.visibility_error(seconds));
        }
        let url = self.url().await?;
        self.sender
            .client()
            .change_message_visibility()
            .queue_url(url)
            .receipt_handle(receipt.as_str())
            .visibility_timeout(seconds_i32)
            .customize()
            .interceptor(self.sender.stamp())
            .send()
            .await
            .map_err(|err| SqsError::sdk("ChangeMessageVisibility", &self.inner.name, err))?;
        Ok(())
    }

    fn visibility_error(&self, seconds: u64) -> SqsError {
        SqsError::Visibility {
            queue: self.inner.name.clone(),
            seconds,
        }
    }
}

/// A `String` message attribute. Both of the builder's required fields are set, so its error
/// is unreachable; it is still reported rather than unwrapped.
fn string_attribute(queue: &str, value: &str) -> Result<MessageAttributeValue, SqsError> {
    MessageAttributeValue::builder()
        .data_type(attribute::DATA_TYPE)
        .string_value(value)
        .build()
        .map_err(|err| SqsError::sdk("SendMessage", queue, err))
}

impl<Sc: Scope, M> Clone for MessageQueue<Sc, M> {
    fn clone(&self) -> Self {
        Self {
            client: self.client.clone(),
            sender: self.sender.clone(),
            inner: Arc::clone(&self.inner),
            message: PhantomData,
        }
    }
}

impl<Sc: Scope, M> fmt::Debug for MessageQueue<Sc, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MessageQueue")
            .field("name", &self.inner.name)
            .field("scope", self.client.scope())
            .finish_non_exhaustive()
    }
}
