//! The factory and its scoped clients against a real DynamoDB and STS endpoint (moto).

use scoped_runtime::{
    AwsClientFactory, Capsule, ConfigError, EntityTag, IsolationViolation, Platform, Scope, Tenant,
};
use scoped_tests::{all_keys, factory, get, put, table_names, unique, unscoped};

const LEAD: EntityTag = EntityTag::from_static("LEAD");
const EVENT: EntityTag = EntityTag::from_static("EVENT");

#[tokio::test]
async fn each_scope_creates_writes_and_reads_its_own_table() {
    let factory = factory().await;
    let run = unique();
    let base = format!("crm-{run}");
    let tenant = Tenant::new(format!("tenant-{run}"), "Acme").unwrap();
    let capsule = Capsule::new(format!("tenant-{run}"), "caps-456", "PRODUS").unwrap();

    let platform = factory.platform_dynamodb();
    let tenant_client = factory.tenant_dynamodb(&tenant);
    let capsule_client = factory.capsule_dynamodb(&capsule);

    let platform_table = platform.table_name(&base).unwrap();
    let tenant_table = tenant_client.table_name(&base).unwrap();
    let capsule_table = capsule_client.table_name(&base).unwrap();
    assert_eq!(platform_table, base.as_str());
    assert_eq!(tenant_table.as_str(), format!("tenant-{run}_{base}"));
    assert_eq!(capsule_table.as_str(), format!("PRODUS_{base}"));

    let platform_key = Platform::new().partition_key(&EVENT, &["e-1"]).unwrap();
    let tenant_key = tenant.partition_key(&LEAD, &["lead-789"]).unwrap();
    let capsule_key = capsule.partition_key(&LEAD, &["lead-789"]).unwrap();
    assert_eq!(tenant_key, format!("TENANT#tenant-{run}#LEAD#lead-789"));
    assert_eq!(
        capsule_key,
        format!("TENANT#tenant-{run}#CAPSULE#caps-456#LEAD#lead-789")
    );

    assert_eq!(
        platform.provision_table(&base).await.unwrap(),
        platform_table
    );
    assert_eq!(
        tenant_client.provision_table(&base).await.unwrap(),
        tenant_table
    );
    assert_eq!(
        capsule_client.provision_table(&base).await.unwrap(),
        capsule_table
    );
    for (raw, table, key) in [
        (platform.raw(), &platform_table, &platform_key),
        (tenant_client.raw(), &tenant_table, &tenant_key),
        (capsule_client.raw(), &capsule_table, &capsule_key),
    ] {
        put(raw, table.as_str(), key, &format!("value of {key}")).await;
        assert_eq!(
            get(raw, table.as_str(), key).await.as_deref(),
            Some(format!("value of {key}").as_str())
        );
    }
    platform.validate_pk(&platform_key).unwrap();
    tenant_client.validate_pk(&tenant_key).unwrap();
    capsule_client.validate_pk(&capsule_key).unwrap();
}

