//! The names each scope's resources get: pure functions of the scope, injective across scopes,
//! checked against each service's limits. No SDK types: every service module reads them, and
//! a service that checks another's names (SNS subscribing an SQS queue) reads them here rather
//! than from that service.

pub(crate) mod table;
