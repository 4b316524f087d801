//! Names of each service's resources: pure functions of the scope, without SDK types.

pub(crate) mod s3;