/// Two tenants whose ids are prefix siblings (`t1…` and `t10…`), each with two capsules whose
/// ids are prefix siblings too, write the same lead id. Each sees only its own item, each
/// rejects every other's key, and the shared capsule table holds exactly one item per capsule.
#[tokio::test]
async fn two_tenants_and_two_capsules_never_see_each_other() {
    let factory = factory().await;
    let run = unique();
    let base = format!("crm-{run}");
    let t1 = format!("t1-{run}");
    let t10 = format!("t10-{run}");
    // Make the second id a true string prefix-extension of the first.
    let t1 = t1.replacen("t1-", "t1", 1);
    let t10 = t10.replacen("t10-", "t1", 1) + "0";
    assert!(t10.starts_with(&t1));

    let capsules = [
        Capsule::new(&t1, "caps-456", "PRODUS").unwrap(),
        Capsule::new(&t1, "caps-4567", "DEVUS").unwrap(),
        Capsule::new(&t10, "caps-456", "PRODUS").unwrap(),
        Capsule::new(&t10, "caps-4567", "DEVUS").unwrap(),
    ];
    let tenants = [
        Tenant::new(&t1, "One").unwrap(),
        Tenant::new(&t10, "Ten").unwrap(),
    ];

    let mut written = Vec::new();
    for capsule in &capsules {
        let client = factory.capsule_dynamodb(capsule);
        let table = client.provision_table(&base).await.unwrap();
        let key = capsule.partition_key(&LEAD, &["lead-1"]).unwrap();
        put(client.raw(), table.as_str(), &key, capsule.id().as_str()).await;
        written.push((client, table, key));
    }
    for tenant in &tenants {
        let client = factory.tenant_dynamodb(tenant);
        let table = client.provision_table(&base).await.unwrap();
        let key = tenant.partition_key(&LEAD, &["lead-1"]).unwrap();
        put(client.raw(), table.as_str(), &key, tenant.id().as_str()).await;
    }

    // Each capsule reads its own item under its own key.
    for (client, table, key) in &written {
        let value = get(client.raw(), table.as_str(), key).await;
        assert_eq!(value.as_deref(), Some(client.scope().id().as_str()));
    }
    // Each capsule client rejects every other capsule's key, naming the differing segment.
    for (i, (client, _, _)) in written.iter().enumerate() {
        for (j, (_, _, other_key)) in written.iter().enumerate() {
            let verdict = client.validate_pk(other_key);
            if i == j {
                verdict.unwrap();
                continue;
            }
            let other = &capsules[j];
            match verdict.unwrap_err() {
                IsolationViolation::CrossTenant { found, .. } => {
                    assert_ne!(other.tenant_id(), client.scope().tenant_id());
                    assert_eq!(found, other.tenant_id().as_str());
                }
                IsolationViolation::CrossCapsule { found, .. } => {
                    assert_eq!(other.tenant_id(), client.scope().tenant_id());
                    assert_eq!(found, other.id().as_str());
                }
                violation => panic!("unexpected {violation:?}"),
            }
        }
    }
    // Capsules with the same code share a table, told apart by key; codes never mix.
    let produs = &written[0];
    assert_eq!(produs.1, written[2].1);
    assert_ne!(produs.1, written[1].1);
    let mut expected = vec![written[0].2.clone(), written[2].2.clone()];
    expected.sort();
    // A capsule client cannot scan its shared table (the guard rejects it): look directly.
    assert_eq!(
        all_keys(&unscoped(&factory), produs.1.as_str()).await,
        expected
    );
    // Tenant tables are per tenant; `t1`'s table is not a prefix match of `t10`'s.
    let t1_client = factory.tenant_dynamodb(&tenants[0]);
    let t10_client = factory.tenant_dynamodb(&tenants[1]);
    let t1_table = t1_client.table_name(&base).unwrap();
    let t10_table = t10_client.table_name(&base).unwrap();
    assert_ne!(t1_table, t10_table);
    assert_eq!(all_keys(t1_client.raw(), t1_table.as_str()).await.len(), 1);
    let t10_key = tenants[1].partition_key(&LEAD, &["lead-1"]).unwrap();
    assert!(matches!(
        t1_client.validate_pk(&t10_key),
        Err(IsolationViolation::CrossTenant { .. })
    ));
    // A tenant client does not accept its own capsules' keys: they live in capsule tables.
    assert!(matches!(
        t1_client.validate_pk(&written[0].2),
        Err(IsolationViolation::WrongScope { .. })
    ));
}

/// moto keeps state per account: a tenant whose role lives in account 111111111111 creates its
/// tables there, where the factory's own account (123456789012) cannot see them.
#[tokio::test]
async fn tenant_with_role_signs_with_the_role_account() {
    scoped_tests::needs!(Accounts);
    let factory = factory().await;
    let run = unique();
    let role_account = "111111111111";
    let tenant = Tenant::new(format!("tenant-{run}"), "Acme")
        .unwrap()
        .with_role_arn(format!("arn:aws:iam::{role_account}:role/tenant-{run}"))
        .unwrap();
    let client = factory.tenant_dynamodb(&tenant);
    let table = client.provision_table(&format!("crm-{run}")).await.unwrap();

    // The table is in the role's account: the role-signed client sees it, the factory's own
    // credentials do not. A second hand-out of the same tenant signs the same way.
    let again = factory.tenant_dynamodb(&tenant);
    for client in [&client, &again] {
        let described = client
            .raw()
            .describe_table()
            .table_name(table.as_str())
            .send()
            .await;
        assert!(described.is_ok(), "{described:?}");
    }
    assert!(
        !table_names(&unscoped(&factory))
            .await
            .contains(&table.to_string())
    );
}

#[tokio::test]
async fn operator_sts_signs_with_the_factory_credentials() {
    let factory = factory().await;
    let operator = factory.operator_sts();
    assert!(operator.role().is_none());
    let identity = operator.raw().get_caller_identity().send().await.unwrap();
    assert_eq!(identity.account(), Some("123456789012"));
}

#[tokio::test]
async fn incomplete_configurations_are_errors_not_panics() {
    let no_region = aws_config::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .build();
    assert!(matches!(
        AwsClientFactory::from_conf(no_region),
        Err(error @ ConfigError::NoRegion) if error.to_string().contains("region")
    ));
    let no_behavior_version = aws_config::SdkConfig::builder()
        .region(aws_config::Region::new("us-east-1"))
        .build();
    assert!(matches!(
        AwsClientFactory::from_conf(no_behavior_version),
        Err(error @ ConfigError::NoBehaviorVersion) if error.to_string().contains("behavior version")
    ));
}
