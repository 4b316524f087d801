// #[tenant_table] expands to:

#[derive(ScopedKey)]
#[serde(rename_all = "camelCase")]
#[__scoped_table(tenant, "notifications")]
pub(crate) struct WebhookDelivery {
    #[scoped(id)]
    pub webhook_id: u64,
    #[scoped(id)]
    pub attempt: Box<str>,
}
const _: () = {
    #[automatically_derived]
    impl ::scoped_runtime::__private::BoundTable for WebhookDelivery {}
    #[automatically_derived]
    impl ::scoped_runtime::__private::Table for WebhookDelivery {
        type Scope = ::scoped_runtime::__private::Tenant;
        type Declaration = Self;
        const BASE_NAME: ::scoped_runtime::__private::BaseName = ::scoped_runtime::__private::BaseName::from_static(
            "notifications",
        );
        const KEY_SCHEMA: ::scoped_runtime::__private::KeySchema = ::scoped_runtime::__private::KeySchema::Partition;
        const INDEXES: &'static [::scoped_runtime::__private::IndexSchema] = &[];
    }
    impl WebhookDelivery {
        /**The name of [`WebhookDelivery`](Self)'s table in `scope`: `{tenant_id}_notifications` (e.g. `tenant-123_notifications`).

`WebhookDelivery` is a **tenant** entity (`#[tenant_table("notifications")]`): reach it through `factory.tenant_dynamodb(&tenant)`.
*/
        #[must_use]
        pub(crate) fn table_name(
            scope: &::scoped_runtime::__private::Tenant,
        ) -> ::scoped_runtime::__private::TableName {
            <Self as ::scoped_runtime::__private::Table>::table_name(scope)
        }
    }
};

// and #[derive(ScopedKey)] on that struct to:

const _: () = {
    #[automatically_derived]
    impl ::scoped_runtime::__private::DerivedEntity for WebhookDelivery {}
    #[automatically_derived]
    impl ::scoped_runtime::__private::Entity for WebhookDelivery {
        /**`WEBHOOK_DELIVERY`: `WebhookDelivery`'s tag in its partition keys, `TENANT#{tenant_id}#WEBHOOK_DELIVERY#{webhook_id}#{attempt}`.
*/
        const TAG: ::scoped_runtime::__private::EntityTag = ::scoped_runtime::__private::EntityTag::from_static(
            "WEBHOOK_DELIVERY",
        );
        /**The top-level attributes of `WebhookDelivery`'s items, as serde writes them: `webhookId` (field `webhook_id`), an id; `attempt`, an id.

An [`Update`](scoped_runtime::Update) of `WebhookDelivery` may name these, except the ids.
*/
        const ATTRIBUTES: ::scoped_runtime::__private::Attributes = ::scoped_runtime::__private::Attributes::new(
            &[
                ::scoped_runtime::__private::Attribute::new(
                    "webhookId",
                    "webhook_id",
                    true,
                ),
                ::scoped_runtime::__private::Attribute::new("attempt", "attempt", true),
            ],
            false,
        );
        const SORT_ID_COUNT: usize = 0usize;
        type Partition = Self;
        /**`WebhookDelivery`'s key ids, from its fields `webhook_id`, `attempt` (in this order): they make its partition key
`TENANT#{tenant_id}#WEBHOOK_DELIVERY#{webhook_id}#{attempt}`.
*/
        type Ids<'a> = (u64, &'a str);
        type PartitionIds<'a> = (u64, &'a str);
        type SortIds<'a> = ();
        type FirstSort = ::scoped_runtime::__private::position::Done;
        fn ids(&self) -> (u64, &'_ str) {
            (
                self.webhook_id,
                ::scoped_runtime::__private::AsRef::<str>::as_ref(&self.attempt),
            )
        }
        fn split_ids<'a>(ids: (u64, &'a str)) -> ((u64, &'a str), ())
        where
            Self: 'a,
        {
            let (__id0, __id1) = ids;
            ((__id0, __id1), ())
        }
        fn registration() -> &'static ::scoped_runtime::__private::Registration {
            static REGISTRATION: ::scoped_runtime::__private::Registration = ::scoped_runtime::__private::Registration::new();
            &REGISTRATION
        }
        fn index_attributes(
            &self,
            scope: &<Self as ::scoped_runtime::__private::Table>::Scope,
            key: &::scoped_runtime::__private::ItemKey<Self>,
        ) -> ::core::result::Result<
            ::scoped_runtime::__private::IndexAttributes,
            ::scoped_runtime::__private::KeyError,
        > {
            let _ = (scope, key);
            #[allow(
                unused_mut,
                reason = "an entity without index templates writes nothing"
            )]
            let mut out = ::scoped_runtime::__private::IndexAttributes::new();
            ::core::result::Result::Ok(out)
        }
        fn visit_unique(
            &self,
            visit: &mut dyn ::core::ops::FnMut(
                &'static str,
                ::scoped_runtime::__private::Segment<'_>,
            ),
        ) {
            let _ = &visit;
        }
    }
    #[automatically_derived]
    impl WebhookDelivery {
        /**The partition key of the [`WebhookDelivery`](Self) with these ids in `scope`:

`TENANT#{tenant_id}#WEBHOOK_DELIVERY#{webhook_id}#{attempt}`

`WebhookDelivery` is a **tenant** entity in table `{tenant_id}_notifications`. Ids are escaped (`#` as `%23`,
`%` as `%25`), so no id can reach another scope's or entity's keys, and the key is typed: a
`PartitionKey<WebhookDelivery>` is accepted only where a key of `WebhookDelivery` is expected.

# Errors

[`KeyError`](scoped_runtime::KeyError) if an id is empty or the key exceeds DynamoDB's 2048 bytes.
*/
        pub(crate) fn partition_key(
            scope: &::scoped_runtime::__private::Tenant,
            webhook_id: u64,
            attempt: &str,
        ) -> ::scoped_runtime::__private::Result<
            ::scoped_runtime::__private::PartitionKey<WebhookDelivery>,
            ::scoped_runtime::__private::KeyError,
        > {
            <Self as ::scoped_runtime::__private::Entity>::partition_key(
                scope,
                (webhook_id, attempt),
            )
        }
        /**This [`WebhookDelivery`](Self)'s own partition key in `scope`, from its `webhook_id`, `attempt` fields:

`TENANT#{tenant_id}#WEBHOOK_DELIVERY#{webhook_id}#{attempt}`

Same key as [`WebhookDelivery::partition_key`](Self::partition_key) with those fields' values.

# Errors

[`KeyError`](scoped_runtime::KeyError) if an id is empty or the key exceeds DynamoDB's 2048 bytes.
*/
        pub(crate) fn to_partition_key(
            &self,
            scope: &::scoped_runtime::__private::Tenant,
        ) -> ::scoped_runtime::__private::Result<
            ::scoped_runtime::__private::PartitionKey<WebhookDelivery>,
            ::scoped_runtime::__private::KeyError,
        > {
            <Self as ::scoped_runtime::__private::Entity>::to_partition_key(self, scope)
        }
    }
};
