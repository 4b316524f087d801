//! DynamoDB, the default service: tables and entities declared by the macros, typed items,
//! queries and indexes, the isolation guard, provisioning and session-policy statements.

mod client;
pub(crate) mod cursor;
pub(crate) mod entity;
pub(crate) mod error;
pub(crate) mod guard;
pub(crate) mod index;
pub(crate) mod ops;
#[cfg(test)]
mod policy_agreement;
pub(crate) mod range;
pub(crate) mod schema;
#[cfg(test)]
mod shared_tests;
pub(crate) mod tags;

use aws_config::SdkConfig;

use crate::client::{Guard, Service, ServiceConfig, sealed};
use crate::credentials::{RoleSigning, SignAs};
use crate::scope::AnyScope;

crate::credentials::impl_sign_as!(aws_sdk_dynamodb::config::Builder);

/// Amazon DynamoDB: scoped clients wrap [`aws_sdk_dynamodb::Client`].
#[derive(Debug, Clone, Copy)]
pub enum DynamoDb {}

impl sealed::Sealed for DynamoDb {
    type Raw = aws_sdk_dynamodb::Client;

    fn guarded(config: &ServiceConfig<'_>, scope: &AnyScope) -> Self::Raw {
        let mut builder = aws_sdk_dynamodb::config::Builder::from(config.sdk_config())
            .interceptor(Guard::of_scope(&guard::DynamoDbCheck, scope));
        if let Some(signing) = config.signing(scope) {
            builder = builder.sign_as(signing);
        }
        aws_sdk_dynamodb::Client::from_conf(builder.build())
    }

    fn shared(config: &ServiceConfig<'_>) -> Self::Raw {
        let builder = aws_sdk_dynamodb::config::Builder::from(config.sdk_config())
            .interceptor(Guard::per_request(guard::DynamoDbCheck))
            .sign_per_request(config.request_signing());
        aws_sdk_dynamodb::Client::from_conf(builder.build())
    }

    fn signed(config: &SdkConfig, signing: Option<RoleSigning>) -> Self::Raw {
        let mut builder = aws_sdk_dynamodb::config::Builder::from(config);
        if let Some(signing) = signing {
            builder = builder.sign_as(signing);
        }
        aws_sdk_dynamodb::Client::from_conf(builder.build())
    }
}

impl Service for DynamoDb {
    type Client = aws_sdk_dynamodb::Client;
}
